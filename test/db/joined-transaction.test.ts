/**
 * The `Db` a request with an Idempotency-Key hands its services (src/db/joined-transaction.ts):
 * their `db.transaction()` runs inside the request's transaction without a statement of its own,
 * a failure marks the whole transaction failed, `withSavepoint` undoes only its own writes, nothing
 * commits before the request does, and Kysely's builder calls still work. On both databases.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CamelCasePlugin, sql } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import { countStatements } from '../../src/db/statement-counter.ts';
import { joinedTransactionFailed, joinTransaction, withSavepoint } from '../../src/db/joined-transaction.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;

before(async () => {
  database = await openTestDatabase();
  await sql`create table joined_probe (n integer not null)`.execute(database.db);
});
after(() => database.close());

async function probe(): Promise<number[]> {
  const { rows } = await sql<{ n: number }>`select n from joined_probe order by n`.execute(database.db);
  return rows.map((r) => r.n);
}
const insert = (db: Db, n: number) => sql`insert into joined_probe (n) values (${n})`.execute(db);

test('withSavepoint: a failure undoes only its own writes; the rest commits with the outer one', async () => {
  await sql`truncate joined_probe`.execute(database.db);
  await database.db.transaction().execute(async (trx) => {
    const db = joinTransaction(trx);
    await insert(db, 1);
    await assert.rejects(
      withSavepoint(db, async (inner) => {
        await insert(inner, 2);
        // A nested transaction failing inside it: undone with the savepoint, and the outer one is not marked failed.
        await inner.transaction().execute(() => Promise.reject(new Error('refused')));
      }),
      /refused/,
    );
    assert.equal(joinedTransactionFailed(db), false);
    await db.transaction().execute(async (inner) => {
      await insert(inner, 3);
      // Nested twice: still one outer transaction.
      await inner.transaction().execute((innermost) => insert(innermost, 4));
    });
    // A failed statement inside a savepoint leaves the outer one usable.
    await assert.rejects(withSavepoint(db, (inner) => sql`select * from no_such_table`.execute(inner)));
    await insert(db, 5);
  });
  assert.deepEqual(await probe(), [1, 3, 4, 5]);
});

test('a nested transaction costs no statement; when it fails, the joined transaction is marked failed so that it is not committed', async () => {
  await sql`truncate joined_probe`.execute(database.db);
  const sent: string[] = [];
  await assert.rejects(
    database.db.transaction().execute(async (trx) => {
      const db = joinTransaction(trx);
      const { count } = await countStatements(() => db.transaction().execute((inner) => insert(inner, 1)));
      assert.equal(count, 1, 'the insert alone: no SAVEPOINT, no RELEASE');
      assert.equal(joinedTransactionFailed(db), false);
      await assert.rejects(
        db.transaction().execute(async (inner) => {
          await insert(inner, 2);
          throw new Error('refused');
        }),
      );
      assert.equal(joinedTransactionFailed(db), true, 'the half-done nested writes must not commit');
      sent.push('checked');
      throw new Error('the owner rolls back');
    }),
    /the owner rolls back/,
  );
  assert.deepEqual(sent, ['checked']);
  assert.deepEqual(await probe(), []);
});

test('nothing a nested transaction wrote commits when the outer one rolls back', async () => {
  await sql`truncate joined_probe`.execute(database.db);
  await assert.rejects(
    database.db.transaction().execute(async (trx) => {
      const db = joinTransaction(trx);
      await db.transaction().execute((inner) => insert(inner, 1));
      throw new Error('the request failed afterwards');
    }),
  );
  assert.deepEqual(await probe(), []);
});

test("Kysely's builder calls work; a stronger isolation level than the outer one is refused, not silently weakened", async () => {
  await sql`truncate joined_probe`.execute(database.db);
  await database.db.transaction().execute(async (trx) => {
    const db = joinTransaction(trx);
    await db.transaction().setIsolationLevel('read committed').execute((inner) => insert(inner, 1));
    await db.transaction().setAccessMode('read only').execute((inner) => sql`select 1`.execute(inner));
    await assert.rejects(db.transaction().setIsolationLevel('serializable').execute((inner) => insert(inner, 2)), /cannot ask for serializable/);
    // A derived instance (another plugin) still joins the same transaction.
    await db.withPlugin(new CamelCasePlugin()).transaction().execute((inner) => insert(inner, 3));
    const inside = await sql<{ n: number }>`select count(*)::int as n from joined_probe`.execute(db);
    assert.equal(inside.rows[0]?.n, 2, 'reads see the transaction’s own writes');
  });
  assert.deepEqual(await probe(), [1, 3]);
});
