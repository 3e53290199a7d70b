/**
 * A commitment's billing this period, for its invoice contacts and administrators: the open period
 * and due date, the billing status, the invite (answer Yes / No), "Create invoice", the invoices.
 */
import { useRef, useState } from 'react';
import type { ApiError} from '../../api/client.ts';
import { api, call } from '../../api/client.ts';
import { OverBadge } from '../../components/over-badge.tsx';
import { Button, Card, Day, ErrorBanner, Loading, Money, Notice, StatusBadge } from '../../components/ui.tsx';
import { useLoad } from '../../lib/hooks.ts';
import { useProject } from '../../lib/project.tsx';
import { Link, navigate } from '../../lib/router.tsx';
import { formatInstant } from '../../../domain/format.ts';
import { INVOICE_TYPE_LABELS, type InvoiceType } from '../../../domain/invite-to-bill.ts';
import { toApiError } from './form-kit.tsx';

export function BillingPanel({
  projectId,
  commitmentId,
  refreshKey,
  onInvoiceCreated,
}: {
  projectId: string;
  commitmentId: string;
  /** Changes when the commitment does (status, contacts): billing is asked again. */
  refreshKey?: string;
  onInvoiceCreated?: () => void;
}) {
  const { project, vocabulary } = useProject();
  const params = { params: { path: { projectId, commitmentId } } };
  const billing = useLoad(() => call(api.GET('/api/v1/projects/{projectId}/commitments/{commitmentId}/billing', params)), [projectId, commitmentId, refreshKey]);
  const [answering, setAnswering] = useState<'accepted' | 'declined' | null>(null);
  const [creating, setCreating] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // One key per intended invoice: a retried click after a lost response never makes a second one.
  const idempotencyKey = useRef<string | null>(null);

  if (billing.error) {
    return (
      <Card title={`${vocabulary.invoicing} this period`}>
        <ErrorBanner error={billing.error} onRetry={() => void billing.reload()} />
      </Card>
    );
  }
  if (!billing.data) {
    return (
      <Card title={`${vocabulary.invoicing} this period`}>
        <Loading label="Loading billing…" />
      </Card>
    );
  }
  const b = billing.data;
  const isContact = b.role === 'contact';
  const when = (iso: string) => formatInstant(new Date(iso), project.locale, project.timeZone);

  const answer = async (response: 'accepted' | 'declined') => {
    setAnswering(response);
    setFailure(null);
    setNotice(null);
    try {
      await call(api.POST('/api/v1/projects/{projectId}/commitments/{commitmentId}/invite-response', { ...params, body: { response } }));
      await billing.reload();
      setNotice(response === 'accepted' ? 'Thanks — you answered Yes. You can create your invoice now.' : 'Thanks — you answered No. You can change your answer until an invoice exists.');
    } catch (err) {
      setFailure(toApiError(err));
    } finally {
      setAnswering(null);
    }
  };

  const createInvoice = async () => {
    setCreating(true);
    setFailure(null);
    idempotencyKey.current ??= crypto.randomUUID();
    try {
      const created = await call(
        api.POST('/api/v1/projects/{projectId}/commitments/{commitmentId}/invoices', {
          ...params,
          body: {},
          headers: { 'Idempotency-Key': idempotencyKey.current },
        }),
      );
      idempotencyKey.current = null;
      onInvoiceCreated?.();
      navigate(`/projects/${projectId}/invoices/${created.invoice.id}`);
    } catch (err) {
      const e = toApiError(err);
      // A refusal is final for this key; only a lost connection or a server error retries with it.
      if (e.status !== 0 && e.status < 500) idempotencyKey.current = null;
      setFailure(e);
      void billing.reload();
    } finally {
      setCreating(false);
    }
  };

  const invite = b.invite;
  // What the contact should do next with an invoice of this period.
  const toFix = isContact ? b.invoices.find((i) => (!b.period || i.billingPeriodId === b.period.id) && (i.status === 'draft' || i.status === 'revise_and_resubmit')) : undefined;
  return (
    <Card title={`${vocabulary.invoicing} this period`}>
      <dl className="cm-facts">
        <dt>Billing period</dt>
        <dd>
          {b.period ? (
            <>
              <Day value={b.period.startsOn} /> – <Day value={b.period.endsOn} />
            </>
          ) : (
            <span className="muted">No open billing period yet</span>
          )}
        </dd>
        {b.period ? (
          <>
            <dt>Invoice due</dt>
            <dd>
              <strong>
                <Day value={b.period.dueOn} />
              </strong>
            </dd>
          </>
        ) : null}
        <dt>Billing status</dt>
        <dd>
          <StatusBadge status={b.billingStatus} label={b.billingStatusLabel} />
        </dd>
      </dl>

      <ErrorBanner error={failure} />
      {notice ? <Notice tone="success">{notice}</Notice> : null}

      {invite ? (
        <div className="cm-invite">
          <p>
            <strong>Invited to bill</strong> {INVOICE_TYPE_LABELS[invite.invoiceType as InvoiceType] ?? invite.invoiceType} on {when(invite.invitedAt)}.
          </p>
          {invite.message ? <blockquote className="cm-invite-message">{invite.message}</blockquote> : null}
          {invite.requestAttachments ? (
            <p className="cm-invite-attach">
              <strong>Attach to {isContact ? 'your' : 'the'} invoice:</strong> {invite.attachmentsNote ?? 'supporting documents (the invite asks for attachments).'}
            </p>
          ) : null}
          {isContact && b.canAnswerInvite ? (
            <div className="cm-invite-answer" role="group" aria-labelledby={`invite-q-${commitmentId}`}>
              <p id={`invite-q-${commitmentId}`} className="cm-question">
                Do you want to bill this period?
              </p>
              <Button tone={invite.response === 'accepted' ? 'primary' : 'secondary'} aria-pressed={invite.response === 'accepted'} busy={answering === 'accepted'} disabled={!!answering} onClick={() => void answer('accepted')}>
                Yes
              </Button>
              <Button tone={invite.response === 'declined' ? 'primary' : 'secondary'} aria-pressed={invite.response === 'declined'} busy={answering === 'declined'} disabled={!!answering} onClick={() => void answer('declined')}>
                No
              </Button>
            </div>
          ) : null}
          <p className="muted">
            {invite.response === 'accepted'
              ? `${isContact ? 'You' : `The ${vocabulary.invoiceContact}`} answered Yes${invite.respondedAt ? ` on ${when(invite.respondedAt)}` : ''}.`
              : invite.response === 'declined'
                ? `${isContact ? 'You' : `The ${vocabulary.invoiceContact}`} answered No${invite.respondedAt ? ` on ${when(invite.respondedAt)}` : ''}.`
                : isContact
                  ? 'Answering is optional.'
                  : 'No answer yet.'}
            {isContact && b.canAnswerInvite && invite.response ? ' You can change your answer until an invoice exists.' : ''}
          </p>
        </div>
      ) : b.period ? (
        <p className="muted">{isContact ? 'You have not been invited to bill this period.' : 'No invite to bill was sent for this period.'}</p>
      ) : null}

      <div className="cm-create-invoice">
        {toFix ? (
          <p className="cm-next-step">
            <Link className="btn btn-primary" to={`/projects/${projectId}/invoices/${toFix.id}`}>
              {toFix.status === 'revise_and_resubmit' ? `Revise and resubmit invoice ${toFix.label}` : `Continue draft invoice ${toFix.label}`}
            </Link>
            {toFix.status === 'revise_and_resubmit' ? <span className="hint"> It was sent back: the rejected lines say why.</span> : null}
          </p>
        ) : null}
        {isContact && (b.canCreateInvoice || toFix) ? (
          <p className="hint" data-testid="overbilling-rule">
            {b.allowOverbilling
              ? 'On this project a line may be billed over 100% of its scheduled value; it is flagged for review.'
              : 'On this project a line may not be billed over 100% of its scheduled value.'}
          </p>
        ) : null}
        {b.canCreateInvoice ? (
          <Button tone="primary" busy={creating} disabled={creating} onClick={() => void createInvoice()}>
            {isContact ? 'Create invoice' : `Create invoice on the ${vocabulary.invoiceContact}’s behalf`}
          </Button>
        ) : b.createInvoiceRefusal && !toFix ? (
          <p className="cm-refusal">
            <span className="visually-hidden">Cannot create an invoice: </span>
            {b.createInvoiceRefusal}
          </p>
        ) : null}
      </div>

      <h3 className="cm-subhead">Invoices</h3>
      {b.invoices.length === 0 ? (
        <p className="muted">No invoices yet.</p>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Invoices of this commitment</caption>
            <thead>
              <tr>
                <th scope="col">Invoice</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Payment due
                </th>
              </tr>
            </thead>
            <tbody>
              {b.invoices.map((i) => (
                <tr key={i.id}>
                  <td>
                    <Link to={`/projects/${projectId}/invoices/${i.id}`}>{i.label}</Link> <OverBadge count={i.overbilledLineCount} />
                    {i.submittedAt ? <span className="cm-kind">Submitted {formatInstant(new Date(i.submittedAt), project.locale, project.timeZone)}</span> : null}
                  </td>
                  <td>
                    <StatusBadge status={i.status} label={i.statusLabel} />
                  </td>
                  <td className="num">
                    <Money cents={i.currentPaymentDueCents} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
