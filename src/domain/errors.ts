/**
 * The one error type of the domain. Every failure a person can cause carries a stable `code`
 * (clients switch on it), a sentence a person understands, and — when one input is at fault —
 * the `field` that caused it. The HTTP layer maps codes to statuses in one table (src/http/errors.ts).
 */
export type ErrorCode =
  // generic
  | 'validation_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'version_conflict'
  | 'precondition_failed'
  | 'precondition_required'
  | 'too_many_requests'
  | 'payload_too_large'
  | 'unsupported_media_type'
  /** The database connection was lost (restart, failover): retry; 503 with Retry-After. */
  | 'database_unavailable'
  // authentication
  | 'invalid_credentials'
  | 'account_inactive'
  | 'csrf_token_invalid'
  | 'link_invalid'
  | 'weak_password'
  // directory
  | 'email_taken'
  | 'company_not_found'
  | 'user_not_in_company'
  | 'company_in_use'
  // commitments & invoice contacts
  | 'duplicate_number'
  | 'contract_company_required'
  | 'contract_company_not_in_project'
  | 'contract_company_has_contacts'
  | 'contact_not_employee'
  | 'contact_inactive'
  | 'contact_not_in_project_directory'
  | 'contact_permission_too_low'
  | 'private_list_contact'
  | 'accounting_method_locked'
  | 'sov_line_billed'
  /** A spreadsheet import with problems in some rows: `details` lists every row, nothing was written. */
  | 'sov_import_invalid'
  // Subcontractor SOV
  | 'ssov_not_allocated'
  | 'ssov_line_billed'
  | 'change_order_locked'
  | 'invalid_transition'
  | 'invalid_state'
  | 'rule_violation'
  // invoices (issue 10)
  | 'retainage_rules_unchanged'
  | 'submission_incomplete'
  // payments
  | 'overpayment'
  | 'two_person_rule'
  | 'payment_voided'
  | 'idempotency_key_reused';

/**
 * One problem among several: where (a path into the request, array items by their position in
 * the request — docs/decisions/004-error-model.md), what (in words), which rule (when one did),
 * and which stored line it concerns (always by id, never in the path).
 */
export type ErrorDetail = {
  path: string;
  message: string;
  code?: string;
  lineId?: string;
  sovLineId?: string;
  /** A spreadsheet import's problem: the 1-based row as the spreadsheet shows it, and the column's header. */
  row?: number;
  column?: string;
};

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly details: ErrorDetail[] | Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { field?: string; details?: ErrorDetail[] | Record<string, unknown> } = {},
  ) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.field = options.field;
    this.details = options.details;
  }
}

export const notFound = (what: string): DomainError =>
  new DomainError('not_found', `${what} was not found.`);

export const forbidden = (message: string): DomainError => new DomainError('forbidden', message);
