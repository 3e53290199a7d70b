/**
 * Screen preferences (GET/PUT /me/preferences/{key}): kept per person on the server, so the
 * billing board's columns follow a person to another browser; validated strictly (the key's kind,
 * the value's shape, unknown fields refused); nobody reads or changes another person's.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/api.ts';
import { assertError, assertNo5xx, assertOk, track, type Client, type Seen } from '../support/billing.ts';
import { makeCompany, makeUser } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
let t: TestApp;
const seen: Seen = [];
let ana: Client;
let ben: Client;
let anaEmail = '';
const PASSWORD = 'a long demo password 1';
const PATH = '/api/v1/me/preferences/billing-board.columns';

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  const company = await makeCompany(t.db, 'general_contractor');
  const anaUser = await makeUser(t.db, company, { name: 'Ana', password: PASSWORD });
  anaEmail = anaUser.email;
  ana = track(await t.as(anaUser.id), seen);
  ben = track(await t.as((await makeUser(t.db, company, { name: 'Ben' })).id), seen);
});
after(() => database.close());
afterEach(() => assertNo5xx(seen));

describe('screen preferences', () => {
  test('never chosen: the value is null (the screen shows its defaults)', async () => {
    const res = await ana.get(PATH);
    assertOk(res);
    assert.deepEqual(res.body, { key: 'billing-board.columns', value: null, updatedAt: null });
  });

  test('saved once, read back by any client of the same person — and only theirs', async () => {
    t.clock.set('2026-11-03T10:00:00Z');
    const saved = await ana.put(PATH, { value: { hidden: ['paid', 'contractSum', 'paid'], shown: ['dueDate'] } });
    assertOk(saved);
    assert.deepEqual(saved.body.value, { hidden: ['paid', 'contractSum'], shown: ['dueDate'] }, 'each column once');
    assert.equal(saved.body.updatedAt, '2026-11-03T10:00:00.000Z');

    // Ana signs in from another browser (a cookie session): her columns are there.
    const browser = t.browser();
    assertOk(await browser.signIn(anaEmail, PASSWORD));
    const again = await browser.send('GET', PATH);
    assertOk(again);
    assert.deepEqual(again.body.value, { hidden: ['paid', 'contractSum'], shown: ['dueDate'] });
    // A write from a browser needs its CSRF token, like every other.
    assertError(await browser.send('PUT', PATH, { value: { hidden: [], shown: [] } }, { 'x-csrf-token': 'wrong' }), 403);

    assert.equal((await ben.get(PATH)).body.value, null, "Ben does not see Ana's columns");
    assertOk(await ben.put(PATH, { value: { hidden: ['company'], shown: [] } }));
    assert.deepEqual((await ana.get(PATH)).body.value.hidden, ['paid', 'contractSum'], "Ben's choice leaves Ana's alone");

    t.clock.set('2026-11-04T10:00:00Z');
    const reset = await ana.put(PATH, { value: { hidden: [], shown: [] } });
    assertOk(reset);
    assert.deepEqual((await ana.get(PATH)).body, { key: 'billing-board.columns', value: { hidden: [], shown: [] }, updatedAt: '2026-11-04T10:00:00.000Z' });
  });

  test('bad keys and values are refused with 400 naming the field, and nothing is stored', async () => {
    assertError(await ana.put('/api/v1/me/preferences/theme', { value: { hidden: [], shown: [] } }), 400, 'validation_failed', 'key');
    assertError(await ana.get('/api/v1/me/preferences/Billing.columns'), 400, 'validation_failed', 'key');
    assertError(await ana.put(PATH, { value: { hidden: [], shown: [], order: ['a'] } }), 400, 'validation_failed');
    assertError(await ana.put(PATH, { value: { hidden: [] } }), 400, 'validation_failed', 'value.shown');
    assertError(await ana.put(PATH, { value: { hidden: ['has space'], shown: [] } }), 400, 'validation_failed', 'value.hidden.0');
    assertError(await ana.put(PATH, { value: { hidden: Array.from({ length: 65 }, (_, i) => `c${i}`), shown: [] } }), 400, 'validation_failed', 'value.hidden');
    assertError(await ana.put(PATH, { value: { hidden: [], shown: [] }, userId: 'someone-else' }), 400, 'validation_failed');
    assert.deepEqual((await ana.get(PATH)).body.value, { hidden: [], shown: [] }, 'unchanged');
  });

  test('signed out: 401', async () => {
    assertError(await t.request('GET', PATH), 401, 'unauthenticated');
    assertError(await t.request('PUT', PATH, { body: { value: { hidden: [], shown: [] } } }), 401, 'unauthenticated');
  });
});
