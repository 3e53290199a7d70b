/**
 * The month-end spike (issue 12): CONTACTS (16) invoice contacts, signed in with sessions as the UI
 * is, each invoicing their share of COMMITMENTS (200) approved commitments of LINES (200) SOV lines
 * — all at once, each doing what the invoice page sends: create the invoice (with an
 * Idempotency-Key), save LINES lines of work (one PUT), submit (with an Idempotency-Key) — against
 * a real `payapp serve` started as a child process (WORKER=off: the request path alone), on
 * PostgreSQL (DATABASE_URL: a fresh database on that server) or PGlite (in the server process).
 *
 * Then, in the same run and on the same database, the limit (bench/limit.ts): plain `pg` doing the
 * equivalent write at the same concurrency. Prints invoices/s and the ratio to the limit beside
 * the target (≥ 0.25 × the limit, aim 0.4), p50/p99 per request kind (target p99 ≤ 250 ms),
 * errors (target 0), the server's CPU per invoice and peak RSS (target ≤ 250 MB), the SQL
 * statements the server sent per invoice and per request (counted in the server by
 * bench/server-probe.mjs), the answers' sizes, and on PostgreSQL the CPU of its backends.
 *
 * If a create answer carries no lines (a compact answer), the invoice is read once (GET) for its
 * line ids, as the invoice page does after navigating to it; that GET is reported as its own kind.
 *
 * `npm run bench -- spike`, or `npx tsx bench/spike.ts`. Sizes: COMMITMENTS, LINES, CONTACTS,
 * LIMIT_SECONDS (5), POOL (the limit's pool, 10 like payapp's).
 */
import { PGlite } from '@electric-sql/pglite';
import { join } from 'node:path';
import { limitPool, printLimit, runLimit } from './limit.ts';
import { seedProject } from './seed.ts';
import {
  backendCpu,
  backendCpuDelta,
  benchDatabase,
  Client,
  databaseLabel,
  envNumber,
  figure,
  giveUpAfter,
  kb,
  machineNote,
  mb,
  ms,
  procCpuMs,
  procMemory,
  quantile,
  startServer,
  fileInvoice,
  type InvoiceRequestKind,
  type Reply,
} from './support.ts';
import { PASSWORD } from './seed.ts';

const COMMITMENTS = envNumber('COMMITMENTS', 200);
const LINES = envNumber('LINES', 200);
const CONTACTS = envNumber('CONTACTS', 16);
const LIMIT_SECONDS = envNumber('LIMIT_SECONDS', 5);
const POOL = envNumber('POOL', 10);

giveUpAfter(30, 'spike.ts');
console.log(`spike: ${CONTACTS} concurrent contacts, ${COMMITMENTS} commitments × ${LINES} lines; ${machineNote()}`);

