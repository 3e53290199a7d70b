/**
 * The PDF renderer alone (src/pdf, decision 027), from a document built in memory: Subcontractor
 * SOV details under their SOV line with its total, the rejected lines' reasons, A4, and the same
 * bytes for the same document and date (what makes an approved invoice's PDF reproducible).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { computeInvoice, type InvoiceLine } from '../../src/domain/invoice.ts';
import { buildPayApplicationDocument } from '../../src/domain/pay-application-document.ts';
import { EMPTY_ENTRY } from '../../src/domain/pay-application.ts';
import { renderPayApplicationPdf } from '../../src/pdf/pay-application.pdf.ts';

const dir = mkdtempSync(join(tmpdir(), 'payapp-pdf-render-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const parent = { key: 'sov:2', itemNumber: '2', description: 'Électricité générale' };
const line = (key: string, item: string, cents: number, work: number, extra: Partial<InvoiceLine> = {}): InvoiceLine => ({
  id: key,
  key,
  source: 'sov',
  itemNumber: item,
  description: `Ligne ${item}`,
  costCode: '',
  scheduledValueCents: cents,
  claimed: { ...EMPTY_ENTRY, workCompletedThisPeriodCents: work },
  certified: { ...EMPTY_ENTRY, workCompletedThisPeriodCents: work },
  isCertifiedAdjusted: false,
  differenceReason: null,
  rates: { workBp: 1000, materialsBp: 500 },
  isRateOverridden: false,
  review: { status: null, reason: null },
  ...extra,
});
const lines = [
  line('sov:1', '1', 10_000_00, 1_000_00),
  line('ssov:a', '2.1', 3_000_00, 300_00, { parent }),
  line('ssov:b', '2.2', 2_000_00, 500_00, { parent, review: { status: 'rejected', reason: 'Pas de bordereau' } }),
];
const doc = buildPayApplicationDocument({
  project: { name: 'Tour Łódź', number: '', address: '', timeZone: 'America/Toronto' },
  commitment: { number: 'SC-9', title: 'Électricité' },
  contractCompany: { name: 'Łódź Électrique — Müller & Søn', address: '' },
  generalContractor: null,
  invoice: { sequence: 1, number: null, status: 'approved', billingDate: '2026-11-30', periodStart: '2026-11-01', periodEnd: '2026-11-30', submittedAt: null, approvedAt: new Date('2026-12-01T14:00:00Z'), comments: '' },
  approverName: 'Zoë',
  amounts: computeInvoice(lines, [], true),
  lineFacts: new Map(lines.map((l) => [l.key, { differenceReason: null, review: l.review }])),
  changeOrders: [],
});
const options = { pageSize: 'a4' as const, project: { currency: 'CAD', locale: 'en-CA', timeZone: 'America/Toronto' }, documentDate: new Date('2026-12-01T14:00:00Z') };

test('renders the groups, the rejected lines and the names; A4; the same bytes twice', async () => {
  const first = await renderPayApplicationPdf(doc, options);
  const second = await renderPayApplicationPdf(doc, options);
  assert.ok(first.equals(second));
  const path = join(dir, 'doc.pdf');
  writeFileSync(path, first);
  execFileSync('qpdf', ['--check', path]);
  assert.match(execFileSync('pdfinfo', [path], { encoding: 'utf8' }), /Page size:\s+595\.28 x 841\.89 pts \(A4\)/);
  const text = execFileSync('pdftotext', ['-layout', path, '-'], { encoding: 'utf8' });
  assert.ok(text.includes('Łódź Électrique — Müller & Søn'));
  assert.match(text, /^\s*2\s+Électricité générale\s*$/m, 'the SOV line heads its details');
  assert.match(text, /^\s*2\s+Total 2 Électricité générale\s+\$5,000\.00\s+\$0\.00\s+\$800\.00/m, 'its total after them (en-CA dollars)');
  assert.match(text, /Rejected lines[\s\S]*2\.2\s+Ligne 2\.2\s+Pas de bordereau/);
  assert.match(text, /Approved by Zoë on/);
  assert.doesNotMatch(text, /DRAFT/);
});
