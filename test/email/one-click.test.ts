/**
 * Issue 4 and issue 10 item 1, one-click answers from the Invite to Bill email. Mail scanners open
 * (GET) and probe (HEAD) every link, so opening a Yes / No link (a path /respond/<token> in the
 * email's payload) records nothing: it shows a page naming the project, commitment, billing period
 * and due date and the answer it will record, with one button; only the POST from that page records
 * the answer — without a session or password — and shows a confirmation linking to sign-in with the
 * commitment as the next page. A used link says what it recorded, when and as whom, and how to
 * change it; a link expired, altered, for someone who is no longer a contact, or after an invoice
 * exists gets a page saying so and changes nothing; a post from another site or with another answer
 * changes nothing; one contact's link answers only as that contact; a re-sent invite brings new
 * links and asks again. No link in any email changes anything when opened.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/api.ts';
import { assertNo5xx, assertOk, type Client, type Seen } from '../support/billing.ts';
import { textUrls, visibleText } from '../support/smtp.ts';
import { renderMessage } from '../../src/email/templates.ts';
import { processPasswordResetRequests } from '../../src/services/auth/request-password-reset.ts';
import type { EmailKind } from '../../src/domain/notifications.ts';
import {
  answerByLink,
  commitmentFor,
  draftInvoice,
  emailProject,
  follow,
  invite,
  localTime,
  openPeriod,
  postAnswer,
  projectEmails,
  subPerson,
  type EmailSetup,
} from '../support/email-cycle.ts';
import { systemAdminOf } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';
import type { Commitment } from '../../src/domain/commitment.ts';
import type { User } from '../../src/domain/directory.ts';

let database: TestDatabase;
let t: TestApp;
const seen: Seen = [];

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
});
after(() => database.close());
afterEach(() => assertNo5xx(seen));

const NY = 'America/New_York';
const INVITED_AT = localTime(NY, '2026-11-02', 10);
const DAY = 24 * 60 * 60 * 1000;

type Links = { yesUrl: string; noUrl: string };
type Setup = { s: EmailSetup; c: Commitment; second: { user: User; api: Client }; links: Map<string, Links> };

/** A commitment with two contacts, invited on 2 November; the links each contact's email carries. */
async function invited(): Promise<Setup> {
  t.clock.set(INVITED_AT);
  const s = await emailProject(t, seen);
  const second = await subPerson(t, s, seen, 'Second Contact');
  const c = await commitmentFor(t, s, [s.contact.id, second.user.id], { title: 'Drywall and framing' });
  await openPeriod(s);
  await invite(s, [c.id]);
  return { s, c, second, links: await latestLinks(s) };
}

/** Each contact's links from the newest Invite to Bill email they were sent. */
async function latestLinks(s: EmailSetup): Promise<Map<string, Links>> {
  const links = new Map<string, Links>();
  for (const row of await projectEmails(t, s.project.id, 'invite_to_bill')) {
    links.set(row.toUserId ?? '', { yesUrl: row.payload.yesUrl, noUrl: row.payload.noUrl });
  }
  return links;
}

function linksOf(setup: Setup, userId: string): Links {
  const l = setup.links.get(userId);
  assert.ok(l, 'the contact was emailed');
  assert.match(l.yesUrl, /^\/respond\/[^/]+$/);
  assert.match(l.noUrl, /^\/respond\/[^/]+$/);
  return l;
}

/** The invite's answer and who gave it, as the administrator sees them. */
async function answer(setup: Setup): Promise<{ response: string | null; respondedAt: string | null; by: string | null }> {
  const board = await setup.s.admin.get(`${setup.s.p}/billing-board`);
  assertOk(board);
  const row = board.body.rows.find((r: any) => r.commitmentId === setup.c.id);
  const audit = await setup.s.admin.get(`${setup.s.p}/audit?entityType=commitment&entityId=${setup.c.id}`);
  assertOk(audit);
  const last = audit.body.data.find((e: any) => e.action === 'accept_invite' || e.action === 'decline_invite' || e.action === 'invite_to_bill');
  const by = last && last.action !== 'invite_to_bill' ? last.actorUserId : null;
  return { response: row.invite.response, respondedAt: row.invite.respondedAt, by };
}

