/**
 * Commitments (subcontracts and purchase orders), their schedule of values (SOV) and change orders.
 */
import { DomainError } from './errors.ts';

export const COMMITMENT_KINDS = ['subcontract', 'purchase_order'] as const;
export type CommitmentKind = (typeof COMMITMENT_KINDS)[number];

export const COMMITMENT_STATUSES = [
  'draft',
  'out_for_signature',
  'approved',
  'complete',
  'terminated',
  'void',
] as const;
export type CommitmentStatus = (typeof COMMITMENT_STATUSES)[number];

export const ACCOUNTING_METHODS = ['amount', 'unit_quantity'] as const;
export type AccountingMethod = (typeof ACCOUNTING_METHODS)[number];

export type Commitment = {
  id: string;
  projectId: string;
  kind: CommitmentKind;
  number: string;
  title: string;
  description: string;
  status: CommitmentStatus;
  contractCompanyId: string | null;
  isPrivate: boolean;
  privateSovVisible: boolean;
  accountingMethod: AccountingMethod;
  retainageWorkBp: number;
  retainageMaterialsBp: number;
  ssovEnabled: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
};

export type SovLine = {
  id: string;
  commitmentId: string;
  position: number;
  itemNumber: string;
  costCode: string;
  description: string;
  scheduledValueCents: number;
};

/** The accounting method can be chosen only before the first SOV line exists (reference §4). */
export function assertAccountingMethodChangeAllowed(
  current: AccountingMethod,
  next: AccountingMethod,
  sovLineCount: number,
): void {
  if (current !== next && sovLineCount > 0) {
    throw new DomainError(
      'accounting_method_locked',
      'The accounting method cannot change once the schedule of values has lines.',
      { field: 'accountingMethod' },
    );
  }
}

/** Subcontractor SOV is supported on amount-based commitments only (reference §6). */
export function assertSsovAllowed(accountingMethod: AccountingMethod, ssovEnabled: boolean): void {
  if (ssovEnabled && accountingMethod !== 'amount') {
    throw new DomainError(
      'rule_violation',
      'The Subcontractor SOV is available on amount-based commitments only.',
      { field: 'ssovEnabled' },
    );
  }
}

export function assertRetainageRate(bp: number, field: string): void {
  if (!Number.isInteger(bp) || bp < 0 || bp > 10_000) {
    throw new DomainError('validation_failed', 'A retainage rate must be between 0% and 100%.', { field });
  }
}

/** Optimistic concurrency: a write must name the version it was based on. */
export function assertVersion(current: number, expected: number, what: string): void {
  if (current !== expected) {
    throw new DomainError(
      'version_conflict',
      `This ${what} was changed by someone else since you opened it (you had version ${expected}, it is now ${current}). Reload it and apply your change again.`,
      { field: 'version', details: { currentVersion: current, yourVersion: expected } },
    );
  }
}

export type SovLineInput = {
  itemNumber?: string | undefined;
  costCode?: string | undefined;
  description: string;
  scheduledValueCents: number;
};

/** A schedule of values line needs a description and a scheduled value of zero or more, in whole cents. */
export function assertSovLineInput(line: SovLineInput, fieldPrefix = ''): void {
  if (line.description.trim().length === 0) {
    throw new DomainError('validation_failed', 'Every SOV line needs a description.', {
      field: `${fieldPrefix}description`,
    });
  }
  if (!Number.isSafeInteger(line.scheduledValueCents) || line.scheduledValueCents < 0) {
    throw new DomainError('validation_failed', 'A scheduled value must be zero or more, in whole cents.', {
      field: `${fieldPrefix}scheduledValueCents`,
    });
  }
}

/** G702 line 3: the contract sum to date is the original sum plus net approved change orders. */
export function revisedContractSum(originalContractSumCents: number, approvedChangeOrdersCents: number): number {
  return originalContractSumCents + approvedChangeOrdersCents;
}
