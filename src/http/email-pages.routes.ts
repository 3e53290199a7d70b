/**
 * Pages reached from email without an API client: the one-click Yes / No answer to an Invite to
 * Bill, and — when no SMTP server is configured — the built-in mailbox at /dev/mailbox.
 */
import { Hono } from 'hono';
import { DomainError } from '../domain/errors.ts';
import { escapeHtml } from '../lib/html.ts';
import { findSentEmail, listEmails } from '../db/email.queries.ts';
import { answerInviteByLink, type LinkAnswer } from '../services/notifications/answer-by-link.ts';
import { clientIp, type Env } from './context.ts';
import type { Context } from 'hono';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1', 'local']);
import { page } from './page.ts';

const FAILURES: Record<Exclude<LinkAnswer, { ok: true }>['reason'], { title: string; text: string }> = {
  tampered: { title: 'This link is not valid', text: 'The link was changed or cut short. Open the invite email again and use its Yes or No button as it is.' },
  unknown: { title: 'This link is not valid', text: 'We could not find the invite this link belongs to. It may have been replaced by a newer invite.' },
  used: { title: 'This link has already been used', text: 'Each answer link works once. To change your answer, sign in and answer on the commitment page.' },
  expired: { title: 'This link has expired', text: 'Answer links work for 30 days. Sign in to answer on the commitment page.' },
  no_longer_contact: { title: 'You are no longer an invoice contact', text: 'You are no longer an invoice contact on this commitment, so this answer was not recorded. Ask the invoice administrator who invited you.' },
  invoice_exists: { title: 'An invoice already exists', text: 'An invoice already exists for this billing period, so the answer can no longer change.' },
  inactive: { title: 'This account is inactive', text: 'The account this invite was sent to has been deactivated. Ask the invoice administrator.' },
};

export function emailPageRoutes(options: { mailboxEnabled: boolean }): Hono<Env> {
  const app = new Hono<Env>();

  app.get('/respond/:token', async (c) => {
    const { db, clock } = c.get('deps');
    const result = await answerInviteByLink(db, c.req.param('token'), clock());
    if (!result.ok) {
      const f = FAILURES[result.reason];
      return c.html(page({ title: f.title, body: `<div class="card"><h1 class="warn">${escapeHtml(f.title)}</h1><p>${escapeHtml(f.text)}</p><p>Nothing was changed.</p><p><a class="button" href="/sign-in">Sign in</a></p></div>` }), 400);
    }
    const yes = result.response === 'accepted';
    const next = `/sign-in?next=${encodeURIComponent(result.commitmentPath)}`;
    return c.html(
      page({
        title: yes ? 'You will bill this period' : 'You will not bill this period',
        body: `<div class="card"><h1 class="ok">Thank you, ${escapeHtml(result.personName)}</h1>
<p>We recorded your answer <strong>${yes ? 'Yes' : 'No'}</strong> for <strong>${escapeHtml(result.commitmentLabel)}</strong> on ${escapeHtml(result.projectName)}.</p>
<p class="muted">${yes ? 'Create and submit your invoice before the due date.' : 'If you change your mind, you can still bill until the due date.'}</p>
<p><a class="button" href="${escapeHtml(next)}">${yes ? 'Sign in to create your invoice' : 'Sign in to see the commitment'}</a></p></div>`,
      }),
    );
  });

  // The mailbox holds sign-in and reset links: it exists only without SMTP, and only for this machine.
  const mailboxGate = async (c: Context<Env>, next: () => Promise<void>) => {
    if (!options.mailboxEnabled) throw new DomainError('not_found', 'The mailbox is off because an SMTP server is configured.');
    if (!LOOPBACK.has(clientIp(c))) throw new DomainError('not_found', 'The mailbox can be read only on the machine payapp runs on.');
    await next();
  };
  app.use('/dev/mailbox', mailboxGate);
  app.use('/dev/mailbox/*', mailboxGate);

  app.get('/dev/mailbox', async (c) => {
    const { db } = c.get('deps');
    const messages = await listEmails(db, { statuses: ['sent'], transport: 'mailbox', limit: 500 });
    const pending = await listEmails(db, { statuses: ['pending', 'sending'], limit: 500 });
    const rows = messages
      .map(
        (m) =>
          `<tr><td>${escapeHtml(m.sentAt?.toISOString().replace('T', ' ').slice(0, 19) ?? '')}</td><td>${escapeHtml(m.toAddress)}</td><td><a href="/dev/mailbox/${m.id}">${escapeHtml(m.subject ?? '(no subject)')}</a></td><td><a href="/dev/mailbox/${m.id}/text">text</a></td></tr>`,
      )
      .join('');
    return c.html(
      page({
        title: 'Mailbox',
        wide: true,
        body: `<div class="card"><h1>Mailbox</h1>
<p class="muted">No SMTP server is configured (SMTP_URL), so payapp delivers every email here. ${pending.length > 0 ? `${pending.length} message(s) are on their way; reload in a moment.` : ''}</p>
${messages.length === 0 ? '<p>No email yet. Send an Invite to Bill to see one.</p>' : `<table><thead><tr><th>Sent (UTC)</th><th>To</th><th>Subject</th><th><span style="position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)">Text version</span></th></tr></thead><tbody>${rows}</tbody></table>`}</div>`,
      }),
    );
  });

  app.get('/dev/mailbox/:id', async (c) => {
    const { db } = c.get('deps');
    const id = Number(c.req.param('id'));
    const message = Number.isSafeInteger(id) ? await findSentEmail(db, id) : undefined;
    if (!message || message.transport !== 'mailbox' || !message.html) throw new DomainError('not_found', 'That message is not in the mailbox.');
    const banner = `<div style="font:14px system-ui,sans-serif;background:#fef3c7;border-bottom:1px solid #f59e0b;padding:8px 16px"><a href="/dev/mailbox">← Mailbox</a> · To: ${escapeHtml(message.toAddress)} · Subject: <strong>${escapeHtml(message.subject ?? '')}</strong> · <a href="/dev/mailbox/${message.id}/text">text version</a></div>`;
    return c.html(message.html.replace(/<body([^>]*)>/, `<body$1>${banner}`));
  });

  app.get('/dev/mailbox/:id/text', async (c) => {
    const { db } = c.get('deps');
    const id = Number(c.req.param('id'));
    const message = Number.isSafeInteger(id) ? await findSentEmail(db, id) : undefined;
    if (!message || message.transport !== 'mailbox') throw new DomainError('not_found', 'That message is not in the mailbox.');
    return c.text(`To: ${message.toAddress}\nSubject: ${message.subject ?? ''}\nMessage-ID: ${message.messageId}\n\n${message.text ?? ''}`);
  });

  return app;
}