function assertRefused(page: { status: number; html: string; contentType: string }, title: RegExp): void {
  assert.equal(page.status, 400, page.html);
  assert.match(page.contentType, /text\/html/);
  assert.match(page.html, title);
  assert.match(page.html, /Nothing was changed/);
}

/** One character of `text` at `index` replaced by a different character of the same alphabet. */
function flip(text: string, index: number, alphabet: string): string {
  const ch = text[index] ?? '';
  const replacement = alphabet[(alphabet.indexOf(ch) + 1) % alphabet.length] ?? 'A';
  return `${text.slice(0, index)}${replacement}${text.slice(index + 1)}`;
}

/** Who may have changed: every token's use, every invite's answer, the audit trail. */
async function stateOfLinks(): Promise<unknown> {
  const tokens = await t.db.selectFrom('actionTokens').select(['id', 'usedAt']).orderBy('id').execute();
  const { gc } = await systemAdminOf(t.db);
  const invites = await t.db.selectFrom('billingInvites').select(['id', 'response', 'respondedBy', 'respondedAt']).where('tenantId', '=', gc.id).orderBy('id').execute();
  const userLinks = await t.db.selectFrom('userLinks').select(['id', 'usedAt', 'expiresAt']).orderBy('id').execute();
  const audit = await t.db.selectFrom('auditLog').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  const sessions = await t.db.selectFrom('sessions').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return { tokens, invites, userLinks, audit: Number(audit.n), sessions: Number(sessions.n) };
}

/** What a mail scanner does with a link: HEAD, then GET, a few times. */
async function scan(path: string): Promise<{ get: Response; head: Response }> {
  const head = await t.app.request(path, { method: 'HEAD' });
  const get = await t.app.request(path, { method: 'GET', headers: { 'user-agent': 'Mozilla/5.0 (compatible; SafeLinks scanner)' } });
  await t.app.request(path, { method: 'HEAD' });
  return { get, head };
}

/** A link that cannot answer: refused when opened, probed, and when its page's form is posted with either answer. */
async function assertLinkRefused(path: string, title: RegExp): Promise<void> {
  assertRefused(await follow(t, path), title);
  assert.equal((await t.app.request(path, { method: 'HEAD' })).status, 400);
  for (const answer of ['accepted', 'declined']) assertRefused(await postAnswer(t, path, answer), title);
}

