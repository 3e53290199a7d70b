/**
 * The Subcontractor SOV (SSOV): the invoice contact's breakdown of each line of a commitment's
 * schedule of values into detail lines (description, cost code, amount), reviewed by the invoice
 * administrators (reference §6, §10 E3/E5/E9/E11, §11.3). Once approved, the detail lines are the
 * lines of every new invoice of the commitment; each still rolls up to its SOV line.
 *
 *   draft ──submit──▶ under_review ──approve──▶ approved ──send_back──▶ revise_and_resubmit
 *     │                  └──send_back──▶ revise_and_resubmit ──submit──▶ under_review …
 *     └── approve (an administrator, on the contacts' behalf; also from revise_and_resubmit)
 *
 * - Sum rule: the detail lines under one SOV line add up to its scheduled value ("remaining to
 *   allocate" is zero). Submitting and approving need it on every line, and so does any save while
 *   the SSOV is under review or approved. Sums are exact integer cents: nothing is rounded.
 * - Contacts change the lines only in Draft and Revise & Resubmit; administrators at any time.
 * - Approved invoices are never rewritten: a detail line on an approved invoice cannot be removed
 *   or moved to another SOV line, and once an approved invoice billed an amount on it, its amount
 *   cannot change either; a line with amounts entered on a not-yet-approved invoice cannot be
 *   removed (the amounts would be lost).
 * - "Approved" for billing means approved AND still fully allocated against the current SOV (an
 *   administrator may change the SOV afterwards; billing then waits until the SSOV balances again).
 */
import { DomainError, type ErrorDetail } from './errors.ts';
import type { SovLine } from './commitment.ts';
import { formatAmount, sumCents } from './money.ts';
import type { ComputedLine } from './pay-application.ts';

export const SSOV_STATUSES = ['draft', 'under_review', 'approved', 'revise_and_resubmit'] as const;
export type SsovStatus = (typeof SSOV_STATUSES)[number];

export const SSOV_STATUS_LABELS: Record<SsovStatus, string> = {
  draft: 'Draft',
  under_review: 'Under Review',
  approved: 'Approved',
  revise_and_resubmit: 'Revise & Resubmit',
};

export const SSOV_ACTIONS = ['submit', 'approve', 'send_back'] as const;
export type SsovAction = (typeof SSOV_ACTIONS)[number];

/** Who acts on an SSOV: an invoice administrator, or one of the commitment's invoice contacts. */
export type SsovActor = 'admin' | 'contact';

export type Ssov = {
  commitmentId: string;
  status: SsovStatus;
  version: number;
  submittedAt: Date | null;
  submittedBy: string | null;
  approvedAt: Date | null;
  approvedBy: string | null;
  sentBackAt: Date | null;
  sentBackBy: string | null;
  sentBackReason: string | null;
  requestedAt: Date | null;
  requestedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
};

/** One detail line: part of one SOV line. `position` orders the lines under their SOV line (1, 2, …). */
export type SsovLine = {
  id: string;
  commitmentId: string;
  sovLineId: string;
  position: number;
  description: string;
  costCode: string;
  amountCents: number;
};

/** A detail line as a save sends it: with `id` to keep (and change) a stored line, without to add one. */
export type SsovLineInput = {
  id?: string | undefined;
  sovLineId: string;
  description: string;
  costCode?: string | undefined;
  amountCents: number;
};

/** The item number a detail line shows: its SOV line's item (or position) and its own position, e.g. "2.3". */
export function detailItemNumber(sovLine: Pick<SovLine, 'itemNumber' | 'position'>, position: number): string {
  const parent = sovLine.itemNumber.trim() || String(sovLine.position);
  return `${parent}.${position}`;
}

function sovLabel(line: Pick<SovLine, 'itemNumber' | 'description'>): string {
  return line.itemNumber ? `line ${line.itemNumber} (${line.description})` : `"${line.description}"`;
}

