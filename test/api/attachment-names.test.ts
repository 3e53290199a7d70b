/**
 * Issue 11, defect 6: attachments whose names are not ASCII (`résumé.pdf` — also as a Mac sends
 * it, decomposed — `発注書.pdf`) or carry quotes and semicolons are uploaded and downloaded with
 * their names intact: Content-Disposition per RFC 6266 (an ASCII `filename` fallback and the exact
 * name in `filename*=UTF-8''…`, RFC 5987), through the app and through the node adapter, where a
 * header that is not Latin-1 used to end as a plain-text 500. What is stored is the name alone:
 * no folders, no control or direction-changing characters.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { safeFilename } from '../../src/domain/attachments.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { createTestApp, type TestApp } from '../support/api.ts';
import { approvedCommitment, assertOk, billingProject, download, upload, type BillingSetup } from '../support/billing.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
let t: TestApp;
let s: BillingSetup;
let invoiceId: string;
let server: RunningServer;

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  t.clock.set('2026-11-10T15:00:00Z');
  s = await billingProject(t, []);
  const c = await approvedCommitment(t, s);
  assertOk(await s.admin.post(`${s.p}/billing-periods`, {}), 201);
  const created = await s.contactApi.post(`${s.p}/commitments/${c.id}/invoices?view=full`, {});
  assertOk(created, 201);
  invoiceId = created.body.invoice.id;
  server = await startServer(loadConfig({ PORT: '0', HOST: '127.0.0.1', BASE_URL: 'http://payapp.test', WEB_ROOT: '/nonexistent-web-root' }), database);
});
after(async () => {
  await server.stop();
  await database.close();
});

const PDF = new TextEncoder().encode('%PDF-1.4\n%payapp test\n');

/** The name a client reads from Content-Disposition: filename* when present (RFC 6266 §4.3), else filename. */
function nameFrom(header: string): { star: string | undefined; fallback: string | undefined } {
  const star = /filename\*=UTF-8''([^;\s]+)/i.exec(header)?.[1];
  const fallback = /filename="([^"]*)"/.exec(header)?.[1];
  return { star: star === undefined ? undefined : decodeURIComponent(star), fallback };
}

const CASES: { sent: string; stored: string; fallback: RegExp }[] = [
  { sent: 'résumé.pdf', stored: 'résumé.pdf', fallback: /^resume\.pdf$/ },
  { sent: 're\u0301sume\u0301.pdf', stored: 'résumé.pdf', fallback: /^resume\.pdf$/ },
  { sent: '発注書.pdf', stored: '発注書.pdf', fallback: /^[\x20-\x7e]*\.pdf$/ },
  { sent: 'Invoice "final"; v2, 100%.pdf', stored: 'Invoice _final_; v2, 100%.pdf', fallback: /^Invoice _final_. v2, 100.\.pdf$/ },
];

