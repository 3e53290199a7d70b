/**
 * The pay application PDF of a large invoice (issue 13): one commitment of LINES (2,000) SOV
 * lines, its contact's invoice with work on every line and stored materials on some, against a
 * real `payapp serve` (child process, signed in with a session). Measures GET …/pdf as a client
 * sees it — the first one (the server's first PDF: fonts read, code warmed) and then RUNS (5)
 * more — target ≤ 2 s; prints the pages and size.
 *
 * `npm run bench -- pdf-2000`, or `npx tsx bench/pdf-2000.ts` (DATABASE_URL or PGlite).
 */
import { randomUUID } from 'node:crypto';
import { PASSWORD, seedProject } from './seed.ts';
import { benchDatabase, Client, databaseLabel, envNumber, figure, giveUpAfter, kb, machineNote, ms, quantile, startServer, versionOf } from './support.ts';

const LINES = envNumber('LINES', 2000);
const RUNS = envNumber('RUNS', 5);
const TARGET_MS = 2000;

giveUpAfter(15, 'pdf-2000.ts');
console.log(`pdf-2000: the PDF of one invoice of ${LINES} lines, first + ${RUNS} runs; ${machineNote()}`);
const database = await benchDatabase('pdf2000');
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

    const getPdf = async () => {
      const started = performance.now();
      const res = await fetch(`${server.url}${path}/pdf`, { headers: { cookie: client.cookie } });
      const bytes = new Uint8Array(await res.arrayBuffer());
      const took = performance.now() - started;
      if (res.status !== 200 || res.headers.get('content-type') !== 'application/pdf') throw new Error(`GET pdf answered ${res.status}`);
      return { ms: took, bytes };
    };
    const first = await getPdf();
    const runs: number[] = [];
    for (let i = 0; i < RUNS; i += 1) runs.push((await getPdf()).ms);
    const pages = (Buffer.from(first.bytes).toString('latin1').match(/\/Type \/Page\b/g) ?? []).length;
    const median = quantile(runs, 0.5);
    console.log(`${LINES}-line invoice on ${databaseLabel(database)}, one client, sequential:`);
    figure('GET …/pdf, first', `${ms(first.ms)}; ${pages} pages, ${kb(first.bytes.length)}`, { text: `≤ ${TARGET_MS / 1000} s`, met: first.ms <= TARGET_MS });
    figure('GET …/pdf, after', `median ${ms(median)}, max ${ms(Math.max(...runs))}, min ${ms(Math.min(...runs))}`, { text: `≤ ${TARGET_MS / 1000} s`, met: median <= TARGET_MS });
    console.log(`pdf-2000: ${ms(median)} median, ${ms(first.ms)} first, ${pages} pages (target ≤ ${TARGET_MS / 1000} s)`);
  } finally {
    await server.stop();
  }
} finally {
  await database.dispose();
}
