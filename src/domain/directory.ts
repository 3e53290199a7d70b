/**
 * The GC's company directory: companies (general contractor, subcontractors, suppliers, owners)
 * and the people who work for them.
 */
import { DomainError } from './errors.ts';

export const COMPANY_KINDS = ['general_contractor', 'subcontractor', 'supplier', 'owner'] as const;
export type CompanyKind = (typeof COMPANY_KINDS)[number];

export type Company = {
  id: string;
  name: string;
  kind: CompanyKind;
  address: string;
  defaultInvoiceContactId: string | null;
};

export type User = {
  id: string;
  companyId: string;
  name: string;
  email: string;
  isActive: boolean;
  /** "Send me email": when off, payapp records the skip instead of emailing this person. */
  emailEnabled: boolean;
  isCompanyAdmin: boolean;
  hasPassword: boolean;
};

export const MIN_PASSWORD_LENGTH = 10;

export function assertPasswordStrength(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new DomainError(
      'weak_password',
      `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.`,
      { field: 'password' },
    );
  }
  if (password.length > 256) {
    throw new DomainError('weak_password', 'A password can be at most 256 characters.', { field: 'password' });
  }
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** A company's default invoice contact must be one of its own active employees. */
export function assertDefaultInvoiceContact(company: { id: string }, user: User | undefined): void {
  if (!user || user.companyId !== company.id) {
    throw new DomainError('user_not_in_company', 'The default invoice contact must be an employee of this company.', {
      field: 'defaultInvoiceContactId',
    });
  }
  if (!user.isActive) {
    throw new DomainError('contact_inactive', `${user.name}'s account is inactive.`, {
      field: 'defaultInvoiceContactId',
    });
  }
}