/** Every SSOV action needs the SSOV turned on for the commitment. */
export function assertSsovEnabled(commitment: { ssovEnabled: boolean }): void {
  if (!commitment.ssovEnabled) {
    throw new DomainError(
      'invalid_state',
      "The Subcontractor SOV is not enabled on this commitment. An invoice administrator turns it on in the commitment's settings.",
      { field: 'ssovEnabled' },
    );
  }
}

/**
 * The SSOV is turned on or off only before the commitment's first invoice: invoices bill either the
 * SOV lines or the detail lines, and the next invoice carries the previous one forward line by line
 * (as Procore's API: "if the contract has no requisitions").
 */
export function assertSsovToggleAllowed(current: boolean, next: boolean, invoiceCount: number): void {
  if (current === next || invoiceCount === 0) return;
  throw new DomainError(
    'rule_violation',
    `The Subcontractor SOV can be turned ${next ? 'on' : 'off'} only before the first invoice; this commitment already has ${invoiceCount} invoice${invoiceCount === 1 ? '' : 's'}.`,
    { field: 'ssovEnabled', details: { invoiceCount } },
  );
}

// ---------------------------------------------------------------------------------------------
// Remaining to allocate

export type SovAllocation<L extends Pick<SsovLine, 'sovLineId' | 'amountCents'> = SsovLine> = {
  sovLine: SovLine;
  /** The detail lines under this SOV line, in the order given. */
  lines: L[];
  allocatedCents: number;
  /** Scheduled value − Σ detail lines: positive is still to allocate, negative is over-allocated. */
  remainingCents: number;
  isFullyAllocated: boolean;
};

/**
 * Remaining to allocate per SOV line: its scheduled value minus the sum of its detail lines
 * (exact integer cents). Every SOV line gets an entry, in SOV order; an SOV line of zero with no
 * detail lines is fully allocated. Detail lines naming no SOV line of the list are ignored.
 */
export function allocationsOf<L extends Pick<SsovLine, 'sovLineId' | 'amountCents'>>(
  sovLines: readonly SovLine[],
  details: readonly L[],
): SovAllocation<L>[] {
  return sovLines.map((sovLine) => {
    const lines = details.filter((d) => d.sovLineId === sovLine.id);
    const allocatedCents = sumCents(lines.map((l) => l.amountCents));
    const remainingCents = sovLine.scheduledValueCents - allocatedCents;
    return { sovLine, lines, allocatedCents, remainingCents, isFullyAllocated: remainingCents === 0 };
  });
}

export function isFullyAllocated(allocations: readonly SovAllocation<Pick<SsovLine, 'sovLineId' | 'amountCents'>>[]): boolean {
  return allocations.every((a) => a.isFullyAllocated);
}

/**
 * Refuses when any SOV line is not exactly allocated, naming every such line and its remaining
 * amount: one detail per SOV line, at path `lines` (the detail lines, sent or stored) with the
 * SOV line's id in `sovLineId` — an SOV line has no position in the request.
 */
export function assertFullyAllocated(
  allocations: readonly SovAllocation<Pick<SsovLine, 'sovLineId' | 'amountCents'>>[],
  before: string,
): void {
  const open = allocations.filter((a) => !a.isFullyAllocated);
  if (open.length === 0) return;
  const describe = (a: (typeof open)[number]) =>
    a.remainingCents > 0
      ? `${sovLabel(a.sovLine)} has ${formatAmount(a.remainingCents)} remaining to allocate`
      : `${sovLabel(a.sovLine)} is over-allocated by ${formatAmount(-a.remainingCents)}`;
  const details: ErrorDetail[] = open.map((a) => ({ path: 'lines', message: `${describe(a)}.`, code: 'remaining_to_allocate', sovLineId: a.sovLine.id }));
  throw new DomainError(
    'ssov_not_allocated',
    `Every SOV line must be fully allocated ${before}: ${open.map(describe).join('; ')}.`,
    { field: 'lines', details },
  );
}

/**
 * Whether the SSOV lets the commitment be invoiced: approved, and still fully allocated against
 * the current SOV (every SOV line's remaining to allocate is zero).
 */
export function isSsovApprovedForBilling(facts: { status: SsovStatus | null; unallocatedSovLineCount: number }): boolean {
  return facts.status === 'approved' && facts.unallocatedSovLineCount === 0;
}

