/**
 * An invoice contact's home: every commitment they are a contact on, across projects, with what
 * needs their action first — a Subcontractor SOV to fill in or to fix, an invite to answer, an
 * invoice to fix or to submit, an invoice to create — and the due date.
 */
import { compareDates } from '../../domain/calendar.ts';
import type { Viewer } from '../../domain/permissions.ts';
import type { Db } from '../../db/database.ts';
import { commitmentFromRow } from '../../db/commitments.queries.ts';
import { projectFromRow } from '../../db/projects.queries.ts';
import { crossTenant } from '../../db/tenant-check.ts';
import { isEditableByContact, SSOV_STATUS_LABELS, type SsovStatus } from '../../domain/ssov.ts';
import { describeCommitmentBilling, type CommitmentBilling } from './commitment-billing.ts';

export type WorkAction = 'fill_ssov' | 'fix_ssov' | 'answer_invite' | 'fix_invoice' | 'submit_invoice' | 'create_invoice';

/** The commitment's Subcontractor SOV, when it uses one (null otherwise). */
export type WorkSsov = { status: SsovStatus; statusLabel: string };

export type WorkItem = {
  projectId: string;
  projectName: string;
  commitmentId: string;
  commitmentNumber: string;
  commitmentTitle: string;
  billing: CommitmentBilling;
  ssov: WorkSsov | null;
  actions: WorkAction[];
};

/**
 * A Subcontractor SOV is the contacts' to fill in while it is Draft (never written counts as Draft)
 * and to fix while it is Revise & Resubmit; under review or approved it needs nothing from them.
 */
export function ssovActionsFor(ssov: WorkSsov | null): WorkAction[] {
  if (!ssov || !isEditableByContact(ssov.status)) return [];
  return [ssov.status === 'revise_and_resubmit' ? 'fix_ssov' : 'fill_ssov'];
}

export function actionsFor(billing: CommitmentBilling): WorkAction[] {
  const actions: WorkAction[] = [];
  const inPeriod = billing.period ? billing.invoices.filter((i) => i.billingPeriodId === billing.period?.id) : [];
  const latest = inPeriod[inPeriod.length - 1];
  if (billing.canAnswerInvite && billing.invite?.response === null) actions.push('answer_invite');
  if (latest?.status === 'revise_and_resubmit') actions.push('fix_invoice');
  if (latest?.status === 'draft') actions.push('submit_invoice');
  if (billing.canCreateInvoice && billing.invite?.response !== 'declined') actions.push('create_invoice');
  return actions;
}

export async function listMyWork(db: Db, viewer: Viewer, now: Date): Promise<WorkItem[]> {
  const rows = await db
    .selectFrom('commitmentInvoiceContacts as k')
    .innerJoin('commitments as c', (join) => join.onRef('c.tenantId', '=', 'k.tenantId').onRef('c.id', '=', 'k.commitmentId'))
    .innerJoin('projects as p', (join) => join.onRef('p.tenantId', '=', 'c.tenantId').onRef('p.id', '=', 'c.projectId'))
    .selectAll('c')
    .select(['p.name as projectName', 'p.number as projectNumber', 'p.address as projectAddress', 'p.currency', 'p.locale', 'p.timeZone', 'p.terminology'])
    .where('k.userId', '=', viewer.userId)
    .where('c.status', '<>', 'void')
    .orderBy('p.name')
    .orderBy('c.number')
    .modifyEnd(crossTenant("a contact's work, across the general contractors they bill"))
    .execute();
  const withSsov = rows.filter((r) => r.ssovEnabled);
  // Only the tenants the contact's commitments belong to (the rows above).
  const ssovRows =
    withSsov.length > 0
      ? await db
          .selectFrom('ssovs')
          .select(['commitmentId', 'status'])
          .where('tenantId', 'in', [...new Set(withSsov.map((r) => r.tenantId))])
          .where('commitmentId', 'in', withSsov.map((r) => r.id))
          .execute()
      : [];
  const ssovStatus = new Map(ssovRows.map((r) => [r.commitmentId, r.status as SsovStatus]));
  const items: WorkItem[] = [];
  for (const row of rows) {
    const commitment = commitmentFromRow(row);
    const project = projectFromRow({
      id: row.projectId,
      tenantId: row.tenantId,
      name: row.projectName,
      number: row.projectNumber,
      address: row.projectAddress,
      currency: row.currency,
      locale: row.locale,
      timeZone: row.timeZone,
      terminology: row.terminology,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    });
    const billing = await describeCommitmentBilling(db, { actor: 'contact', project, commitment }, now);
    const status = ssovStatus.get(commitment.id) ?? 'draft';
    const ssov = commitment.ssovEnabled ? { status, statusLabel: SSOV_STATUS_LABELS[status] } : null;
    items.push({
      projectId: project.id,
      projectName: project.name,
      commitmentId: commitment.id,
      commitmentNumber: commitment.number,
      commitmentTitle: commitment.title,
      billing,
      ssov,
      actions: [...ssovActionsFor(ssov), ...actionsFor(billing)],
    });
  }
  // What needs action first, soonest due first.
  return items.sort((a, b) => {
    if ((a.actions.length > 0) !== (b.actions.length > 0)) return a.actions.length > 0 ? -1 : 1;
    return compareDates(a.billing.period?.dueOn ?? '9999-12-31', b.billing.period?.dueOn ?? '9999-12-31');
  });
}
