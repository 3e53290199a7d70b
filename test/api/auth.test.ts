/**
 * Authentication through the API: sign-in, sessions and their cookie, CSRF, throttling, personal
 * API tokens and single-use links (invitation, password reset).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, createTestClock, type TestApp } from '../support/api.ts';
import { makeCompany, makeUser, systemAdminOf } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';
import { issueInvitation } from '../../src/services/directory/issue-invitation.ts';
import { processPasswordResetRequests, requestPasswordReset } from '../../src/services/auth/request-password-reset.ts';
import type { Company, User } from '../../src/domain/directory.ts';

const PASSWORD = 'correct horse battery';
const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let database: TestDatabase;
let company: Company;
before(async () => {
  database = await openTestDatabase();
  company = await makeCompany(database.db);
});
after(() => database.close());

/** Every test gets its own app and clock, so moving time in one test never ages another's sessions. */
function freshApp(): TestApp {
  return createTestApp(database.db, createTestClock());
}

function person(options: { password?: string; isCompanyAdmin?: boolean } = { password: PASSWORD }): Promise<User> {
  return makeUser(database.db, company, options);
}

let ipCounter = 0;
/** A distinct client address per test keeps the per-address throttle out of unrelated tests. */
function newIp(): string {
  ipCounter += 1;
  return `198.51.100.${ipCounter}`;
}

/** GET /api/v1/session with exactly this cookie, nothing else. */
function sessionWithCookie(t: TestApp, cookie: string) {
  return t.request('GET', '/api/v1/session', { headers: { cookie } });
}

function signInRaw(t: TestApp, email: string, password: string, headers: Record<string, string> = {}) {
  return t.request('POST', '/api/v1/session', { body: { email, password }, headers });
}

function tokenOf(url: string): string {
  const token = new URL(url).searchParams.get('token');
  assert.ok(token, `no token in ${url}`);
  return token;
}