// ---------------------------------------------------------------------------------------------
// Status machine

const TRANSITIONS: Record<SsovAction, { from: readonly SsovStatus[]; to: SsovStatus; actors: readonly SsovActor[] }> = {
  submit: { from: ['draft', 'revise_and_resubmit'], to: 'under_review', actors: ['contact', 'admin'] },
  approve: { from: ['draft', 'under_review', 'revise_and_resubmit'], to: 'approved', actors: ['admin'] },
  send_back: { from: ['under_review', 'approved'], to: 'revise_and_resubmit', actors: ['admin'] },
};

export type SsovTransitionGuards = {
  allocations: readonly SovAllocation<Pick<SsovLine, 'sovLineId' | 'amountCents'>>[];
  /** send_back: why (shown to the contacts). */
  reason?: string | null | undefined;
};

/**
 * The one function that decides an SSOV status change: contacts only submit; administrators also
 * approve (on the contacts' behalf even from Draft) and send back with a reason. Submitting and
 * approving need every SOV line fully allocated.
 */
export function transitionSsov(current: SsovStatus, action: SsovAction, actor: SsovActor, guards: SsovTransitionGuards): SsovStatus {
  const rule = TRANSITIONS[action];
  if (!rule.actors.includes(actor)) {
    throw new DomainError('forbidden', 'Only an invoice administrator can do that.', { field: 'action' });
  }
  if (!rule.from.includes(current)) {
    throw new DomainError(
      'invalid_transition',
      `A Subcontractor SOV that is ${SSOV_STATUS_LABELS[current]} cannot be moved to ${SSOV_STATUS_LABELS[rule.to]}.`,
      { field: 'action', details: { from: current, action } },
    );
  }
  if (action === 'submit') assertFullyAllocated(guards.allocations, 'before it is submitted for review');
  if (action === 'approve') assertFullyAllocated(guards.allocations, 'before it is approved');
  if (action === 'send_back' && !guards.reason?.trim()) {
    throw new DomainError('validation_failed', 'Say why the Subcontractor SOV goes back, so the invoice contacts know what to change.', {
      field: 'reason',
    });
  }
  return rule.to;
}

/** The actions an actor could take in this status (before the guards). */
export function availableSsovActions(status: SsovStatus, actor: SsovActor): SsovAction[] {
  return SSOV_ACTIONS.filter((a) => TRANSITIONS[a].from.includes(status) && TRANSITIONS[a].actors.includes(actor));
}

/** Statuses in which the invoice contacts change the detail lines. */
export function isEditableByContact(status: SsovStatus): boolean {
  return status === 'draft' || status === 'revise_and_resubmit';
}

/** Under review or approved, the SSOV must stay fully allocated through every save (an administrator's). */
export function mustStayFullyAllocated(status: SsovStatus): boolean {
  return status === 'under_review' || status === 'approved';
}

/** Contacts change the lines in Draft and Revise & Resubmit only; administrators at any time. */
export function assertCanEditLines(status: SsovStatus, actor: SsovActor): void {
  if (actor === 'admin' || isEditableByContact(status)) return;
  throw new DomainError(
    'invalid_state',
    status === 'approved'
      ? 'The Subcontractor SOV is approved; ask the invoice administrator if it needs to change.'
      : 'The Subcontractor SOV is with the invoice administrator for review; you can change it again if it is sent back for revision.',
    { field: 'status' },
  );
}

/** Asking the contacts to fill in the SSOV makes sense only while it is theirs to fill in. */
export function assertCanRequest(status: SsovStatus): void {
  if (isEditableByContact(status)) return;
  throw new DomainError(
    'invalid_state',
    `The Subcontractor SOV is ${SSOV_STATUS_LABELS[status]}: there is nothing to ask the invoice contacts for.`,
    { field: 'status' },
  );
}

// ---------------------------------------------------------------------------------------------
// Saving the breakdown, and what billing forbids

