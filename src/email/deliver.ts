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
 */
import { randomUUID } from 'node:crypto';
import { MAX_DELIVERY_ATTEMPTS, retryDelayMs, type EmailKind } from '../domain/notifications.ts';
import type { EmailPayloads } from '../domain/email-payloads.ts';
import type { Db } from '../db/database.ts';
import { claimDueEmails, markEmailFailed, markEmailForRetry, markEmailSent, releaseEmailClaims, renewEmailLeases } from '../db/email.queries.ts';
import { renderMessage } from './templates.ts';
import { isPermanentFailure, type EmailTransport } from './transport.ts';

/** `released` (only when some were): claimed, then given back unsent as the worker stopped (docs/decisions/024). */
export type DeliveryReport = { sent: number; retried: number; failed: number; released?: number };

export const DEFAULT_LEASE_MS = 120_000;

export async function deliverDueEmails(
  db: Db,
  transport: EmailTransport,
  options: {
    from: string;
    baseUrl: string;
    now: () => Date;
    batchSize?: number;
    leaseMs?: number;
    /** Aborted when the worker stops: the message being sent finishes, the rest of the batch is released. */
    signal?: AbortSignal;
  },
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  if (options.signal?.aborted) return report;
  const claimToken = randomUUID();
  const claimed = await claimDueEmails(db, options.now(), leaseMs, options.batchSize ?? 25, claimToken);
  if (claimed.length === 0) return report;

  // The messages of this batch still held and not yet finished, and when their lease was last renewed.
  const held = new Set(claimed.map((m) => m.id));
  let renewedAt = performance.now();
  const renew = async (): Promise<void> => {
    const started = performance.now();
    const still = await renewEmailLeases(db, claimToken, [...held], new Date(options.now().getTime() + leaseMs));
    for (const id of held) if (!still.has(id)) held.delete(id);
    renewedAt = started;
  };
  const heartbeat = setInterval(() => {
    renew().catch(() => {
      // A failed renewal is tried again at the next beat, and before the next send.
    });
  }, Math.max(10, Math.floor(leaseMs / 3)));
  heartbeat.unref();

  try {
    for (const message of claimed) {
      if (options.signal?.aborted) break;
      if (performance.now() - renewedAt > leaseMs / 2) await renew();
      if (!held.has(message.id)) continue; // taken over by another worker: it sends the message
      let rendered;
      try {
        rendered = renderMessage(message.kind as EmailKind, message.payload as EmailPayloads[EmailKind], options.baseUrl);
      } catch (error) {
        // A message that cannot be rendered will never render: fail it for an administrator to see.
        await markEmailFailed(db, message, `Could not render: ${error instanceof Error ? error.message : String(error)}`);
        held.delete(message.id);
        report.failed += 1;
        continue;
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
        continue;
      }
      const text = sendError instanceof Error ? sendError.message : String(sendError);
      if (isPermanentFailure(sendError) || message.attempts >= MAX_DELIVERY_ATTEMPTS) {
        await markEmailFailed(db, message, text);
        report.failed += 1;
      } else {
        await markEmailForRetry(db, message, text, new Date(options.now().getTime() + retryDelayMs(message.attempts)));
        report.retried += 1;
      }
    }
  } finally {
    clearInterval(heartbeat);
    // Stopping mid-batch: what is still held goes back to the queue now rather than when its lease
    // runs out. A release that fails leaves the lease to run out, as before.
    if (options.signal?.aborted && held.size > 0) {
      const released = await releaseEmailClaims(db, claimToken, [...held]).catch(() => 0);
      if (released > 0) report.released = released;
    }
  }
  return report;
}
