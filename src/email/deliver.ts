/**
 * The worker's delivery job: claim due messages, render, send, mark. Transient failures retry with
 * exponential backoff; after MAX_DELIVERY_ATTEMPTS (or a permanent SMTP refusal) a message is
 * marked failed and shown to administrators, who can retry it. Each message carries the Message-ID
 * it was given when enqueued, so a crash between sending and marking re-sends the same message.
 *
 * A claim has a token and a lease. While the worker works through its batch it renews the lease of
 * the messages it has not finished (a heartbeat, and again before a send when the last renewal is
 * old), so a slow SMTP server never lets another worker take over a message this one will still
 * send; a message whose claim was taken over anyway (this worker stalled past its lease) is skipped,
 * and marking checks the token (docs/decisions/021-email-claims-and-sign-in-throttle.md).
 *
 * A batch is sent a few messages at a time over the transport's pooled connections, and a run keeps
 * claiming while batches come back full (decision 023).
 */
import { randomUUID } from 'node:crypto';
import { MAX_DELIVERY_ATTEMPTS, retryDelayMs, type EmailKind } from '../domain/notifications.ts';
import type { EmailPayloads } from '../domain/email-payloads.ts';
import type { Db } from '../db/database.ts';
import { claimDueEmails, markEmailFailed, markEmailForRetry, markEmailSent, releaseEmailClaims, renewEmailLeases, type ClaimedEmail } from '../db/email.queries.ts';
import { renderMessage } from './templates.ts';
import { isPermanentFailure, type EmailTransport } from './transport.ts';

/** `released` (only when some were): claimed, then given back unsent as the worker stopped (docs/decisions/024). */
export type DeliveryReport = { sent: number; retried: number; failed: number; released?: number };

export const DEFAULT_LEASE_MS = 120_000;
export const DEFAULT_BATCH_SIZE = 50;
/** Sends in flight at once: nodemailer's pool keeps this many SMTP connections open (maxConnections). */
export const DEFAULT_CONCURRENCY = 5;

type DeliveryOptions = {
  from: string;
  baseUrl: string;
  now: () => Date;
  batchSize?: number;
  leaseMs?: number;
  concurrency?: number;
  /** Aborted when the worker stops: the sends in flight finish, the rest of the batch is released (decision 024). */
  signal?: AbortSignal;
};

/** One claim: up to `batchSize` messages, sent `concurrency` at a time. */
export async function deliverDueEmails(db: Db, transport: EmailTransport, options: DeliveryOptions): Promise<DeliveryReport> {
  return (await deliverBatch(db, transport, options)).report;
}

/**
 * Claims and sends batch after batch while the last one was full, so a burst (300 invites) goes out
 * at once instead of one batch per poll; stops at `maxBatches` so one run never holds the worker's
 * turn forever (the next poll carries on).
 */
export async function deliverAllDueEmails(db: Db, transport: EmailTransport, options: DeliveryOptions & { maxBatches?: number }): Promise<DeliveryReport> {
  const total: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  for (let n = 0; n < (options.maxBatches ?? 20); n += 1) {
    const { report, claimed } = await deliverBatch(db, transport, { ...options, batchSize });
    total.sent += report.sent;
    total.retried += report.retried;
    total.failed += report.failed;
    if (report.released) total.released = (total.released ?? 0) + report.released;
    if (claimed < batchSize || options.signal?.aborted) break;
  }
  return total;
}

async function deliverBatch(db: Db, transport: EmailTransport, options: DeliveryOptions): Promise<{ report: DeliveryReport; claimed: number }> {
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  if (options.signal?.aborted) return { report, claimed: 0 };
  const claimToken = randomUUID();
  // The lease runs from the moment it was asked for, not from when the claim came back (the
  // statement may have waited for a connection): the freshness checks below count from here.
  const claimedAt = performance.now();
  const claimed = await claimDueEmails(db, options.now(), leaseMs, options.batchSize ?? DEFAULT_BATCH_SIZE, claimToken);
  if (claimed.length === 0) return { report, claimed: 0 };

  // The messages of this batch still held and not yet finished, and when their lease was last renewed.
  const held = new Set(claimed.map((m) => m.id));
  let renewedAt = claimedAt;
  let renewing: Promise<void> | null = null;
  // One renewal at a time, shared by the concurrent sends that find the last one old.
  const renew = (): Promise<void> => {
    renewing ??= (async () => {
      const started = performance.now();
      try {
        const still = await renewEmailLeases(db, claimToken, [...held], new Date(options.now().getTime() + leaseMs));
        for (const id of held) if (!still.has(id)) held.delete(id);
        renewedAt = started;
      } finally {
        renewing = null;
      }
    })();
    return renewing;
  };
  const heartbeat = setInterval(() => {
    renew().catch(() => {
      // A failed renewal is tried again at the next beat, and before the next send.
    });
  }, Math.max(10, Math.floor(leaseMs / 3)));
  heartbeat.unref();

  const deliverOne = async (message: ClaimedEmail): Promise<void> => {
    if (performance.now() - renewedAt > leaseMs / 2) await renew();
    if (!held.has(message.id)) return; // taken over by another worker: it sends the message
    let rendered;
    try {
      rendered = renderMessage(message.kind as EmailKind, message.payload as EmailPayloads[EmailKind], options.baseUrl);
    } catch (error) {
      // A message that cannot be rendered will never render: fail it for an administrator to see.
      await markEmailFailed(db, message, `Could not render: ${error instanceof Error ? error.message : String(error)}`);
      held.delete(message.id);
      report.failed += 1;
      return;
    }
    let sendError: unknown;
    let delivered = false;
    try {
      await transport.send({ from: options.from, to: message.toAddress, messageId: message.messageId, ...rendered });
      delivered = true;
    } catch (error) {
      sendError = error;
    }
    held.delete(message.id);
    if (delivered) {
      // Sent: a failure to mark it (the database went away) must not count it as unsent; the
      // lease runs out and the same message (same Message-ID) goes again.
      await markEmailSent(db, message, { transport: transport.kind, ...rendered, at: options.now() });
      report.sent += 1;
      return;
    }
    const text = sendError instanceof Error ? sendError.message : String(sendError);
    if (isPermanentFailure(sendError) || message.attempts >= MAX_DELIVERY_ATTEMPTS) {
      await markEmailFailed(db, message, text);
      report.failed += 1;
    } else {
      await markEmailForRetry(db, message, text, new Date(options.now().getTime() + retryDelayMs(message.attempts)));
      report.retried += 1;
    }
  };

  // A bounded number of sends in flight, in claim order. After an error (the database went away)
  // no further message is started; those in flight finish, the rest wait for their lease to run out.
  const queue = [...claimed];
  const failure: { error: unknown; failed: boolean } = { error: undefined, failed: false };
  const lane = async (): Promise<void> => {
    for (let message = queue.shift(); message && !failure.failed && !options.signal?.aborted; message = queue.shift()) {
      try {
        await deliverOne(message);
      } catch (error) {
        if (!failure.failed) Object.assign(failure, { error, failed: true });
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, claimed.length)) }, lane));
  } finally {
    clearInterval(heartbeat);
    // Stopping mid-batch: what is still held goes back to the queue now rather than when its lease
    // runs out. A release that fails leaves the lease to run out, as before.
    if (options.signal?.aborted && held.size > 0) {
      const released = await releaseEmailClaims(db, claimToken, [...held]).catch(() => 0);
      if (released > 0) report.released = released;
    }
  }
  if (failure.failed) throw failure.error;
  return { report, claimed: claimed.length };
}