/** One invoice a stored detail line is on. */
export type DetailLineUse = {
  invoiceLabel: string;
  isApproved: boolean;
  /** Any amount entered (claimed or certified) on the line of that invoice. */
  hasAmounts: boolean;
};

export type SsovSavePlan = {
  /** Stored lines the save removes. */
  removedIds: string[];
  /** Every line of the save with its position under its SOV line. */
  lines: (SsovLineInput & { position: number })[];
};

function lineName(line: Pick<SsovLine, 'description'>): string {
  return `"${line.description}"`;
}

/** What billing still allows on one stored detail line, and the invoices that decide it. */
export function detailLineFreedom(uses: readonly DetailLineUse[]): {
  /** Approved invoices that billed an amount on it: its amount is fixed. */
  billedOn: string[];
  /** Approved invoices it is on: it stays. */
  approvedOn: string[];
  /** Invoices not yet approved with amounts entered on it: it stays (the amounts would be lost). */
  amountsOn: string[];
  canChangeAmount: boolean;
  canChangeSovLine: boolean;
  canRemove: boolean;
} {
  const billedOn = uses.filter((u) => u.isApproved && u.hasAmounts).map((u) => u.invoiceLabel);
  const approvedOn = uses.filter((u) => u.isApproved).map((u) => u.invoiceLabel);
  const amountsOn = uses.filter((u) => !u.isApproved && u.hasAmounts).map((u) => u.invoiceLabel);
  return {
    billedOn,
    approvedOn,
    amountsOn,
    canChangeAmount: billedOn.length === 0,
    canChangeSovLine: uses.length === 0,
    canRemove: approvedOn.length === 0 && amountsOn.length === 0,
  };
}

/**
 * Checks a whole-breakdown save and plans it. Refuses (validation_failed) lines naming no SOV line
 * of the commitment, unknown or repeated ids, empty descriptions and amounts that are not whole
 * cents of zero or more. Refuses (ssov_line_billed, naming the invoice) changes that would rewrite
 * billing (see `detailLineFreedom`): re-amounting a line an approved invoice billed; removing one
 * that is on an approved invoice or has amounts on one not yet approved; moving one that is on any
 * invoice to another SOV line. Descriptions and cost codes may always change (an approved invoice
 * keeps what it showed in its snapshot).
 */
export function planSsovSave(input: {
  sovLineIds: ReadonlySet<string>;
  current: readonly SsovLine[];
  next: readonly SsovLineInput[];
  uses: ReadonlyMap<string, DetailLineUse[]>;
}): SsovSavePlan {
  const stored = new Map(input.current.map((l) => [l.id, l]));
  const seen = new Set<string>();
  const positions = new Map<string, number>();
  const problems: ErrorDetail[] = [];
  const lines = input.next.map((line, index) => {
    if (!input.sovLineIds.has(line.sovLineId)) {
      throw new DomainError('validation_failed', 'Choose a line of this commitment\'s schedule of values.', { field: `lines.${index}.sovLineId` });
    }
    if (line.id !== undefined && (!stored.has(line.id) || seen.has(line.id))) {
      throw new DomainError('validation_failed', 'This detail line is not part of this Subcontractor SOV.', { field: `lines.${index}.id` });
    }
    if (line.description.trim().length === 0) {
      throw new DomainError('validation_failed', 'Every detail line needs a description.', { field: `lines.${index}.description` });
    }
    if (!Number.isSafeInteger(line.amountCents) || line.amountCents < 0) {
      throw new DomainError('validation_failed', 'An amount must be zero or more, in whole cents.', { field: `lines.${index}.amountCents` });
    }
    if (line.id !== undefined) {
      seen.add(line.id);
      const before = stored.get(line.id) as SsovLine;
      const uses = input.uses.get(line.id) ?? [];
      const freedom = detailLineFreedom(uses);
      if (!freedom.canChangeAmount && line.amountCents !== before.amountCents) {
        problems.push({
          path: `lines.${index}.amountCents`,
          code: 'billed_on_approved_invoice',
          message: `Detail line ${lineName(before)} was billed on approved invoice ${freedom.billedOn.join(', ')}; its amount cannot change, because that would rewrite the approved invoice.`,
        });
      }
      if (!freedom.canChangeSovLine && line.sovLineId !== before.sovLineId) {
        problems.push({
          path: `lines.${index}.sovLineId`,
          code: freedom.approvedOn.length > 0 ? 'billed_on_approved_invoice' : 'on_invoice',
          message: `Detail line ${lineName(before)} is on invoice ${uses.map((u) => u.invoiceLabel).join(', ')}; it stays under its SOV line. Add a new detail line instead.`,
        });
      }
    }
    const position = (positions.get(line.sovLineId) ?? 0) + 1;
    positions.set(line.sovLineId, position);
    return { ...line, description: line.description.trim(), costCode: line.costCode?.trim() ?? '', position };
  });
  const removed = input.current.filter((l) => !seen.has(l.id));
  for (const line of removed) {
    const freedom = detailLineFreedom(input.uses.get(line.id) ?? []);
    if (freedom.approvedOn.length > 0) {
      problems.push({
        path: 'lines',
        lineId: line.id,
        code: 'billed_on_approved_invoice',
        message: `Detail line ${lineName(line)} is on approved invoice ${freedom.approvedOn.join(', ')}; it cannot be removed, because that would rewrite the approved invoice.`,
      });
    } else if (freedom.amountsOn.length > 0) {
      problems.push({
        path: 'lines',
        lineId: line.id,
        code: 'has_amounts',
        message: `Detail line ${lineName(line)} has amounts entered on invoice ${freedom.amountsOn.join(', ')}; clear them there before removing the line.`,
      });
    }
  }
  if (problems.length > 0) {
    throw new DomainError('ssov_line_billed', problems.map((p) => p.message).join(' '), { field: problems[0]?.path ?? 'lines', details: problems });
  }
  return { removedIds: removed.map((l) => l.id), lines };
}

