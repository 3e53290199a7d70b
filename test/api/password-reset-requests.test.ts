/**
 * Issue 11, defect 8: asking for a password reset must not reveal whether an account exists — not
 * by the answer, and not by how long it takes. The answer is the same, and the request runs the very
 * same SQL statements for a real account as for an unknown address; the account-specific work (the
 * link, the email) is done afterwards by the worker (docs/decisions/018-password-reset-requests.md).
 *
 * Counting statements is the robust proof (timing on a shared CI machine is noisy); the timing of
 * both kinds is printed as a figure for the report, never asserted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PostgresQueryCompiler, type KyselyPlugin } from 'kysely';
import type { Company } from '../../src/domain/directory.ts';
import type { Db } from '../../src/db/database.ts';
import { processPasswordResetRequests } from '../../src/services/auth/request-password-reset.ts';
import { createTestApp, createTestClock, type ApiResponse } from '../support/api.ts';
import { makeCompany, makeUser } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
let company: Company;
before(async () => {
  database = await openTestDatabase();
  company = await makeCompany(database.db);
});
after(() => database.close());

/** The database as the app sees it, recording the SQL text of every statement it runs. */
function recording(db: Db): { db: Db; statements: string[] } {
  const statements: string[] = [];
  const compiler = new PostgresQueryCompiler();
  const plugin: KyselyPlugin = {
    transformQuery: ({ node, queryId }) => {
      statements.push(compiler.compileQuery(node, queryId).sql);
      return node;
    },
    transformResult: async ({ result }) => result,
  };
  return { db: db.withPlugin(plugin), statements };
}

/** What a client can observe of an answer: status, body and every header but the date. */
function observable(res: ApiResponse) {
  const headers = [...res.headers.entries()].filter(([name]) => name !== 'date');
  return { status: res.status, body: res.body, headers };
}

describe('POST /api/v1/password-resets', () => {
  test('answers a real account and an unknown address identically, running the same statements for both', async () => {
    const user = await makeUser(database.db, company, { password: 'correct horse battery' });
    const { db, statements } = recording(database.db);
    const t = createTestApp(db, createTestClock());
    const ask = async (email: string) => {
      statements.length = 0;
      const res = await t.request('POST', '/api/v1/password-resets', { body: { email } });
      return { res: observable(res), statements: [...statements] };
    };

    const known = await ask(user.email);
    const unknown = await ask(`nobody-${user.id.slice(0, 8)}@example.test`);
    assert.equal(known.res.status, 202);
    assert.deepEqual(unknown.res, known.res, 'the answer is the same');
    assert.ok(known.statements.length > 0, 'the request is recorded');
    assert.deepEqual(
      unknown.statements,
      known.statements,
      `the same statements, in the same order (real account: ${known.statements.length}, unknown: ${unknown.statements.length})`,
    );

    // The figure for the report: wall-clock time of each kind, interleaved (each first in turn),
    // with addresses of the same length, median of 25.
    const times = { known: [] as number[], unknown: [] as number[] };
    const stranger = `x${user.email.slice(1).replace('@', '@no-')}`.slice(0, user.email.length);
    for (let i = 0; i < 25; i++) {
      for (const kind of i % 2 === 0 ? (['known', 'unknown'] as const) : (['unknown', 'known'] as const)) {
        const started = performance.now();
        await t.request('POST', '/api/v1/password-resets', { body: { email: kind === 'known' ? user.email : stranger } });
        times[kind].push(performance.now() - started);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(2);
    console.log(
      `password-reset timing (median of 25, ${process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite'}): real account ${median(times.known)} ms, unknown ${median(times.unknown)} ms; statements per request: ${known.statements.length}`,
    );
  });

  test('the worker then issues one link and one email to a real, active account, and nothing for anyone else', async () => {
    const clock = createTestClock();
    const t = createTestApp(database.db, clock);
    await processPasswordResetRequests(database.db, clock.now()); // what the test above asked for
    const user = await makeUser(database.db, company, { password: 'correct horse battery' });
    const inactive = await makeUser(database.db, company, { password: 'correct horse battery' });
    await database.db.updateTable('users').set({ isActive: false }).where('id', '=', inactive.id).execute();
    const linksOf = (userId: string) =>
      database.db.selectFrom('userLinks').select(['purpose', 'usedAt']).where('userId', '=', userId).execute();
    const resetEmailsTo = (userId: string) =>
      database.db.selectFrom('emailMessages').select('id').where('kind', '=', 'password_reset').where('toUserId', '=', userId).execute();

    // Asked three times (as typed, in other cases), once for an unknown address, once for an inactive account.
    for (const email of [user.email.toUpperCase(), ` ${user.email} `, user.email, 'nobody-at-all@example.test', inactive.email]) {
      assert.equal((await t.request('POST', '/api/v1/password-resets', { body: { email } })).status, 202);
    }
    assert.deepEqual(await linksOf(user.id), [], 'nothing is issued while answering');
    assert.deepEqual(await resetEmailsTo(user.id), []);

    // Two workers at once: each request is handled by one of them.
    const [a, b] = await Promise.all([processPasswordResetRequests(database.db, clock.now()), processPasswordResetRequests(database.db, clock.now())]);
    assert.equal(a.linksIssued + b.linksIssued, 1, 'the three requests of one address make one link');
    assert.equal(a.handled + b.handled, 3, 'one per address: the real one, the unknown one, the inactive one');
    const links = await linksOf(user.id);
    assert.deepEqual(links.map((l) => [l.purpose, l.usedAt]), [['password_reset', null]]);
    assert.equal((await resetEmailsTo(user.id)).length, 1, 'one email');
    assert.deepEqual(await linksOf(inactive.id), [], 'an inactive account gets no link');
    assert.deepEqual(await database.db.selectFrom('passwordResetRequests').selectAll().execute(), [], 'the queue is empty');
    assert.deepEqual(await processPasswordResetRequests(database.db, clock.now()), { handled: 0, linksIssued: 0 });
  });
});
