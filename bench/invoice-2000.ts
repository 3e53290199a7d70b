/**
 * A large invoice (issue 12): one commitment of LINES (2,000) SOV lines, its contact's draft
 * invoice, against a real `payapp serve` (child process, signed in with a session). Measures, as a
 * client sees it, RUNS (20) times each after a warm-up: GET the invoice (target ≤ 100 ms) and save
 * one line of work (PUT …/lines with one line, target ≤ 40 ms), with the SQL statements the server
 * sent for one of each and the answers' sizes.
 *
 * `npm run bench -- invoice-2000`, or `npx tsx bench/invoice-2000.ts` (DATABASE_URL or PGlite).
 */
import { randomUUID } from 'node:crypto';
import { PASSWORD, seedProject } from './seed.ts';
import { benchDatabase, Client, databaseLabel, envNumber, figure, giveUpAfter, kb, machineNote, ms, quantile, startServer, versionOf } from './support.ts';

const LINES = envNumber('LINES', 2000);
const RUNS = envNumber('RUNS', 20);

giveUpAfter(15, 'invoice-2000.ts');
console.log(`invoice-2000: one invoice of ${LINES} lines, ${RUNS} runs each; ${machineNote()}`);
const database = await benchDatabase('inv2000');
try {
  const seed = await seedProject((await database.open()).db, { commitments: 1, lines: LINES, contacts: 1 });
  await database.release();
  const server = await startServer(database);
  try {
    const client = new Client(server.url);
    await client.signIn(seed.contacts[0]?.email ?? '', PASSWORD);
    const created = await client.send('POST', `${seed.p}/commitments/${seed.commitments[0]?.id}/invoices`, {}, { 'idempotency-key': randomUUID() });
    if (created.status !== 201) throw new Error(`create answered ${created.status}: ${JSON.stringify(created.body).slice(0, 300)}`);
    const invoiceId: string = created.body?.invoice?.id ?? created.body?.id;
    const path = `${seed.p}/invoices/${invoiceId}`;

    const get = async () => {
      const r = await client.send('GET', path);
      if (r.status !== 200) throw new Error(`GET answered ${r.status}`);
      return r;
    };
    const first = await get();
    const lineIds = (first.body.lines as { id: string }[]).map((l) => l.id);
    if (lineIds.length !== LINES) throw new Error(`expected ${LINES} lines, the invoice has ${lineIds.length}`);
    let version = versionOf(first.body);
    const saveOne = async (i: number) => {
      const lineId = lineIds[Math.floor((i * 997) % LINES)];
      const r = await client.send('PUT', `${path}/lines`, { version, lines: [{ lineId, workCompletedThisPeriodCents: 1_000_00 + i }] });
      if (r.status !== 200) throw new Error(`save answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
      version = versionOf(r.body) ?? version;
      return r;
    };
    // Warm-up, and the statements of one of each.
    await get();
    await saveOne(0);
    let s = (await server.stats()).statements;
    const getBytes = (await get()).bytes;
    const getStatements = (await server.stats()).statements - s;
    s = (await server.stats()).statements;
    const saveBytes = (await saveOne(1)).bytes;
    const saveStatements = (await server.stats()).statements - s;

    const gets: number[] = [];
    const saves: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      gets.push((await get()).ms);
      saves.push((await saveOne(i + 2)).ms);
    }
    const getP50 = quantile(gets, 0.5);
    const saveP50 = quantile(saves, 0.5);
    console.log(`${LINES}-line invoice on ${databaseLabel(database)}, one client, sequential:`);
    figure('GET the invoice', `median ${ms(getP50)}, p90 ${ms(quantile(gets, 0.9))}, min ${ms(Math.min(...gets))}; ${getStatements} SQL statements; answer ${kb(getBytes)}`, {
      text: '≤ 100 ms',
      met: getP50 <= 100,
    });
    figure('save one line', `median ${ms(saveP50)}, p90 ${ms(quantile(saves, 0.9))}, min ${ms(Math.min(...saves))}; ${saveStatements} SQL statements; answer ${kb(saveBytes)}`, {
      text: '≤ 40 ms',
      met: saveP50 <= 40,
    });
    console.log(`invoice-2000: GET ${ms(getP50)} (target ≤ 100 ms), save one line ${ms(saveP50)} (target ≤ 40 ms)`);
  } finally {
    await server.stop();
  }
} finally {
  await database.dispose();
}
