/**
 * Creating a subcontractor invoice: an invoice contact for the open period (one per commitment per
 * period, on or before the due date), or an administrator on a contact's behalf for any period at
 * any time. Lines are one per SOV line and per approved change-order line, all starting at zero,
 * at the commitment's current retainage rates, and the invoice keeps the commitment's current
 * sliding-scale rules (later rate or rule changes never touch it; decision 008).
 *
 * Seven statements whatever the SOV's size (issue 12): project and access; the commitment locked
 * with everything the rules decide with; its invoices; the invoice with its lines; the lines for
 * the G702; the summary with the audit entry (src/db/invoice-creation.queries.ts).
 */
import { assertDatesInWindow, isCalendarDate, todayIn, type CalendarDate } from '../../domain/calendar.ts';
import { DomainError } from '../../domain/errors.ts';
import { invoiceLabel, type Invoice } from '../../domain/invoice.ts';
import { decideInvoiceCreation } from '../../domain/invoice-rules.ts';
import type { Viewer } from '../../domain/permissions.ts';
import { effectiveAllowOverbilling } from '../../domain/project-settings.ts';
import { auditEntriesQuery } from '../../db/audit.queries.ts';
import { executeWritesTogether } from '../../db/combined-writes.ts';
import type { Db } from '../../db/database.ts';
import { insertInvoiceWithLines, listCommitmentInvoicesWithPeriodStarts, lockCommitmentForInvoicing } from '../../db/invoice-creation.queries.ts';
import { listInvoiceLines } from '../../db/invoices.queries.ts';
import { getProjectWithAccess } from '../../db/projects.queries.ts';
import { retainageRulesColumn } from '../../db/retainage-rules.queries.ts';
import { getProjectSettings } from '../../db/settings.queries.ts';
import { invoiceActorOf, invoiceAmounts, type InvoiceContext, type InvoiceWritten } from './invoice-context.ts';
import { invoiceSummariesWrite } from './invoice-summaries.ts';

export type CreateInvoiceInput = {
  /** Defaults to the open period. Contacts can only use the open period. */
  billingPeriodId?: string | undefined;
  /** Contacts: their own invoice number (optional). Administrators: ignored, numbered in sequence. */
  number?: string | undefined;
  billingDate?: CalendarDate | undefined;
  periodStart?: CalendarDate | undefined;
  periodEnd?: CalendarDate | undefined;
  comments?: string | undefined;
};

