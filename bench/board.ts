/**
 * The billing board with many invoices (issue 12): INVOICES (200) commitments of LINES (200) lines,
 * each with an invoice whose every line carries work — filed through the API by CONTACTS (16)
 * contacts as in the spike (half submitted, half left in Draft) — then the invoice administrator
 * reads the board (GET …/billing-board, the open period) RUNS (10) times after a warm-up. Target:
 * ≤ 150 ms. Prints the median, p90, the SQL statements the server sent for one board and the
 * answer's size.
 *
 * `npm run bench -- board`, or `npx tsx bench/board.ts` (DATABASE_URL or PGlite).
 */
import { PASSWORD, seedProject } from './seed.ts';
import { benchDatabase, Client, databaseLabel, envNumber, figure, fileInvoice, giveUpAfter, kb, machineNote, ms, pool, quantile, startServer } from './support.ts';

const INVOICES = envNumber('INVOICES', 200);
const LINES = envNumber('LINES', 200);
const CONTACTS = envNumber('CONTACTS', 16);
const RUNS = envNumber('RUNS', 10);

giveUpAfter(30, 'board.ts');
console.log(`board: ${INVOICES} invoices of ${LINES} lines, ${RUNS} reads; ${machineNote()}`);
const database = await benchDatabase('board');
try {
  const setupStarted = performance.now();
  const seed = await seedProject((await database.open()).db, { commitments: INVOICES, lines: LINES, contacts: CONTACTS });
  await database.release();
  const server = await startServer(database);
  try {
    const clients = seed.contacts.map(() => new Client(server.url));
    await Promise.all(clients.map((c, k) => c.signIn(seed.contacts[k]?.email ?? '', PASSWORD)));
    let failed = 0;
    await pool(
      seed.commitments.map((c, i) => ({ id: c.id, i })),
      CONTACTS,
      async ({ id, i }) => {
        const filed = await fileInvoice(clients[i % CONTACTS] as Client, seed.p, id, {
          submit: i % 2 === 0,
          onReply: (kind, reply, ok) => {
            if (!ok && failed === 0) console.error(`  ${kind} answered ${reply.status}: ${JSON.stringify(reply.body).slice(0, 300)}`);
          },
        });
        if (!filed) failed += 1;
      },
    );
    if (failed > 0) throw new Error(`${failed} invoices could not be filed`);
    console.log(`  set up ${INVOICES} invoices of ${LINES} lines on ${databaseLabel(database)} in ${Math.round(performance.now() - setupStarted)} ms`);

    const admin = new Client(server.url);
    await admin.signIn(seed.admin.email, PASSWORD);
    const read = async () => {
      const r = await admin.send('GET', `${seed.p}/billing-board`);
      if (r.status !== 200) throw new Error(`the board answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`);
      return r;
    };
    await read();
    const s = (await server.stats()).statements;
    const once = await read();
    const statements = (await server.stats()).statements - s;
    const rows = Array.isArray(once.body?.rows) ? once.body.rows.length : '?';
    const times: number[] = [];
    for (let i = 0; i < RUNS; i += 1) times.push((await read()).ms);
    const p50 = quantile(times, 0.5);
    console.log(`billing board on ${databaseLabel(database)}, one client, sequential:`);
    figure('GET the board', `median ${ms(p50)}, p90 ${ms(quantile(times, 0.9))}, min ${ms(Math.min(...times))}; ${rows} rows; ${statements} SQL statements; answer ${kb(once.bytes)}`, {
      text: '≤ 150 ms',
      met: p50 <= 150,
    });
    console.log(`board: ${ms(p50)} with ${INVOICES} invoices of ${LINES} lines (target ≤ 150 ms)`);
  } finally {
    await server.stop();
  }
} finally {
  await database.dispose();
}
