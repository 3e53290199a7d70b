/**
 * Entering amounts on an invoice's lines:
 * - claim: the contact (or an administrator on their behalf, in Draft or Revise & Resubmit) enters
 *   work completed this period as an amount OR a percent complete to date, new materials stored,
 *   materials moved into work and retainage released; claimed and certified move together;
 * - certify: an administrator certifies a different amount than claimed, with a reason per line
 *   ("reasons for difference"); the claim stays beside it;
 * - rates: an administrator overrides a line's retainage rates on this invoice.
 * A save that leaves a changed line overbilled (when overbilling is off), with more materials
 * installed than stored or more retainage released than held is refused, naming the line.
 */
import { DomainError, type ErrorDetail } from '../../domain/errors.ts';
import { computeInvoice, entriesEqual, type InvoiceLine } from '../../domain/invoice.ts';
import { assertCanEdit, assertContactMayRelease, assertEntryAllowedByType, type EditKind } from '../../domain/invoice-rules.ts';
import type { LineEntry } from '../../domain/pay-application.ts';
import { assertVersion } from '../../domain/commitment.ts';
import type { Viewer } from '../../domain/permissions.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import type { Db } from '../../db/database.ts';
import { updateInvoiceLineEntries } from '../../db/invoices.queries.ts';
import { changedLineKeys, invoiceAmounts, loadInvoiceContext, type InvoiceWritten } from './invoice-context.ts';
import { storeInvoiceSummaries } from './invoice-summaries.ts';

export type LineChange = {
  lineId: string;
  workCompletedThisPeriodCents?: number | undefined;
  percentCompleteToDateBp?: number | undefined;
  materialsStoredNewCents?: number | undefined;
  materialsInstalledCents?: number | undefined;
  retainageReleasedCents?: number | undefined;
  /** certify: why the certified amount differs from the claim. */
  differenceReason?: string | undefined;
  /** rates (administrators): this invoice line's retainage rates. */
  workRetainageBp?: number | undefined;
  materialsRetainageBp?: number | undefined;
  /** rates (administrators, sliding-scale commitments): override the work retainage this period; null clears it. */
  retainageOverride?: { workRetainageThisPeriodCents: number; reason: string } | null | undefined;
};

export type SaveLinesInput = { version: number; mode: 'claim' | 'certify'; lines: LineChange[] };

/** `at`: the change's path in the request (`lines.<index>`), where a refusal points. */
function applyChange(entry: LineEntry, change: LineChange, at: string): LineEntry {
  if (change.workCompletedThisPeriodCents !== undefined && change.percentCompleteToDateBp !== undefined) {
    throw new DomainError('validation_failed', 'Enter the work completed this period as an amount or as a percent, not both.', {
      field: `${at}.percentCompleteToDateBp`,
    });
  }
  const next = { ...entry };
  if (change.workCompletedThisPeriodCents !== undefined) {
    next.workCompletedThisPeriodCents = change.workCompletedThisPeriodCents;
    next.percentCompleteToDateBp = null;
  }
  if (change.percentCompleteToDateBp !== undefined) {
    next.percentCompleteToDateBp = change.percentCompleteToDateBp;
    next.workCompletedThisPeriodCents = null;
  }
  if (change.materialsStoredNewCents !== undefined) next.materialsStoredNewCents = change.materialsStoredNewCents;
  if (change.materialsInstalledCents !== undefined) next.materialsInstalledCents = change.materialsInstalledCents;
  if (change.retainageReleasedCents !== undefined) next.retainageReleasedCents = change.retainageReleasedCents;
  return next;
}

function hasEntryChange(change: LineChange): boolean {
  return (
    change.workCompletedThisPeriodCents !== undefined ||
    change.percentCompleteToDateBp !== undefined ||
    change.materialsStoredNewCents !== undefined ||
    change.materialsInstalledCents !== undefined ||
    change.retainageReleasedCents !== undefined
  );
}

/**
 * Rules about one entry of a line (src/domain/invoice-rules.ts) name the entry field; in a save
 * they concern the line at `at` in the request, so that is where the refusal points.
 */
function onLine(at: string, check: () => void): void {
  try {
    check();
  } catch (error) {
    if (!(error instanceof DomainError) || error.field === undefined) throw error;
    throw new DomainError(error.code, error.message, { field: `${at}.${error.field}`, ...(error.details !== undefined && { details: error.details }) });
  }
}

/** The entry fields a save may change on a line, for the audit entry (what changed, not every line). */
function auditedFields(line: InvoiceLine) {
  return {
    claimed: line.claimed,
    certified: line.certified,
    rates: line.rates,
    isRateOverridden: line.isRateOverridden,
    isCertifiedAdjusted: line.isCertifiedAdjusted,
    differenceReason: line.differenceReason,
    retainageOverride: line.retainageOverride ?? null,
  };
}

