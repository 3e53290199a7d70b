/**
 * The top of the invoice page: where it is (breadcrumb), what it is (number, status, commitment,
 * period, due date, type, payment due) and what the person looking at it has to do next.
 */
import { useEffect } from 'react';
import { ExportLinks } from '../../components/export-links.tsx';
import { StatusBadge } from '../../components/ui.tsx';
import { INVOICE_TYPE_LABELS } from '../../../domain/invite-to-bill.ts';
import { Link } from '../../lib/router.tsx';
import type { InvoiceFormatters } from './invoice-format.ts';
import type { EditMode, InvoiceData } from './invoice-model.ts';

/** The pay application as a PDF (GET …/pdf): a download, for anyone who sees the invoice. */
export function invoicePdfUrl(projectId: string, invoiceId: string): string {
  return `/api/v1/projects/${encodeURIComponent(projectId)}/invoices/${encodeURIComponent(invoiceId)}/pdf`;
}

/**
 * The approval email links to the invoice page with `?download=pdf` (a page path survives the
 * sign-in on the way, an API path would not): once the invoice is shown, the download starts, once.
 */
function useDownloadRequested(url: string): void {
  useEffect(() => {
    const params = new URLSearchParams(window.location.search);
    if (params.get('download') !== 'pdf') return;
    params.delete('download');
    const rest = params.toString();
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${rest ? `?${rest}` : ''}${window.location.hash}`);
    window.location.assign(url);
  }, [url]);
}

type Vocabulary = { invoicing: string; invoiceContact: string };

export function InvoiceHeader({
  data,
  projectId,
  isAdmin,
  vocabulary,
  paymentDueCents,
  pastDue,
  fmt,
}: {
  data: InvoiceData;
  projectId: string;
  isAdmin: boolean;
  vocabulary: Vocabulary;
  paymentDueCents: number;
  pastDue: boolean;
  fmt: InvoiceFormatters;
}) {
  const inv = data.invoice;
  const approved = inv.status === 'approved' || inv.status === 'approved_as_noted';
  const backLink = isAdmin ? `/projects/${projectId}/invoicing` : `/projects/${projectId}/commitments/${data.commitment.id}`;
  const pdfUrl = invoicePdfUrl(projectId, inv.id);
  useDownloadRequested(pdfUrl);
  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to={backLink}>{isAdmin ? vocabulary.invoicing : 'Commitments'}</Link> ›{' '}
        <Link to={`/projects/${projectId}/commitments/${data.commitment.id}`}>
          {data.commitment.number} {data.commitment.title}
        </Link>{' '}
        › Invoice {inv.label}
      </nav>
      <header className="invoice-header">
        <div>
          <h1>
            Invoice {inv.label} <StatusBadge status={inv.status} label={inv.statusLabel} />
          </h1>
          <p className="subtitle">
            {data.commitment.number} · {data.commitment.title}
            {data.commitment.contractCompanyName ? <> · {data.commitment.contractCompanyName}</> : null}
          </p>
          <p className="invoice-downloads">
            <a
              className="btn btn-secondary"
              href={pdfUrl}
              download
              title={approved ? 'The approved pay application (G702 and G703)' : 'The pay application as last saved, marked DRAFT until it is approved'}
            >
              Download PDF
            </a>{' '}
            <ExportLinks href={`/api/v1/projects/${encodeURIComponent(projectId)}/invoices/${encodeURIComponent(inv.id)}/export`} what="The invoice's lines (G703, claimed and certified)" />
          </p>
        </div>
        <dl className="invoice-facts">
          <div>
            <dt>Period</dt>
            <dd>
              <time dateTime={inv.periodStart}>{fmt.day(inv.periodStart)}</time> – <time dateTime={inv.periodEnd}>{fmt.day(inv.periodEnd)}</time>
            </dd>
          </div>
          <div>
            <dt>Due</dt>
            <dd className={pastDue && !approved && inv.status !== 'under_review' ? 'past-due' : ''}>
              <time dateTime={data.period.dueOn}>{fmt.day(data.period.dueOn)}</time>
            </dd>
          </div>
          <div>
            <dt>Billing date</dt>
            <dd>
              <time dateTime={inv.billingDate}>{fmt.day(inv.billingDate)}</time>
            </dd>
          </div>
          <div>
            <dt>Type</dt>
            <dd>{INVOICE_TYPE_LABELS[inv.invoiceType]}</dd>
          </div>
          <div>
            <dt>Current payment due</dt>
            <dd className="big-money" data-testid="payment-due">
              {fmt.money(paymentDueCents)}
            </dd>
          </div>
        </dl>
      </header>
    </>
  );
}

/** What the person looking at the invoice has to do next, in one sentence (null when nothing: approved). */
export function nextStepText({
  data,
  mode,
  isAdmin,
  pastDue,
  submitWord,
  vocabulary,
  fmt,
}: {
  data: InvoiceData;
  mode: EditMode;
  isAdmin: boolean;
  pastDue: boolean;
  submitWord: string;
  vocabulary: Vocabulary;
  fmt: InvoiceFormatters;
}): string | null {
  const inv = data.invoice;
  if (inv.status === 'approved' || inv.status === 'approved_as_noted') return null;
  const allowed = new Set(data.you.allowedActions);
  const dueDay = fmt.day(data.period.dueOn);
  const rejectedLines = data.lines.filter((l) => l.review.status === 'rejected');
  if (!isAdmin) {
    if (mode === 'claim') {
      const fix = inv.status === 'revise_and_resubmit' ? `Fix the ${rejectedLines.length > 0 ? `${rejectedLines.length} rejected line${rejectedLines.length > 1 ? 's' : ''}` : 'lines the reviewer asked about'}, then ` : "Enter this period's work, then ";
      return allowed.has('submit') ? `${fix}${submitWord} ${pastDue ? `— it was due ${dueDay}, so send it as soon as you can.` : `by ${dueDay}.`}` : `${fix}save it.`;
    }
    if (inv.status === 'under_review') return `Submitted${inv.submittedAt ? ` on ${fmt.instant(inv.submittedAt)}` : ''} — waiting for the invoice administrator's review. Nothing to do for now.`;
    if (inv.status === 'pending_owner_approval') return 'With the owner for approval. Nothing to do for now.';
    return 'You can view this invoice.';
  }
  if (mode === 'claim' && inv.status === 'revise_and_resubmit') {
    return `Sent back to the ${vocabulary.invoiceContact} for revision: they fix it and resubmit. You can also change amounts on their behalf and ${submitWord.toLowerCase()}.`;
  }
  if (mode === 'claim') return `The ${vocabulary.invoiceContact} has not submitted this invoice yet. You can enter amounts on their behalf and ${submitWord.toLowerCase()}.`;
  if (mode === 'certify') {
    return `Review each line: approve ✓ or reject ✗ (a rejection sends the invoice back), change a certified amount with a reason if needed, then ${allowed.has('approve') ? 'Approve' : 'choose what happens next'}.`;
  }
  return 'You can view this invoice.';
}