export async function createInvoice(
  db: Db,
  viewer: Viewer,
  projectId: string,
  commitmentId: string,
  input: CreateInvoiceInput,
  now: Date,
): Promise<Invoice & { written: InvoiceWritten }> {
  for (const field of ['billingDate', 'periodStart', 'periodEnd'] as const) {
    const value = input[field];
    if (value !== undefined && !isCalendarDate(value)) {
      throw new DomainError('validation_failed', 'Dates are calendar days like 2026-11-30.', { field });
    }
  }
  return db.transaction().execute(async (trx) => {
    const { access, project } = await getProjectWithAccess(trx, viewer, projectId);
    // Locks the commitment: "one per period" and the sequence hold under concurrency.
    const facts = await lockCommitmentForInvoicing(trx, access, commitmentId, input.billingPeriodId);
    const { commitment } = facts;
    const actor = invoiceActorOf(access, facts.privacy);
    const today = todayIn(project.timeZone, now);
    assertDatesInWindow({ billingDate: input.billingDate, periodStart: input.periodStart, periodEnd: input.periodEnd }, today);
    const settings = facts.settings ?? (await getProjectSettings(trx, access.tenantId, projectId));
    const period = facts.period;
    if (!period) {
      throw new DomainError('rule_violation', 'There is no open billing period. An invoice administrator opens one first.', {
        field: 'billingPeriodId',
      });
    }
    // Every invoice of the commitment, read under its lock. Previous applications follow the invoice sequence, so the sequence must follow the periods.
    const existing = await listCommitmentInvoicesWithPeriodStarts(trx, access.tenantId, commitmentId);
    const later = existing.find((i) => i.periodStartsOn > period.startsOn);
    if (later) {
      throw new DomainError(
        'rule_violation',
        `This commitment already has invoice ${invoiceLabel(later)} for a later billing period; invoices go in period order.`,
        { field: 'billingPeriodId' },
      );
    }
    const { invoiceType } = decideInvoiceCreation({
      actor,
      isInvoiceContact: actor === 'contact',
      commitmentStatus: commitment.status,
      ssovEnabled: facts.billing.ssovEnabled,
      ssovApproved: facts.billing.ssovApproved,
      period: { status: period.status, dueOn: period.dueOn },
      today,
      invoicesInPeriod: existing.filter((i) => i.billingPeriodId === period.id).length,
      contactsMayBillWithoutInvite: settings.contactsMayBillWithoutInvite,
      invite: facts.inviteInvoiceType ? { invoiceType: facts.inviteInvoiceType } : null,
      contactDefaultInvoiceType: settings.contactDefaultInvoiceType,
    });
    const sequence = Math.max(0, ...existing.map((i) => i.sequence)) + 1;
    // Read under the commitment lock that rule changes take too: the invoice gets the rules in force now.
    const number = actor === 'admin' ? String(sequence) : input.number?.trim() || null;
    const invoice = await insertInvoiceWithLines(trx, {
      tenantId: access.tenantId,
      projectId,
      commitmentId,
      billingPeriodId: period.id,
      sequence,
      number,
      invoiceType,
      billingDate: input.billingDate ?? period.endsOn,
      periodStart: input.periodStart ?? period.startsOn,
      periodEnd: input.periodEnd ?? period.endsOn,
      comments: input.comments ?? '',
      retainageRules: retainageRulesColumn(facts.slidingScale),
      createdBy: viewer.userId,
      createdByRole: actor,
      createdAt: now,
      updatedAt: now,
    });
    // The new invoice's G702 for the answer (decision 022): its lines and the earlier ones it builds on.
    const linesById = await listInvoiceLines(trx, access.tenantId, [invoice.id, ...existing.filter((i) => !i.snapshot).map((i) => i.id)]);
    const ctx: InvoiceContext = {
      access,
      actor,
      project,
      commitment,
      invoice,
      period,
      lines: linesById.get(invoice.id) ?? [],
      earlier: existing.map((i) => ({
        sequence: i.sequence,
        status: i.status,
        snapshot: i.snapshot,
        lines: linesById.get(i.id) ?? [],
        label: invoiceLabel(i),
        retainageRules: i.retainageRules,
      })),
      allowOverbilling: effectiveAllowOverbilling(settings.allowOverbilling, facts.preventOverbillingAllProjects),
      slidingScale: invoice.retainageRules,
      isLatestInPeriod: true,
      isLatestOfCommitment: true,
      today,
      contractCompanyName: facts.contractCompanyName,
      viewerName: facts.viewerName,
      approvalNoticesEnabled: settings.approvalNoticesEnabled,
    };
    const amounts = invoiceAmounts(ctx);
    // After the insert's triggers marked the summary stale: the summary and the audit entry in one statement.
    await executeWritesTogether(trx, [
      invoiceSummariesWrite(access.tenantId, [{ invoiceId: invoice.id, amounts }]),
      auditEntriesQuery(trx, [
        {
          occurredAt: now,
          actorUserId: viewer.userId,
          projectId,
          entityType: 'invoice',
          entityId: invoice.id,
          action: 'create',
          after: { ...invoice, snapshot: undefined, actor },
        },
      ]),
    ]);
    // A new invoice's lines are all zero: the answer is its header and G702; the page reads the lines with GET.
    return { ...invoice, written: { ctx, amounts, changedLineKeys: new Set<string>() } };
  });
}
