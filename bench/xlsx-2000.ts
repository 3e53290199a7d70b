/**
 * The XLSX export of a large invoice (issue 13, docs/decisions/028): one commitment of LINES
 * (2,000) SOV lines, its contact's invoice with work on every line and stored materials on some,
 * against a real `payapp serve` (child process, signed in with a session). Measures GET
 * …/export?format=xlsx as a client sees it — the first one (code warmed) and then RUNS (5) more —
 * target ≤ 1 s; prints the size. The CSV is timed once beside it.
 *
 * `npm run bench -- xlsx-2000`, or `npx tsx bench/xlsx-2000.ts` (DATABASE_URL or PGlite).
 */
import { randomUUID } from 'node:crypto';
import { PASSWORD, seedProject } from './seed.ts';
import { benchDatabase, Client, databaseLabel, envNumber, figure, giveUpAfter, kb, machineNote, ms, quantile, startServer, versionOf } from './support.ts';

const LINES = envNumber('LINES', 2000);
const RUNS = envNumber('RUNS', 5);
const TARGET_MS = 1000;

giveUpAfter(15, 'xlsx-2000.ts');
console.log(`xlsx-2000: the XLSX export of one invoice of ${LINES} lines, first + ${RUNS} runs; ${machineNote()}`);
const database = await benchDatabase('xlsx2000');
try {
  const seed = await seedProject((await database.open()).db, { commitments: 1, lines: LINES, contacts: 1 });
  await database.release();
  const server = await startServer(database);
  try {
    const client = new Client(server.url);
    await client.signIn(seed.contacts[0]?.email ?? '', PASSWORD);
    const created = await client.send('POST', `${seed.p}/commitments/${seed.commitments[0]?.id}/invoices?view=full`, {}, { 'idempotency-key': randomUUID() });
    if (created.status !== 201) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body).slice(0, 300)}`);
    const invoiceId: string = created.body.invoice.id;
    const path = `${seed.p}/invoices/${invoiceId}`;
    const lines = (created.body.lines as { id: string }[]).map((l, i) => ({
      lineId: l.id,
      workCompletedThisPeriodCents: 100_00 + i,
      ...(i % 7 === 0 && { materialsStoredNewCents: 50_00 }),
    }));
    const saved = await client.send('PUT', `${path}/lines`, { version: versionOf(created.body), lines });
    if (saved.status !== 200) throw new Error(`save answered ${saved.status}: ${JSON.stringify(saved.body).slice(0, 300)}`);

    const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    const getExport = async (format: 'xlsx' | 'csv') => {
      const started = performance.now();
      const res = await fetch(`${server.url}${path}/export?format=${format}`, { headers: { cookie: client.cookie } });
      const bytes = new Uint8Array(await res.arrayBuffer());
      const took = performance.now() - started;
      if (res.status !== 200 || !res.headers.get('content-type')?.startsWith(format === 'xlsx' ? XLSX : 'text/csv')) throw new Error(`GET export answered ${res.status}`);
      return { ms: took, bytes };
    };
    const first = await getExport('xlsx');
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i += 1) runs.push((await getExport('xlsx')).ms);
    const csv = await getExport('csv');
    const median = quantile(runs, 0.5);
    console.log(`${LINES}-line invoice on ${databaseLabel(database)}, one client, sequential:`);
    figure('GET …/export xlsx, first', `${ms(first.ms)}; ${kb(first.bytes.length)}`, { text: `≤ ${TARGET_MS / 1000} s`, met: first.ms <= TARGET_MS });
    figure('GET …/export xlsx, after', `median ${ms(median)}, max ${ms(Math.max(...runs))}, min ${ms(Math.min(...runs))}`, { text: `≤ ${TARGET_MS / 1000} s`, met: median <= TARGET_MS });
    figure('GET …/export csv', `${ms(csv.ms)}; ${kb(csv.bytes.length)}`);
    console.log(`xlsx-2000: ${ms(median)} median, ${ms(first.ms)} first (target ≤ ${TARGET_MS / 1000} s)`);
  } finally {
    await server.stop();
  }
} finally {
  await database.dispose();
}
