/**
 * Counts the SQL statements (round trips) a piece of work sends, e.g. one HTTP request: every
 * `query` of a pooled connection — PGlite-backed or real PostgreSQL, `BEGIN`/`COMMIT`/savepoints
 * included — is counted against the AsyncLocalStorage store of the code that sent it
 * (`countStatements(fn)`). test/api/statement-counts.test.ts makes "statements per request do not
 * grow with the number of lines" a test (issue 12, decision 022).
 *
 * Zero cost when nothing counts: the AsyncLocalStorage is created by the first `countStatements`
 * (so Node's async hooks stay off in production), and until then the wrapper is one null check.
 *
 * The same wrapper runs the tenant check (src/db/tenant-check.ts) when it is on — in tests only:
 * a statement on a tenant-owned table without a tenant filter fails before it is sent.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type pg from 'pg';
import { tenantCheckEnabled, tenantFilterError } from './tenant-check.ts';

export type StatementCount = { count: number; statements: string[] };

let storage: AsyncLocalStorage<StatementCount> | null = null;

/** Runs `fn`, counting the statements it (and everything it awaits) sends. */
export async function countStatements<T>(fn: () => Promise<T>): Promise<{ result: T } & StatementCount> {
  storage ??= new AsyncLocalStorage<StatementCount>();
  const counter: StatementCount = { count: 0, statements: [] };
  const result = await storage.run(counter, fn);
  return { result, ...counter };
}

function textOf(query: unknown): string {
  if (typeof query === 'string') return query;
  if (query && typeof query === 'object' && 'text' in query && typeof query.text === 'string') return query.text;
  return String(query);
}

const instrumented = new WeakSet<object>();

/** Wraps one pooled connection's `query` (called as each connection is made). */
export function instrumentClient(client: pg.PoolClient | pg.Client): void {
  if (instrumented.has(client)) return;
  instrumented.add(client);
  const query = client.query;
  client.query = function countedQuery(this: unknown, ...args: unknown[]) {
    const counter = storage?.getStore();
    if (counter) {
      counter.count += 1;
      counter.statements.push(textOf(args[0]));
    }
    if (tenantCheckEnabled) {
      const refused = tenantFilterError(textOf(args[0]));
      if (refused) {
        const callback = args.at(-1);
        if (typeof callback === 'function') {
          process.nextTick(() => (callback as (error: Error) => void)(refused));
          return undefined;
        }
        return Promise.reject(refused);
      }
    }
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof client.query;
}

/** Every connection the pool makes is counted; `pool.query` itself goes through a connection's. */
export function instrumentPool(pool: pg.Pool): void {
  pool.on('connect', (client) => instrumentClient(client));
}
