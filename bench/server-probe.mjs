// Loaded into the `payapp serve` child of a benchmark (`node --import ./bench/server-probe.mjs
// bin/payapp.js serve`, with an IPC channel): counts the SQL statements the process sends — every
// `pg` Client.query, on PostgreSQL and on PGlite alike (BEGIN and COMMIT included: each is a round
// trip) — and answers the benchmark's 'stats' messages with the count, its CPU time and memory.
// Benchmarks only; payapp itself knows nothing of it.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pg = require('pg');
let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  statements += 1;
  return query.apply(this, args);
};

if (process.send) {
  process.on('message', (message) => {
    if (message !== 'stats') return;
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    process.send({ statements, cpuMs: (cpu.user + cpu.system) / 1000, rss: memory.rss, heapUsed: memory.heapUsed });
  });
  // The channel must not keep a server that was told to stop alive.
  process.channel?.unref();
}
