/**
 * Every email payapp sends, as pure functions of their payload: subject, HTML and text, in the
 * project's locale, currency and terminology.
 */
import type {
  AccountInvitationPayload,
  BillReminderPayload,
  EmailPayloads,
  InviteToBillPayload,
  PasswordResetPayload,
  SsovRequestPayload,
  SsovSentBackPayload,
  SsovSubmittedPayload,
  WeeklyDigestPayload,
} from '../domain/email-payloads.ts';
import { todayIn } from '../domain/calendar.ts';
import { endSentence, formatDay, formatDayRange } from '../domain/format.ts';
import type { EmailKind } from '../domain/notifications.ts';
import { vocabularyFor } from '../domain/project.ts';
import { invoiceApproved, invoiceSentBack, invoiceSubmitted } from './invoice-templates.ts';
import { renderEmail, type Block, type Rendered } from './layout.ts';
import { day, distributionFooter, FOOTER, money, type Link } from './template-parts.ts';

function inviteBlocks(d: InviteToBillPayload, link: Link): Block[] {
  const v = vocabularyFor(d.project.terminology);
  const blocks: Block[] = [
    {
      kind: 'facts',
      rows: [
        ['Project', d.project.name],
        ['Commitment', `${d.commitment.number} – ${d.commitment.title}`],
        ['Invoice type', d.invoiceTypeLabel],
        ['Billing period', formatDayRange(d.period.startsOn, d.period.endsOn, d.project.locale)],
        ['Invited by', d.inviterName],
        ['Due date', day(d.project, d.period.dueOn)],
        ...(d.attachmentsRequested ? [['Attach to your invoice', d.attachmentsRequested.note ?? 'Supporting documents (asked for by the invite)'] as [string, string]] : []),
      ],
    },
  ];
  if (d.message.trim()) blocks.push({ kind: 'quote', text: d.message.trim() });
  blocks.push(
    { kind: 'paragraph', text: 'Do you want to bill this period?' },
    {
      kind: 'buttons',
      buttons: [
        { label: 'Yes', url: link(d.yesUrl), tone: 'primary' },
        { label: 'No', url: link(d.noUrl), tone: 'secondary' },
      ],
    },
    {
      kind: 'paragraph',
      text: endSentence(`Answering is optional. As ${v.invoiceContact}, you create and submit your invoice in payapp until the due date; after it, ask ${d.inviterName}`),
    },
    { kind: 'buttons', buttons: [{ label: `Open ${d.commitment.number} in payapp`, url: link(d.commitment.url), tone: 'secondary' }] },
  );
  return blocks;
}

export function inviteToBill(d: InviteToBillPayload, link: Link): Rendered {
  return renderEmail({
    subject: `${d.project.name}: ${d.inviterName} has invited you to bill`,
    heading: `${d.inviterName} has invited you to bill`,
    blocks: [{ kind: 'paragraph', text: `Hello ${d.recipientName},` }, ...inviteBlocks(d, link)],
    footer: FOOTER,
  });
}

export function billReminder(d: BillReminderPayload, link: Link): Rendered {
  const when = d.daysLeft === 0 ? 'today' : d.daysLeft === 1 ? 'tomorrow' : `in ${d.daysLeft} days`;
  return renderEmail({
    subject: `${d.project.name}: reminder to bill ${d.commitment.number} — due ${day(d.project, d.period.dueOn)}`,
    heading: `Reminder: your invoice is due ${when}`,
    blocks: [
      { kind: 'paragraph', text: `Hello ${d.recipientName}, ${d.inviterName} invited you to bill this period and we have not received your invoice yet.` },
      ...inviteBlocks(d, link),
    ],
    footer: `${FOOTER} You receive reminders until you submit or answer No.`,
  });
}