describe('sign-in', () => {
  test('email (any case) + password sets an HttpOnly, SameSite=Lax session cookie and returns a CSRF token', async () => {
    const t = freshApp();
    const user = await person();
    const b = t.browser();
    const res = await b.signIn(`  ${user.email.toUpperCase()} `, PASSWORD);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.user.id, user.id);
    assert.equal(res.body.via, 'session');
    assert.equal(typeof res.body.csrfToken, 'string');
    assert.ok(res.body.csrfToken.length >= 20);
    assert.equal('passwordHash' in res.body.user, false, 'the password hash never leaves the server');

    const setCookie = res.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /payapp_session=[^;]{20,}/);
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Lax/i);
    assert.match(setCookie, /Path=\//);
    assert.match(setCookie, /Expires=/i);

    const me = await b.send('GET', '/api/v1/session');
    assert.equal(me.status, 200);
    assert.equal(me.body.user.id, user.id);
    assert.equal(me.body.via, 'session');
    assert.equal(me.body.csrfToken, res.body.csrfToken, 'GET /session hands the UI the same CSRF token');
  });

  test('an email stored in mixed case signs in with its lower-case form', async () => {
    const t = freshApp();
    const { admin } = await systemAdminOf(database.db);
    const api = await t.as(admin.id);
    const email = `Mixed.Case-${Date.now()}@Example.TEST`;
    const created = await api.post('/api/v1/users', { companyId: company.id, name: 'Mixed Case', email, password: PASSWORD });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const res = await signInRaw(t, email.toLowerCase(), PASSWORD);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.user.id, created.body.id);
  });

  test('a wrong password and an unknown email give the same 401 and no cookie', async () => {
    const t = freshApp();
    const user = await person();
    const ip = newIp();
    const wrong = await signInRaw(t, user.email, 'not the password', { 'x-test-client-ip': ip });
    const unknown = await signInRaw(t, `nobody-${Date.now()}@example.test`, PASSWORD, { 'x-test-client-ip': ip });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'invalid_credentials');
    assert.equal(unknown.status, 401);
    assert.deepEqual(unknown.body, wrong.body, 'the answer must not reveal whether the email has an account');
    assert.equal(wrong.headers.get('set-cookie'), null);
    assert.equal(unknown.headers.get('set-cookie'), null);
  });

  test('missing fields are a 400 validation error naming them', async () => {
    const t = freshApp();
    const res = await signInRaw(t, '', '');
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'validation_failed');
    assert.deepEqual(res.body.error.details.map((d: { path: string }) => d.path).sort(), ['email', 'password']);
  });

  test('an inactive account with the right password gets 403 account_inactive, and no session', async () => {
    const t = freshApp();
    const { admin } = await systemAdminOf(database.db);
    const user = await person();
    const api = await t.as(admin.id);
    assert.equal((await api.patch(`/api/v1/users/${user.id}`, { isActive: false })).status, 200);
    const res = await signInRaw(t, user.email, PASSWORD);
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'account_inactive');
    assert.equal(res.headers.get('set-cookie'), null);
    // Without the right password an inactive account looks like any failed sign-in.
    const wrong = await signInRaw(t, user.email, 'not the password', { 'x-test-client-ip': newIp() });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'invalid_credentials');
  });

  test('signing in again rotates the session: new cookie and CSRF token, the old cookie stops working', async () => {
    const t = freshApp();
    const user = await person();
    const b = t.browser();
    const first = await b.signIn(user.email, PASSWORD);
    assert.equal(first.status, 200);
    const oldCookie = b.cookie;
    assert.equal((await sessionWithCookie(t, oldCookie)).status, 200);

    const second = await b.signIn(user.email, PASSWORD); // sends the old cookie along
    assert.equal(second.status, 200);
    assert.notEqual(b.cookie, oldCookie);
    assert.notEqual(second.body.csrfToken, first.body.csrfToken);

    const stale = await sessionWithCookie(t, oldCookie);
    assert.equal(stale.status, 401);
    assert.equal(stale.body.error.code, 'unauthenticated');
    assert.equal((await sessionWithCookie(t, b.cookie)).status, 200);
  });

  test('a sign-in from a foreign Origin is refused with 403; our own origin is fine', async () => {
    const t = freshApp();
    const user = await person();
    const foreign = await signInRaw(t, user.email, PASSWORD, { origin: 'https://evil.example' });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.error.code, 'forbidden');
    assert.equal(foreign.headers.get('set-cookie'), null);
    // Sandboxed frames send `Origin: null`; neither it, garbage nor a look-alike host may crash or pass.
    for (const origin of ['null', 'not a url', 'http://payapp.test.evil.example']) {
      const res = await signInRaw(t, user.email, PASSWORD, { origin });
      assert.equal(res.status, 403, origin);
      assert.equal(res.body.error.code, 'forbidden', origin);
    }
    const own = await signInRaw(t, user.email, PASSWORD, { origin: 'http://payapp.test' });
    assert.equal(own.status, 200, JSON.stringify(own.body));
  });
});