describe('one-click answers from the Invite to Bill email', () => {
  test('opening Yes (GET) or probing it (HEAD) records nothing: the page names the project, commitment, period and due date, the answer, and has one button', async () => {
    const setup = await invited();
    const { s, c } = setup;
    t.clock.set(localTime(NY, '2026-11-03', 9));
    const yes = linksOf(setup, s.contact.id).yesUrl;
    const before = await stateOfLinks();
    const { get, head } = await scan(yes);
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '', 'HEAD: headers only');
    const html = await get.text();
    assert.equal(get.status, 200, html);
    assert.match(get.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(get.headers.get('cache-control'), 'no-store', 'a page with a live token is never cached');
    assert.equal(get.headers.get('referrer-policy'), 'same-origin', 'the token never leaves in a Referer to another site');
    assert.equal(get.headers.get('x-frame-options'), 'DENY', 'and cannot be framed to trick a click');
    assert.equal(get.headers.get('set-cookie'), null);
    assert.deepEqual(await stateOfLinks(), before, 'nothing changed: no answer, the token unused, no audit entry');
    assert.deepEqual(await answer(setup), { response: null, respondedAt: null, by: null });

    const text = visibleText(html);
    for (const fact of [
      `Answer Yes to the invite to bill?`,
      `Project ${s.project.name}`,
      `Commitment ${c.number} – Drywall and framing`,
      'Billing period Nov 1, 2026 – Nov 30, 2026',
      'Due date Nov 25, 2026',
      'Invoice type Work and Materials',
      'Your answer: Yes — you will bill this period.',
      'Nothing is recorded until you press the button.',
    ]) {
      assert.ok(text.includes(fact), `the page says "${fact}":\n${text}`);
    }
    assert.equal((html.match(/<form\b/g) ?? []).length, 1, 'one form');
    assert.equal((html.match(/<button\b/g) ?? []).length, 1, 'one button');
    assert.match(html, /<button type="submit" class="button">Yes, I will bill this period<\/button>/);
    assert.equal((html.match(/<a\b/g) ?? []).length, 0, 'no link that could be mistaken for the answer');
  });

  test('pressing the button (a same-origin POST) records "accepted" — no session, no password — and the page links to sign-in and then the commitment', async () => {
    const setup = await invited();
    const { s, c } = setup;
    t.clock.set(localTime(NY, '2026-11-03', 9));
    const res = await answerByLink(t, linksOf(setup, s.contact.id).yesUrl);
    assert.equal(res.status, 200, res.html);
    assert.match(res.html, /Thank you, Sub Contact/);
    assert.ok(res.html.includes(c.number) && res.html.includes('Drywall and framing'), 'names the commitment');
    assert.ok(res.html.includes(s.project.name), 'names the project');
    assert.match(res.html, /We recorded your answer <strong>Yes<\/strong>/);
    const href = /href="(\/sign-in\?next=[^"]+)"/.exec(res.html)?.[1];
    assert.ok(href, 'a sign-in link');
    const next = new URL(href.replace(/&amp;/g, '&'), 'http://payapp.test').searchParams.get('next');
    assert.equal(next, `/projects/${s.project.id}/commitments/${c.id}`, 'after sign-in, the commitment page');
    assert.deepEqual(await answer(setup), { response: 'accepted', respondedAt: '2026-11-03T14:00:00.000Z', by: s.contact.id });
    const token = await t.db.selectFrom('actionTokens').select('usedAt').where('userId', '=', s.contact.id).where('response', '=', 'accepted').executeTakeFirstOrThrow();
    assert.equal(token.usedAt?.toISOString(), '2026-11-03T14:00:00.000Z', 'the token is spent');
  });

  test('a post from another site, with the other answer, with an extra field or without the form records nothing', async () => {
    const setup = await invited();
    const { s } = setup;
    const yes = linksOf(setup, s.contact.id).yesUrl;
    const before = await stateOfLinks();
    const crossSite: Record<string, string>[] = [
      { origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', origin: 'http://mail.payapp.test' },
      { 'sec-fetch-site': 'none' },
      { origin: 'https://attacker.example' },
      { origin: 'null' },
    ];
    for (const headers of crossSite) {
      const res = await postAnswer(t, yes, 'accepted', headers);
      assert.equal(res.status, 403, JSON.stringify(headers));
      assert.match(res.html, /This answer did not come from payapp/);
      assert.match(res.html, /Nothing was changed/);
    }
    assertRefused(await postAnswer(t, yes, 'declined'), /This answer does not match the link/);
    const extra = await t.app.request(yes, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://payapp.test' },
      body: 'answer=accepted&respondedBy=someone-else',
    });
    assert.equal(extra.status, 400, 'unknown form fields are refused, never ignored');
    const empty = await t.app.request(yes, { method: 'POST', headers: { origin: 'http://payapp.test' } });
    assert.equal(empty.status, 400);
    assert.match(await empty.text(), /This answer could not be read/);
    assert.deepEqual(await stateOfLinks(), before, 'nothing changed');

    // The genuine page's post — also from a client that sends no Origin (the token authenticates it).
    const ok = await postAnswer(t, yes, 'accepted', {});
    assert.equal(ok.status, 200, ok.html);
    assert.equal((await answer(setup)).response, 'accepted');
  });

  test('No records "declined"; the same link again says what it recorded, when and as whom, how to change it, and changes nothing', async () => {
    const setup = await invited();
    const { s, c } = setup;
    t.clock.set(localTime(NY, '2026-11-03', 9, 30));
    const no = await answerByLink(t, linksOf(setup, s.contact.id).noUrl);
    assert.equal(no.status, 200, no.html);
    assert.match(no.html, /<strong>No<\/strong>/);
    assert.equal((await answer(setup)).response, 'declined');

    const usedNow = await follow(t, linksOf(setup, s.contact.id).noUrl);
    assertRefused(usedNow, /already been used/);
    const text = visibleText(usedNow.html);
    assert.ok(text.includes('It recorded the answer No for Sub Contact on Nov 3, 2026, 9:30 AM.'), text);
    assert.ok(text.includes(`Commitment ${c.number} – Drywall and framing`) && text.includes('Due date Nov 25, 2026'), text);
    assert.ok(text.includes(`To change your answer, sign in and answer on the commitment page: ${c.number} – Drywall and framing`), text);
    assert.ok(usedNow.html.includes(`href="/sign-in?next=${encodeURIComponent(`/projects/${s.project.id}/commitments/${c.id}`)}"`), 'the commitment page, after sign-in');
    assert.ok(!text.includes('The answer has changed since'), text);

    // Changed their mind in the app meanwhile; the used No link must not undo it, and says so.
    t.clock.set(localTime(NY, '2026-11-04', 8));
    assertOk(await s.contactApi.post(`${s.p}/commitments/${setup.c.id}/invite-response`, { response: 'accepted' }));
    const after = await stateOfLinks();
    t.clock.advance(60_000);
    const again = await follow(t, linksOf(setup, s.contact.id).noUrl);
    assertRefused(again, /already been used/);
    assert.match(visibleText(again.html), /The answer has changed since: it is now Yes ?, given by Sub Contact on Nov 4, 2026, 8:00\sAM\./);
    assertRefused(await postAnswer(t, linksOf(setup, s.contact.id).noUrl, 'declined'), /already been used/);
    assert.deepEqual(await stateOfLinks(), after);
    assert.equal((await answer(setup)).response, 'accepted');
  });

  test('an expired link (after 30 days) gets the expired page and changes nothing; until then it works', async () => {
    const setup = await invited();
    const { s, second } = setup;
    t.clock.set(new Date(INVITED_AT.getTime() + 30 * DAY - 60_000));
    assert.equal((await answerByLink(t, linksOf(setup, second.user.id).noUrl)).status, 200, 'a minute before 30 days: still works');
    const before = await answer(setup);
    t.clock.set(new Date(INVITED_AT.getTime() + 30 * DAY + 60_000));
    await assertLinkRefused(linksOf(setup, s.contact.id).yesUrl, /This link has expired/);
    assert.deepEqual(await answer(setup), before);
  });

  test('an altered link — one character of the signature or of the id, cut short, or made up — is "not valid" and changes nothing', async () => {
    const setup = await invited();
    const { s } = setup;
    const yes = linksOf(setup, s.contact.id).yesUrl;
    const token = decodeURIComponent(yes.slice('/respond/'.length));
    const [id, signature] = token.split('.') as [string, string];
    assert.ok(id && signature, token);
    const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const hex = '0123456789abcdef';
    const altered = [
      `${id}.${flip(signature, 0, b64)}`,
      `${id}.${flip(signature, signature.length - 1, b64)}`,
      `${flip(id, 0, hex)}.${signature}`,
      `${flip(id, id.length - 1, hex)}.${signature}`,
      `${id}.${signature.slice(0, -4)}`,
      id,
      `${id}.${signature}.extra`,
      'not-a-token',
    ];
    // The other contact's genuine signature on this contact's token id, and the reverse.
    const other = decodeURIComponent(linksOf(setup, setup.second.user.id).yesUrl.slice('/respond/'.length)).split('.');
    altered.push(`${id}.${other[1]}`, `${other[0]}.${signature}`);
    for (const bad of altered) {
      assert.notEqual(bad, token);
      await assertLinkRefused(`/respond/${encodeURIComponent(bad)}`, /This link is not valid/);
    }
    assert.deepEqual(await answer(setup), { response: null, respondedAt: null, by: null }, 'nothing changed');
    assert.equal((await answerByLink(t, yes)).status, 200, 'the genuine link still works afterwards');
    assert.equal((await answer(setup)).response, 'accepted');
  });

  test('a link for someone who is no longer an invoice contact says so and changes nothing', async () => {
    const setup = await invited();
    const { s, second } = setup;
    assertOk(await s.contactApi.post(`${s.p}/commitments/${setup.c.id}/invite-response`, { response: 'accepted' }));
    assertOk(await s.admin.delete(`${s.p}/commitments/${setup.c.id}/invoice-contacts/${second.user.id}`));
    const before = await answer(setup);
    await assertLinkRefused(linksOf(setup, second.user.id).noUrl, /You are no longer an invoice contact/);
    assert.deepEqual(await answer(setup), before);
  });

  test('once an invoice exists for the period the page says the answer can no longer change', async () => {
    const setup = await invited();
    const { s } = setup;
    assert.equal((await answerByLink(t, linksOf(setup, s.contact.id).yesUrl)).status, 200);
    await draftInvoice(s, s.contactApi, setup.c.id, 1_000_00);
    const before = await answer(setup);
    await assertLinkRefused(linksOf(setup, setup.second.user.id).noUrl, /answer can no longer change/);
    assert.deepEqual(await answer(setup), before);
    assert.equal(before.response, 'accepted');
  });

  test('one contact’s link answers only as that contact: it stops working when that contact is removed, the other’s does not', async () => {
    const setup = await invited();
    const { s, second } = setup;
    assert.equal((await answerByLink(t, linksOf(setup, second.user.id).yesUrl)).status, 200);
    assert.equal((await answer(setup)).by, second.user.id, 'recorded as the second contact’s answer');
    assert.equal((await answerByLink(t, linksOf(setup, s.contact.id).noUrl)).status, 200);
    assert.deepEqual([(await answer(setup)).response, (await answer(setup)).by], ['declined', s.contact.id]);

    assertOk(await s.admin.delete(`${s.p}/commitments/${setup.c.id}/invoice-contacts/${s.contact.id}`));
    await assertLinkRefused(linksOf(setup, s.contact.id).yesUrl, /no longer an invoice contact/);
    assert.equal((await answerByLink(t, linksOf(setup, second.user.id).noUrl)).status, 200, 'the remaining contact’s own link still works');
    assert.deepEqual([(await answer(setup)).response, (await answer(setup)).by], ['declined', second.user.id]);
  });

  test('a re-sent invite brings new links and asks again: the answer resets, and the old email’s links no longer answer', async () => {
    const setup = await invited();
    const { s, c } = setup;
    const old = linksOf(setup, s.contact.id);
    assert.equal((await answerByLink(t, old.yesUrl)).status, 200);
    assert.equal((await answer(setup)).response, 'accepted');

    t.clock.set(localTime(NY, '2026-11-05', 10));
    await invite(s, [c.id], { invoiceType: 'retainage_release', message: 'Final billing: retainage only.' });
    const fresh = (await latestLinks(s)).get(s.contact.id);
    assert.ok(fresh);
    assert.notEqual(fresh.yesUrl, old.yesUrl);
    assert.notEqual(fresh.noUrl, old.noUrl);
    assert.deepEqual(await answer(setup), { response: null, respondedAt: null, by: null }, 'asked again');

    // The first email's unused No answered a different question (another invoice type); it must not answer this one.
    const stale = await follow(t, old.noUrl);
    assertRefused(stale, /This link is not valid/);
    await assertLinkRefused(old.noUrl, /This link is not valid/);
    assert.match(stale.html, /replaced by a newer invite/);
    assert.equal((await answer(setup)).response, null);

    assert.equal((await answerByLink(t, fresh.noUrl)).status, 200);
    assert.equal((await answer(setup)).response, 'declined');
  });

  test('the link of a contact whose account was deactivated says so and changes nothing', async () => {
    const setup = await invited();
    const { s, second } = setup;
    assertOk(await s.root.patch(`/api/v1/users/${second.user.id}`, { isActive: false }));
    await assertLinkRefused(linksOf(setup, second.user.id).yesUrl, /account is inactive/);
    assert.deepEqual(await answer(setup), { response: null, respondedAt: null, by: null });
  });
});