export function weeklyDigest(d: WeeklyDigestPayload, link: Link): Rendered {
  const p = d.project;
  const v = vocabularyFor(p.terminology);
  const invoiceRows = (items: WeeklyDigestPayload['draft']) => items.map((i) => [`${i.commitmentNumber} – ${i.commitmentTitle}`, i.label, money(p, i.currentPaymentDueCents)]);
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: d.period
        ? `Hello ${d.recipientName}, here is where the billing period ${formatDayRange(d.period.startsOn, d.period.endsOn, p.locale)} (due ${day(p, d.period.dueOn)}) stands.`
        : `Hello ${d.recipientName}, there is no open billing period on this project.`,
    },
  ];
  const sections: [string, WeeklyDigestPayload['draft']][] = [
    ['Under Review', d.underReview],
    ['Revise & Resubmit', d.reviseAndResubmit],
    ['Draft', d.draft],
  ];
  for (const [title, items] of sections) {
    if (items.length > 0) blocks.push({ kind: 'table', title: `${title} (${items.length})`, head: ['Commitment', 'Invoice', 'Payment due'], rows: invoiceRows(items) });
  }
  if (d.notBilled.length > 0) {
    blocks.push({ kind: 'table', title: `Not yet billed (${d.notBilled.length})`, head: ['Commitment', 'Status'], rows: d.notBilled.map((c) => [`${c.number} – ${c.title}`, c.billingStatusLabel]) });
  }
  if (d.underReview.length + d.reviseAndResubmit.length + d.draft.length + d.notBilled.length === 0 && d.period) {
    blocks.push({ kind: 'paragraph', text: 'Every commitment has billed and nothing is waiting for review.' });
  }
  blocks.push({ kind: 'buttons', buttons: [{ label: `Open ${v.invoicing}`, url: link(d.boardUrl) }] });
  return renderEmail({
    subject: `${p.name}: weekly ${v.invoicing.toLowerCase()} digest — ${d.underReview.length} under review`,
    heading: `${v.invoicing} this week`,
    blocks,
    footer: distributionFooter(d, 'this weekly digest'),
  });
}

/**
 * Names who invites the person — the general contractor and, when there is one, the project — so
 * it does not read like a message from their own company (a phishing pattern).
 */
export function accountInvitation(d: AccountInvitationPayload, link: Link): Rendered {
  const gc = d.generalContractorName ?? null;
  const who = d.inviterName ? `${d.inviterName}${gc ? ` of ${gc}` : ''}` : (gc ?? 'payapp');
  const forProject = d.projectName ? ` for the project ${d.projectName}` : '';
  const rows: [string, string][] = [];
  if (d.inviterName) rows.push(['Invited by', gc ? `${d.inviterName}, ${gc}` : d.inviterName]);
  else if (gc) rows.push(['Invited by', gc]);
  if (gc) rows.push(['General contractor', gc]);
  if (d.projectName) rows.push(['Project', d.projectName]);
  rows.push(['Your company', d.companyName]);
  const until = formatDay(todayIn(d.timeZone ?? 'UTC', new Date(d.expiresAt)), d.locale ?? 'en-US');
  return renderEmail({
    subject: `${who} invited you to payapp${forProject}`,
    heading: 'Set up your payapp account',
    blocks: [
      {
        kind: 'paragraph',
        text: `${endSentence(`Hello ${d.recipientName}, ${who} invited you to payapp${forProject}`)} payapp is where ${gc ? `${gc}’s` : 'the general contractor’s'} subcontractors and suppliers submit their invoices for review.`,
      },
      { kind: 'facts', rows },
      { kind: 'buttons', buttons: [{ label: 'Choose your password', url: link(d.url) }] },
      { kind: 'paragraph', text: `This link works once, until ${until}. If you did not expect this invitation, ignore this email.` },
    ],
    footer: FOOTER,
  });
}

export function passwordReset(d: PasswordResetPayload, link: Link): Rendered {
  return renderEmail({
    subject: 'Reset your payapp password',
    heading: 'Reset your password',
    blocks: [
      { kind: 'paragraph', text: `Hello ${d.recipientName}, someone (hopefully you) asked to reset your payapp password.` },
      { kind: 'buttons', buttons: [{ label: 'Choose a new password', url: link(d.url) }] },
      { kind: 'paragraph', text: 'This link works once, for one hour. If you did not ask for it, ignore this email: your password stays as it is.' },
    ],
    footer: FOOTER,
  });
}

/**
 * Subject as Procore words it (reference §10 E3) — "[User Name] invites you to break down your
 * Schedule of Values for this commitment." — but naming the project and the commitment, as the
 * other emails do: "this commitment" says nothing in an inbox.
 */
