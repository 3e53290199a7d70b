/** The only mapping from error codes to HTTP statuses, and the one error body every failure uses. */
import type { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DomainError, type ErrorCode, type ErrorDetail } from '../domain/errors.ts';

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  validation_failed: 400,
  link_invalid: 400,
  weak_password: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  account_inactive: 403,
  csrf_token_invalid: 403,
  not_found: 404,
  conflict: 409,
  version_conflict: 409,
  duplicate_number: 409,
  email_taken: 409,
  idempotency_key_reused: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  precondition_failed: 412,
  precondition_required: 428,
  too_many_requests: 429,
  company_not_found: 422,
  user_not_in_company: 422,
  company_in_use: 422,
  contract_company_required: 422,
  contract_company_not_in_project: 422,
  contract_company_has_contacts: 422,
  contact_not_employee: 422,
  contact_inactive: 422,
  contact_not_in_project_directory: 422,
  contact_permission_too_low: 422,
  private_list_contact: 422,
  accounting_method_locked: 422,
  sov_line_billed: 422,
  ssov_not_allocated: 422,
  ssov_line_billed: 422,
  change_order_locked: 422,
  invalid_transition: 422,
  invalid_state: 422,
  rule_violation: 422,
  retainage_rules_unchanged: 422,
  submission_incomplete: 422,
  overpayment: 422,
  two_person_rule: 403,
  payment_voided: 422,
};

export function statusFor(code: ErrorCode): ContentfulStatusCode {
  return STATUS[code];
}

export type ErrorBody = {
  error: {
    code: string;
    message: string;
    field?: string;
    details?: ErrorDetail[] | Record<string, unknown>;
  };
};

export function errorBody(error: DomainError): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.field !== undefined && { field: error.field }),
      ...(error.details !== undefined && { details: error.details }),
    },
  };
}

/** Zod issues → one validation error naming every offending field (dotted paths). */
export function validationError(issues: { path: PropertyKey[]; message: string }[], target?: string): DomainError {
  const fallback = target === 'query' ? 'query' : target === 'param' ? 'path' : 'body';
  const details = issues.map((issue) => ({
    path: issue.path.map(String).join('.') || fallback,
    message: issue.message,
  }));
  const first = details[0];
  const paths = [...new Set(details.map((d) => d.path))];
  const message =
    paths.length === 1 && first ? `Check ${first.path}: ${first.message}` : `Check these fields: ${paths.join(', ')}.`;
  return new DomainError('validation_failed', message, { ...(first && { field: first.path }), details });
}

/** Framework exceptions (malformed JSON, wrong content type, body too large) in the same shape. */
export function fromHttpException(error: HTTPException): DomainError {
  switch (error.status) {
    case 400:
      return new DomainError('validation_failed', 'The request body is not valid JSON.');
    case 413:
      return new DomainError('payload_too_large', 'The request is too large.');
    case 415:
      return new DomainError('unsupported_media_type', 'Send the request body as JSON (Content-Type: application/json).');
    case 401:
      return new DomainError('unauthenticated', 'Sign in to continue.');
    default:
      return new DomainError('validation_failed', error.message || 'The request could not be processed.');
  }
}

/**
 * Races the services' checks cannot see (two saves of the same number at the same instant) end
 * at a database constraint; they read as the conflict they are, never as a 500.
 */
export function fromDatabaseError(error: unknown): DomainError | undefined {
  const e = error as { code?: unknown; constraint?: unknown } | null;
  if (!e || typeof e.code !== 'string') return undefined;
  if (e.code === '23505') {
    const constraint = typeof e.constraint === 'string' ? e.constraint : '';
    if (constraint === 'users_email_lower_key') {
      return new DomainError('email_taken', 'Someone already uses that email.', { field: 'email' });
    }
    if (constraint.endsWith('_number_key')) {
      return new DomainError('duplicate_number', 'That number is already used; someone saved it a moment ago.', { field: 'number' });
    }
    return new DomainError('conflict', 'Someone saved the same thing a moment ago. Reload and try again.');
  }
  if (e.code === '40001' || e.code === '40P01') {
    return new DomainError('conflict', 'Someone else was saving at the same moment. Try again.');
  }
  return undefined;
}
