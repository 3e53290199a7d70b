/**
 * Issue 4, one-click answers from the Invite to Bill email: the Yes / No links (paths
 * /respond/<token> in the email's payload) record the answer and show a confirmation page without a
 * session or password, linking to sign-in with the commitment as the next page; a link used again,
 * expired, altered, for someone who is no longer a contact, or after an invoice exists gets a page
 * saying so and changes nothing; one contact's link answers only as that contact; a re-sent invite
 * brings new links and asks again.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../support/api.ts';
import { assertNo5xx, assertOk, type Client, type Seen } from '../support/billing.ts';
import {
  commitmentFor,
  draftInvoice,
  emailProject,
  follow,
  invite,
  localTime,
  openPeriod,
  projectEmails,
  subPerson,
  type EmailSetup,
} from '../support/email-cycle.ts';
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

describe('one-click answers from the Invite to Bill email', () => {
  test('Yes records "accepted" and shows a confirmation page — no session, no password — linking to sign-in and then the commitment', async () => {
    const setup = await invited();
    const { s, c } = setup;
    t.clock.set(localTime(NY, '2026-11-03', 9));
    const page = await t.app.request(linksOf(setup, s.contact.id).yesUrl, { method: 'GET' });
    const html = await page.text();
    assert.equal(page.status, 200, html);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(page.headers.get('set-cookie'), null, 'answering does not sign anyone in');
    assert.ok(html.includes(c.number) && html.includes('Drywall and framing'), 'names the commitment');
    assert.ok(html.includes(s.project.name), 'names the project');
    assert.match(html, /<strong>Yes<\/strong>/);
    const href = /href="(\/sign-in\?next=[^"]+)"/.exec(html)?.[1];
    assert.ok(href, 'a sign-in link');
    const next = new URL(href.replace(/&amp;/g, '&'), 'http://payapp.test').searchParams.get('next');
    assert.equal(next, `/projects/${s.project.id}/commitments/${c.id}`, 'after sign-in, the commitment page');
    assert.deepEqual(await answer(setup), { response: 'accepted', respondedAt: '2026-11-03T14:00:00.000Z', by: s.contact.id });
  });

  test('No records "declined"; the same link again says it was already used and changes nothing', async () => {
    const setup = await invited();
    const { s } = setup;
    const no = await follow(t, linksOf(setup, s.contact.id).noUrl);
    assert.equal(no.status, 200, no.html);
    assert.match(no.html, /<strong>No<\/strong>/);
    const before = await answer(setup);
    assert.equal(before.response, 'declined');

    // Changed their mind in the app meanwhile; the used No link must not undo it.
    assertOk(await s.contactApi.post(`${s.p}/commitments/${setup.c.id}/invite-response`, { response: 'accepted' }));
    const after = await answer(setup);
    t.clock.advance(60_000);
    const again = await follow(t, linksOf(setup, s.contact.id).noUrl);
    assertRefused(again, /already been used/);
    assert.deepEqual(await answer(setup), after);
  });

  test('an expired link (after 30 days) gets the expired page and changes nothing; until then it works', async () => {
    const setup = await invited();
    const { s, second } = setup;
    t.clock.set(new Date(INVITED_AT.getTime() + 30 * DAY - 60_000));
    assert.equal((await follow(t, linksOf(setup, second.user.id).noUrl)).status, 200, 'a minute before 30 days: still works');
    const before = await answer(setup);
    t.clock.set(new Date(INVITED_AT.getTime() + 30 * DAY + 60_000));
    assertRefused(await follow(t, linksOf(setup, s.contact.id).yesUrl), /This link has expired/);
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
      assertRefused(await follow(t, `/respond/${encodeURIComponent(bad)}`), /This link is not valid/);
    }
    assert.deepEqual(await answer(setup), { response: null, respondedAt: null, by: null }, 'nothing changed');
    assert.equal((await follow(t, yes)).status, 200, 'the genuine link still works afterwards');
    assert.equal((await answer(setup)).response, 'accepted');
  });

  test('a link for someone who is no longer an invoice contact says so and changes nothing', async () => {
    const setup = await invited();
    const { s, second } = setup;
    assertOk(await s.contactApi.post(`${s.p}/commitments/${setup.c.id}/invite-response`, { response: 'accepted' }));
    assertOk(await s.admin.delete(`${s.p}/commitments/${setup.c.id}/invoice-contacts/${second.user.id}`));
    const before = await answer(setup);
    assertRefused(await follow(t, linksOf(setup, second.user.id).noUrl), /You are no longer an invoice contact/);
    assert.deepEqual(await answer(setup), before);
  });

  test('once an invoice exists for the period the page says the answer can no longer change', async () => {
    const setup = await invited();
    const { s } = setup;
    assert.equal((await follow(t, linksOf(setup, s.contact.id).yesUrl)).status, 200);
    await draftInvoice(s, s.contactApi, setup.c.id, 1_000_00);
    const before = await answer(setup);
    assertRefused(await follow(t, linksOf(setup, setup.second.user.id).noUrl), /answer can no longer change/);
    assert.deepEqual(await answer(setup), before);
    assert.equal(before.response, 'accepted');
  });

  test('one contact’s link answers only as that contact: it stops working when that contact is removed, the other’s does not', async () => {
    const setup = await invited();
    const { s, second } = setup;
    assert.equal((await follow(t, linksOf(setup, second.user.id).yesUrl)).status, 200);
    assert.equal((await answer(setup)).by, second.user.id, 'recorded as the second contact’s answer');
    assert.equal((await follow(t, linksOf(setup, s.contact.id).noUrl)).status, 200);
    assert.deepEqual([(await answer(setup)).response, (await answer(setup)).by], ['declined', s.contact.id]);

    assertOk(await s.admin.delete(`${s.p}/commitments/${setup.c.id}/invoice-contacts/${s.contact.id}`));
    assertRefused(await follow(t, linksOf(setup, s.contact.id).yesUrl), /no longer an invoice contact/);
    assert.equal((await follow(t, linksOf(setup, second.user.id).noUrl)).status, 200, 'the remaining contact’s own link still works');
    assert.deepEqual([(await answer(setup)).response, (await answer(setup)).by], ['declined', second.user.id]);
  });

  test('a re-sent invite brings new links and asks again: the answer resets, and the old email’s links no longer answer', async () => {
    const setup = await invited();
    const { s, c } = setup;
    const old = linksOf(setup, s.contact.id);
    assert.equal((await follow(t, old.yesUrl)).status, 200);
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
    assert.match(stale.html, /replaced by a newer invite/);
    assert.equal((await answer(setup)).response, null);

    assert.equal((await follow(t, fresh.noUrl)).status, 200);
    assert.equal((await answer(setup)).response, 'declined');
  });

  test('the link of a contact whose account was deactivated says so and changes nothing', async () => {
    const setup = await invited();
    const { s, second } = setup;
    assertOk(await s.root.patch(`/api/v1/users/${second.user.id}`, { isActive: false }));
    assertRefused(await follow(t, linksOf(setup, second.user.id).yesUrl), /account is inactive/);
    assert.deepEqual(await answer(setup), { response: null, respondedAt: null, by: null });
  });
});
