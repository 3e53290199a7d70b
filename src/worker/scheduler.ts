/**
 * The worker: scheduled work that must happen exactly once however many workers run (each job
 * relies on database locks and unique constraints, never on being the only process), plus — from
 * the email issue on — outbox delivery. Runs inside `payapp serve` by default, or as `payapp worker`.
 */
import type { Db } from '../db/database.ts';
import { listAutomaticSchedules } from '../db/billing-periods.queries.ts';
import { deleteOldIdempotencyKeys } from '../db/idempotency.queries.ts';
import { createDueAutomaticPeriods } from '../services/billing/billing-periods.ts';

export type WorkerJob = { name: string; everyMs: number; run: (db: Db, now: Date) => Promise<unknown> };

export const SCHEDULED_JOBS: WorkerJob[] = [
  {
    name: 'automatic billing periods',
    everyMs: 60_000,
    run: async (db, now) => createDueAutomaticPeriods(db, await listAutomaticSchedules(db), now),
  },
  {
    name: 'expire idempotency keys',
    everyMs: 60 * 60_000,
    run: (db, now) => deleteOldIdempotencyKeys(db, new Date(now.getTime() - 24 * 60 * 60_000)),
  },
];

export type RunningWorker = { stop: () => Promise<void> };

/** Runs each job on its interval until stopped; a failing job is logged and retried next time. */
export function startWorker(db: Db, options: { clock?: () => Date; jobs?: WorkerJob[]; log?: (message: string) => void } = {}): RunningWorker {
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? ((m: string) => console.log(`[worker] ${m}`));
  const jobs = options.jobs ?? SCHEDULED_JOBS;
  let stopped = false;
  const running = new Set<Promise<unknown>>();
  const timers = jobs.map((job) => {
    const tick = () => {
      if (stopped) return;
      const p = job
        .run(db, clock())
        .catch((error: unknown) => log(`${job.name} failed: ${error instanceof Error ? error.message : String(error)}`))
        .finally(() => running.delete(p));
      running.add(p);
    };
    tick();
    return setInterval(tick, job.everyMs);
  });
  return {
    stop: async () => {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await Promise.allSettled([...running]);
    },
  };
}
