/**
 * Issue 13, the pay application PDF (docs/decisions/027), read back with poppler's `pdftotext
 * -layout`: on a multi-page invoice with a previous application, change orders approved before
 * and during the period, stored materials and a certified difference, every G702 line (applied
 * for and certified) and every G703 row (C–I and %) printed equals the API's; the totals tie;
 * `qpdf --check` passes; the contract company "Łódź Électrique — Müller & Søn" prints; a draft
 * says DRAFT and an approved one does not; an approved invoice's PDF is the same bytes every
 * time; the page size follows the project setting; only those who see the invoice get it. Page 1
 * is kept as a PNG (pdftoppm) in test-artifacts/pdf/.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { parseDecimalToCents } from '../../src/domain/money.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { assertError, assertNo5xx, assertOk, track, type Client, type Seen } from '../support/billing.ts';
import { addToProject, makeCommitment, makeCompany, makeProject, makeUser, systemAdminOf } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

const UNICODE_NAME = 'Łódź Électrique — Müller & Søn';
const SOV_LINES = 80;

let database: TestDatabase;
let t: TestApp;
let dir: string;
const seen: Seen = [];

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  dir = mkdtempSync(join(tmpdir(), 'payapp-pdf-'));
});
after(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => assertNo5xx(seen));

let files = 0;
function save(bytes: Uint8Array): string {
  files += 1;
  const path = join(dir, `${files}.pdf`);
  writeFileSync(path, bytes);
  return path;
}
const pdftotext = (path: string, pages?: [number, number]) =>
  execFileSync('pdftotext', ['-layout', ...(pages ? ['-f', String(pages[0]), '-l', String(pages[1])] : []), path, '-'], { encoding: 'utf8' });
const pageCount = (path: string) => Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [path], { encoding: 'utf8' }))?.[1]);

/** "$1,234.56", "-$0.50", "CA$3.00" → cents. */
function cents(text: string): number {
  return parseDecimalToCents(text.replace(/[^\d.-]/g, ''));
}
/** "33.33%" → 3333 bp. */
function bp(text: string): number {
  return Math.round(Number(text.replace('%', '')) * 100);
}

type Setup = { p: string; admin: Client; contact: Client; commitmentId: string; projectId: string };

