/**
 * What the invoice emails tell about the lines: which lines a resubmission changed since the
 * previous submission, and which lines an administrator certified differently from the claim.
 */
import type { InvoiceLine } from './invoice.ts';
import type { ComputedLine, LineEntry } from './pay-application.ts';

/** A line whose claim changed between two submissions; `before` is null for a line added since. */
export type ClaimChange = { itemNumber: string; description: string; before: LineEntry | null; after: LineEntry };

export function sameEntry(a: LineEntry, b: LineEntry): boolean {
  return (
    a.workCompletedThisPeriodCents === b.workCompletedThisPeriodCents &&
    (a.workCompletedThisPeriodCents !== null || a.percentCompleteToDateBp === b.percentCompleteToDateBp) &&
    a.materialsStoredNewCents === b.materialsStoredNewCents &&
    a.materialsInstalledCents === b.materialsInstalledCents &&
    a.retainageReleasedCents === b.retainageReleasedCents
  );
}

/**
 * The lines whose claimed amounts differ from what was claimed at the previous submission
 * (`previous`: per invoice line id), in the invoice's line order.
 */
export function changedClaims(previous: ReadonlyMap<string, LineEntry>, lines: readonly InvoiceLine[]): ClaimChange[] {
  return lines.flatMap((line) => {
    const before = previous.get(line.id) ?? null;
    if (before && sameEntry(before, line.claimed)) return [];
    return [{ itemNumber: line.itemNumber, description: line.description, before, after: line.claimed }];
  });
}

/** A line certified differently from the claim: this period's work and materials, and retainage released. */
export type AdjustedLine = {
  itemNumber: string;
  description: string;
  claimedThisPeriodCents: number;
  certifiedThisPeriodCents: number;
  claimedReleasedCents: number;
  certifiedReleasedCents: number;
  reason: string | null;
};

/**
 * The lines whose certified amounts (work and materials this period, retainage released) differ
 * from the claimed ones, with the administrator's reason for the difference.
 */
export function adjustedLines(lines: readonly InvoiceLine[], certified: readonly ComputedLine[], claimed: readonly ComputedLine[]): AdjustedLine[] {
  const certifiedByKey = new Map(certified.map((l) => [l.key, l]));
  const claimedByKey = new Map(claimed.map((l) => [l.key, l]));
  return lines.flatMap((line) => {
    const c = certifiedByKey.get(line.key);
    const k = claimedByKey.get(line.key);
    if (!c || !k) return [];
    if (c.earnedThisPeriodCents === k.earnedThisPeriodCents && c.retainageReleasedCents === k.retainageReleasedCents) return [];
    return [
      {
        itemNumber: line.itemNumber,
        description: line.description,
        claimedThisPeriodCents: k.earnedThisPeriodCents,
        certifiedThisPeriodCents: c.earnedThisPeriodCents,
        claimedReleasedCents: k.retainageReleasedCents,
        certifiedReleasedCents: c.retainageReleasedCents,
        reason: line.differenceReason,
      },
    ];
  });
}
