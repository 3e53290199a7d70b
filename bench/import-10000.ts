/**
 * Importing a schedule of values of LINES (10,000) lines (issue 13) against a real `payapp serve`
 * (child process, the administrator signed in with a session): POST …/sov/import as a client sees
 * it — a CSV preview (dry run), the CSV import, then an XLSX import of the same lines over it (every
 * line matched by item number, so updated in place) — target ≤ 5 s each.
 *
 * `npm run bench -- import-10000`, or `npx tsx bench/import-10000.ts` (DATABASE_URL or PGlite).
 */
import ExcelJS from 'exceljs';
import { PASSWORD, seedProject } from './seed.ts';
import { benchDatabase, Client, databaseLabel, envNumber, figure, giveUpAfter, kb, machineNote, ms, startServer } from './support.ts';

const LINES = envNumber('LINES', 10_000);
const TARGET_MS = 5000;

giveUpAfter(15, 'import-10000.ts');
console.log(`import-10000: an SOV of ${LINES} lines imported from CSV and XLSX; ${machineNote()}`);

const cents = (i: number) => 1_000_00 + ((i * 7919) % 1000) * 101;
const dollars = (c: number) => `${Math.floor(c / 100).toLocaleString('en-US')}.${String(c % 100).padStart(2, '0')}`;

const csvRows = ['Item,Description,Cost Code,Scheduled Value'];
for (let i = 1; i <= LINES; i++) csvRows.push(`${i},"Line ${i}, level ${i % 30}",${String(i % 48).padStart(2, '0')}-000,"$${dollars(cents(i))}"`);
const csv = Buffer.from(`${csvRows.join('\n')}\n`);
const workbook = new ExcelJS.Workbook();
const sheet = workbook.addWorksheet('SOV');
sheet.addRow(['Item', 'Description', 'Cost Code', 'Scheduled Value']);
for (let i = 1; i <= LINES; i++) sheet.addRow([String(i), `Line ${i} (xlsx)`, `${String(i % 48).padStart(2, '0')}-000`, cents(i) / 100]);
const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
const expectedTotal = Array.from({ length: LINES }, (_, i) => cents(i + 1)).reduce((a, b) => a + b, 0);

const database = await benchDatabase('import10000');
try {
  const seed = await seedProject((await database.open()).db, { commitments: 1, lines: 1, contacts: 1 });
  await database.release();
  const server = await startServer(database);
  try {
    const client = new Client(server.url);
    await client.signIn(seed.admin.email, PASSWORD);
    const path = `${seed.p}/commitments/${seed.commitments[0]?.id}/sov`;
    const upload = async (name: string, type: string, bytes: Buffer, query: string) => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(bytes)], { type }), name);
      const started = performance.now();
      const res = await fetch(`${server.url}${path}/import${query}`, { method: 'POST', headers: { cookie: client.cookie, 'x-csrf-token': client.csrf }, body: form });
      const body = (await res.json()) as { totalCents?: number; lines?: unknown[]; sov?: { version: number; totalCents: number; lines: unknown[] } };
      const took = performance.now() - started;
      if (res.status !== 200) throw new Error(`import answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
      if (body.totalCents !== expectedTotal || body.lines?.length !== LINES) throw new Error(`import read ${body.lines?.length} lines, ${body.totalCents} cents`);
      return { ms: took, body };
    };
    const versionNow = async () => (await client.send('GET', path)).body.version as number;

    const preview = await upload('sov.csv', 'text/csv', csv, '?dryRun=true');
    const fromCsv = await upload('sov.csv', 'text/csv', csv, `?version=${await versionNow()}`);
    const fromXlsx = await upload('sov.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', xlsx, `?version=${await versionNow()}`);
    const after = (await client.send('GET', path)).body as { totalCents: number; lines: unknown[] };
    if (after.lines.length !== LINES || after.totalCents !== expectedTotal) throw new Error(`the SOV has ${after.lines.length} lines, ${after.totalCents} cents`);

    console.log(`${LINES}-line SOV on ${databaseLabel(database)}, one client, sequential:`);
    const target = (took: number) => ({ text: `≤ ${TARGET_MS / 1000} s`, met: took <= TARGET_MS });
    figure('CSV preview (dry run)', `${ms(preview.ms)} (${kb(csv.length)})`, target(preview.ms));
    figure('CSV import (new lines)', ms(fromCsv.ms), target(fromCsv.ms));
    figure('XLSX import (lines updated)', `${ms(fromXlsx.ms)} (${kb(xlsx.length)})`, target(fromXlsx.ms));
    console.log(`import-10000: CSV ${ms(fromCsv.ms)}, XLSX ${ms(fromXlsx.ms)}, preview ${ms(preview.ms)} (target ≤ ${TARGET_MS / 1000} s)`);
  } finally {
    await server.stop();
  }
} finally {
  await database.dispose();
}

