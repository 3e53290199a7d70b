/**
 * Creating a subcontractor invoice: an invoice contact for the open period (one per commitment per
 * period, on or before the due date), or an administrator on a contact's behalf for any period at
 * any time. Lines are one per SOV line and per approved change-order line, all starting at zero,
 * at the commitment's current retainage rates, and the invoice keeps the commitment's current
 * sliding-scale rules (later rate or rule changes never touch it; decision 008).
 */
import { assertDatesInWindow, isCalendarDate, type CalendarDate } from '../../domain/calendar.ts';
import { DomainError } from '../../domain/errors.ts';
import { invoiceLabel, type Invoice } from '../../domain/invoice.ts';
import { decideInvoiceCreation } from '../../domain/invoice-rules.ts';
import type { Viewer } from '../../domain/permissions.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import { listCommitmentBillingFacts } from '../../db/billing-board.queries.ts';
import { findOpenBillingPeriod, getBillingPeriod, listBillingPeriods } from '../../db/billing-periods.queries.ts';
import { lockCommitment } from '../../db/commitments.queries.ts';
import type { Db } from '../../db/database.ts';
import { findInvite } from '../../db/invites.queries.ts';
import { addMissingInvoiceLines, invoiceFromRow, listCommitmentInvoices, listInvoiceLines } from '../../db/invoices.queries.ts';
import { getProjectWithAccess } from '../../db/projects.queries.ts';
import { getCurrentSlidingScale, retainageRulesColumn } from '../../db/retainage-rules.queries.ts';
import { getCompanySettings, getProjectSettings } from '../../db/settings.queries.ts';
import { effectiveAllowOverbilling } from '../../domain/project-settings.ts';
import { todayIn } from '../../domain/calendar.ts';
import { invoiceAmounts, resolveInvoiceActor, type InvoiceContext, type InvoiceWritten } from './invoice-context.ts';
import { storeInvoiceSummaries } from './invoice-summaries.ts';

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
    const { tenantId } = access;
    const { actor } = await resolveInvoiceActor(trx, viewer, projectId, commitmentId, access);
    // Serialises invoice creation per commitment: "one per period" and the sequence hold under concurrency.
    const commitment = await lockCommitment(trx, tenantId, commitmentId);
    const today = todayIn(project.timeZone, now);
    assertDatesInWindow({ billingDate: input.billingDate, periodStart: input.periodStart, periodEnd: input.periodEnd }, today);
    const settings = await getProjectSettings(trx, tenantId, projectId);
    const period = input.billingPeriodId
      ? await getBillingPeriod(trx, tenantId, projectId, input.billingPeriodId)
      : await findOpenBillingPeriod(trx, tenantId, projectId);
    if (!period) {
      throw new DomainError('rule_violation', 'There is no open billing period. An invoice administrator opens one first.', {
        field: 'billingPeriodId',
      });
    }
    const existing = await listCommitmentInvoices(trx, tenantId, commitmentId);
    // Previous applications follow the invoice sequence, so the sequence must follow the periods.
    const periodStarts = new Map((await listBillingPeriods(trx, tenantId, projectId)).map((p) => [p.id, p.startsOn]));
    const later = existing.find((i) => (periodStarts.get(i.billingPeriodId) ?? '') > period.startsOn);
    if (later) {
      throw new DomainError(
        'rule_violation',
        `This commitment already has invoice ${invoiceLabel(later)} for a later billing period; invoices go in period order.`,
        { field: 'billingPeriodId' },
      );
    }
    const facts = (await listCommitmentBillingFacts(trx, tenantId, [commitmentId])).get(commitmentId);
    const invite = await findInvite(trx, tenantId, period.id, commitmentId);
    const { invoiceType } = decideInvoiceCreation({
      actor,
      isInvoiceContact: actor === 'contact',
      commitmentStatus: commitment.status,
      ssovEnabled: facts?.ssovEnabled ?? false,
      ssovApproved: facts?.ssovApproved ?? true,
      period: { status: period.status, dueOn: period.dueOn },
      today,
      invoicesInPeriod: existing.filter((i) => i.billingPeriodId === period.id).length,
      contactsMayBillWithoutInvite: settings.contactsMayBillWithoutInvite,
      invite: invite ? { invoiceType: invite.invoiceType } : null,
      contactDefaultInvoiceType: settings.contactDefaultInvoiceType,
    });
    // `existing` is every invoice of the commitment, read under its lock.
    const sequence = Math.max(0, ...existing.map((i) => i.sequence)) + 1;
    // Read under the commitment lock that rule changes take too: the invoice gets the rules in force now.
    const retainageRules = await getCurrentSlidingScale(trx, tenantId, commitmentId);
    const number = actor === 'admin' ? String(sequence) : input.number?.trim() || null;
    const row = await trx
      .insertInto('invoices')
      .values({
        tenantId,
        projectId,
        commitmentId,
        billingPeriodId: period.id,
        sequence,
        number,
        invoiceType,
        status: 'draft',
        billingDate: input.billingDate ?? period.endsOn,
        periodStart: input.periodStart ?? period.startsOn,
        periodEnd: input.periodEnd ?? period.endsOn,
        comments: input.comments ?? '',
        retainageRules: retainageRulesColumn(retainageRules),
        createdBy: viewer.userId,
        createdByRole: actor,
        createdAt: now,
        updatedAt: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const invoice = invoiceFromRow(row);
    await addMissingInvoiceLines(trx, tenantId, commitmentId, invoice.id);
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'invoice',
      entityId: invoice.id,
      action: 'create',
      after: { ...invoice, snapshot: undefined, actor },
    });
    // The new invoice's G702 for the answer (decision 022): its lines and the earlier ones it builds on.
    const linesById = await listInvoiceLines(trx, tenantId, [invoice.id, ...existing.filter((i) => !i.snapshot).map((i) => i.id)]);
    const company = await getCompanySettings(trx, tenantId);
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
      allowOverbilling: effectiveAllowOverbilling(settings.allowOverbilling, company.preventOverbillingAllProjects),
      slidingScale: invoice.retainageRules,
      isLatestInPeriod: true,
      isLatestOfCommitment: true,
      today,
    };
    const amounts = invoiceAmounts(ctx);
    await storeInvoiceSummaries(trx, tenantId, [{ invoiceId: invoice.id, amounts }]);
    // A new invoice's lines are all zero: the answer is its header and G702; the page reads the lines with GET.
    return { ...invoice, written: { ctx, amounts, changedLineKeys: new Set<string>() } };
  });
}
