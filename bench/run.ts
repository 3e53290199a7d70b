/**
 * `npm run bench`: runs the benchmarks one after another, each in its own process, and repeats
 * each one's summary line (figures beside targets) at the end. PGlite by default; DATABASE_URL runs
 * them on PostgreSQL (each bench makes a fresh database of its own on that server and drops it).
 *
 *   npm run bench                      spike, invoice-2000, board, invites, startup, pdf-2000, xlsx-2000, import-10000
 *   npm run bench -- spike board       only those
 *   npm run bench -- all               also demo-load and grid-1000 (Chromium, builds the UI)
 *
 * Sizes come from the environment (each bench's header lists them: COMMITMENTS, LINES, RUNS, …).
 * Benchmarks print figures and assert nothing; this exits non-zero only when a bench could not run.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './support.ts';

const DEFAULT = ['spike', 'invoice-2000', 'board', 'invites', 'startup', 'pdf-2000', 'xlsx-2000', 'import-10000'];
const ALL = [...DEFAULT, 'demo-load', 'grid-1000'];

const asked = process.argv.slice(2);
const names = asked.length === 0 ? DEFAULT : asked.includes('all') ? ALL : asked;
for (const name of names) {
  if (!ALL.includes(name)) {
    console.error(`Unknown benchmark "${name}". Benchmarks: ${ALL.join(', ')} (or "all").`);
    process.exit(1);
  }
}

const summaries: string[] = [];
let failed = 0;
for (const name of names) {
  console.log(`\n=== ${name} ===`);
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', join('bench', `${name}.ts`)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let last = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    for (const line of chunk.toString().split('\n')) if (line.startsWith(`${name}:`)) last = line;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const took = `${Math.round((performance.now() - started) / 1000)} s`;
  if (code !== 0) {
    failed += 1;
    summaries.push(`${name}: FAILED (exit ${code}) after ${took}`);
  } else {
    summaries.push(`${last || `${name}: done`}  [${took}]`);
  }
}
console.log(`\n=== summary (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}) ===`);
for (const s of summaries) console.log(s);
process.exit(failed > 0 ? 1 : 0);
