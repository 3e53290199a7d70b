/**
 * Pages reached from email without an API client: the one-click Yes / No answer to an Invite to
 * Bill, and — when no SMTP server is configured — the built-in mailbox at /dev/mailbox.
 *
 * Mail scanners (Safe Links and the like) open — GET or HEAD — every link in a message, so opening
 * an answer link records nothing: it shows what the answer is about and one button; only the POST
 * from that page records it. (Hono answers HEAD with the GET handler, which only reads.) The POST
 * is authenticated by the signed single-use token in its URL; a browser post from another site is
 * refused (Sec-Fetch-Site / Origin), and the form must carry the answer the page showed.
 */
import { Hono } from 'hono';
import { z } from '@hono/zod-openapi';
import { DomainError } from '../domain/errors.ts';
import { escapeHtml } from '../lib/html.ts';
import { findSentEmail, listEmails } from '../db/email.queries.ts';
import { answerInviteByLink, inspectAnswerLink } from '../services/notifications/answer-by-link.ts';
import { answeredPage, confirmPage, refusedPage, usedPage } from './answer-pages.ts';
import { clientIp, type Env } from './context.ts';
import type { Context } from 'hono';
import { page } from './page.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1', 'local']);

/** The confirmation page's form: the answer it showed, nothing else. */
const AnswerForm = z.object({ answer: z.enum(['accepted', 'declined']) }).strict();

/** Pages carrying a live token: never cached, never framed, never indexed, no Referer leaves for another site. */
function privatePage(c: Context<Env>): void {
  c.header('Cache-Control', 'no-store');
  // same-origin, not no-referrer: with no-referrer a browser posts the form with "Origin: null".
  c.header('Referrer-Policy', 'same-origin');
  // Not framed (frame-ancestors 'none', X-Frame-Options: DENY): every response says so (security-headers.ts).
  c.header('X-Robots-Tag', 'noindex, nofollow');
}

/**
 * A browser tells where a form was posted from: Sec-Fetch-Site (set by the browser, out of a page's
 * reach) or, from older browsers, Origin. A request with neither (a script) is judged by its token alone.
 */
function postedFromOurPage(c: Context<Env>, baseUrl: string): boolean {
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  const origin = c.req.header('origin');
  if (origin === undefined) return true;
  const own = new Set([new URL(baseUrl).origin, new URL(c.req.url).origin]);
  return own.has(origin);
}

export function emailPageRoutes(options: { mailboxEnabled: boolean }): Hono<Env> {
  const app = new Hono<Env>();

  app.get('/respond/:token', async (c) => {
    const { db, clock } = c.get('deps');
    privatePage(c);
    const link = await inspectAnswerLink(db, c.req.param('token'), clock());
    if (link.state === 'refused') return c.html(refusedPage(link.reason), 400);
    if (link.state === 'used') return c.html(usedPage(link.facts, link.usedAt), 400);
    return c.html(confirmPage(link.facts, new URL(c.req.url).pathname));
  });

  app.post('/respond/:token', async (c) => {
    const { db, clock, config } = c.get('deps');
    privatePage(c);
    if (!postedFromOurPage(c, config.baseUrl)) return c.html(refusedPage('cross_site'), 403);
    const form = AnswerForm.safeParse(await c.req.parseBody().catch(() => null));
    if (!form.success) return c.html(refusedPage('bad_form'), 400);
    const result = await answerInviteByLink(db, c.req.param('token'), form.data.answer, clock());
    if (result.state === 'refused') return c.html(refusedPage(result.reason), 400);
    if (result.state === 'used') return c.html(usedPage(result.facts, result.usedAt), 400);
    if (result.state === 'ready') throw new Error('an answer link was checked but not answered');
    return c.html(answeredPage(result.facts));
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