describe('sessions and CSRF', () => {
  test('without a cookie or token GET /session is 401 unauthenticated', async () => {
    const t = freshApp();
    const res = await t.request('GET', '/api/v1/session');
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'unauthenticated');
  });

  test('a garbage session cookie is just "not signed in"', async () => {
    const t = freshApp();
    const res = await sessionWithCookie(t, 'payapp_session=forged-session-value');
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'unauthenticated');
  });

  test('cookie-authenticated writes need X-CSRF-Token; without it (or with a wrong one) nothing changes', async () => {
    const t = freshApp();
    const user = await person();
    const b = t.browser();
    await b.signIn(user.email, PASSWORD);
    const originalName = user.name;

    const missing = await t.request('PATCH', '/api/v1/me', { body: { name: 'Changed Without Token' }, headers: { cookie: b.cookie } });
    assert.equal(missing.status, 403);
    assert.equal(missing.body.error.code, 'csrf_token_invalid');

    const wrong = await b.send('PATCH', '/api/v1/me', { name: 'Changed With Wrong Token' }, { 'x-csrf-token': 'not-the-token' });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.code, 'csrf_token_invalid');

    const unchanged = await b.send('GET', '/api/v1/session');
    assert.equal(unchanged.body.user.name, originalName);

    const ok = await b.send('PATCH', '/api/v1/me', { name: 'Changed With Token' });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.name, 'Changed With Token');
    assert.equal((await b.send('GET', '/api/v1/session')).body.user.name, 'Changed With Token');
  });

  test("one session's CSRF token does not work for another session", async () => {
    const t = freshApp();
    const alice = await person();
    const bob = await person();
    const a = t.browser();
    const b = t.browser();
    await a.signIn(alice.email, PASSWORD);
    await b.signIn(bob.email, PASSWORD);
    const res = await t.request('PATCH', '/api/v1/me', { body: { name: 'Hijacked' }, headers: { cookie: a.cookie, 'x-csrf-token': b.csrf } });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'csrf_token_invalid');
  });

  test('Bearer-token writes need no CSRF token', async () => {
    const t = freshApp();
    const user = await person();
    const api = await t.as(user.id);
    const res = await api.patch('/api/v1/me', { emailEnabled: false });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.emailEnabled, false);
    const me = await api.get('/api/v1/session');
    assert.equal(me.body.via, 'token');
    assert.equal(me.body.csrfToken, null);
    assert.equal(me.body.user.emailEnabled, false);
  });

  test('sign-out ends the session (it needs the CSRF token like any write)', async () => {
    const t = freshApp();
    const user = await person();
    const b = t.browser();
    await b.signIn(user.email, PASSWORD);
    const cookie = b.cookie;

    const forced = await t.request('DELETE', '/api/v1/session', { headers: { cookie } });
    assert.equal(forced.status, 403, 'a cross-site request cannot sign someone out');
    assert.equal((await sessionWithCookie(t, cookie)).status, 200);

    const out = await b.send('DELETE', '/api/v1/session');
    assert.equal(out.status, 204);
    assert.match(out.headers.get('set-cookie') ?? '', /payapp_session=;/, 'the browser is told to drop the cookie');
    const after = await sessionWithCookie(t, cookie);
    assert.equal(after.status, 401);
    assert.equal(after.body.error.code, 'unauthenticated');
  });

  test('a session expires after 7 idle days, and use keeps it alive', async () => {
    const t = freshApp();
    const user = await person();
    const b = t.browser();
    await b.signIn(user.email, PASSWORD);
    t.clock.advance(6 * DAY);
    assert.equal((await b.send('GET', '/api/v1/session')).status, 200, 'used on day 6');
    t.clock.advance(6 * DAY);
    assert.equal((await b.send('GET', '/api/v1/session')).status, 200, 'still alive 6 days after the last use');
    t.clock.advance(7 * DAY + MINUTE);
    assert.equal((await b.send('GET', '/api/v1/session')).status, 401, 'gone after 7 idle days');
  });

  test('a session ends 30 days after sign-in however often it is used', async () => {
    const t = freshApp();
    const user = await person();
    const b = t.browser();
    await b.signIn(user.email, PASSWORD);
    for (const day of [5, 10, 15, 20, 25, 29]) {
      t.clock.set(new Date(Date.parse('2026-11-02T15:00:00Z') + day * DAY));
      assert.equal((await b.send('GET', '/api/v1/session')).status, 200, `used on day ${day}`);
    }
    t.clock.set(new Date(Date.parse('2026-11-02T15:00:00Z') + 30 * DAY));
    assert.equal((await b.send('GET', '/api/v1/session')).status, 401, 'gone 30 days after sign-in');
  });

  test('deactivating a user ends their sessions (they stay ended after reactivation)', async () => {
    const t = freshApp();
    const { admin } = await systemAdminOf(database.db);
    const user = await person();
    const b = t.browser();
    await b.signIn(user.email, PASSWORD);
    const cookie = b.cookie;
    const adminApi = await t.as(admin.id);

    const off = await adminApi.patch(`/api/v1/users/${user.id}`, { isActive: false });
    assert.equal(off.status, 200, JSON.stringify(off.body));
    assert.equal(off.body.isActive, false);
    assert.equal((await sessionWithCookie(t, cookie)).status, 401);

    const on = await adminApi.patch(`/api/v1/users/${user.id}`, { isActive: true });
    assert.equal(on.status, 200);
    assert.equal((await sessionWithCookie(t, cookie)).status, 401, 'the old session was deleted, not merely suspended');
    assert.equal((await signInRaw(t, user.email, PASSWORD)).status, 200);
  });

  test("an inactive user's API token stops working", async () => {
    const t = freshApp();
    const { admin } = await systemAdminOf(database.db);
    const user = await person();
    const api = await t.as(user.id);
    assert.equal((await api.get('/api/v1/session')).status, 200);
    await (await t.as(admin.id)).patch(`/api/v1/users/${user.id}`, { isActive: false });
    const res = await api.get('/api/v1/session');
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'unauthenticated');
  });

  test('a company admin cannot deactivate themselves', async () => {
    const t = freshApp();
    const admin = await person({ password: PASSWORD, isCompanyAdmin: true });
    const api = await t.as(admin.id);
    const res = await api.patch(`/api/v1/users/${admin.id}`, { isActive: false });
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'rule_violation');
    assert.equal((await api.get('/api/v1/session')).status, 200);
  });
});