async function pdf(api: Client, path: string) {
  const res = await t.app.request(`${path}/pdf`, { headers: { authorization: `Bearer ${api.token}` } });
  seen.push({ what: `GET ${path}/pdf`, status: res.status });
  return { status: res.status, headers: res.headers, bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe('the pay application PDF', () => {
  let s: Setup;
  let invoicePath: string;
  let api: any;
  let strangerInProject: Client;
  let otherContact: Client;
  let otherCommitmentId: string;

  before(async () => {
    const { gc } = await systemAdminOf(t.db);
    await t.db.updateTable('companies').set({ address: '1 Builder Way, Springfield' }).where('id', '=', gc.id).execute();
    const project = await makeProject(t.db, { name: 'Riverside Tower' });
    const adminUser = await makeUser(t.db, gc, { name: 'Invoice Admin' });
    await addToProject(t.db, project, adminUser, 'admin');
    const sub = await makeCompany(t.db, 'subcontractor', UNICODE_NAME);
    const contactUser = await makeUser(t.db, sub, { name: 'Zoë Contact' });
    await addToProject(t.db, project, contactUser, 'read_only');
    const commitment = await makeCommitment(t.db, project, {
      number: 'SC-013',
      title: 'Electrical',
      contractCompanyId: sub.id,
      invoiceContactIds: [contactUser.id],
      status: 'approved',
      isPrivate: true,
      retainageWorkBp: 1000,
      retainageMaterialsBp: 500,
      sov: Array.from({ length: SOV_LINES }, (_, i) => 1_000_00 * (i + 1) + 33),
    });
    s = {
      p: `/api/v1/projects/${project.id}`,
      admin: track(await t.as(adminUser.id), seen),
      contact: track(await t.as(contactUser.id), seen),
      commitmentId: commitment.id,
      projectId: project.id,
    };
    // Someone in the project who is not the commitment's contact, and a contact of another commitment.
    const bystander = await makeUser(t.db, gc, { name: 'Read Only' });
    await addToProject(t.db, project, bystander, 'read_only');
    strangerInProject = track(await t.as(bystander.id), seen);
    const other = await makeUser(t.db, sub, { name: 'Other Contact' });
    await addToProject(t.db, project, other, 'read_only');
    otherCommitmentId = (await makeCommitment(t.db, project, { contractCompanyId: sub.id, invoiceContactIds: [other.id], status: 'approved', sov: [1_000_00] })).id;
    otherContact = track(await t.as(other.id), seen);

    const cp = `${s.p}/commitments/${s.commitmentId}`;
    const ok = <T>(res: { status: number; body: T }, status = 200) => {
      assertOk(res as never, status);
      return res.body as any;
    };
    // October: the first application, approved.
    t.clock.set('2026-10-02T15:00:00Z');
    ok(await s.admin.post(`${s.p}/billing-periods`, { startsOn: '2026-10-01', endsOn: '2026-10-31', dueOn: '2026-10-25' }), 201);
    let first = ok(await s.contact.post(`${cp}/invoices?view=full`, { number: 'PA-1' }), 201);
    first = ok(
      await s.contact.put(`${s.p}/invoices/${first.invoice.id}/lines?view=full`, {
        version: first.invoice.version,
        lines: first.lines.slice(0, 10).map((l: any, i: number) => ({ lineId: l.id, workCompletedThisPeriodCents: 100_00 * (i + 1) })),
      }),
    );
    first = ok(await s.contact.post(`${s.p}/invoices/${first.invoice.id}/transitions?view=full`, { action: 'submit', version: first.invoice.version, acknowledgeMissing: true }));
    ok(await s.admin.post(`${s.p}/invoices/${first.invoice.id}/transitions?view=full`, { action: 'approve', version: first.invoice.version }));
    // A change order approved in October (before November's period): "previously".
    t.clock.set('2026-10-20T15:00:00Z');
    ok(await s.admin.post(`${cp}/change-orders`, { number: 'CO-001', title: 'Added conduit', status: 'approved', lines: [{ description: 'Added conduit', amountCents: 5_000_00 }] }), 201);

    // November: change orders approved this period (an addition over two lines, a deduction).
    t.clock.set('2026-11-02T15:00:00Z');
    ok(await s.admin.post(`${s.p}/billing-periods`, {}), 201);
    ok(
      await s.admin.post(`${cp}/change-orders`, {
        number: 'CO-002',
        title: 'Panel upgrade',
        status: 'approved',
        lines: [
          { description: 'Larger panel', amountCents: 3_000_00 },
          { description: 'Panel credit', amountCents: -1_000_00 },
        ],
      }),
      201,
    );
    ok(await s.admin.post(`${cp}/change-orders`, { number: 'CO-003', title: 'Deleted fixtures', status: 'approved', lines: [{ description: 'Fewer fixtures', amountCents: -1_500_00 }] }), 201);
    let second = ok(await s.contact.post(`${cp}/invoices?view=full`, { number: 'PA-2' }), 201);
    const byItem = new Map<string, any>(second.lines.map((l: any) => [l.itemNumber, l]));
    const entries = second.lines.map((l: any, i: number) => ({
      lineId: l.id,
      workCompletedThisPeriodCents: l.source === 'change_order' ? (l.scheduledValueCents > 0 ? 1_000_00 : -500_00) : 37_00 * (i + 1),
      ...(i % 9 === 0 && l.source === 'sov' && { materialsStoredNewCents: 250_00 + i }),
    }));
    second = ok(await s.contact.put(`${s.p}/invoices/${second.invoice.id}/lines?view=full`, { version: second.invoice.version, lines: entries }));
    second = ok(await s.contact.post(`${s.p}/invoices/${second.invoice.id}/transitions?view=full`, { action: 'submit', version: second.invoice.version, acknowledgeMissing: true }));
    // The administrator certifies line 5 differently, with a reason.
    ok(
      await s.admin.put(`${s.p}/invoices/${second.invoice.id}/lines?view=full`, {
        version: second.invoice.version,
        mode: 'certify',
        lines: [{ lineId: byItem.get('5').id, workCompletedThisPeriodCents: 50_00, differenceReason: 'Site walk: 50.00 in place' }],
      }),
    );
    invoicePath = `${s.p}/invoices/${second.invoice.id}`;
    api = ok(await s.admin.get(invoicePath));
  });

  test('its figures, read back, are the API’s: G702 applied for and certified, every G703 row, the totals, the change orders', async () => {
    const res = await pdf(s.admin, invoicePath);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/pdf');
    const path = save(res.bytes);
    execFileSync('qpdf', ['--check', path], { encoding: 'utf8' });
    const pages = pageCount(path);
    assert.ok(pages >= 4, `a multi-page application (${pages} pages)`);
    const text = pdftotext(path);
    const perPage = text.split('\f').filter((p) => p.trim() !== '');
    assert.equal(perPage.length, pages);
    perPage.forEach((page, i) => assert.match(page, new RegExp(`Page ${i + 1} of ${pages}`)));

    // G702: both columns, since the administrator certified a line differently.
    const page1 = perPage[0] ?? '';
    const g702 = new Map<string, [number, number]>();
    for (const line of page1.split('\n')) {
      const m = /^\s*(5a|5b|\d)\.\s+.*?\s{2,}(-?\S*\d\.\d\d)\s+(-?\S*\d\.\d\d)\s*$/.exec(line);
      if (m) g702.set(m[1] as string, [cents(m[2] as string), cents(m[3] as string)]);
    }
    const keys: [string, string][] = [
      ['1', 'originalContractSumCents'],
      ['2', 'netChangeByChangeOrdersCents'],
      ['3', 'contractSumToDateCents'],
      ['4', 'totalCompletedAndStoredCents'],
      ['5a', 'retainageOnCompletedWorkCents'],
      ['5b', 'retainageOnStoredMaterialsCents'],
      ['5', 'totalRetainageCents'],
      ['6', 'totalEarnedLessRetainageCents'],
      ['7', 'lessPreviousCertificatesCents'],
      ['8', 'currentPaymentDueCents'],
      ['9', 'balanceToFinishInclRetainageCents'],
    ];
    assert.deepEqual(
      keys.map(([n]) => [n, g702.get(n)]),
      keys.map(([n, k]) => [n, [api.claimedSummary[k], api.summary[k]]]),
    );
    assert.ok(api.summary.lessPreviousCertificatesCents > 0 && api.summary.retainageOnStoredMaterialsCents > 0, 'a previous certificate and stored materials');
    assert.notEqual(api.summary.currentPaymentDueCents, api.claimedSummary.currentPaymentDueCents);
    assert.equal(cents(/Amount applied for\s+(-?\S*\d\.\d\d)\s*$/m.exec(page1)?.[1] ?? ''), api.claimedSummary.currentPaymentDueCents);
    assert.equal(cents(/Amount certified\s+(-?\S*\d\.\d\d)\s*$/m.exec(page1)?.[1] ?? ''), api.summary.currentPaymentDueCents);

    // Change orders: CO-001 before the period; CO-002 (net +2,000.00) and CO-003 (−1,500.00) during it.
    const row = (label: string) => new RegExp(`${label}\\s+(\\S+)\\s+(\\S+)`).exec(page1)?.slice(1).map(cents);
    assert.deepEqual(row('Approved in previous periods'), [5_000_00, 0]);
    assert.deepEqual(row('Approved this period'), [2_000_00, 1_500_00]);
    assert.deepEqual(row('Totals'), [7_000_00, 1_500_00]);
    assert.equal(cents(/Net change by change orders \(line 2\)\s+(\S+)/.exec(page1)?.[1] ?? ''), api.summary.netChangeByChangeOrdersCents);
    assert.equal(api.summary.netChangeByChangeOrdersCents, 5_500_00);

    // Reasons for difference: the line, what was claimed and certified this period, and why.
    const line5 = api.lines.find((l: any) => l.itemNumber === '5');
    assert.match(text, /Reasons for difference/);
    const reason = /^\s*5\s+Line 5\s+(\S+)\s+(\S+)\s+Site walk: 50\.00 in place/m.exec(text);
    assert.ok(reason, 'the reason row');
    const claimedThisPeriod = line5.claimed.workCompletedThisPeriodCents + line5.claimed.materialsStoredNewCents - line5.claimed.materialsInstalledCents;
    assert.deepEqual([cents(reason[1] as string), cents(reason[2] as string)], [claimedThisPeriod, line5.earnedThisPeriodCents]);

    // G703: every API line is printed once with C, D, E, F, G, %, H, I.
    const printed = new Map<string, number[][]>();
    for (const page of perPage.slice(1)) {
      for (const raw of page.split('\n')) {
        const cells = raw.trim().split(/\s{2,}/);
        if (cells.length !== 10) continue;
        const [item, , ...values] = cells as [string, string, ...string[]];
        if (!api.lines.some((l: any) => l.itemNumber === item) || !values.every((v) => /\d/.test(v))) continue;
        const list = printed.get(item) ?? [];
        list.push(values.map((v, i) => (i === 5 ? bp(v) : cents(v))));
        printed.set(item, list);
      }
    }
    const expected = (l: any) => [
      l.scheduledValueCents,
      l.workCompletedPreviousCents,
      l.workCompletedThisPeriodCents,
      l.materialsPresentlyStoredCents,
      l.totalCompletedAndStoredCents,
      l.percentCompleteBp,
      l.balanceToFinishCents,
      l.retainageHeldCents,
    ];
    assert.equal(api.lines.length, SOV_LINES + 4);
    for (const l of api.lines) assert.deepEqual(printed.get(l.itemNumber), [expected(l)], `line ${l.itemNumber}`);
    assert.ok(api.lines.some((l: any) => l.source === 'change_order' && l.itemNumber === 'CO-002.2'));

    // Page subtotals add up to the grand total, which is the G702's.
    const totals = (label: RegExp) =>
      text
        .split('\n')
        .filter((line) => label.test(line))
        .map((line) => line.trim().split(/\s{2,}/).slice(-8).map((v, i) => (i === 5 ? bp(v) : cents(v))));
    const subtotals = totals(/^\s*Page subtotal/);
    assert.equal(subtotals.length, pages - 2, 'one per continuation sheet (pages 1 and 2: certificate, reasons)');
    const [grand] = totals(/^\s*Grand total/);
    assert.ok(grand);
    for (const column of [0, 1, 2, 3, 4, 6, 7]) {
      assert.equal(
        subtotals.reduce((sum, r) => sum + (r[column] ?? 0), 0),
        grand[column],
        `column ${column}`,
      );
    }
    assert.deepEqual(
      [grand[0], grand[4], grand[7]],
      [api.summary.contractSumToDateCents, api.summary.totalCompletedAndStoredCents, api.summary.totalRetainageCents],
    );

    // Keep page 1 (and a continuation sheet) as pictures for people to look at.
    const artifacts = join(process.cwd(), 'test-artifacts', 'pdf');
    mkdirSync(artifacts, { recursive: true });
    execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', path, join(artifacts, 'pay-application-page-1')]);
    execFileSync('pdftoppm', ['-png', '-r', '80', '-f', '3', '-l', '3', '-singlefile', path, join(artifacts, 'pay-application-page-3')]);
    writeFileSync(join(artifacts, 'pay-application-under-review.pdf'), res.bytes);
  });

  test('the Unicode name prints, the download is named after it (RFC 6266), and an unapproved application says DRAFT', async () => {
    const res = await pdf(s.contact, invoicePath);
    assert.equal(res.status, 200);
    const text = pdftotext(save(res.bytes));
    assert.ok(text.includes(UNICODE_NAME), 'the contract company, exactly');
    assert.match(text, /Zoë|Electrical/);
    assert.match(text, /DRAFT \(Under Review\) · printed Nov 2, 2026/);
    assert.match(text, /Not certified yet/);
    // A draft says so on every page.
    const draft = await otherContact.post(`${s.p}/commitments/${otherCommitmentId}/invoices?view=full`, {});
    assertOk(draft, 201);
    const draftPdf = await pdf(otherContact, `${s.p}/invoices/${draft.body.invoice.id}`);
    assert.equal(draftPdf.status, 200);
    const draftPages = pdftotext(save(draftPdf.bytes)).split('\f').filter((p) => p.trim() !== '');
    assert.ok(draftPages.length >= 2);
    for (const page of draftPages) assert.match(page, /DRAFT · printed Nov 2, 2026/);
    const disposition = res.headers.get('content-disposition') ?? '';
    assert.match(disposition, /^attachment; filename="Pay application PA-2 [ -~]*\.pdf"; filename\*=UTF-8''/, 'an ASCII stand-in first');
    assert.ok(disposition.includes(`filename*=UTF-8''${encodeURIComponent(`Pay application PA-2 – SC-013 – ${UNICODE_NAME}.pdf`).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`)}`), disposition);
  });

  test('an approved application prints from its snapshot: the same bytes every time, dated by its approval, no DRAFT', async () => {
    const current = (await s.admin.get(invoicePath)).body;
    const approved = await s.admin.post(`${invoicePath}/transitions?view=full`, { action: 'approve', version: current.invoice.version });
    assertOk(approved);
    const first = await pdf(s.admin, invoicePath);
    t.clock.advance(3 * 24 * 3600_000);
    const again = await pdf(s.contact, invoicePath);
    assert.equal(first.status, 200);
    assert.ok(Buffer.from(first.bytes).equals(Buffer.from(again.bytes)), 'byte for byte, whoever asks and whenever');
    const path = save(first.bytes);
    execFileSync('qpdf', ['--check', path], { encoding: 'utf8' });
    const text = pdftotext(path);
    assert.doesNotMatch(text, /DRAFT/);
    assert.match(text, /Approved by Invoice Admin on Nov 2, 2026/);
    const info = execFileSync('pdfinfo', [path], { encoding: 'utf8' });
    assert.match(info, /CreationDate:\s+Mon Nov\s+2 \d\d:00:00 2026/);
    // The snapshot's figures, as the API shows them.
    const after = (await s.admin.get(invoicePath)).body;
    assert.equal(cents(/Amount certified\s+(\S+)/.exec(text)?.[1] ?? ''), after.summary.currentPaymentDueCents);
  });

  test('the page size is the project setting: US Letter by default, A4 when chosen', async () => {
    const settings = await s.admin.get(`${s.p}/invoicing-settings`);
    assertOk(settings);
    assert.equal(settings.body.pdfPageSize, 'letter');
    const letter = execFileSync('pdfinfo', [save((await pdf(s.admin, invoicePath)).bytes)], { encoding: 'utf8' });
    assert.match(letter, /Page size:\s+612 x 792 pts \(letter\)/);
    assertError(await s.admin.patch(`${s.p}/invoicing-settings`, { version: settings.body.version, pdfPageSize: 'legal' }), 400, 'validation_failed', 'pdfPageSize');
    const changed = await s.admin.patch(`${s.p}/invoicing-settings`, { version: settings.body.version, pdfPageSize: 'a4' });
    assertOk(changed);
    assert.equal(changed.body.pdfPageSize, 'a4');
    const a4 = execFileSync('pdfinfo', [save((await pdf(s.admin, invoicePath)).bytes)], { encoding: 'utf8' });
    assert.match(a4, /Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
  });

  test('only those who see the invoice get it: others 404 (as GET invoice), no one signed in 401', async () => {
    assertError(await strangerInProject.get(invoicePath), 404, 'not_found');
    const stranger = await pdf(strangerInProject, invoicePath);
    assert.equal(stranger.status, 404);
    assert.equal(JSON.parse(Buffer.from(stranger.bytes).toString('utf8')).error.code, 'not_found');
    assert.equal((await pdf(otherContact, invoicePath)).status, 404);
    assert.equal((await pdf(s.admin, `${s.p}/invoices/00000000-0000-4000-8000-000000000000`)).status, 404);
    assert.equal((await pdf(s.admin, `${s.p}/invoices/not-an-id`)).status, 404);
    const anonymous = await t.app.request(`${invoicePath}/pdf`);
    assert.equal(anonymous.status, 401);
  });
});
