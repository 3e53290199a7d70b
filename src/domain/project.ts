/** Projects: where commitments, billing periods and invoices live. */
export const CURRENCIES = ['USD', 'CAD'] as const;
export type Currency = (typeof CURRENCIES)[number];
export const LOCALES = ['en-US', 'en-CA'] as const;
export type Locale = (typeof LOCALES)[number];

/**
 * Point-of-view wording (reference §0): a GC says "Invoicing" and "Subcontractor SOV"; an owner says
 * "Contractor SOV"; a specialty contractor says "Progress Billings" and "progress billing contact".
 */
export const TERMINOLOGIES = ['general_contractor', 'owner', 'specialty_contractor'] as const;
export type Terminology = (typeof TERMINOLOGIES)[number];

export type Project = {
  id: string;
  /** The general contractor's company the project belongs to: its tenant (decision 025). */
  tenantId: string;
  name: string;
  number: string;
  address: string;
  currency: Currency;
  locale: Locale;
  timeZone: string;
  terminology: Terminology;
};

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

export type Vocabulary = {
  invoicing: string;
  subcontractorSov: string;
  invoiceContact: string;
  invoiceContacts: string;
};

export function vocabularyFor(terminology: Terminology): Vocabulary {
  switch (terminology) {
    case 'general_contractor':
      return {
        invoicing: 'Invoicing',
        subcontractorSov: 'Subcontractor SOV',
        invoiceContact: 'invoice contact',
        invoiceContacts: 'invoice contacts',
      };
    case 'owner':
      return {
        invoicing: 'Invoicing',
        subcontractorSov: 'Contractor SOV',
        invoiceContact: 'invoice contact',
        invoiceContacts: 'invoice contacts',
      };
    case 'specialty_contractor':
      return {
        invoicing: 'Progress Billings',
        subcontractorSov: 'Subcontractor SOV',
        invoiceContact: 'progress billing contact',
        invoiceContacts: 'progress billing contacts',
      };
  }
}