describe('failed sign-in throttling', () => {
  async function failures(t: TestApp, email: string, n: number, ip: string) {
    for (let i = 0; i < n; i++) {
      const res = await signInRaw(t, email, `wrong password ${i}`, { 'x-test-client-ip': ip });
      assert.equal(res.status, 401, `failure ${i + 1} is an ordinary 401`);
    }
  }

  test('5 failures lock the email: even the right password gets 429 with Retry-After until the window passes', async () => {
    const t = freshApp();
    const user = await person();
    const ip = newIp();
    await failures(t, user.email, 5, ip);

    const locked = await signInRaw(t, user.email, PASSWORD, { 'x-test-client-ip': ip });
    assert.equal(locked.status, 429);
    assert.equal(locked.body.error.code, 'too_many_requests');
    assert.equal(locked.headers.get('retry-after'), '900');
    assert.equal(locked.body.error.details.retryAfterSeconds, 900);
    assert.equal(locked.headers.get('set-cookie'), null);

    // The lock is per email, not per address: another address gets the same answer …
    const elsewhere = await signInRaw(t, user.email.toUpperCase(), PASSWORD, { 'x-test-client-ip': newIp() });
    assert.equal(elsewhere.status, 429);

    // … and the countdown follows the clock.
    t.clock.advance(14 * MINUTE);
    const later = await signInRaw(t, user.email, PASSWORD, { 'x-test-client-ip': ip });
    assert.equal(later.status, 429);
    assert.equal(later.headers.get('retry-after'), '60');

    t.clock.advance(2 * MINUTE);
    const ok = await signInRaw(t, user.email, PASSWORD, { 'x-test-client-ip': ip });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
  });

  test('4 failures are not yet a lock', async () => {
    const t = freshApp();
    const user = await person();
    const ip = newIp();
    await failures(t, user.email, 4, ip);
    assert.equal((await signInRaw(t, user.email, PASSWORD, { 'x-test-client-ip': ip })).status, 200);
  });

  test('failures older than 15 minutes do not count', async () => {
    const t = freshApp();
    const user = await person();
    const ip = newIp();
    await failures(t, user.email, 4, ip);
    t.clock.advance(16 * MINUTE);
    await failures(t, user.email, 4, ip);
    assert.equal((await signInRaw(t, user.email, PASSWORD, { 'x-test-client-ip': ip })).status, 200);
  });

  test('a successful sign-in clears the failure streak', async () => {
    const t = freshApp();
    const user = await person();
    const ip = newIp();
    await failures(t, user.email, 4, ip);
    assert.equal((await signInRaw(t, user.email, PASSWORD, { 'x-test-client-ip': ip })).status, 200);
    await failures(t, user.email, 4, ip);
    const res = await signInRaw(t, user.email, PASSWORD, { 'x-test-client-ip': ip });
    assert.equal(res.status, 200, 'without the reset this would be the 9th failure in the window');
  });

  test('locking one email leaves other accounts alone', async () => {
    const t = freshApp();
    const victim = await person();
    const other = await person();
    await failures(t, victim.email, 5, newIp());
    assert.equal((await signInRaw(t, other.email, PASSWORD, { 'x-test-client-ip': newIp() })).status, 200);
  });

  test('50 failures from one address lock that address for every email', async () => {
    const t = freshApp();
    const user = await person();
    const ip = newIp();
    // 49 earlier failures for 49 different emails (seeded directly: 49 password hashes would only
    // slow the suite down), then the 50th through the API.
    await database.db
      .insertInto('signInAttempts')
      .values(Array.from({ length: 49 }, (_, i) => ({ emailLower: `spray-${i}@example.test`, ip, succeeded: false, attemptedAt: t.clock.now() })))
      .execute();
    assert.equal((await signInRaw(t, user.email, PASSWORD, { 'x-test-client-ip': ip })).status, 200, '49 are not yet a lock');
    assert.equal((await signInRaw(t, 'spray-50@example.test', 'guess', { 'x-test-client-ip': ip })).status, 401);
    const blocked = await signInRaw(t, user.email, PASSWORD, { 'x-test-client-ip': ip });
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    assert.equal((await signInRaw(t, user.email, PASSWORD, { 'x-test-client-ip': newIp() })).status, 200);
  });
});

