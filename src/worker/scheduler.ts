/**
 * The worker: email delivery and scheduled work that must happen exactly once however many workers
 * run — each job relies on database locks, SKIP LOCKED claims and unique keys, never on being the
 * only process. Runs inside `payapp serve` by default, or alone as `payapp worker`.
 */
import type { AppConfig } from '../config.ts';
import { isConnectionLost } from '../db/connection-errors.ts';
import type { Db } from '../db/database.ts';
import { listAutomaticSchedules } from '../db/billing-periods.queries.ts';
import { deleteOldIdempotencyKeys } from '../db/idempotency.queries.ts';
import { deliverAllDueEmails } from '../email/deliver.ts';
import { createMailboxTransport, createSmtpTransport, type EmailTransport } from '../email/transport.ts';
import { processPasswordResetRequests } from '../services/auth/request-password-reset.ts';
import { createDueAutomaticPeriods } from '../services/billing/billing-periods.ts';
import { queueBillReminders, queueWeeklyDigests } from '../services/notifications/scheduled-emails.ts';

/** `signal` is aborted when the worker stops: a job with a batch in hand finishes or gives back what it holds. */
export type WorkerJob = { name: string; everyMs: number; run: (db: Db, now: Date, signal?: AbortSignal) => Promise<unknown> };

export function scheduledJobs(options: { transport: EmailTransport; from: string; baseUrl: string; clock: () => Date }): WorkerJob[] {
  return [
    {
      name: 'email delivery',
      // A cheap claim when there is nothing to send; a burst drains in one run (decision 023).
      everyMs: 500,
      run: (db, _now, signal) =>
        deliverAllDueEmails(db, options.transport, { from: options.from, baseUrl: options.baseUrl, now: options.clock, ...(signal ? { signal } : {}) }),
    },
    // Password-reset requests are recorded alike for every address; the links are issued here.
    { name: 'password reset requests', everyMs: 2_000, run: (db, now) => processPasswordResetRequests(db, now) },
    {
      name: 'automatic billing periods',
      everyMs: 60_000,
      run: async (db, now) => createDueAutomaticPeriods(db, await listAutomaticSchedules(db), now),
    },
    { name: 'reminders to bill', everyMs: 5 * 60_000, run: (db, now) => queueBillReminders(db, now) },
    { name: 'weekly digest', everyMs: 10 * 60_000, run: (db, now) => queueWeeklyDigests(db, now) },
    {
      name: 'expire idempotency keys',
      everyMs: 60 * 60_000,
      run: (db, now) => deleteOldIdempotencyKeys(db, new Date(now.getTime() - 24 * 60 * 60_000)),
    },
  ];
}

export function transportFor(config: AppConfig): EmailTransport {
  return config.smtpUrl ? createSmtpTransport(config.smtpUrl) : createMailboxTransport();
}

export type RunningWorker = {
  /**
   * Stops claiming (no job starts again), tells the running ones to wrap up — email delivery
   * finishes the message it is sending and releases the rest of its batch — and waits for them,
   * at most `graceMs`. Answers the jobs still running when the grace ran out (their claims' leases
   * run out instead; docs/decisions/024).
   */
  stop: (options?: { graceMs?: number }) => Promise<{ unfinished: string[] }>;
};

/**
 * Runs each job on its interval until stopped; a failing job — including one whose database
 * connection was dropped under it — is logged and runs again next time.
 */
export function startWorker(
  db: Db,
  config: AppConfig,
  options: { clock?: () => Date; jobs?: WorkerJob[]; log?: (message: string) => void } = {},
): RunningWorker {
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? ((m: string) => console.log(`[worker] ${m}`));
  const transport = transportFor(config);
  const jobs = options.jobs ?? scheduledJobs({ transport, from: config.mailFrom, baseUrl: config.baseUrl, clock });
  let stopped = false;
  const stopping = new AbortController();
  const running = new Set<Promise<unknown>>();
  const busy = new Set<string>();
  const timers = jobs.map((job) => {
    const tick = () => {
      // One run of a job at a time per process; other processes are kept apart by the database.
      if (stopped || busy.has(job.name)) return;
      busy.add(job.name);
      const p = job
        .run(db, clock(), stopping.signal)
        .catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          // A lost connection (restart, failover) is not the job's fault: the pool replaces it, the job runs next tick.
          log(isConnectionLost(error) ? `${job.name} failed: the database connection was lost (${message}); it runs again next tick.` : `${job.name} failed: ${message}`);
        })
        .finally(() => {
          busy.delete(job.name);
          running.delete(p);
        });
      running.add(p);
    };
    tick();
    return setInterval(tick, job.everyMs);
  });
  return {
    stop: async ({ graceMs = 20_000 } = {}) => {
      stopped = true;
      for (const t of timers) clearInterval(t);
      stopping.abort();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
      const finished = await Promise.race([Promise.allSettled([...running]), grace]);
      clearTimeout(timer);
      transport.close();
      return { unfinished: finished === 'timeout' ? [...busy] : [] };
    },
  };
}