describe('every link in every email', () => {
  test('opening (GET) or probing (HEAD) any link of the invite, the account invitation or the password reset changes nothing; each still works after', async () => {
    const setup = await invited();
    const { s } = setup;
    const newcomer = `${s.project.id.slice(0, 8)}.newcomer@example.test`;
    assertOk(await s.root.post('/api/v1/users', { companyId: s.sub.id, name: 'New Comer', email: newcomer }), 201);
    assert.equal((await t.request('POST', '/api/v1/password-resets', { body: { email: s.contact.email } })).status, 202);
    await processPasswordResetRequests(t.db, t.clock.now());

    const rows = await t.db
      .selectFrom('emailMessages as m')
      .innerJoin('users as u', 'u.id', 'm.toUserId')
      .select(['m.kind', 'm.payload'])
      .where((eb) => eb.or([eb('m.projectId', '=', s.project.id), eb('u.email', '=', newcomer), eb('u.id', '=', s.contact.id)]))
      .where('m.status', '=', 'pending')
      .execute();
    assert.deepEqual([...new Set(rows.map((r) => r.kind))].sort(), ['account_invitation', 'invite_to_bill', 'password_reset']);
    const paths = new Set<string>();
    for (const row of rows) {
      const payload = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload;
      const rendered = renderMessage(row.kind as EmailKind, payload, 'http://payapp.test');
      for (const url of textUrls(rendered.text)) paths.add(url.slice('http://payapp.test'.length));
    }
    const tokens = [...paths].filter((p) => /^\/(welcome|reset-password)\?token=/.test(p)).map((p) => new URL(p, 'http://payapp.test').searchParams.get('token') ?? '');
    assert.equal(tokens.length, 2, [...paths].join('\n'));
    // The welcome and reset pages read their link through the API before asking for a password.
    for (const token of tokens) paths.add(`/api/v1/links/${encodeURIComponent(token)}`);
    assert.ok([...paths].some((p) => p.startsWith('/respond/')) && [...paths].some((p) => p.includes('/commitments/')), [...paths].join('\n'));

    const before = await stateOfLinks();
    for (const path of paths) {
      const { get, head } = await scan(path);
      assert.ok(get.status < 500 && head.status < 500, `${path}: ${get.status} / ${head.status}`);
    }
    assert.deepEqual(await stateOfLinks(), before, 'no token spent, no answer, no password, no session, no audit entry');

    // Each link still does its job when a person uses it.
    const [welcome, reset] = tokens as [string, string];
    assertOk(await t.request('POST', `/api/v1/links/${encodeURIComponent(welcome)}/password`, { body: { password: 'a newcomer password' } }));
    assertOk(await t.request('POST', `/api/v1/links/${encodeURIComponent(reset)}/password`, { body: { password: 'a contact password' } }));
    assert.equal((await answerByLink(t, linksOf(setup, s.contact.id).yesUrl)).status, 200);
    assert.equal((await answer(setup)).response, 'accepted');
  });
});