/** Only the fields that differ, before and after: a save of one line of 2,000 records one line's change. */
function fieldChanges(before: InvoiceLine, after: InvoiceLine): { before: Record<string, unknown>; after: Record<string, unknown> } | null {
  const was: Record<string, unknown> = auditedFields(before);
  const now: Record<string, unknown> = auditedFields(after);
  const out = { before: {} as Record<string, unknown>, after: {} as Record<string, unknown> };
  let changed = false;
  for (const field of Object.keys(now)) {
    const a = was[field];
    const b = now[field];
    if (JSON.stringify(a) === JSON.stringify(b)) continue;
    if (a && b && typeof a === 'object' && typeof b === 'object') {
      // Entries and rates: only the fields that moved inside them.
      const inner = { before: {} as Record<string, unknown>, after: {} as Record<string, unknown> };
      for (const k of Object.keys(b)) {
        const x = (a as Record<string, unknown>)[k];
        const y = (b as Record<string, unknown>)[k];
        if (x !== y) {
          inner.before[k] = x;
          inner.after[k] = y;
        }
      }
      out.before[field] = inner.before;
      out.after[field] = inner.after;
    } else {
      out.before[field] = a;
      out.after[field] = b;
    }
    changed = true;
  }
  return changed ? out : null;
}

export async function saveInvoiceLines(
  db: Db,
  viewer: Viewer,
  projectId: string,
  invoiceId: string,
  input: SaveLinesInput,
  now: Date,
): Promise<{ version: number; written: InvoiceWritten }> {
  return db.transaction().execute(async (trx) => {
    const ctx = await loadInvoiceContext(trx, viewer, projectId, invoiceId, now, { forUpdate: true });
    assertVersion(ctx.invoice.version, input.version, 'invoice');
    if (input.mode === 'certify' && ctx.actor !== 'admin') {
      throw new DomainError('forbidden', 'Only an invoice administrator can certify amounts.');
    }
    const byId = new Map(ctx.lines.map((l) => [l.id, l]));
    const changedKeys = new Set<string>();
    const before = new Map<string, InvoiceLine>();
    const seen = new Set<string>();
    /** Where each changed line is in the request: problems found on the whole invoice point there. */
    const positionOfKey = new Map<string, number>();
    input.lines.forEach((change, index) => {
      const at = `lines.${index}`;
      const line = byId.get(change.lineId);
      if (!line || seen.has(change.lineId)) {
        // No such line to name: the position in the request says which entry it was.
        throw new DomainError('validation_failed', 'That line is not on this invoice.', { field: `${at}.lineId` });
      }
      seen.add(change.lineId);
      before.set(line.id, line);
      const kinds: EditKind[] = [];
      const reasonOnly = input.mode === 'certify' && !hasEntryChange(change) && change.differenceReason !== undefined;
      if (hasEntryChange(change) || reasonOnly) kinds.push(input.mode === 'certify' ? 'certify' : 'claim');
      if (change.workRetainageBp !== undefined || change.materialsRetainageBp !== undefined || change.retainageOverride !== undefined) kinds.push('rates');
      for (const kind of kinds) assertCanEdit({ actor: ctx.actor, status: ctx.invoice.status, isLatestInPeriod: ctx.isLatestInPeriod }, kind);

      let next: InvoiceLine = { ...line };
      if (reasonOnly) {
        // A new reason for an amount already certified differently (there is nothing to explain otherwise).
        const reason = change.differenceReason?.trim() || null;
        if (line.isCertifiedAdjusted && !reason) {
          throw new DomainError('validation_failed', `Give a reason for the difference on line ${line.itemNumber || line.description}.`, {
            field: `${at}.differenceReason`,
          });
        }
        next = { ...next, differenceReason: line.isCertifiedAdjusted ? reason : null };
      }
      if (hasEntryChange(change)) {
        if (input.mode === 'claim') {
          const claimed = applyChange(line.claimed, change, at);
          next = { ...next, claimed, certified: claimed, isCertifiedAdjusted: false, differenceReason: null };
        } else {
          const certified = applyChange(line.certified, change, at);
          const isCertifiedAdjusted = !entriesEqual(certified, line.claimed);
          const reason = change.differenceReason?.trim() || (isCertifiedAdjusted ? line.differenceReason : null);
          if (isCertifiedAdjusted && !reason) {
            throw new DomainError('validation_failed', `Give a reason for the difference on line ${line.itemNumber || line.description}.`, {
              field: `${at}.differenceReason`,
            });
          }
          next = { ...next, certified, isCertifiedAdjusted, differenceReason: isCertifiedAdjusted ? reason : null };
        }
        const entry = input.mode === 'claim' ? next.claimed : next.certified;
        onLine(at, () =>
          assertEntryAllowedByType(
            ctx.invoice.invoiceType,
            {
              hasWorkOrMaterials:
                entry.workCompletedThisPeriodCents !== 0 || entry.percentCompleteToDateBp !== null || entry.materialsStoredNewCents !== 0 || entry.materialsInstalledCents !== 0,
              hasRelease: entry.retainageReleasedCents !== 0,
            },
            ctx.actor,
          ),
        );
        if (ctx.actor === 'contact' && change.retainageReleasedCents !== undefined && change.retainageReleasedCents !== line.claimed.retainageReleasedCents) {
          onLine(at, () => assertContactMayRelease({ isLatestOfCommitment: ctx.isLatestOfCommitment, today: ctx.today, dueOn: ctx.period.dueOn }));
        }
      }
      if (change.workRetainageBp !== undefined || change.materialsRetainageBp !== undefined) {
        next = {
          ...next,
          rates: { workBp: change.workRetainageBp ?? line.rates.workBp, materialsBp: change.materialsRetainageBp ?? line.rates.materialsBp },
          isRateOverridden: true,
        };
      }
      if (change.retainageOverride !== undefined) {
        if (change.retainageOverride !== null && !ctx.slidingScale) {
          throw new DomainError('invalid_state', 'This invoice holds retainage at flat rates, without sliding-scale rules: change the line’s retainage rate instead.', {
            field: `${at}.retainageOverride`,
          });
        }
        const reason = change.retainageOverride?.reason.trim() ?? '';
        if (change.retainageOverride && reason === '') {
          throw new DomainError('validation_failed', `Give a reason for overriding the retainage on line ${line.itemNumber || line.description}.`, {
            field: `${at}.retainageOverride.reason`,
          });
        }
        next = { ...next, retainageOverride: change.retainageOverride ? { workRetainageThisPeriodCents: change.retainageOverride.workRetainageThisPeriodCents, reason } : null };
      }
      byId.set(line.id, next);
      changedKeys.add(line.key);
      positionOfKey.set(line.key, index);
    });

    const lines = ctx.lines.map((l) => byId.get(l.id) ?? l);
    const computed = computeInvoice(lines, ctx.earlier, ctx.allowOverbilling, ctx.slidingScale);
    const issues = (input.mode === 'claim' ? computed.claimedIssues : computed.issues).filter((i) => changedKeys.has(i.key));
    if (issues.length > 0) {
      const lineIdOf = new Map(lines.map((l) => [l.key, l.id]));
      const details: ErrorDetail[] = issues.map((i) => ({
        path: `lines.${positionOfKey.get(i.key)}.${i.field}`,
        message: i.message,
        code: i.code,
        lineId: lineIdOf.get(i.key) ?? '',
      }));
      throw new DomainError('rule_violation', issues.map((i) => i.message).join(' '), {
        field: details[0]?.path ?? 'lines',
        details,
      });
    }
    const changedLines = lines.filter((l) => changedKeys.has(l.key));
    await updateInvoiceLineEntries(trx, ctx.access.tenantId, invoiceId, changedLines);
    const version = ctx.invoice.version + 1;
    await trx.updateTable('invoices').set({ version, updatedAt: now }).where('tenantId', '=', ctx.access.tenantId).where('id', '=', invoiceId).execute();
    await storeInvoiceSummaries(trx, ctx.access.tenantId, [{ invoiceId, amounts: computed }]);
    const changes = changedLines.flatMap((l) => {
      const was = before.get(l.id);
      const diff = was && fieldChanges(was, l);
      return diff ? [{ lineId: l.id, ...diff }] : [];
    });
    const after = { ...ctx, invoice: { ...ctx.invoice, version, updatedAt: now }, lines };
    // Before the audit entry: from its insert to the commit this transaction holds the project's
    // audit chain (decision 016), and under sliding-scale rules this computes the invoice again.
    const written: InvoiceWritten = { ctx: after, amounts: computed, changedLineKeys: changedLineKeys(ctx, changedKeys, () => invoiceAmounts(ctx), computed) };
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'invoice',
      entityId: invoiceId,
      action: input.mode === 'certify' ? 'certify_lines' : 'save_lines',
      before: changes.map((c) => ({ lineId: c.lineId, ...c.before })),
      after: changes.map((c) => ({ lineId: c.lineId, ...c.after })),
    });
    return { version, written };
  });
}
