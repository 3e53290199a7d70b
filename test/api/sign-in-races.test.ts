/**
 * Issue 11, defect 4: the sign-in throttle holds under concurrent guesses. Before the fix, 100
 * guesses at once were all checked (the count was read before any of them was recorded) and a
 * success by the account's owner erased every failure for the email, the guesser's included.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_FAILURES_PER_EMAIL, MAX_FAILURES_PER_IP } from '../../src/domain/sign-in-throttle.ts';
import { createTestApp, createTestClock, type TestApp } from '../support/api.ts';
import { makeCompany, makeUser } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';
import type { Company } from '../../src/domain/directory.ts';

const PASSWORD = 'correct horse battery';

let database: TestDatabase;
let company: Company;
let t: TestApp;
before(async () => {
  database = await openTestDatabase();
  company = await makeCompany(database.db);
  t = createTestApp(database.db, createTestClock());
});
after(() => database.close());

let ipCounter = 0;
function newIp(): string {
  ipCounter += 1;
  return `203.0.113.${ipCounter}`;
}

function signIn(email: string, password: string, ip: string) {
  return t.request('POST', '/api/v1/session', { body: { email, password }, headers: { 'x-test-client-ip': ip } });
}

function tally(statuses: number[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
}

describe('concurrent sign-in guesses', () => {
  test(`100 wrong passwords for one account at once: only ${MAX_FAILURES_PER_EMAIL} are checked, the rest refused with 429`, { timeout: 60_000 }, async () => {
    const user = await makeUser(database.db, company, { password: PASSWORD });
    // From many addresses, so only the per-email limit applies.
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => signIn(user.email, `guess ${i}`, newIp())));
    console.log(`faults: sign-in race, 100 guesses at one account at once → ${JSON.stringify(tally(results.map((r) => r.status)))}`);
    assert.deepEqual(tally(results.map((r) => r.status)), { 401: MAX_FAILURES_PER_EMAIL, 429: 100 - MAX_FAILURES_PER_EMAIL });
    for (const r of results.filter((x) => x.status === 429)) assert.equal(r.body.error.code, 'too_many_requests');
    // And the account stays locked, the right password included.
    assert.equal((await signIn(user.email, PASSWORD, newIp())).status, 429);
  });

  test(`60 guesses at once from one address over many accounts: ${MAX_FAILURES_PER_IP} checked, then the address is locked`, { timeout: 60_000 }, async () => {
    const ip = newIp();
    const users = await Promise.all(Array.from({ length: 60 }, () => makeUser(database.db, company, { password: PASSWORD })));
    const results = await Promise.all(users.map((u, i) => signIn(u.email, `guess ${i}`, ip)));
    assert.deepEqual(tally(results.map((r) => r.status)), { 401: MAX_FAILURES_PER_IP, 429: 60 - MAX_FAILURES_PER_IP });
  });

  test("the owner's success does not erase a guesser's failures made from elsewhere in the same window", { timeout: 60_000 }, async () => {
    const user = await makeUser(database.db, company, { password: PASSWORD });
    const guesser = newIp();
    const owner = newIp();
    // The guesser spends 4 of the 5 allowed failures, the owner signs in in the middle…
    const guesses = Promise.all([0, 1, 2, 3].map((i) => signIn(user.email, `guess ${i}`, guesser)));
    const ownerSignIn = signIn(user.email, PASSWORD, owner);
    assert.deepEqual(tally((await guesses).map((r) => r.status)), { 401: 4 });
    assert.equal((await ownerSignIn).status, 200);
    // …and the guesser still has one guess left, not five.
    assert.equal((await signIn(user.email, 'guess 4', guesser)).status, 401);
    assert.equal((await signIn(user.email, 'guess 5', guesser)).status, 429);
  });

  test('failures the owner made from their own address are forgiven by their success', async () => {
    const user = await makeUser(database.db, company, { password: PASSWORD });
    const owner = newIp();
    for (let i = 0; i < 4; i++) assert.equal((await signIn(user.email, `typo ${i}`, owner)).status, 401);
    assert.equal((await signIn(user.email, PASSWORD, owner)).status, 200);
    for (let i = 0; i < 4; i++) assert.equal((await signIn(user.email, `typo again ${i}`, owner)).status, 401);
    assert.equal((await signIn(user.email, PASSWORD, owner)).status, 200);
  });
});
