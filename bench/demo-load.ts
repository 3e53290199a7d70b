/**
 * How long `npm start` spends loading the demo into a fresh embedded database (run by hand:
 * `npx tsx bench/demo-load.ts`). Prints the figures; asserts nothing.
 */
import { openDatabase } from '../src/db/database.ts';
import { migrateToLatest } from '../src/db/migrate.ts';
import { loadDemo } from '../src/demo/load-demo.ts';

const runs = Number(process.env.RUNS ?? 3);
const times: number[] = [];
for (let i = 0; i < runs; i += 1) {
  const handle = await openDatabase({ dataDir: 'memory://' });
  await migrateToLatest(handle.db);
  const started = performance.now();
  await loadDemo(handle.db, new Date());
  times.push(performance.now() - started);
  await handle.close();
}
times.sort((a, b) => a - b);
console.log(`demo load on in-memory PGlite, ${runs} runs: median ${Math.round(times[Math.floor(runs / 2)] ?? 0)} ms, min ${Math.round(times[0] ?? 0)} ms, max ${Math.round(times[runs - 1] ?? 0)} ms`);