describe('personal API tokens', () => {
  test('created once with its secret; listed afterwards only by prefix; works as Bearer; revoked → 401', async () => {
    const t = freshApp();
    const user = await person();
    const b = t.browser();
    await b.signIn(user.email, PASSWORD);

    const created = await b.send('POST', '/api/v1/me/api-tokens', { name: 'Accounting export' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const { token, id, tokenPrefix } = created.body;
    assert.match(token, /^payapp_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{20,}$/);
    assert.ok(token.startsWith(`${tokenPrefix}_`), 'the prefix identifies the token');

    const list = await b.send('GET', '/api/v1/me/api-tokens');
    assert.equal(list.status, 200);
    const listed = list.body.data.find((x: { id: string }) => x.id === id);
    assert.ok(listed);
    assert.equal(listed.name, 'Accounting export');
    assert.equal(listed.tokenPrefix, tokenPrefix);
    assert.equal(listed.revokedAt, null);
    assert.equal('token' in listed, false);
    const secret = token.slice(tokenPrefix.length + 1);
    assert.equal(JSON.stringify(list.body).includes(secret), false, 'the secret is never shown again');

    const bearer = { authorization: `Bearer ${token}` };
    const me = await t.request('GET', '/api/v1/session', { headers: bearer });
    assert.equal(me.status, 200);
    assert.equal(me.body.user.id, user.id);
    assert.equal(me.body.via, 'token');
    const used = (await b.send('GET', '/api/v1/me/api-tokens')).body.data.find((x: { id: string }) => x.id === id);
    assert.equal(used.lastUsedAt, t.clock.now().toISOString(), 'using the token records when');

    const revoked = await b.send('DELETE', `/api/v1/me/api-tokens/${id}`);
    assert.equal(revoked.status, 204);
    const after = await t.request('GET', '/api/v1/session', { headers: bearer });
    assert.equal(after.status, 401);
    assert.equal(after.body.error.code, 'unauthenticated');
    const relisted = (await b.send('GET', '/api/v1/me/api-tokens')).body.data.find((x: { id: string }) => x.id === id);
    assert.equal(relisted.revokedAt, t.clock.now().toISOString());

    const again = await b.send('DELETE', `/api/v1/me/api-tokens/${id}`);
    assert.equal(again.status, 404, 'revoking twice is "not found"');
  });

  test("a token needs a name, and one cannot revoke (or see) someone else's token", async () => {
    const t = freshApp();
    const owner = await person();
    const stranger = await person();
    const ownerApi = await t.as(owner.id);
    const strangerApi = await t.as(stranger.id);

    const unnamed = await ownerApi.post('/api/v1/me/api-tokens', { name: '   ' });
    assert.equal(unnamed.status, 400);
    assert.equal(unnamed.body.error.field, 'name');

    const created = await ownerApi.post('/api/v1/me/api-tokens', { name: 'CI' });
    assert.equal(created.status, 201);
    const strangerList = await strangerApi.get('/api/v1/me/api-tokens');
    assert.equal(strangerList.body.data.some((x: { id: string }) => x.id === created.body.id), false);

    const res = await strangerApi.delete(`/api/v1/me/api-tokens/${created.body.id}`);
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'not_found');
    const still = await t.request('GET', '/api/v1/session', { headers: { authorization: `Bearer ${created.body.token}` } });
    assert.equal(still.status, 200, 'the owner’s token still works');

    assert.equal((await strangerApi.delete('/api/v1/me/api-tokens/not-a-uuid')).status, 404);
  });

  test('an invalid Bearer token is 401 even alongside a valid session cookie (no fallback)', async () => {
    const t = freshApp();
    const user = await person();
    const b = t.browser();
    await b.signIn(user.email, PASSWORD);
    for (const authorization of ['Bearer payapp_deadbeef_not-a-real-token', 'Bearer', 'Basic dXNlcjpwYXNz']) {
      const res = await t.request('GET', '/api/v1/session', { headers: { cookie: b.cookie, authorization } });
      assert.equal(res.status, 401, authorization);
      assert.equal(res.body.error.code, 'unauthenticated');
    }
  });

  test('creating a token needs a signed-in caller', async () => {
    const t = freshApp();
    const res = await t.request('POST', '/api/v1/me/api-tokens', { body: { name: 'x' } });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'unauthenticated');
  });
});