// ---------------------------------------------------------------------------------------------
// The G703 grouped by SOV line

export type SovLineGroup = {
  /** 'sov:<id>' of the SOV line the group rolls up to. */
  key: string;
  itemNumber: string;
  description: string;
  /** The G703 lines in the group: the SSOV detail lines (or the SOV line itself without an SSOV). */
  lineKeys: string[];
  scheduledValueCents: number;
  workCompletedPreviousCents: number;
  workCompletedThisPeriodCents: number;
  materialsPresentlyStoredCents: number;
  totalCompletedAndStoredCents: number;
  balanceToFinishCents: number;
  retainageHeldCents: number;
};

/**
 * The SOV part of a G703 grouped by SOV line, in line order: each group sums its lines' columns
 * (sums of already-rounded cents, so a group ties exactly to its lines). Change-order lines are
 * not part of any group.
 */
export function groupBySovLine(lines: readonly ComputedLine[]): SovLineGroup[] {
  const groups = new Map<string, SovLineGroup>();
  for (const line of lines) {
    if (line.source !== 'sov') continue;
    const key = line.parent?.key ?? line.key;
    let group = groups.get(key);
    if (!group) {
      group = {
        key,
        itemNumber: line.parent?.itemNumber ?? line.itemNumber,
        description: line.parent?.description ?? line.description,
        lineKeys: [],
        scheduledValueCents: 0,
        workCompletedPreviousCents: 0,
        workCompletedThisPeriodCents: 0,
        materialsPresentlyStoredCents: 0,
        totalCompletedAndStoredCents: 0,
        balanceToFinishCents: 0,
        retainageHeldCents: 0,
      };
      groups.set(key, group);
    }
    group.lineKeys.push(line.key);
    group.scheduledValueCents += line.scheduledValueCents;
    group.workCompletedPreviousCents += line.workCompletedPreviousCents;
    group.workCompletedThisPeriodCents += line.workCompletedThisPeriodCents;
    group.materialsPresentlyStoredCents += line.materialsPresentlyStoredCents;
    group.totalCompletedAndStoredCents += line.totalCompletedAndStoredCents;
    group.balanceToFinishCents += line.balanceToFinishCents;
    group.retainageHeldCents += line.retainageHeldCents;
  }
  return [...groups.values()];
}
