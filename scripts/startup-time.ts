/**
 * How long `payapp serve` takes from spawn to its first 200 (issue 12: embedded restart ≤ 1 s, first
 * start with the demo ≤ 4 s). Run by hand: `npx tsx scripts/startup-time.ts` (RUNS=5, PROBE=/healthz).
 * Each run: a fresh embedded data directory, `serve --demo` (first start: migrate + load the demo),
 * then `serve` again on the same directory (a restart). Timed from spawn to the first 200 answered
 * to PROBE, polled every 5 ms. Prints figures beside the targets; asserts nothing. Whether the
 * compiled server (dist/) or tsx ran is printed by bin/payapp.js and echoed here.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compiledStatus } from '../bin/compiled.js';

const RUNS = Number(process.env.RUNS ?? 5);
const PROBE = process.env.PROBE ?? '/healthz';

async function timeToFirst200(args: string[], dataDir: string): Promise<number> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/payapp.js', ...args], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, WORKER: 'off', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`payapp exited:\n${output}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}${PROBE}`);
        await res.arrayBuffer();
        if (res.status === 200) break;
      } catch {
        // not listening yet
      }
      if (performance.now() - started > 180_000) throw new Error(`no 200 in 180 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    return performance.now() - started;
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

const first: number[] = [];
const restart: number[] = [];
const status = compiledStatus();
const mode = status.fresh ? 'compiled dist/server/payapp.js' : `TypeScript through tsx (${status.reason})`;
for (let i = 0; i < RUNS; i += 1) {
  const dataDir = mkdtempSync(join(tmpdir(), 'payapp-startup-'));
  try {
    const a = await timeToFirst200(['serve', '--demo'], dataDir);
    const b = await timeToFirst200(['serve'], dataDir);
    first.push(a);
    restart.push(b);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${Math.round(s[Math.floor(s.length / 2)] ?? 0)} ms (min ${Math.round(s[0] ?? 0)}, max ${Math.round(s[s.length - 1] ?? 0)})`;
};
console.log(`payapp serve, embedded PGlite, ${RUNS} runs, probe GET ${PROBE}, ${mode}:`);
console.log(`  first start with the demo → first 200: ${summary(first)}   target ≤ 4000 ms`);
console.log(`  restart → first 200:                   ${summary(restart)}   target ≤ 1000 ms`);