describe('non-ASCII names and names with quotes and semicolons, uploaded and downloaded', () => {
  for (const { sent, stored, fallback } of CASES) {
    test(`${JSON.stringify(sent)}: stored as ${JSON.stringify(stored)}, downloaded with it in filename* and an ASCII fallback`, async () => {
      const res = await upload(t, s.contactApi.token, `${s.p}/invoices/${invoiceId}/attachments`, { name: sent, type: 'application/pdf', bytes: PDF });
      assertOk(res, 201);
      assert.equal(res.body.filename, stored);
      const path = `${s.p}/invoices/${invoiceId}/attachments/${res.body.id}`;

      const inProcess = await download(t, s.contactApi.token, path);
      assert.equal(inProcess.status, 200);
      assert.deepEqual(inProcess.bytes, PDF);

      const wire = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${s.contactApi.token}` } });
      assert.equal(wire.status, 200, `over the wire: ${wire.status} ${wire.headers.get('content-type')}`);
      assert.deepEqual(new Uint8Array(await wire.arrayBuffer()), PDF);
      for (const header of [inProcess.headers.get('content-disposition') ?? '', wire.headers.get('content-disposition') ?? '']) {
        assert.match(header, /^attachment; /);
        assert.match(header, /^[\x20-\x7e]*$/, 'the header is ASCII');
        const name = nameFrom(header);
        assert.equal(name.star, stored, header);
        assert.match(name.fallback ?? '', fallback, header);
      }
      const listed = (await s.contactApi.get(`${s.p}/invoices/${invoiceId}`)).body.attachments.map((a: { filename: string }) => a.filename);
      assert.ok(listed.includes(stored), `the invoice lists ${stored}: ${listed}`);
    });
  }

  test('uploads through the API store the cleaned name', async () => {
    const res = await upload(t, s.contactApi.token, `${s.p}/invoices/${invoiceId}/attachments`, { name: '../../x\u202Efdp.exe.pdf', type: 'application/pdf', bytes: PDF });
    assertOk(res, 201);
    assert.equal(res.body.filename, 'x_fdp.exe.pdf');
  });

  test('a payment attachment downloads the same way (the invoice approved and paid first)', async () => {
    let invoice = (await s.contactApi.get(`${s.p}/invoices/${invoiceId}`)).body;
    invoice = (await s.contactApi.put(`${s.p}/invoices/${invoiceId}/lines?view=full`, { version: invoice.invoice.version, lines: [{ lineId: invoice.lines[0].id, workCompletedThisPeriodCents: 1_000_00 }] })).body;
    invoice = (await s.contactApi.post(`${s.p}/invoices/${invoiceId}/transitions?view=full`, { action: 'submit', version: invoice.invoice.version, acknowledgeMissing: true })).body;
    assertOk(await s.admin.post(`${s.p}/invoices/${invoiceId}/transitions?view=full`, { action: 'approve', version: invoice.invoice.version }));
    const payment = await s.admin.post(`${s.p}/invoices/${invoiceId}/payments`, { amountCents: 100_00, paidOn: '2026-11-20', method: 'check' });
    assertOk(payment, 201);
    const paymentPath = `${s.p}/invoices/${invoiceId}/payments/${payment.body.payments[0].id}/attachments`;
    const res = await upload(t, s.admin.token, paymentPath, { name: '小切手 №42.pdf', type: 'application/pdf', bytes: PDF });
    assertOk(res, 201);
    const wire = await fetch(`${server.url}${paymentPath}/${res.body.id}`, { headers: { authorization: `Bearer ${s.admin.token}` } });
    assert.equal(wire.status, 200);
    assert.equal(nameFrom(wire.headers.get('content-disposition') ?? '').star, '小切手 №42.pdf');
  });
});

describe('what is stored is a file name, nothing else', () => {
  test('folders, control characters, direction overrides, Windows-reserved characters and overlong names', () => {
    assert.equal(safeFilename('../../etc/passwd.pdf'), 'passwd.pdf');
    assert.equal(safeFilename('C:\\Users\\me\\invoice.pdf'), 'invoice.pdf');
    assert.equal(safeFilename('tab\there\nnew\u0000line\u007f.pdf'), 'tab_here_new_line_.pdf');
    assert.equal(safeFilename('invoice\u202Efdp.exe'), 'invoice_fdp.exe', 'a right-to-left override cannot disguise the extension');
    assert.equal(safeFilename('a<b>c|d:e*f?g.pdf'), 'a_b_c_d_e_f_g.pdf');
    assert.equal(safeFilename('\ud800x.pdf'), 'x.pdf', 'half of a surrogate pair is not text');
    assert.equal(safeFilename('..'), 'file');
    assert.equal(safeFilename('   '), 'file');
    const long = safeFilename(`${'😀'.repeat(300)}.pdf`);
    assert.ok(long.endsWith('.pdf'), 'the extension survives shortening');
    assert.equal(Array.from(long).length, 200);
    assert.doesNotMatch(long, /\p{Cs}/u, 'never cut inside a surrogate pair');
  });
});
