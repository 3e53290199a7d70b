/**
 * One commitment. Invoice administrators edit it (details, contacts, privacy, SOV, change orders)
 * and can bill on the contact's behalf; everyone else sees what the API lets them see, and its
 * invoice contacts bill from here.
 */
import { useState } from 'react';
import { api, call, type Schemas } from '../../api/client.ts';
import { Card, EmptyState, ErrorBanner, Loading, Money, Notice, PageHeader, Percent, StatusBadge } from '../../components/ui.tsx';
import { useDocumentTitle, useLoad, useUnsavedChangesGuard } from '../../lib/hooks.ts';
import { useProject } from '../../lib/project.tsx';
import { Link } from '../../lib/router.tsx';
import { BillingPanel } from './billing-panel.tsx';
import { PaymentsCard } from './payments-card.tsx';
import { RetainageRulesCard } from './retainage-rules-card.tsx';
import { ChangeOrders } from './change-orders.tsx';
import { CommitmentForm } from './commitment-form.tsx';
import { InvoiceContactsCard, PrivateListCard } from './contacts-cards.tsx';
import { takeFlash } from './flash.ts';
import { useDirtyRegistry } from './form-kit.tsx';
import { ACCOUNTING_LABELS, capitalize, COMMITMENT_STATUS_LABELS, COMMITMENT_STATUS_TONES, KIND_LABELS } from './labels.ts';
import { SovEditor, SovReadOnly } from './sov-editor.tsx';
import { SsovCard } from '../ssov/ssov-card.tsx';
import './commitments.css';

type Detail = Schemas['CommitmentDetail'];

export function CommitmentPage({ params }: { params: Record<string, string> }) {
  const projectId = params.projectId ?? '';
  const commitmentId = params.commitmentId ?? '';
  const { vocabulary } = useProject();
  const detail = useLoad(() => call(api.GET('/api/v1/projects/{projectId}/commitments/{commitmentId}', { params: { path: { projectId, commitmentId } } })), [projectId, commitmentId]);
  const [flash] = useState(() => takeFlash(window.location.pathname));
  const { anyDirty, report } = useDirtyRegistry();
  useUnsavedChangesGuard(anyDirty);
  const d = detail.data;
  useDocumentTitle(d ? `${d.commitment.number} ${d.commitment.title}` : detail.error?.status === 404 ? 'Not found' : 'Commitment');
  const back = (
    <p className="cm-back">
      <Link to={`/projects/${projectId}/commitments`}>← All commitments</Link>
    </p>
  );

  if (detail.error?.status === 404) {
    return (
      <>
        {back}
        <PageHeader title="Not found" />
        {/* Missing and not-yours look the same, as in the API. */}
        <EmptyState title="This page does not exist, or you do not have access to it.">
          <p>If you think you should see this commitment, ask the project’s invoice administrator.</p>
        </EmptyState>
      </>
    );
  }
  if (detail.error && !d) return <ErrorBanner error={detail.error} onRetry={() => void detail.reload()} />;
  if (!d) return <Loading label="Loading the commitment…" />;

  const c = d.commitment;
  const setDetail = (fresh: Detail) => detail.setData(fresh);
  const reloadDetail = () => void detail.reload();
  const billingKey = `${c.status}|${c.contractCompanyId ?? ''}|${d.invoiceContacts.map((p) => p.userId).join(',')}`;

  const header = (
    <>
      {back}
      <PageHeader
        title={`${c.number}${c.title ? `: ${c.title}` : ''}`}
        subtitle={
          <span className="cm-subtitle">
            <span>{KIND_LABELS[c.kind]}</span>
            <StatusBadge status={COMMITMENT_STATUS_TONES[c.status]} label={COMMITMENT_STATUS_LABELS[c.status]} />
            {c.isPrivate ? <span className="badge badge-muted">Private</span> : null}
            <span>{d.contractCompany ? d.contractCompany.name : 'No contract company yet'}</span>
          </span>
        }
      />
      {flash.length > 0 ? (
        <Notice tone="success">
          {flash.map((m) => (
            <span key={m} className="cm-warning-line">
              {m}
            </span>
          ))}
        </Notice>
      ) : null}
      <Totals totals={d.totals} />
    </>
  );

  if (d.you.canEdit) {
    return (
      <div className="cm-page">
        {header}
        <nav className="cm-jump" aria-label="On this page">
          <a href="#details">Details</a>
          <a href="#sov">Schedule of values</a>
          <a href="#change-orders">Change orders</a>
          {c.ssovEnabled ? <a href="#ssov">{vocabulary.subcontractorSov}</a> : null}
          <a href="#billing">{vocabulary.invoicing}</a>
          <a href="#contacts">{capitalize(vocabulary.invoiceContacts)}</a>
          <a href="#private-list">Private list</a>
        </nav>
        <div className="cm-layout">
          <div className="cm-main">
            <div id="details">
              <CommitmentForm projectId={projectId} detail={d} onSaved={setDetail} report={report} />
            </div>
            <div id="sov">
              <SovEditor projectId={projectId} commitmentId={commitmentId} commitmentVersion={c.version} onSaved={reloadDetail} report={report} />
            </div>
            <div id="change-orders">
              <ChangeOrders projectId={projectId} commitmentId={commitmentId} canEdit onApprovedChange={reloadDetail} report={report} />
            </div>
          </div>
          <div className="cm-aside">
            {c.ssovEnabled ? (
              <div id="ssov">
                <SsovCard projectId={projectId} commitmentId={commitmentId} refreshKey={c.version} />
              </div>
            ) : null}
            <div id="billing">
              <BillingPanel projectId={projectId} commitmentId={commitmentId} refreshKey={billingKey} />
            </div>
            <div id="retention">
              <RetainageRulesCard projectId={projectId} commitmentId={commitmentId} canEdit />
            </div>
            <div id="payments">
              <PaymentsCard projectId={projectId} commitmentId={commitmentId} refreshKey={billingKey} />
            </div>
            <div id="contacts">
              <InvoiceContactsCard projectId={projectId} detail={d} onDetail={setDetail} />
            </div>
            <div id="private-list">
              <PrivateListCard projectId={projectId} detail={d} onDetail={setDetail} />
            </div>
          </div>
        </div>
      </div>
    );
  }

  return (
    <div className="cm-page">
      {header}
      <div className="cm-layout">
        <div className="cm-main">
          {c.ssovEnabled && (d.you.isInvoiceContact || d.you.canSeeSovItems) ? <SsovCard projectId={projectId} commitmentId={commitmentId} refreshKey={c.version} /> : null}
          {d.you.isInvoiceContact ? <BillingPanel projectId={projectId} commitmentId={commitmentId} refreshKey={billingKey} /> : null}
          {d.you.isInvoiceContact ? <PaymentsCard projectId={projectId} commitmentId={commitmentId} refreshKey={billingKey} /> : null}
          <SovReadOnly projectId={projectId} commitmentId={commitmentId} canSee={d.you.canSeeSovItems} />
          {d.you.canSeeSovItems ? <ChangeOrders projectId={projectId} commitmentId={commitmentId} canEdit={false} onApprovedChange={reloadDetail} /> : null}
        </div>
        <div className="cm-aside">
          <DetailsReadOnly detail={d} />
          {d.you.isInvoiceContact ? <RetainageRulesCard projectId={projectId} commitmentId={commitmentId} canEdit={false} /> : null}
        </div>
      </div>
    </div>
  );
}

