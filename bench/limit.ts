/**
 * The limit: what the database alone does for the write a month-end invoice makes, with plain `pg`
 * and nothing else — one transaction holding one invoice row, its LINES lines in ONE multi-row
 * insert (`INSERT … SELECT … FROM unnest($n::type[], …)`, the arrays built from a request-like list
 * of lines), an outbox row and an audit row: 6 round trips (BEGIN, 4 inserts, COMMIT). CONCURRENCY
 * (16) writers over a pool of POOL (10, payapp's pool size) connections, for LIMIT_SECONDS (5).
 *
 * The tables live in a schema of their own (bench_limit) and mirror payapp's: invoice_lines has
 * the same columns, checks and indexes as payapp's (primary key, unique (invoice_id, sov_line_id),
 * index on sov_line_id) with a foreign key to its invoice.
 *
 * bench/spike.ts runs it in the same run as payapp's spike, on the same database. Alone:
 * `npx tsx bench/limit.ts` (DATABASE_URL, or an in-memory PGlite).
 */
import { randomUUID } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { backendCpu, backendCpuDelta, envNumber, figure, ms, quantile } from './support.ts';

export type LimitResult = { writes: number; seconds: number; perSecond: number; p50: number; p99: number; errors: number; clientCpuMsPerWrite: number; dbCpuMsPerWrite: number | null };

const SCHEMA = [
  'create schema if not exists bench_limit',
  `create table if not exists bench_limit.invoices (
    id uuid primary key default gen_random_uuid(),
    project_id uuid not null,
    commitment_id uuid not null,
    billing_period_id uuid not null,
    sequence integer not null,
    status text not null,
    version integer not null default 1,
    comments text not null default '',
    billing_date date not null,
    created_by uuid not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    submitted_at timestamptz
  )`,
  'create index if not exists bench_limit_invoices_period on bench_limit.invoices (project_id, billing_period_id)',
  `create table if not exists bench_limit.invoice_lines (
    id uuid primary key default gen_random_uuid(),
    invoice_id uuid not null references bench_limit.invoices(id) on delete cascade,
    source text not null check (source in ('sov','change_order')),
    sov_line_id uuid,
    change_order_line_id uuid,
    claimed_work_cents bigint,
    claimed_percent_bp integer,
    claimed_materials_new_cents bigint not null default 0,
    claimed_materials_installed_cents bigint not null default 0,
    claimed_retainage_released_cents bigint not null default 0,
    certified_work_cents bigint,
    certified_percent_bp integer,
    certified_materials_new_cents bigint not null default 0,
    certified_materials_installed_cents bigint not null default 0,
    certified_retainage_released_cents bigint not null default 0,
    is_certified_adjusted boolean not null default false,
    difference_reason text,
    work_retainage_bp integer not null check (work_retainage_bp between 0 and 10000),
    materials_retainage_bp integer not null check (materials_retainage_bp between 0 and 10000),
    is_rate_overridden boolean not null default false,
    review_status text,
    review_reason text,
    check (claimed_work_cents is not null or claimed_percent_bp is not null),
    check (certified_work_cents is not null or certified_percent_bp is not null)
  )`,
  'create unique index if not exists bench_limit_lines_sov_key on bench_limit.invoice_lines (invoice_id, sov_line_id) where sov_line_id is not null',
  'create index if not exists bench_limit_lines_sov_idx on bench_limit.invoice_lines (sov_line_id)',
  `create table if not exists bench_limit.outbox (
    id bigserial primary key,
    topic text not null,
    payload jsonb not null,
    created_at timestamptz not null default now()
  )`,
  `create table if not exists bench_limit.audit_log (
    id bigserial primary key,
    project_id uuid not null,
    entity text not null,
    entity_id uuid not null,
    action text not null,
    actor_user_id uuid not null,
    detail jsonb not null,
    created_at timestamptz not null default now()
  )`,
];

const INSERT_LINES = `insert into bench_limit.invoice_lines
  (invoice_id, source, sov_line_id, claimed_work_cents, claimed_materials_new_cents, certified_work_cents, certified_materials_new_cents, work_retainage_bp, materials_retainage_bp)
  select $1, 'sov', l.sov_line_id, l.work, l.materials, l.work, l.materials, l.work_bp, l.materials_bp
  from unnest($2::uuid[], $3::bigint[], $4::bigint[], $5::int[], $6::int[]) as l(sov_line_id, work, materials, work_bp, materials_bp)`;

