/**
 * RETAINAGE — the share of each payment the GC holds back until the work is done.
 *
 * Computed per invoice line, per period, never retroactively: each period's retainage uses the
 * rates stored on that invoice's line, and balances carry forward from the previous application.
 * - Work (G702 5a): this period = rate_work × E (work completed this period), half away from
 *   zero to the cent; the running balance never goes below zero.
 * - Stored materials (G702 5b): this period = rate_materials × new materials stored. When stored
 *   materials are installed (moved into work, and so billed again inside E, where they now carry
 *   work retainage), the materials retainage held on them is moved out of 5b in proportion:
 *   installed ÷ (previously stored + newly stored) of the materials balance.
 * - Release: an amount per line, never more than is held; it comes out of the work balance
 *   first, then the materials balance.
 * Sliding-scale rules (src/domain/sliding-scale.ts) decide the work retainage this period instead
 * of rate × E when a commitment has them; everything else here is the same.
 */
import { applyRate, scale } from './money.ts';

export type RetainageRates = { workBp: number; materialsBp: number };

/** What was held on a line at the end of the previous application. */
export type RetainageBalance = { workHeldCents: number; materialsHeldCents: number };

export const ZERO_BALANCE: RetainageBalance = { workHeldCents: 0, materialsHeldCents: 0 };

export type LineRetainageInput = {
  rates: RetainageRates;
  previous: RetainageBalance;
  workCompletedThisPeriodCents: number;
  materialsStoredPreviousCents: number;
  materialsStoredNewCents: number;
  materialsInstalledCents: number;
  retainageReleasedCents: number;
  /** Work retainage this period decided elsewhere (a sliding scale, or an override) instead of rate × E. */
  workThisPeriodCents?: number | undefined;
};

export type LineRetainage = {
  /** Work retainage held this period (can be negative when E is a negative correction). */
  workThisPeriodCents: number;
  /** New materials retainage minus what moved out with installed materials. */
  materialsThisPeriodCents: number;
  releasedFromWorkCents: number;
  releasedFromMaterialsCents: number;
  /** Balances after this period (G702 5a / 5b contributions). */
  workHeldCents: number;
  materialsHeldCents: number;
  /** What could have been released this period; a larger release is refused by the caller. */
  availableToReleaseCents: number;
};

/** Retainage of one line for one period. A release beyond what is held is capped here (and reported by the caller). */
export function computeLineRetainage(input: LineRetainageInput): LineRetainage {
  const workThisPeriodRaw = input.workThisPeriodCents ?? applyRate(input.workCompletedThisPeriodCents, input.rates.workBp);
  // A negative E gives back retainage, but never more than was held.
  const workThisPeriodCents = Math.max(workThisPeriodRaw, -input.previous.workHeldCents);
  const workBeforeRelease = input.previous.workHeldCents + workThisPeriodCents;

  const materialsNewRetainage = applyRate(input.materialsStoredNewCents, input.rates.materialsBp);
  const materialsPool = input.previous.materialsHeldCents + materialsNewRetainage;
  const storedBeforeInstall = input.materialsStoredPreviousCents + input.materialsStoredNewCents;
  const movedWithInstall =
    input.materialsInstalledCents > 0 && storedBeforeInstall > 0
      ? Math.min(materialsPool, scale(materialsPool, input.materialsInstalledCents, storedBeforeInstall))
      : 0;
  const materialsBeforeRelease = materialsPool - movedWithInstall;

  const availableToReleaseCents = workBeforeRelease + materialsBeforeRelease;
  const release = Math.min(Math.max(input.retainageReleasedCents, 0), availableToReleaseCents);
  const releasedFromWorkCents = Math.min(release, workBeforeRelease);
  const releasedFromMaterialsCents = release - releasedFromWorkCents;
  return {
    workThisPeriodCents,
    materialsThisPeriodCents: materialsNewRetainage - movedWithInstall,
    releasedFromWorkCents,
    releasedFromMaterialsCents,
    workHeldCents: workBeforeRelease - releasedFromWorkCents,
    materialsHeldCents: materialsBeforeRelease - releasedFromMaterialsCents,
    availableToReleaseCents,
  };
}
