/**
 * Where email goes: an SMTP server (SMTP_URL, through nodemailer), or — with no SMTP configured —
 * the built-in mailbox: the message is kept in the database and read at /dev/mailbox.
 */
import nodemailer from 'nodemailer';

export type OutgoingMessage = { from: string; to: string; subject: string; html: string; text: string; messageId: string };

export type EmailTransport = {
  kind: 'smtp' | 'mailbox';
  send: (message: OutgoingMessage) => Promise<void>;
  close: () => void;
};

export function createSmtpTransport(smtpUrl: string): EmailTransport {
  // Time out well inside the worker's two-minute claim, so a hung send never outlives it.
  // Pooled: connections stay open between messages and the worker sends over several at once (decision 023).
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: 5,
    maxMessages: 1_000,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  });
  return {
    kind: 'smtp',
    send: async (m) => {
      await transporter.sendMail({ from: m.from, to: m.to, subject: m.subject, html: m.html, text: m.text, messageId: m.messageId });
    },
    close: () => transporter.close(),
  };
}

/** The mailbox keeps what the worker rendered on the message row itself; nothing else to do. */
export function createMailboxTransport(): EmailTransport {
  return { kind: 'mailbox', send: async () => {}, close: () => {} };
}

/**
 * A 5xx refusal of the message itself — its recipient or sender (EENVELOPE), its content (EMESSAGE)
 * — is permanent: retrying cannot help. A 5xx while connecting or signing in (a 554 greeting, 535
 * bad credentials) is the server's or the configuration's problem, and 503 is only a bad command
 * sequence: those retry, so no message is lost while they are fixed.
 */
export function isPermanentFailure(error: unknown): boolean {
  const e = error as { responseCode?: unknown; code?: unknown } | null;
  const reply = e?.responseCode;
  return typeof reply === 'number' && reply >= 500 && reply < 600 && reply !== 503 && (e?.code === 'EENVELOPE' || e?.code === 'EMESSAGE');
}
