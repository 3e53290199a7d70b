/**
 * Several independent writes sent as ONE statement (issue 12: a request's round trips do not grow
 * with what it writes): each compiled INSERT / UPDATE / DELETE becomes a data-modifying CTE of
 * `WITH w0 AS (…), w1 AS (…) SELECT 1`, its `$n` parameters renumbered. PostgreSQL runs every
 * one of them exactly once, to completion, whether or not anything reads it.
 *
 * The rules of data-modifying CTEs apply, so only combine writes that do not depend on each other:
 * - all of them see the same snapshot: none sees another's rows (an UPDATE does not see a row an
 *   INSERT beside it adds; two of them must not change the same row);
 * - AFTER triggers fire when the whole statement ends: a write that must come after what a
 *   trigger does (storing an invoice summary after line changes mark it stale) goes in a later
 *   statement.
 * A statement that starts with its own WITH cannot be nested and is refused.
 */
import { CompiledQuery, type Compilable, type QueryExecutorProvider, type RawBuilder } from 'kysely';
import type { DbOrTrx } from './database.ts';

/** A query builder (`trx.insertInto(…)`, not executed), a sql`` template, or a compiled query. */
export type Write = Compilable | RawBuilder<unknown> | CompiledQuery;

function compiled(write: Write, db: QueryExecutorProvider): CompiledQuery {
  if (!('compile' in write)) return write;
  // Builders ignore the argument; a sql`` template compiles with the database's dialect and plugins.
  return (write.compile as (provider: QueryExecutorProvider) => CompiledQuery).call(write, db);
}

/** The writes as one statement's text and parameters (exported for its test). */
export function combineWrites(db: QueryExecutorProvider, writes: readonly Write[]): CompiledQuery {
  const parts: string[] = [];
  const parameters: unknown[] = [];
  for (const [index, write] of writes.entries()) {
    const query = compiled(write, db);
    const text = query.sql.trim();
    if (!/^(insert|update|delete)\b/i.test(text)) {
      throw new Error(`combineWrites takes INSERT, UPDATE or DELETE statements; write ${index} starts "${text.slice(0, 30)}"`);
    }
    const offset = parameters.length;
    // Kysely and sql`` number their parameters $1…$n and never put "$<digit>" anywhere else.
    parts.push(`w${index} as (${text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`)})`);
    parameters.push(...query.parameters);
  }
  return CompiledQuery.raw(`with ${parts.join(', ')} select 1`, parameters);
}

/** Sends the writes in one round trip (none when there are none). */
export async function executeWritesTogether(db: DbOrTrx, writes: readonly (Write | null | undefined | false)[]): Promise<void> {
  const present = writes.filter((w): w is Write => Boolean(w));
  if (present.length === 0) return;
  if (present.length === 1) {
    await db.executeQuery(compiled(present[0] as Write, db));
    return;
  }
  await db.executeQuery(combineWrites(db, present));
}