export async function runLimit(pool: pg.Pool, options: { lines: number; concurrency: number; seconds: number; backends?: { url: string; database: string } }): Promise<LimitResult> {
  for (const statement of SCHEMA) await pool.query(statement);
  const projectId = randomUUID();
  const actor = randomUUID();
  const periodId = randomUUID();
  const sovLineIds = Array.from({ length: options.lines }, () => randomUUID());
  let sequence = 0;
  const write = async () => {
    // What a request body would carry: one entry per line; then one array per column.
    const body = sovLineIds.map((id, i) => ({ lineId: id, workCompletedThisPeriodCents: 1_000_00 + i, materialsStoredNewCents: 0 }));
    const client = await pool.connect();
    try {
      await client.query('begin');
      sequence += 1;
      const { rows } = await client.query<{ id: string }>(
        `insert into bench_limit.invoices (project_id, commitment_id, billing_period_id, sequence, status, billing_date, created_by, submitted_at)
         values ($1, $2, $3, $4, 'submitted', current_date, $5, now()) returning id`,
        [projectId, randomUUID(), periodId, sequence, actor],
      );
      const invoiceId = rows[0]?.id;
      await client.query(INSERT_LINES, [
        invoiceId,
        body.map((l) => l.lineId),
        body.map((l) => l.workCompletedThisPeriodCents),
        body.map((l) => l.materialsStoredNewCents),
        body.map(() => 1000),
        body.map(() => 500),
      ]);
      await client.query(`insert into bench_limit.outbox (topic, payload) values ('invoice_submitted', $1)`, [JSON.stringify({ invoiceId, projectId })]);
      await client.query(`insert into bench_limit.audit_log (project_id, entity, entity_id, action, actor_user_id, detail) values ($1, 'invoice', $2, 'submit', $3, $4)`, [
        projectId,
        invoiceId,
        actor,
        JSON.stringify({ status: { from: 'draft', to: 'submitted' }, lines: options.lines }),
      ]);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
  // Warm up (connections, plans), then measure.
  await Promise.all(Array.from({ length: options.concurrency }, () => write()));
  const dbBefore = options.backends ? await backendCpu(options.backends.url, options.backends.database).catch(() => null) : null;
  const cpuBefore = process.cpuUsage();
  const times: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        try {
          await write();
          times.push(performance.now() - t);
        } catch (error) {
          errors += 1;
          if (errors === 1) console.error(`  limit: ${(error as Error).message}`);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const dbAfter = dbBefore ? await backendCpu(options.backends?.url ?? '', options.backends?.database ?? '').catch(() => null) : null;
  return {
    writes: times.length,
    seconds,
    perSecond: times.length / seconds,
    p50: quantile(times, 0.5),
    p99: quantile(times, 0.99),
    errors,
    clientCpuMsPerWrite: (cpu.user + cpu.system) / 1000 / Math.max(1, times.length),
    dbCpuMsPerWrite: dbBefore && dbAfter ? backendCpuDelta(dbBefore, dbAfter) / Math.max(1, times.length) : null,
  };
}

export function printLimit(r: LimitResult, options: { lines: number; concurrency: number; pool: number }): void {
  console.log(
    `limit (plain pg, one transaction: invoice + ${options.lines} lines in one unnest insert + outbox + audit; ${options.concurrency} concurrent, pool ${options.pool}, ${r.seconds.toFixed(1)} s):`,
  );
  figure('writes/s', `${r.perSecond.toFixed(1)} (${r.writes} writes, ${r.errors} errors)`);
  figure('latency', `p50 ${ms(r.p50)}, p99 ${ms(r.p99)}`);
  figure('client CPU per write', ms(r.clientCpuMsPerWrite));
  if (r.dbCpuMsPerWrite !== null) figure('PostgreSQL backends CPU per write', ms(r.dbCpuMsPerWrite));
  figure('SQL round trips per write', '6');
}

/** A pg pool on the database: PostgreSQL at `url`, or the PGlite instance given. */
export function limitPool(target: { url: string; size: number } | { pglite: PGlite }): pg.Pool {
  const pool = 'url' in target ? new pg.Pool({ connectionString: target.url, max: target.size }) : new pg.Pool(createPgConfig(target.pglite));
  // An idle connection ended by the server (the benchmark's database dropped at the end) is not a crash.
  pool.on('error', () => undefined);
  return pool;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const lines = envNumber('LINES', 200);
  const concurrency = envNumber('CONCURRENCY', 16);
  const size = envNumber('POOL', 10);
  const seconds = envNumber('LIMIT_SECONDS', 5);
  const url = process.env.DATABASE_URL;
  const pglite = url ? undefined : await PGlite.create('memory://');
  const pool = url ? limitPool({ url, size }) : limitPool({ pglite: pglite as PGlite });
  const result = await runLimit(pool, { lines, concurrency, seconds });
  printLimit(result, { lines, concurrency, pool: url ? size : 1 });
  await pool.query('drop schema bench_limit cascade');
  await pool.end();
  await pglite?.close();
}
