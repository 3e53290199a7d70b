/** Words people read for the API's codes (commitments, change orders, directory levels). */
import type { Schemas } from '../../api/client.ts';

export type CommitmentStatus = Schemas['Commitment']['status'];
export type CommitmentKind = Schemas['Commitment']['kind'];
export type AccountingMethod = Schemas['Commitment']['accountingMethod'];
export type ChangeOrderStatus = Schemas['ChangeOrder']['status'];
export type PermissionLevel = Schemas['ProjectDirectoryEntry']['commitmentsPermission'];
export type CompanyKind = Schemas['Company']['kind'];

export const COMMITMENT_STATUS_LABELS: Record<CommitmentStatus, string> = {
  draft: 'Draft',
  out_for_signature: 'Out for signature',
  approved: 'Approved',
  complete: 'Complete',
  terminated: 'Terminated',
  void: 'Void',
};
export const COMMITMENT_STATUSES = Object.keys(COMMITMENT_STATUS_LABELS) as CommitmentStatus[];

/** Badge tones for commitment statuses (StatusBadge knows invoice and billing codes only). */
export const COMMITMENT_STATUS_TONES: Record<CommitmentStatus, string> = {
  draft: 'draft',
  out_for_signature: 'pending',
  approved: 'approved',
  complete: 'approved',
  terminated: 'declined',
  void: 'closed',
};

export const KIND_LABELS: Record<CommitmentKind, string> = { subcontract: 'Subcontract', purchase_order: 'Purchase order' };

export const ACCOUNTING_LABELS: Record<AccountingMethod, string> = {
  amount: 'Amount based',
  unit_quantity: 'Unit/quantity based',
};

export const CHANGE_ORDER_STATUS_LABELS: Record<ChangeOrderStatus, string> = {
  draft: 'Draft',
  pending: 'Pending approval',
  approved: 'Approved',
  void: 'Void',
};
export const CHANGE_ORDER_STATUS_TONES: Record<ChangeOrderStatus, string> = {
  draft: 'draft',
  pending: 'pending',
  approved: 'approved',
  void: 'closed',
};

export const PERMISSION_LABELS: Record<PermissionLevel, string> = {
  none: 'None',
  read_only: 'Read Only',
  standard: 'Standard',
  admin: 'Admin',
};
export const PERMISSION_LEVELS = Object.keys(PERMISSION_LABELS) as PermissionLevel[];

export const COMPANY_KIND_LABELS: Record<CompanyKind, string> = {
  general_contractor: 'General contractor',
  subcontractor: 'Subcontractor',
  supplier: 'Supplier',
  owner: 'Owner',
};

/** "invoice contacts" → "Invoice contacts" (vocabulary words start lower-case). */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
