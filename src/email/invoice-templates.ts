/** The invoice emails: sent back (to the contacts), submitted (to the distribution list), approved (to the contacts). */
import type { InvoiceApprovedPayload, InvoiceSentBackPayload, InvoiceSubmittedPayload, ProjectRef } from '../domain/email-payloads.ts';
import { endSentence, formatPercentBp } from '../domain/format.ts';
import type { ClaimChange } from '../domain/invoice-notices.ts';
import { pdfDownloadOf } from '../domain/links.ts';
import type { LineEntry } from '../domain/pay-application.ts';
import { renderEmail, type Block, type Rendered } from './layout.ts';
import { distributionFooter, FOOTER, money, periodOf, type Link } from './template-parts.ts';

export function invoiceSentBack(d: InvoiceSentBackPayload, link: Link): Rendered {
  const blocks: Block[] = [
    { kind: 'paragraph', text: `Hello ${d.recipientName}, ${d.reviewerName} sent invoice ${d.invoice.label} on ${d.commitment.number} – ${d.commitment.title} back to you to revise and resubmit.` },
  ];
  if (d.rejectedLines.length > 0) {
    blocks.push({
      kind: 'table',
      title: 'Lines to revise',
      head: ['Item', 'Description', 'Reason'],
      rows: d.rejectedLines.map((l) => [l.itemNumber, l.description, l.reason ?? '(no reason given)']),
    });
  }
  if (d.note?.trim()) blocks.push({ kind: 'quote', text: d.note.trim() });
  blocks.push(
    { kind: 'buttons', buttons: [{ label: 'Revise the invoice', url: link(d.invoice.url) }] },
    { kind: 'paragraph', text: 'Change the lines, then submit the invoice again.' },
  );
  return renderEmail({
    subject: `${d.project.name}: invoice ${d.invoice.label} for ${d.commitment.number} needs revision`,
    heading: 'Your invoice was sent back for revision',
    blocks,
    footer: FOOTER,
  });
}

/** One changed field of a line's claim, e.g. "Work this period: $1,000.00 → $500.00". */
function claimChanges(p: ProjectRef, before: LineEntry | null, after: LineEntry): string {
  const was = before ?? { workCompletedThisPeriodCents: 0, percentCompleteToDateBp: null, materialsStoredNewCents: 0, materialsInstalledCents: 0, retainageReleasedCents: 0 };
  const work = (e: LineEntry) => (e.workCompletedThisPeriodCents !== null ? `${money(p, e.workCompletedThisPeriodCents)} this period` : `${formatPercentBp(e.percentCompleteToDateBp ?? 0, p.locale)} complete to date`);
  const parts: string[] = [];
  const bothAmounts = was.workCompletedThisPeriodCents !== null && after.workCompletedThisPeriodCents !== null;
  const bothPercent = was.workCompletedThisPeriodCents === null && after.workCompletedThisPeriodCents === null;
  if (bothAmounts && was.workCompletedThisPeriodCents !== after.workCompletedThisPeriodCents) {
    parts.push(`Work this period: ${money(p, was.workCompletedThisPeriodCents ?? 0)} → ${money(p, after.workCompletedThisPeriodCents ?? 0)}`);
  } else if (bothPercent && was.percentCompleteToDateBp !== after.percentCompleteToDateBp) {
    parts.push(`Complete to date: ${formatPercentBp(was.percentCompleteToDateBp ?? 0, p.locale)} → ${formatPercentBp(after.percentCompleteToDateBp ?? 0, p.locale)}`);
  } else if (!bothAmounts && !bothPercent) {
    parts.push(`Work: ${work(was)} → ${work(after)}`);
  }
  const amounts: [string, keyof LineEntry][] = [
    ['Materials stored this period', 'materialsStoredNewCents'],
    ['Stored materials installed', 'materialsInstalledCents'],
    ['Retainage released', 'retainageReleasedCents'],
  ];
  for (const [label, key] of amounts) {
    if (was[key] !== after[key]) parts.push(`${label}: ${money(p, was[key] ?? 0)} → ${money(p, after[key] ?? 0)}`);
  }
  return `${before ? '' : 'Not on the previous submission. '}${parts.join('; ') || 'No amount changed'}`;
}

function changedLinesBlocks(d: InvoiceSubmittedPayload, revision: number): Block[] {
  if (d.changedLines === undefined) return [];
  if (d.changedLines === null) return [{ kind: 'paragraph', text: 'Which lines changed is not known: the previous submission was made before payapp recorded what each submission claimed.' }];
  const since = revision === 1 ? 'the first submission' : `revision ${revision - 1}`;
  if (d.changedLines.length === 0) return [{ kind: 'paragraph', text: `No line changed since ${since}.` }];
  const lines: ClaimChange[] = d.changedLines;
  return [
    {
      kind: 'table',
      title: `${lines.length} ${lines.length === 1 ? 'line' : 'lines'} changed since ${since}`,
      head: ['Item', 'Description', 'Change'],
      rows: lines.map((l) => [l.itemNumber, l.description, claimChanges(d.project, l.before, l.after)]),
    },
  ];
}

