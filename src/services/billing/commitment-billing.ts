/**
 * Where a commitment stands in the open billing period, for the people who bill it: its billing
 * status, the invite and whether it can be answered, its invoices, and whether an invoice can be
 * created now (and if not, why) — the same rules the API enforces, asked without acting.
 */
import type { BillingPeriod } from '../../domain/billing-period.ts';
import { todayIn } from '../../domain/calendar.ts';
import type { Commitment } from '../../domain/commitment.ts';
import { DomainError } from '../../domain/errors.ts';
import { invoiceLabel } from '../../domain/invoice.ts';
import { decideInvoiceCreation } from '../../domain/invoice-rules.ts';
import type { InvoiceActor } from '../../domain/invoice-status.ts';
import { billingStatus, type BillingStatus } from '../../domain/invite-to-bill.ts';
import type { Viewer } from '../../domain/permissions.ts';
import type { Project } from '../../domain/project.ts';
import { listCommitmentBillingFacts } from '../../db/billing-board.queries.ts';
import { findOpenBillingPeriod } from '../../db/billing-periods.queries.ts';
import type { Db, DbOrTrx } from '../../db/database.ts';
import { findInvite, type Invite } from '../../db/invites.queries.ts';
import { findProject } from '../../db/projects.queries.ts';
import { getCompanySettings, getProjectSettings } from '../../db/settings.queries.ts';
import { effectiveAllowOverbilling } from '../../domain/project-settings.ts';
import { listInvoicesWithSummaries, type InvoiceWithSummary } from './invoice-summaries.ts';
import { resolveInvoiceActor } from './invoice-context.ts';

export type CommitmentBilling = {
  actor: InvoiceActor;
  period: BillingPeriod | null;
  billingStatus: BillingStatus;
  invite: Invite | null;
  canAnswerInvite: boolean;
  invoices: (InvoiceWithSummary & { label: string })[];
  canCreateInvoice: boolean;
  createInvoiceRefusal: string | null;
  /** The project's rule on billing a line over 100% (the company lock included), to tell before typing. */
  allowOverbilling: boolean;
};

export async function describeCommitmentBilling(
  db: DbOrTrx,
  input: { actor: InvoiceActor; project: Project; commitment: Commitment },
  now: Date,
): Promise<CommitmentBilling> {
  const { actor, project, commitment } = input;
  const { tenantId } = project;
  const period = (await findOpenBillingPeriod(db, tenantId, project.id)) ?? null;
  const facts = (await listCommitmentBillingFacts(db, tenantId, [commitment.id])).get(commitment.id);
  const invoices = (await listInvoicesWithSummaries(db, tenantId, project.id, [commitment.id])).map((i) => ({ ...i, label: invoiceLabel(i) }));
  const invite = period ? ((await findInvite(db, tenantId, period.id, commitment.id)) ?? null) : null;
  const inPeriod = period ? invoices.filter((i) => i.billingPeriodId === period.id) : [];
  const latest = inPeriod[inPeriod.length - 1];
  const settings = await getProjectSettings(db, tenantId, project.id);
  const company = await getCompanySettings(db, tenantId);
  let createInvoiceRefusal: string | null = null;
  if (!period) {
    createInvoiceRefusal = 'There is no open billing period yet.';
  } else {
    try {
      decideInvoiceCreation({
        actor,
        isInvoiceContact: actor === 'contact',
        commitmentStatus: commitment.status,
        ssovEnabled: facts?.ssovEnabled ?? false,
        ssovApproved: facts?.ssovApproved ?? true,
        period: { status: period.status, dueOn: period.dueOn },
        today: todayIn(project.timeZone, now),
        invoicesInPeriod: inPeriod.length,
        contactsMayBillWithoutInvite: settings.contactsMayBillWithoutInvite,
        invite: invite ? { invoiceType: invite.invoiceType } : null,
        contactDefaultInvoiceType: settings.contactDefaultInvoiceType,
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      createInvoiceRefusal = error.message;
    }
  }
  return {
    actor,
    period,
    billingStatus: billingStatus({
      invoiceContactCount: facts?.invoiceContactCount ?? 0,
      ssovEnabled: facts?.ssovEnabled ?? false,
      ssovApproved: facts?.ssovApproved ?? true,
      latestInvoiceStatus: latest?.status ?? null,
      invite: invite ? { response: invite.response } : null,
    }),
    invite,
    canAnswerInvite: invite !== null && inPeriod.length === 0,
    invoices,
    canCreateInvoice: createInvoiceRefusal === null,
    createInvoiceRefusal,
    allowOverbilling: effectiveAllowOverbilling(settings.allowOverbilling, company.preventOverbillingAllProjects),
  };
}

export async function getCommitmentBilling(db: Db, viewer: Viewer, projectId: string, commitmentId: string, now: Date): Promise<CommitmentBilling> {
  const { access, actor, commitment } = await resolveInvoiceActor(db, viewer, projectId, commitmentId);
  const project = await findProject(db, access.tenantId, projectId);
  if (!project) throw new DomainError('not_found', 'The project was not found.');
  return describeCommitmentBilling(db, { actor, project, commitment }, now);
}