const database = await benchDatabase('spike');
try {
  // ---- the data ----------------------------------------------------------------------------------
  const seedStarted = performance.now();
  const seed = await seedProject((await database.open()).db, { commitments: COMMITMENTS, lines: LINES, contacts: CONTACTS });
  console.log(`  set up ${COMMITMENTS} commitments × ${LINES} SOV lines on ${databaseLabel(database)} in ${Math.round(performance.now() - seedStarted)} ms`);
  await database.release();

  // ---- the server and the contacts --------------------------------------------------------------
  const server = await startServer(database);
  const clients = seed.contacts.map(() => new Client(server.url));
  await Promise.all(clients.map((c, k) => c.signIn(seed.contacts[k]?.email ?? '', PASSWORD)));

  type Kind = InvoiceRequestKind;
  const times: Record<Kind, number[]> = { create: [], get: [], save: [], submit: [] };
  const bytes: Record<Kind, number[]> = { create: [], get: [], save: [], submit: [] };
  const errors: Record<Kind, number> = { create: 0, get: 0, save: 0, submit: 0 };
  const perInvoice: number[] = [];
  let firstError: string | undefined;
  const record = (kind: Kind, r: Reply, ok: boolean) => {
    times[kind].push(r.ms);
    bytes[kind].push(r.bytes);
    if (!ok) {
      errors[kind] += 1;
      firstError ??= `${kind} answered ${r.status}: ${JSON.stringify(r.body).slice(0, 300)}`;
      return false;
    }
    return true;
  };

  /** The three requests of the invoice page for one commitment (bench/support.ts: fileInvoice). */
  const invoiceOnce = async (client: Client, commitmentId: string, onRequest?: (kind: Kind) => Promise<void>) => {
    const started = performance.now();
    const id = await fileInvoice(client, seed.p, commitmentId, {
      submit: true,
      onReply: async (kind, reply, ok) => {
        await onRequest?.(kind);
        record(kind, reply, ok);
      },
    });
    if (id) perInvoice.push(performance.now() - started);
  };

  // ---- one invoice alone: statements per request, and a warm-up ----------------------------------
  const perKindStatements: Partial<Record<Kind, number>> = {};
  let last = (await server.stats()).statements;
  await invoiceOnce(clients[0] as Client, seed.commitments[0]?.id ?? '', async (kind) => {
    const now = (await server.stats()).statements;
    perKindStatements[kind] = now - last;
    last = now;
  });
  const alone = { ...times };

  // ---- the spike ---------------------------------------------------------------------------------
  for (const kind of Object.keys(times) as Kind[]) {
    times[kind] = [];
    bytes[kind] = bytes[kind].slice(0, 0);
  }
  perInvoice.length = 0;
  const queues = clients.map((_, k) => seed.commitments.filter((_, i) => i > 0 && i % CONTACTS === k).map((c) => c.id));
  const invoices = queues.reduce((n, q) => n + q.length, 0);
  const dbBefore = database.url ? await backendCpu(database.url, database.name).catch(() => null) : null;
  const before = await server.stats();
  const cpuBefore = procCpuMs(server.pid) ?? NaN;
  let rssPeakSampled = 0;
  const sampler = setInterval(() => {
    rssPeakSampled = Math.max(rssPeakSampled, procMemory(server.pid)?.now ?? 0);
  }, 50);
  const started = performance.now();
  await Promise.all(
    clients.map(async (client, k) => {
      for (const commitmentId of queues[k] ?? []) await invoiceOnce(client, commitmentId);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  const exited = server.child.exitCode !== null || server.child.signalCode !== null;
  const after = exited ? before : await server.stats();
  const cpuMs = (procCpuMs(server.pid) ?? NaN) - cpuBefore;
  const memory = procMemory(server.pid);
  const dbAfter = dbBefore && database.url ? await backendCpu(database.url, database.name).catch(() => null) : null;
  if (exited) console.log(`  the server exited during the spike (${server.child.exitCode ?? server.child.signalCode}); its last output:\n${server.output().slice(-2000)}`);
  await server.stop();

  const done = perInvoice.length;
  const rate = done / seconds;
  const totalErrors = Object.values(errors).reduce((a, b) => a + b, 0);
  const worstP99 = Math.max(...(Object.keys(times) as Kind[]).filter((k) => times[k].length > 0).map((k) => quantile(times[k], 0.99)));

  // ---- the limit, same run, same database ----------------------------------------------------------
  let pglite: PGlite | undefined;
  if (database.kind === 'pglite') pglite = await PGlite.create(join(database.name, 'pg'));
  const pool = database.url ? limitPool({ url: database.url, size: POOL }) : limitPool({ pglite: pglite as PGlite });
  const limit = await runLimit(pool, { lines: LINES, concurrency: CONTACTS, seconds: LIMIT_SECONDS, ...(database.url && { backends: { url: database.url, database: database.name } }) });
  await pool.end();
  await pglite?.close();

  // ---- figures -----------------------------------------------------------------------------------
  const ratio = rate / limit.perSecond;
  console.log('');
  console.log(`payapp spike on ${databaseLabel(database)}: ${done} of ${invoices} invoices in ${seconds.toFixed(1)} s`);
  figure('throughput', `${rate.toFixed(1)} invoices/s = ${ratio.toFixed(3)} × limit (${limit.perSecond.toFixed(1)}/s)`, { text: '≥ 0.25 × limit, aim 0.4', met: ratio >= 0.25 });
  for (const kind of Object.keys(times) as Kind[]) {
    if (times[kind].length === 0) continue;
    figure(
      `${kind.padEnd(6)}`,
      `p50 ${ms(quantile(times[kind], 0.5))}, p99 ${ms(quantile(times[kind], 0.99))} (n=${times[kind].length}); answer ${kb(quantile(bytes[kind], 0.5))}; alone: ${ms(alone[kind]?.[0] ?? NaN)}, ${perKindStatements[kind] ?? '?'} SQL statements`,
      { text: 'p99 ≤ 250 ms', met: quantile(times[kind], 0.99) <= 250 },
    );
  }
  figure('whole invoice', `p50 ${ms(quantile(perInvoice, 0.5))}, p99 ${ms(quantile(perInvoice, 0.99))}`);
  figure('errors', `${totalErrors}${firstError ? ` (first: ${firstError})` : ''}`, { text: '0', met: totalErrors === 0 });
  figure('server CPU per invoice', `${ms(cpuMs / Math.max(1, done))}${database.kind === 'pglite' ? ' (the embedded database included)' : ''}; limit client ${ms(limit.clientCpuMsPerWrite)} per write`);
  if (dbBefore && dbAfter) {
    figure('PostgreSQL backends CPU per invoice', `${ms(backendCpuDelta(dbBefore, dbAfter) / Math.max(1, done))}; limit ${limit.dbCpuMsPerWrite === null ? 'n/a' : ms(limit.dbCpuMsPerWrite)} per write`);
  }
  figure('server peak RSS', `${mb(memory?.peak ?? NaN)} (VmHWM; sampled during the spike ${mb(rssPeakSampled)})`, { text: '≤ 250 MB', met: (memory?.peak ?? Infinity) <= 250 * 1024 * 1024 });
  figure('SQL statements per invoice', `${((after.statements - before.statements) / Math.max(1, done)).toFixed(1)} (limit: 6)`);
  figure('worst p99', ms(worstP99), { text: '≤ 250 ms', met: worstP99 <= 250 });
  console.log('');
  printLimit(limit, { lines: LINES, concurrency: CONTACTS, pool: database.url ? POOL : 1 });
  console.log('');
  console.log(`spike: ${rate.toFixed(1)} invoices/s = ${ratio.toFixed(3)} × limit (target ≥ 0.25, aim 0.4); p99 ${ms(worstP99)} (≤ 250 ms); ${totalErrors} errors (0); RSS ${mb(memory?.peak ?? NaN)} (≤ 250 MB)`);
} finally {
  await database.dispose();
}