describe('single-use links', () => {
  test('invitation: inspect, weak password refused, good password set, then sign in; the link is spent', async () => {
    const t = freshApp();
    const invitee = await person({}); // no password yet
    assert.equal((await signInRaw(t, invitee.email, PASSWORD, { 'x-test-client-ip': newIp() })).status, 401);

    const issued = await issueInvitation(database.db, null, invitee.id, t.clock.now(), 'http://payapp.test');
    assert.ok(issued);
    assert.match(issued.url, /^http:\/\/payapp\.test\/welcome\?token=/);
    assert.equal(issued.expiresAt.getTime(), t.clock.now().getTime() + 7 * DAY);
    const token = tokenOf(issued.url);

    const info = await t.request('GET', `/api/v1/links/${token}`);
    assert.equal(info.status, 200, JSON.stringify(info.body));
    assert.deepEqual(info.body, { purpose: 'invitation', name: invitee.name, email: invitee.email });

    const weak = await t.request('POST', `/api/v1/links/${token}/password`, { body: { password: 'short' } });
    assert.equal(weak.status, 400);
    assert.equal(weak.body.error.code, 'weak_password');
    assert.equal(weak.body.error.field, 'password');
    assert.equal((await t.request('GET', `/api/v1/links/${token}`)).status, 200, 'a refused password does not spend the link');

    const set = await t.request('POST', `/api/v1/links/${token}/password`, { body: { password: PASSWORD } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.email, invitee.email);

    const signedIn = await signInRaw(t, invitee.email, PASSWORD);
    assert.equal(signedIn.status, 200);
    assert.equal(signedIn.body.user.hasPassword, true);

    const reuse = await t.request('POST', `/api/v1/links/${token}/password`, { body: { password: 'another long password' } });
    assert.equal(reuse.status, 400);
    assert.equal(reuse.body.error.code, 'link_invalid');
    const inspectSpent = await t.request('GET', `/api/v1/links/${token}`);
    assert.equal(inspectSpent.status, 400);
    assert.equal(inspectSpent.body.error.code, 'link_invalid');
    assert.equal((await signInRaw(t, invitee.email, 'another long password', { 'x-test-client-ip': newIp() })).status, 401, 'the reuse changed nothing');
  });

  test('two simultaneous redemptions of one link: exactly one wins', async () => {
    const t = freshApp();
    const invitee = await person({});
    const token = tokenOf((await issueInvitation(database.db, null, invitee.id, t.clock.now(), 'http://payapp.test'))!.url);
    const passwords = ['first long password', 'second long password'];
    const results = await Promise.all(
      passwords.map((password) => t.request('POST', `/api/v1/links/${token}/password`, { body: { password } })),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 400]);
    const winner = passwords[results.findIndex((r) => r.status === 200)]!;
    const loser = passwords.find((p) => p !== winner)!;
    const ip = newIp();
    assert.equal((await signInRaw(t, invitee.email, loser, { 'x-test-client-ip': ip })).status, 401);
    assert.equal((await signInRaw(t, invitee.email, winner, { 'x-test-client-ip': ip })).status, 200);
  });

  test('an invitation link works until 7 days, not after', async () => {
    const t = freshApp();
    const invitee = await person({});
    const issued = await issueInvitation(database.db, null, invitee.id, t.clock.now(), 'http://payapp.test');
    const token = tokenOf(issued!.url);
    t.clock.advance(7 * DAY - MINUTE);
    assert.equal((await t.request('GET', `/api/v1/links/${token}`)).status, 200);
    t.clock.advance(2 * MINUTE);
    const inspect = await t.request('GET', `/api/v1/links/${token}`);
    assert.equal(inspect.status, 400);
    assert.equal(inspect.body.error.code, 'link_invalid');
    const redeem = await t.request('POST', `/api/v1/links/${token}/password`, { body: { password: PASSWORD } });
    assert.equal(redeem.status, 400);
    assert.equal(redeem.body.error.code, 'link_invalid');
    assert.equal((await signInRaw(t, invitee.email, PASSWORD, { 'x-test-client-ip': newIp() })).status, 401);
  });

  test('a password-reset link expires after 1 hour', async () => {
    const t = freshApp();
    const user = await person();
    const issued = await requestPasswordReset(database.db, { userId: user.id, actorUserId: null, baseUrl: 'http://payapp.test' }, t.clock.now());
    assert.ok(issued);
    assert.match(issued.url, /^http:\/\/payapp\.test\/reset-password\?token=/);
    const token = tokenOf(issued.url);
    t.clock.advance(HOUR + 1000);
    const res = await t.request('POST', `/api/v1/links/${token}/password`, { body: { password: 'a brand new password' } });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'link_invalid');
    assert.equal((await signInRaw(t, user.email, PASSWORD)).status, 200, 'the old password still works');
  });

  test('redeeming a reset link sets the new password and ends every existing session', async () => {
    const t = freshApp();
    const user = await person();
    const laptop = t.browser();
    const phone = t.browser();
    await laptop.signIn(user.email, PASSWORD);
    await phone.signIn(user.email, PASSWORD);
    const issued = await requestPasswordReset(database.db, { userId: user.id, actorUserId: null, baseUrl: 'http://payapp.test' }, t.clock.now());
    const token = tokenOf(issued!.url);

    const info = await t.request('GET', `/api/v1/links/${token}`);
    assert.deepEqual(info.body, { purpose: 'password_reset', name: user.name, email: user.email });

    const NEW = 'a brand new password';
    const res = await t.request('POST', `/api/v1/links/${token}/password`, { body: { password: NEW } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await sessionWithCookie(t, laptop.cookie)).status, 401);
    assert.equal((await sessionWithCookie(t, phone.cookie)).status, 401);

    const ip = newIp();
    assert.equal((await signInRaw(t, user.email, PASSWORD, { 'x-test-client-ip': ip })).status, 401, 'the old password is gone');
    assert.equal((await signInRaw(t, user.email, NEW, { 'x-test-client-ip': ip })).status, 200);
  });

  test('asking for a new reset link retires the older one', async () => {
    const t = freshApp();
    const user = await person();
    const opts = { userId: user.id, actorUserId: null, baseUrl: 'http://payapp.test' };
    const first = tokenOf((await requestPasswordReset(database.db, opts, t.clock.now()))!.url);
    t.clock.advance(MINUTE);
    const second = tokenOf((await requestPasswordReset(database.db, opts, t.clock.now()))!.url);
    assert.notEqual(first, second);
    assert.equal((await t.request('GET', `/api/v1/links/${first}`)).body.error?.code, 'link_invalid');
    assert.equal((await t.request('GET', `/api/v1/links/${second}`)).status, 200);
  });

  test('a link of a user deactivated after it was issued no longer works', async () => {
    const t = freshApp();
    const { admin } = await systemAdminOf(database.db);
    const invitee = await person({});
    const token = tokenOf((await issueInvitation(database.db, null, invitee.id, t.clock.now(), 'http://payapp.test'))!.url);
    await (await t.as(admin.id)).patch(`/api/v1/users/${invitee.id}`, { isActive: false });
    assert.equal((await t.request('GET', `/api/v1/links/${token}`)).status, 400);
    const res = await t.request('POST', `/api/v1/links/${token}/password`, { body: { password: PASSWORD } });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'link_invalid');
  });

  test('a made-up link token is link_invalid', async () => {
    const t = freshApp();
    const res = await t.request('GET', '/api/v1/links/made-up-token');
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'link_invalid');
  });

  test('POST /password-resets answers 202 whether or not the email has an account, and only a real account gets a link', async () => {
    const t = freshApp();
    const user = await person();
    const linksOf = async (userId: string) =>
      database.db.selectFrom('userLinks').select(['purpose', 'usedAt']).where('userId', '=', userId).execute();
    assert.equal((await linksOf(user.id)).length, 0);

    const known = await t.request('POST', '/api/v1/password-resets', { body: { email: user.email.toUpperCase() } });
    const unknown = await t.request('POST', '/api/v1/password-resets', { body: { email: `nobody-${Date.now()}@example.test` } });
    assert.equal(known.status, 202);
    assert.equal(unknown.status, 202);
    assert.deepEqual(known.body, unknown.body);
    assert.equal((await linksOf(user.id)).length, 0, 'the worker issues the link, after the answer');

    await processPasswordResetRequests(database.db, t.clock.now());
    const links = await linksOf(user.id);
    assert.equal(links.length, 1);
    assert.equal(links[0]?.purpose, 'password_reset');
    assert.equal(links[0]?.usedAt, null);
  });
});
