/**
 * A `Db` for code that runs inside a transaction it did not open: every query goes to that
 * transaction, and `db.transaction().execute(fn)` — what each service calls — runs `fn` inside it
 * too, so nothing commits until the outer transaction does. The idempotency middleware hands it to
 * a request sent with an Idempotency-Key, so the request's writes and its stored answer commit
 * together (docs/decisions/015-faults-idempotency.md).
 *
 * A nested transaction costs no statement (issue 12: no SAVEPOINT / RELEASE round trips): when
 * `fn` fails, the joined transaction is marked failed (`joinedTransactionFailed`) and the error goes
 * on; the owner of the outer transaction must then roll it back — the middleware does, since the
 * request answers with that error. Code that catches a nested failure and carries on (a bulk action
 * reporting each item) uses `withSavepoint`, which undoes exactly what `fn` wrote.
 *
 * The outer transaction is READ COMMITTED (PostgreSQL's default); a nested transaction may ask for
 * that or weaker, not for more, since the level of a transaction is fixed by its first query.
 * Code inside must not run two nested transactions at once (`Promise.all` of writes): they share
 * one connection, and their savepoints would interleave.
 */
import { sql, type AccessMode, type IsolationLevel } from 'kysely';
import type { Db, Trx } from './database.ts';

type State = { trx: Trx; savepoints: number; failed: boolean };
type Settings = { isolationLevel?: IsolationLevel; accessMode?: AccessMode };

const WEAK_ENOUGH: ReadonlySet<IsolationLevel> = new Set(['read committed', 'read uncommitted']);
/** Methods of Kysely that return another Kysely instance over the same connection. */
const DERIVING = new Set<PropertyKey>(['withPlugin', 'withoutPlugins', 'withSchema', 'withTables']);

const states = new WeakMap<object, State>();

export function joinTransaction(trx: Trx): Db {
  return joined({ trx, savepoints: 0, failed: false }, trx);
}

/** True once a nested transaction of this joined `Db` failed: its writes may be half done, so the outer transaction must not commit. */
export function joinedTransactionFailed(db: Db): boolean {
  return states.get(db)?.failed ?? false;
}

/**
 * `fn` in a transaction of its own that can fail alone: a SAVEPOINT inside a joined transaction,
 * else an ordinary transaction. For code that catches the failure and goes on.
 */
export async function withSavepoint<T>(db: Db, fn: (trx: Trx) => Promise<T>): Promise<T> {
  const state = states.get(db);
  if (!state) return db.transaction().execute(fn);
  state.savepoints += 1;
  const name = sql.id(`nested_${state.savepoints}`);
  await sql`savepoint ${name}`.execute(state.trx);
  const failedBefore = state.failed;
  let result: T;
  try {
    result = await fn(db as unknown as Trx);
  } catch (error) {
    // When the connection itself is gone this fails too; the outer transaction is lost with it.
    await sql`rollback to savepoint ${name}`.execute(state.trx).catch(() => undefined);
    state.failed = failedBefore;
    throw error;
  }
  await sql`release savepoint ${name}`.execute(state.trx);
  return result;
}

function joined(state: State, target: Trx): Db {
  const db: Db = new Proxy(target, {
    get(object, prop) {
      if (prop === 'transaction') return () => new JoinedTransactionBuilder(state, db, {});
      const value: unknown = Reflect.get(object, prop, object);
      if (typeof value !== 'function') return value;
      // Kysely keeps its state in private fields: methods must run on the real object.
      if (DERIVING.has(prop)) return (...args: unknown[]) => joined(state, (value as (...a: unknown[]) => Trx).apply(object, args));
      return (value as (...a: unknown[]) => unknown).bind(object);
    },
  }) as unknown as Db;
  states.set(db, state);
  return db;
}

/** What `db.transaction()` returns on a joined `Db`: Kysely's builder calls, run in the joined transaction. */
class JoinedTransactionBuilder {
  readonly #state: State;
  readonly #db: Db;
  readonly #settings: Settings;

  constructor(state: State, db: Db, settings: Settings) {
    this.#state = state;
    this.#db = db;
    this.#settings = settings;
  }

  setIsolationLevel(isolationLevel: IsolationLevel): JoinedTransactionBuilder {
    return new JoinedTransactionBuilder(this.#state, this.#db, { ...this.#settings, isolationLevel });
  }

  /** Accepted and not enforced: READ ONLY set inside the request's transaction would forbid its own writes. */
  setAccessMode(accessMode: AccessMode): JoinedTransactionBuilder {
    return new JoinedTransactionBuilder(this.#state, this.#db, { ...this.#settings, accessMode });
  }

  async execute<T>(callback: (trx: Trx) => Promise<T>): Promise<T> {
    const level = this.#settings.isolationLevel;
    if (level && !WEAK_ENOUGH.has(level)) {
      throw new Error(`A transaction inside a request's transaction runs at read committed; it cannot ask for ${level}.`);
    }
    try {
      return await callback(this.#db as unknown as Trx);
    } catch (error) {
      this.#state.failed = true;
      throw error;
    }
  }
}