export function ssovRequest(d: SsovRequestPayload, link: Link): Rendered {
  const v = vocabularyFor(d.project.terminology);
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text: `Hello ${d.recipientName}, ${d.requesterName} asks you to break down each line of the schedule of values of this commitment into detail lines (description, cost code, amount). The detail lines under each line must add up to it; then submit the ${v.subcontractorSov} for review.`,
    },
    {
      kind: 'facts',
      rows: [
        ['Project', d.project.name],
        ['Commitment', `${d.commitment.number} – ${d.commitment.title}`],
        ['Requested by', d.requesterName],
      ],
    },
  ];
  if (d.message?.trim()) blocks.push({ kind: 'quote', text: d.message.trim() });
  blocks.push(
    { kind: 'buttons', buttons: [{ label: `Open the ${v.subcontractorSov}`, url: link(d.ssovUrl) }] },
    { kind: 'paragraph', text: `Once it is approved, your invoices for ${d.commitment.number} bill these detail lines.` },
  );
  return renderEmail({
    subject: `${d.project.name}: ${d.requesterName} invites you to break down your Schedule of Values for ${d.commitment.number} – ${d.commitment.title}`,
    heading: 'Break down your schedule of values',
    blocks,
    footer: FOOTER,
  });
}

export function ssovSubmitted(d: SsovSubmittedPayload, link: Link): Rendered {
  const v = vocabularyFor(d.project.terminology);
  return renderEmail({
    subject: `${d.project.name}: ${d.contractCompanyName} submitted the ${v.subcontractorSov} for ${d.commitment.number}`,
    heading: `A ${v.subcontractorSov} is ready for review`,
    blocks: [
      { kind: 'paragraph', text: `Hello ${d.recipientName}, ${d.submitterName} submitted the ${v.subcontractorSov} for review.` },
      {
        kind: 'facts',
        rows: [
          ['Commitment', `${d.commitment.number} – ${d.commitment.title}`],
          ['Company', d.contractCompanyName],
          ['Detail lines', String(d.detailLineCount)],
          ['Total', money(d.project, d.totalCents)],
        ],
      },
      { kind: 'buttons', buttons: [{ label: `Review the ${v.subcontractorSov}`, url: link(d.ssovUrl) }] },
    ],
    footer: distributionFooter(d, 'this'),
  });
}

export function ssovSentBack(d: SsovSentBackPayload, link: Link): Rendered {
  const v = vocabularyFor(d.project.terminology);
  return renderEmail({
    subject: `${d.project.name}: the ${v.subcontractorSov} for ${d.commitment.number} needs revision`,
    heading: `Your ${v.subcontractorSov} was sent back for revision`,
    blocks: [
      { kind: 'paragraph', text: `Hello ${d.recipientName}, ${d.reviewerName} sent the ${v.subcontractorSov} of ${d.commitment.number} – ${d.commitment.title} back to you to revise and resubmit.` },
      { kind: 'quote', text: d.reason },
      { kind: 'buttons', buttons: [{ label: `Revise the ${v.subcontractorSov}`, url: link(d.ssovUrl) }] },
      { kind: 'paragraph', text: 'Change the detail lines, then submit it for review again.' },
    ],
    footer: FOOTER,
  });
}

const RENDERERS: { [K in EmailKind]: (payload: EmailPayloads[K], link: Link) => Rendered } = {
  invite_to_bill: inviteToBill,
  bill_reminder: billReminder,
  invoice_sent_back: invoiceSentBack,
  invoice_submitted: invoiceSubmitted,
  invoice_approved: invoiceApproved,
  weekly_digest: weeklyDigest,
  account_invitation: accountInvitation,
  password_reset: passwordReset,
  ssov_request: ssovRequest,
  ssov_submitted: ssovSubmitted,
  ssov_sent_back: ssovSentBack,
};

export function renderMessage<K extends EmailKind>(kind: K, payload: EmailPayloads[K], baseUrl: string): Rendered {
  const root = baseUrl.replace(/\/$/, '');
  return RENDERERS[kind](payload, (path) => (/^https?:\/\//.test(path) ? path : `${root}${path.startsWith('/') ? '' : '/'}${path}`));
}