function Totals({ totals }: { totals: Detail['totals'] }) {
  if (!totals) return null;
  return (
    <dl className="cm-totals" aria-label="Contract amounts">
      <div>
        <dt>Original contract sum</dt>
        <dd>
          <Money cents={totals.originalContractSumCents} />
        </dd>
      </div>
      <div>
        <dt>Approved change orders</dt>
        <dd>
          <Money cents={totals.approvedChangeOrdersCents} />
        </dd>
      </div>
      <div>
        <dt>Contract sum to date</dt>
        <dd>
          <strong>
            <Money cents={totals.revisedContractSumCents} />
          </strong>
        </dd>
      </div>
    </dl>
  );
}

function DetailsReadOnly({ detail }: { detail: Detail }) {
  const { vocabulary } = useProject();
  const c = detail.commitment;
  return (
    <Card title="Details">
      <dl className="cm-facts">
        <dt>Contract company</dt>
        <dd>{detail.contractCompany?.name ?? <span className="muted">Not chosen yet</span>}</dd>
        <dt>{capitalize(vocabulary.invoiceContacts)}</dt>
        <dd>{detail.invoiceContacts.length > 0 ? detail.invoiceContacts.map((p) => p.name).join(', ') : <span className="muted">None</span>}</dd>
        <dt>Work retainage</dt>
        <dd>
          <Percent bp={c.retainageWorkBp} />
        </dd>
        <dt>Materials retainage</dt>
        <dd>
          <Percent bp={c.retainageMaterialsBp} />
        </dd>
        <dt>Accounting method</dt>
        <dd>{ACCOUNTING_LABELS[c.accountingMethod]}</dd>
        <dt>Private</dt>
        <dd>{c.isPrivate ? 'Yes' : 'No'}</dd>
      </dl>
      {c.description ? <p className="cm-description">{c.description}</p> : null}
    </Card>
  );
}
