/**
 * Issue 13, importing a commitment's schedule of values from CSV and XLSX through the API:
 * preview, import, row errors with nothing written, a locale-formatted file, 10,000 lines.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { importSovCommand } from '../../src/cli/import-sov-command.ts';
import type { Project } from '../../src/domain/project.ts';
import type { User } from '../../src/domain/directory.ts';
import { createTestApp, type ApiResponse, type TestApp } from '../support/api.ts';
import { addToProject, makeCommitment, makeProject, makeUser, systemAdminOf } from '../support/factories.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
let t: TestApp;
let project: Project;
let adminToken: string;
let readOnly: User;

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function send(
  token: string,
  path: string,
  file: { name: string; type: string; bytes: Uint8Array | Buffer },
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  const res = await t.app.request(path, { method: 'POST', headers: { authorization: `Bearer ${token}`, ...headers }, body: form });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

const csv = (text: string) => ({ name: 'sov.csv', type: 'text/csv', bytes: Buffer.from(text, 'utf8') });
const importPath = (p: Project, commitmentId: string, query = '') => `/api/v1/projects/${p.id}/commitments/${commitmentId}/sov/import${query}`;
const sovOf = async (p: Project, commitmentId: string) => (await (await t.as((await systemAdminOf(t.db)).admin.id)).get(`/api/v1/projects/${p.id}/commitments/${commitmentId}/sov`)).body;

before(async () => {
  database = await openTestDatabase();
  t = createTestApp(database.db);
  const sys = await systemAdminOf(t.db);
  project = await makeProject(t.db);
  adminToken = (await t.as(sys.admin.id)).token;
  readOnly = await makeUser(t.db, sys.gc, { name: 'Read Only' });
  await addToProject(t.db, project, readOnly, 'read_only');
});
after(async () => database.close());

describe('POST …/sov/import', () => {
  const good = 'Item,Description,Cost Code,Scheduled Value\n1,Sitework,02-100,"$12,500.00"\n\n2,Concrete,03-300,8000.5\n3,"Steel, structural",05-100,0\n';

  test('a good CSV: the preview writes nothing; the import replaces the SOV', async () => {
    const c = await makeCommitment(t.db, project, { sov: [100, 200] });
    const before = await sovOf(project, c.id);

    const preview = await send(adminToken, importPath(project, c.id, '?dryRun=true'), csv(good));
    assert.equal(preview.status, 200, JSON.stringify(preview.body));
    assert.equal(preview.body.dryRun, true);
    assert.equal(preview.body.sov, undefined);
    assert.equal(preview.body.totalCents, 2_050_050);
    assert.deepEqual(
      preview.body.lines.map((l: { row: number; itemNumber: string; description: string; scheduledValueCents: number }) => [l.row, l.itemNumber, l.description, l.scheduledValueCents]),
      [
        [2, '1', 'Sitework', 1_250_000],
        [4, '2', 'Concrete', 800_050],
        [5, '3', 'Steel, structural', 0],
      ],
    );
    assert.deepEqual(preview.body.mapping, { itemNumber: 'Item', description: 'Description', costCode: 'Cost Code', scheduledValue: 'Scheduled Value' });
    assert.deepEqual(await sovOf(project, c.id), before);

    const noVersion = await send(adminToken, importPath(project, c.id), csv(good));
    assert.equal(noVersion.status, 428);

    const imported = await send(adminToken, importPath(project, c.id, `?version=${before.version}`), csv(good));
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    const after = await sovOf(project, c.id);
    assert.deepEqual(imported.body.sov, after);
    assert.deepEqual(
      after.lines.map((l: { itemNumber: string; costCode: string; description: string; scheduledValueCents: number }) => [l.itemNumber, l.costCode, l.description, l.scheduledValueCents]),
      [
        ['1', '02-100', 'Sitework', 1_250_000],
        ['2', '03-300', 'Concrete', 800_050],
        ['3', '05-100', 'Steel, structural', 0],
      ],
    );
    // Items 1 and 2 existed: they are the same lines, updated (so a billed line is kept, not deleted).
    assert.deepEqual(after.lines.slice(0, 2).map((l: { id: string }) => l.id), before.lines.map((l: { id: string }) => l.id));

    const stale = await send(adminToken, importPath(project, c.id), csv(good), { 'if-match': `"${before.version}"` });
    assert.equal(stale.status, 412);
  });

  test('an XLSX: the first sheet, numbers as numbers, a formula by its result, a mapping by header', async () => {
    const c = await makeCommitment(t.db, project);
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('SOV');
    sheet.addRow(['Schedule of values — Łódź Électrique']);
    sheet.addRow([]);
    sheet.addRow(['Line', 'Work', 'CC', 'Budget']);
    sheet.addRow([1, 'Électricité — Müller & Søn', '26-000', 1234.5]);
    sheet.addRow([2, { richText: [{ text: 'Rich ' }, { text: 'text' }] }, null, 0.1]);
    sheet.getCell('D5').value = { formula: '0.1+0.2', result: 0.30000000000000004 };
    workbook.addWorksheet('Ignored').addRow(['Description', 'Amount']);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    // Header row 1 is a title here: name the columns; the header is the first non-empty row.
    const res = await send(adminToken, importPath(project, c.id, '?dryRun=true'), { name: 'sov.xlsx', type: XLSX_TYPE, bytes });
    assert.equal(res.status, 422, 'a title row is taken as the header: nothing maps');
    assert.deepEqual([res.body.error.code, res.body.error.details[0].row], ['sov_import_invalid', 1]);

    sheet.spliceRows(1, 2);
    const bytes2 = Buffer.from(await workbook.xlsx.writeBuffer());
    const query = `?version=${c.version}&itemNumberColumn=Line&descriptionColumn=work&costCodeColumn=CC&scheduledValueColumn=Budget`;
    const imported = await send(adminToken, importPath(project, c.id, query), { name: 'sov.xlsx', type: XLSX_TYPE, bytes: bytes2 });
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    assert.deepEqual(
      imported.body.sov.lines.map((l: { itemNumber: string; costCode: string; description: string; scheduledValueCents: number }) => [l.itemNumber, l.costCode, l.description, l.scheduledValueCents]),
      [
        ['1', '26-000', 'Électricité — Müller & Søn', 123_450],
        ['2', '', 'Rich text', 30],
      ],
    );
  });

  test('errors in several rows: 422 sov_import_invalid, every row listed, the SOV unchanged', async () => {
    const c = await makeCommitment(t.db, project, { sov: [5_000] });
    const before = await sovOf(project, c.id);
    const bad = 'Item,Description,Scheduled Value\n1,Ok,100\n2,,100\n3,Too precise,1.234\n4,Negative,(5.00)\n5,Ok too,"1,000"\n6,Words,abc\n';
    const res = await send(adminToken, importPath(project, c.id, `?version=${before.version}`), csv(bad));
    assert.equal(res.status, 422);
    assert.equal(res.body.error.code, 'sov_import_invalid');
    assert.equal(res.body.error.field, 'file');
    assert.match(res.body.error.message, /4 problems in 4 rows/);
    assert.deepEqual(
      res.body.error.details.map((d: { row: number; column: string; path: string }) => [d.row, d.column, d.path]),
      [
        [3, 'Description', 'file'],
        [4, 'Scheduled Value', 'file'],
        [5, 'Scheduled Value', 'file'],
        [7, 'Scheduled Value', 'file'],
      ],
    );
    assert.deepEqual(await sovOf(project, c.id), before);
  });

  test('a locale-formatted file: en-CA project, ";"-separated CSV with French-Canadian amounts and a BOM', async () => {
    const caProject = await makeProject(t.db, { currency: 'CAD', locale: 'en-CA', timeZone: 'America/Toronto' });
    const c = await makeCommitment(t.db, caProject);
    const text = '\ufeffNo;Description;Montant\n1;Électricité;1 234,50 $\n2;Plomberie;12\u00a0000 $\n3;Peinture;"1,5"\n';
    const res = await send(adminToken, importPath(caProject, c.id, `?version=${c.version}&scheduledValueColumn=Montant`), csv(text));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(
      res.body.sov.lines.map((l: { itemNumber: string; scheduledValueCents: number }) => [l.itemNumber, l.scheduledValueCents]),
      [
        ['1', 123_450],
        ['2', 1_200_000],
        ['3', 150],
      ],
    );
    // The same amounts in an en-US project are not amounts.
    const us = await makeCommitment(t.db, project);
    const refused = await send(adminToken, importPath(project, us.id, '?dryRun=true&scheduledValueColumn=Montant'), csv(text));
    assert.equal(refused.status, 422);
    assert.equal(refused.body.error.details.length, 3);
  });

  test('10,000 lines import, every one as in the file', async () => {
    const c = await makeCommitment(t.db, project);
    const rows = ['Item,Description,Cost Code,Amount'];
    let total = 0;
    for (let i = 1; i <= 10_000; i++) {
      const cents = i * 101;
      total += cents;
      rows.push(`${i},"Line ${i}, floor ${i % 40}",${String(i % 50).padStart(2, '0')}-100,"$${(cents / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}"`);
    }
    const res = await send(adminToken, importPath(project, c.id, `?version=${c.version}`), csv(`${rows.join('\n')}\n`));
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 500));
    const sov = await sovOf(project, c.id);
    assert.equal(sov.lines.length, 10_000);
    assert.equal(sov.totalCents, total);
    assert.deepEqual(
      [sov.lines[0], sov.lines[9_999]].map((l: { position: number; itemNumber: string; description: string; scheduledValueCents: number }) => [l.position, l.itemNumber, l.description, l.scheduledValueCents]),
      [
        [1, '1', 'Line 1, floor 1', 101],
        [10_000, '10000', 'Line 10000, floor 0', 1_010_000],
      ],
    );
  });

  test('who may import is who may save the SOV; a file that is not a spreadsheet is a 400; not multipart is a 415', async () => {
    const c = await makeCommitment(t.db, project, { isPrivate: false });
    const ro = await t.as(readOnly.id);
    const refused = await send(ro.token, importPath(project, c.id, '?dryRun=true'), csv(good));
    assert.equal(refused.status, 403);
    const notXlsx = await send(adminToken, importPath(project, c.id, '?dryRun=true'), { name: 'sov.xlsx', type: XLSX_TYPE, bytes: Buffer.from('PK\u0003\u0004 not a zip') });
    assert.deepEqual([notXlsx.status, notXlsx.body.error.field], [400, 'file']);
    const json = await (await t.as((await systemAdminOf(t.db)).admin.id)).post(importPath(project, c.id, '?dryRun=true'), {});
    assert.equal(json.status, 415);
    const unknown = await send(adminToken, importPath(project, c.id, '?dryRun=true&amountColumn=X'), csv(good));
    assert.equal(unknown.status, 400);
  });

  test('payapp import-sov: dry run, row errors listed, then the import', async () => {
    const c = await makeCommitment(t.db, project, { sov: [700] });
    const { admin } = await systemAdminOf(t.db);
    const dir = mkdtempSync(join(tmpdir(), 'sov-import-'));
    const run = async (file: string, dryRun: boolean) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await importSovCommand(t.db, { project: project.id, commitment: c.id, file, as: admin.email, dryRun, mapping: {} }, { out: (l) => out.push(l), err: (l) => err.push(l) });
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    const badFile = join(dir, 'bad.csv');
    writeFileSync(badFile, 'Description,Amount\nOk,1\n,2\nX,1.001\n');
    const bad = await run(badFile, false);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /row 3, Description: Enter a description\.\n {2}row 4, Amount: "1\.001" has more than two decimals/);
    const goodFile = join(dir, 'good.csv');
    writeFileSync(goodFile, good);
    const before = await sovOf(project, c.id);
    const dry = await run(goodFile, true);
    assert.deepEqual([dry.code, /Dry run: 3 lines, total 20,500\.50/.test(dry.out)], [0, true], dry.out + dry.err);
    assert.deepEqual(await sovOf(project, c.id), before);
    const done = await run(goodFile, false);
    assert.equal(done.code, 0, done.err);
    assert.equal((await sovOf(project, c.id)).totalCents, 2_050_050);
    assert.equal((await run(goodFile, false)).code, 0, 'the command imports at the current version each time');
  });
});

describe('export → import round trip', () => {
  test('a SOV exported as CSV and as XLSX imports into another commitment as the same lines', async () => {
    const source = await makeCommitment(t.db, project, { sov: [1_250_000, 800_050, 1, 0] });
    const exported = await sovOf(project, source.id);
    const lines = (sov: { lines: { itemNumber: string; description: string; costCode: string; scheduledValueCents: number }[] }) =>
      sov.lines.map((l) => [l.itemNumber, l.description, l.costCode, l.scheduledValueCents]);
    for (const format of ['csv', 'xlsx'] as const) {
      const res = await t.app.request(`/api/v1/projects/${project.id}/commitments/${source.id}/sov/export?format=${format}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      assert.equal(res.status, 200);
      const bytes = Buffer.from(await res.arrayBuffer());
      const target = await makeCommitment(t.db, project);
      const version = (await sovOf(project, target.id)).version;
      const file = format === 'csv' ? { name: 'sov.csv', type: 'text/csv', bytes } : { name: 'sov.xlsx', type: XLSX_TYPE, bytes };
      const imported = await send(adminToken, importPath(project, target.id, `?version=${version}`), file);
      assert.equal(imported.status, 200, `${format}: ${JSON.stringify(imported.body)}`);
      assert.deepEqual(lines(await sovOf(project, target.id)), lines(exported), format);
    }
  });
});
