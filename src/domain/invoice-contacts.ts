/**
 * Invoice contacts: the people at the contract company who make sure an invoice is submitted.
 * Rules (reference §1):
 * - a contract company must be set before any invoice contact;
 * - a contact is an active employee of the contract company, in the project directory with at
 *   least Read Only on Commitments;
 * - designating a contact puts them on the private list (derived: the private list is the union of
 *   explicit entries and contacts, so removing a contact leaves an explicit entry in place).
 */
import { DomainError, type ErrorCode } from './errors.ts';
import { permissionAtLeast, type CommitmentsPermission } from './permissions.ts';

export type ContactCandidate = {
  userId: string;
  name: string;
  companyId: string;
  isActive: boolean;
  /** Null when the person is not in the project directory. */
  directoryPermission: CommitmentsPermission | null;
};

export type ContactEligibility =
  | { eligible: true }
  | { eligible: false; code: ErrorCode; reason: string };

/** Every reason a person cannot be an invoice contact, checked in the order a person fixes them. */
export function checkContactEligibility(
  contractCompanyId: string | null,
  candidate: ContactCandidate,
): ContactEligibility {
  if (contractCompanyId === null) {
    return {
      eligible: false,
      code: 'contract_company_required',
      reason: 'Choose the contract company before adding invoice contacts.',
    };
  }
  if (candidate.companyId !== contractCompanyId) {
    return {
      eligible: false,
      code: 'contact_not_employee',
      reason: `${candidate.name} is not an employee of the contract company.`,
    };
  }
  if (!candidate.isActive) {
    return { eligible: false, code: 'contact_inactive', reason: `${candidate.name}'s account is inactive.` };
  }
  if (candidate.directoryPermission === null) {
    return {
      eligible: false,
      code: 'contact_not_in_project_directory',
      reason: `${candidate.name} is not in this project's directory.`,
    };
  }
  if (!permissionAtLeast(candidate.directoryPermission, 'read_only')) {
    return {
      eligible: false,
      code: 'contact_permission_too_low',
      reason: `${candidate.name} needs at least Read Only on this project's Commitments tool (has None).`,
    };
  }
  return { eligible: true };
}

export function assertContactEligible(contractCompanyId: string | null, candidate: ContactCandidate): void {
  const result = checkContactEligibility(contractCompanyId, candidate);
  if (!result.eligible) {
    throw new DomainError(result.code, result.reason, { field: 'userId' });
  }
}

/**
 * Changing the contract company while contacts of the old company remain is refused, unless the
 * caller explicitly asks to remove them: never a silent mismatch. Returns the contacts to remove.
 */
export function planContractCompanyChange(input: {
  currentCompanyId: string | null;
  nextCompanyId: string | null;
  contacts: { userId: string; companyId: string }[];
  removeMismatchedContacts: boolean;
}): { contactsToRemove: string[] } {
  if (input.currentCompanyId === input.nextCompanyId) return { contactsToRemove: [] };
  const mismatched = input.contacts.filter((c) => c.companyId !== input.nextCompanyId).map((c) => c.userId);
  if (mismatched.length > 0 && !input.removeMismatchedContacts) {
    throw new DomainError(
      'contract_company_has_contacts',
      `This commitment still has ${mismatched.length} invoice contact(s) from the current contract company. ` +
        'Remove them first, or confirm that they should be removed with the change.',
      { field: 'contractCompanyId', details: { contactUserIds: mismatched } },
    );
  }
  return { contactsToRemove: mismatched };
}
