/**
 * The worker's delivery job: claim due messages, render, send, mark. Transient failures retry with
 * exponential backoff; after MAX_DELIVERY_ATTEMPTS (or a permanent SMTP refusal) a message is
 * marked failed and shown to administrators, who can retry it. Each message carries the Message-ID
 * it was given when enqueued, so a crash between sending and marking re-sends the same message.
 */
import { MAX_DELIVERY_ATTEMPTS, retryDelayMs, type EmailKind } from '../domain/notifications.ts';
import type { EmailPayloads } from '../domain/email-payloads.ts';
import type { Db } from '../db/database.ts';
import { claimDueEmails, markEmailFailed, markEmailForRetry, markEmailSent } from '../db/email.queries.ts';
import { renderMessage } from './templates.ts';
import { isPermanentFailure, type EmailTransport } from './transport.ts';

export type DeliveryReport = { sent: number; retried: number; failed: number };

export async function deliverDueEmails(
  db: Db,
  transport: EmailTransport,
  options: { from: string; baseUrl: string; now: () => Date; batchSize?: number; leaseMs?: number },
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0 };
  const claimed = await claimDueEmails(db, options.now(), options.leaseMs ?? 120_000, options.batchSize ?? 25);
  for (const message of claimed) {
    let rendered;
    try {
      rendered = renderMessage(message.kind as EmailKind, message.payload as EmailPayloads[EmailKind], options.baseUrl);
    } catch (error) {
      // A message that cannot be rendered will never render: fail it for an administrator to see.
      await markEmailFailed(db, message, `Could not render: ${error instanceof Error ? error.message : String(error)}`);
      report.failed += 1;
      continue;
    }
    try {
      await transport.send({ from: options.from, to: message.toAddress, messageId: message.messageId, ...rendered });
      await markEmailSent(db, message.id, { transport: transport.kind, ...rendered, at: options.now() });
      report.sent += 1;
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      if (isPermanentFailure(error) || message.attempts >= MAX_DELIVERY_ATTEMPTS) {
        await markEmailFailed(db, message, text);
        report.failed += 1;
      } else {
        await markEmailForRetry(db, message, text, new Date(options.now().getTime() + retryDelayMs(message.attempts)));
        report.retried += 1;
      }
    }
  }
  return report;
}
