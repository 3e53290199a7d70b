/**
 * Writes sent together in one statement (src/db/combined-writes.ts): each keeps its own
 * parameters, all of them run, one round trip; what cannot be combined is refused. On both databases.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { combineWrites, executeWritesTogether } from '../../src/db/combined-writes.ts';
import { countStatements } from '../../src/db/statement-counter.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;

before(async () => {
  database = await openTestDatabase();
  await sql`create table combined_probe (n integer primary key, label text not null)`.execute(database.db);
  await sql`insert into combined_probe values (1, 'one'), (2, 'two')`.execute(database.db);
});
after(() => database.close());

test('several writes with their own parameters run as one statement, each exactly once', async () => {
  const db = database.db;
  const { count } = await countStatements(() =>
    executeWritesTogether(db, [
      sql`insert into combined_probe (n, label) values (${10}, ${'ten'}), (${11}, ${'eleven'})`,
      sql`update combined_probe set label = ${'TWO'} where n = ${2}`,
      null,
      sql`delete from combined_probe where n = ${1}`,
      false,
    ]),
  );
  assert.equal(count, 1);
  const { rows } = await sql<{ n: number; label: string }>`select n, label from combined_probe order by n`.execute(db);
  assert.deepEqual(rows, [
    { n: 2, label: 'TWO' },
    { n: 10, label: 'ten' },
    { n: 11, label: 'eleven' },
  ]);
});

test('parameters are renumbered past the ones before them ($10 stays distinct from $1)', () => {
  const many = Array.from({ length: 10 }, (_, i) => i);
  const compiled = combineWrites(database.db, [
    sql`insert into combined_probe (n, label) select x, 'x' from unnest(array[${sql.join(many)}]::int[]) as x`,
    sql`update combined_probe set label = ${'a'} where n = ${99}`,
  ]);
  assert.match(compiled.sql, /\$11 where n = \$12/);
  assert.equal(compiled.parameters.length, 12);
});

test('a SELECT or a statement with its own WITH is refused, not sent', () => {
  assert.throws(() => combineWrites(database.db, [sql`select 1`, sql`delete from combined_probe`]), /INSERT, UPDATE or DELETE/);
  assert.throws(() => combineWrites(database.db, [sql`with x as (select 1) delete from combined_probe`, sql`delete from combined_probe`]), /INSERT, UPDATE or DELETE/);
});
