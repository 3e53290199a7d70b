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
  const transporter = nodemailer.createTransport(smtpUrl);
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

/** A 5xx SMTP reply is permanent (a bad address, a refused sender): retrying cannot help. */
export function isPermanentFailure(error: unknown): boolean {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}
