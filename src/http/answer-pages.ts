/**
 * The pages behind the Invite to Bill email's Yes / No links: the confirmation page a link opens
 * (naming what the answer is about and the answer it records, with one button), the page after
 * the answer, and the pages for a link that was used or cannot answer.
 */
import { endSentence, formatDay, formatDayRange, formatInstant } from '../domain/format.ts';
import type { InviteResponse } from '../domain/invite-to-bill.ts';
import { escapeHtml } from '../lib/html.ts';
import type { AnswerLinkFacts, LinkRefusal } from '../services/notifications/answer-by-link.ts';
import { page } from './page.ts';

export const REFUSALS: Record<LinkRefusal | 'cross_site' | 'bad_form', { title: string; text: string }> = {
  answer_mismatch: { title: 'This answer does not match the link', text: 'The page sent a different answer from the one this link records. Open the invite email again and use its Yes or No button.' },
  tampered: { title: 'This link is not valid', text: 'The link was changed or cut short. Open the invite email again and use its Yes or No button as it is.' },
  unknown: { title: 'This link is not valid', text: 'We could not find the invite this link belongs to. It may have been replaced by a newer invite.' },
  expired: { title: 'This link has expired', text: 'Answer links work for 30 days. Sign in to answer on the commitment page.' },
  no_longer_contact: { title: 'You are no longer an invoice contact', text: 'You are no longer an invoice contact on this commitment, so this answer was not recorded. Ask the invoice administrator who invited you.' },
  invoice_exists: { title: 'An invoice already exists', text: 'An invoice already exists for this billing period, so the answer can no longer change.' },
  inactive: { title: 'This account is inactive', text: 'The account this invite was sent to has been deactivated. Ask the invoice administrator.' },
  cross_site: { title: 'This answer did not come from payapp', text: 'Answers are recorded only from the page the email’s Yes or No button opens. Open the invite email again and use its button.' },
  bad_form: { title: 'This answer could not be read', text: 'Open the invite email again, use its Yes or No button, and press the button on the page it opens.' },
};

const word = (r: InviteResponse) => (r === 'accepted' ? 'Yes' : 'No');
const meaning = (r: InviteResponse) => (r === 'accepted' ? 'you will bill this period' : 'you will not bill this period');
const signInTo = (path: string) => `/sign-in?next=${encodeURIComponent(path)}`;

function factsTable(f: AnswerLinkFacts): string {
  const rows: [string, string][] = [
    ['Project', f.projectName],
    ['Commitment', f.commitmentLabel],
    ['Billing period', formatDayRange(f.period.startsOn, f.period.endsOn, f.locale)],
    ['Due date', formatDay(f.period.dueOn, f.locale)],
    ['Invoice type', f.invoiceTypeLabel],
  ];
  return `<table class="facts"><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`;
}

function when(f: AnswerLinkFacts, at: Date): string {
  return formatInstant(at, f.locale, f.timeZone);
}

/** How to change an answer once the link is spent: sign in and answer on the commitment page. */
function howToChange(f: AnswerLinkFacts): string {
  if (f.hasInvoice) return '<p class="muted">An invoice already exists for this billing period, so the answer can no longer change.</p>';
  return `<p>To change your answer, sign in and answer on the commitment page: <a href="${escapeHtml(signInTo(f.commitmentPath))}">${escapeHtml(f.commitmentLabel)}</a>.</p>`;
}

/** The page a link opens: what the answer is about, the answer it records, one button. */
export function confirmPage(f: AnswerLinkFacts, action: string): string {
  const yes = f.response === 'accepted';
  const current = f.current
    ? `<p class="muted">${escapeHtml(endSentence(`The answer recorded now is ${word(f.current.response)}, given by ${f.current.byName} on ${when(f, f.current.at)}`))}</p>`
    : '';
  return page({
    title: `Answer ${word(f.response)} to the invite to bill`,
    body: `<div class="card"><h1>Answer ${word(f.response)} to the invite to bill?</h1>
<p>${escapeHtml(f.personName)}, you were invited to bill this billing period:</p>
${factsTable(f)}
<p>Your answer: <strong>${word(f.response)}</strong> — ${meaning(f.response)}.</p>
${current}
<form method="post" action="${escapeHtml(action)}">
<input type="hidden" name="answer" value="${f.response}">
<button type="submit" class="button">${yes ? 'Yes, I will bill this period' : 'No, I will not bill this period'}</button>
</form>
<p class="muted">Nothing is recorded until you press the button. Meant the other answer? Use the other button in the email.</p></div>`,
  });
}

/** After the POST: what was recorded, and where to go next. */
export function answeredPage(f: AnswerLinkFacts): string {
  const yes = f.response === 'accepted';
  return page({
    title: yes ? 'You will bill this period' : 'You will not bill this period',
    body: `<div class="card"><h1 class="ok">Thank you, ${escapeHtml(f.personName)}</h1>
<p>We recorded your answer <strong>${word(f.response)}</strong> for <strong>${escapeHtml(f.commitmentLabel)}</strong> on ${escapeHtml(endSentence(f.projectName))}</p>
${factsTable(f)}
<p class="muted">${yes ? 'Create and submit your invoice before the due date.' : 'If you change your mind, you can still bill until the due date.'}</p>
<p><a class="button" href="${escapeHtml(signInTo(f.commitmentPath))}">${yes ? 'Sign in to create your invoice' : 'Sign in to see the commitment'}</a></p></div>`,
  });
}

/** A link already used: what it recorded, when and as whom, and how to change it. */
export function usedPage(f: AnswerLinkFacts, usedAt: Date): string {
  const changedSince = f.current && (f.current.response !== f.response || f.current.at.getTime() !== usedAt.getTime());
  const now = f.current
    ? changedSince
      ? `<p>The answer has changed since: it is now <strong>${word(f.current.response)}</strong>, given by ${escapeHtml(f.current.byName)} on ${escapeHtml(when(f, f.current.at))}.</p>`
      : ''
    : '<p>The invite has no answer now.</p>';
  return page({
    title: 'This link has already been used',
    body: `<div class="card"><h1 class="warn">This link has already been used</h1>
<p>It recorded the answer <strong>${word(f.response)}</strong> for ${escapeHtml(f.personName)} on ${escapeHtml(when(f, usedAt))}.</p>
${factsTable(f)}
${now}
${howToChange(f)}
<p>Nothing was changed.</p></div>`,
  });
}

export function refusedPage(reason: keyof typeof REFUSALS): string {
  const f = REFUSALS[reason];
  return page({
    title: f.title,
    body: `<div class="card"><h1 class="warn">${escapeHtml(f.title)}</h1><p>${escapeHtml(f.text)}</p><p>Nothing was changed.</p><p><a class="button" href="/sign-in">Sign in</a></p></div>`,
  });
}