export function invoiceSubmitted(d: InvoiceSubmittedPayload, link: Link): Rendered {
  const revision = d.revision ?? 0;
  const rows: [string, string][] = [
    ['Commitment', `${d.commitment.number} – ${d.commitment.title}`],
    ['Company', d.contractCompanyName],
    ['Invoice', d.invoice.label],
  ];
  if (d.period) rows.push(['Billing period', periodOf(d.project, d.period)]);
  if (revision > 0) rows.push(['Revision', String(revision)]);
  rows.push(['Current payment due', money(d.project, d.invoice.currentPaymentDueCents)]);
  return renderEmail({
    subject:
      revision > 0
        ? `${d.project.name}: ${d.contractCompanyName} resubmitted invoice ${d.invoice.label} for ${d.commitment.number} (revision ${revision})`
        : `${d.project.name}: ${d.contractCompanyName} submitted invoice ${d.invoice.label} for ${d.commitment.number}`,
    heading: revision > 0 ? `An invoice was resubmitted for review: revision ${revision}` : 'An invoice is ready for review',
    blocks: [
      {
        kind: 'paragraph',
        text:
          revision > 0
            ? `Hello ${d.recipientName}, ${d.submitterName} resubmitted invoice ${d.invoice.label} for review after revising it. This is revision ${revision}.`
            : `Hello ${d.recipientName}, ${d.submitterName} submitted an invoice for review.`,
      },
      { kind: 'facts', rows },
      ...changedLinesBlocks(d, revision),
      { kind: 'buttons', buttons: [{ label: 'Review the invoice', url: link(d.invoice.url) }] },
    ],
    footer: distributionFooter(d, 'this'),
  });
}

export function invoiceApproved(d: InvoiceApprovedPayload, link: Link): Rendered {
  const p = d.project;
  const rows: [string, string][] = [['Commitment', `${d.commitment.number} – ${d.commitment.title}`]];
  if (d.period) rows.push(['Billing period', periodOf(p, d.period)]);
  if (d.claimedPaymentDueCents !== undefined) rows.push(['Claimed payment due', money(p, d.claimedPaymentDueCents)]);
  rows.push(['Certified payment due', money(p, d.invoice.currentPaymentDueCents)]);
  const blocks: Block[] = [
    { kind: 'paragraph', text: `Hello ${d.recipientName}, ${d.approverName} marked invoice ${d.invoice.label} ${endSentence(d.invoice.statusLabel)}` },
    { kind: 'facts', rows },
  ];
  if (d.note?.trim()) blocks.push({ kind: 'paragraph', text: `${d.approverName} noted:` }, { kind: 'quote', text: d.note.trim() });
  const adjusted = d.adjustedLines ?? [];
  if (adjusted.length > 0) {
    const amount = (thisPeriod: number, released: number, showReleased: boolean) =>
      showReleased ? `${money(p, thisPeriod)} + ${money(p, released)} retainage released` : money(p, thisPeriod);
    blocks.push({
      kind: 'table',
      title: `${adjusted.length} ${adjusted.length === 1 ? 'line' : 'lines'} certified differently from the claim (work and materials this period)`,
      head: ['Item', 'Description', 'Claimed', 'Certified', 'Reason for the difference'],
      rows: adjusted.map((l) => {
        const showReleased = l.claimedReleasedCents !== l.certifiedReleasedCents;
        return [
          l.itemNumber,
          l.description,
          amount(l.claimedThisPeriodCents, l.claimedReleasedCents, showReleased),
          amount(l.certifiedThisPeriodCents, l.certifiedReleasedCents, showReleased),
          l.reason ?? '(no reason given)',
        ];
      }),
    });
  }
  blocks.push({
    kind: 'buttons',
    buttons: [
      { label: 'See the invoice', url: link(d.invoice.url) },
      { label: 'Download the pay application (PDF)', url: link(pdfDownloadOf(d.invoice.url)), tone: 'secondary' },
    ],
  });
  return renderEmail({
    subject: `${p.name}: invoice ${d.invoice.label} for ${d.commitment.number} is ${d.invoice.statusLabel.toLowerCase()}`,
    heading: `Your invoice is ${d.invoice.statusLabel.toLowerCase()}`,
    blocks,
    footer: FOOTER,
  });
}
