/**
 * Start-up times (issue 12), `payapp serve` (bin/payapp.js) as a user starts it, measured from the
 * spawn until its first request (GET /api/v1/session) is answered:
 * - first start with the demo: `payapp serve --demo` on an empty database (migrations, the demo
 *   data set loaded) — target ≤ 4 s;
 * - restart: the same database again, already migrated and loaded, RUNS (3) times — target ≤ 1 s
 *   for the embedded database (PGlite); on PostgreSQL it is printed for comparison.
 *
 * `npm run bench -- startup`, or `npx tsx bench/startup.ts` (DATABASE_URL or PGlite).
 */
import { benchDatabase, databaseLabel, envNumber, figure, giveUpAfter, machineNote, ms, quantile, startServer, type BenchDatabase } from './support.ts';

const RUNS = envNumber('RUNS', 3);

giveUpAfter(10, 'startup.ts');
console.log(`startup: first start with the demo, then ${RUNS} restarts; ${machineNote()}`);

async function toFirstRequest(database: BenchDatabase, args: string[]): Promise<{ total: number; listening: number }> {
  const started = performance.now();
  const server = await startServer(database, {}, { args, probe: false });
  try {
    const listening = performance.now() - started;
    const r = await fetch(`${server.url}/api/v1/session`);
    await r.text();
    // Signed out, the session route answers 401: an answer all the same.
    if (r.status >= 500) throw new Error(`GET /api/v1/session answered ${r.status}`);
    return { total: performance.now() - started, listening };
  } finally {
    await server.stop();
  }
}

const database = await benchDatabase('startup');
try {
  const first = await toFirstRequest(database, ['--demo']);
  const restarts: number[] = [];
  for (let i = 0; i < RUNS; i += 1) restarts.push((await toFirstRequest(database, [])).total);
  const restart = quantile(restarts, 0.5);
  const embedded = database.kind === 'pglite';
  console.log(`payapp serve on ${databaseLabel(database)}, spawn → first request answered:`);
  figure('first start with the demo', `${ms(first.total)} (listening after ${ms(first.listening)})`, { text: '≤ 4 s', met: first.total <= 4000 });
  figure(
    `restart (median of ${RUNS})`,
    `${ms(restart)}; each ${restarts.map((t) => ms(t)).join(', ')}`,
    embedded ? { text: '≤ 1 s, embedded', met: restart <= 1000 } : undefined,
  );
  console.log(`startup: first start with the demo ${ms(first.total)} (target ≤ 4 s), restart ${ms(restart)}${embedded ? ' (target ≤ 1 s)' : ' (target ≤ 1 s is for the embedded database)'}`);
} finally {
  await database.dispose();
}
