/** The only mapping from error codes to HTTP statuses, and the one error body every failure uses. */
import type { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isConnectionLost } from '../db/connection-errors.ts';
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
  database_unavailable: 503,
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
  sov_import_invalid: 422,
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

type ZodIssueLike = { code?: string; path: PropertyKey[]; message: string; keys?: string[] };

const joinPath = (path: readonly PropertyKey[]): string => path.map(String).join('.');

/**
 * Zod issues → one validation error naming every offending field (dotted paths, array items by
 * their position in the request: docs/decisions/004-error-model.md). An unknown key becomes one
 * detail per key, at the path of the key itself (zod reports it at the object that holds it).
 * Unknown keys come first: a misspelt field usually also leaves a required one missing, and the
 * unknown one says why.
 */
export function validationError(issues: readonly ZodIssueLike[], target?: string): DomainError {
  const fallback = target === 'query' ? 'query' : target === 'param' ? 'path' : 'body';
  const isUnknown = (issue: ZodIssueLike) => issue.code === 'unrecognized_keys' && (issue.keys?.length ?? 0) > 0;
  const ordered = [...issues.filter(isUnknown), ...issues.filter((i) => !isUnknown(i))];
  const details: ErrorDetail[] = ordered.flatMap((issue) =>
    isUnknown(issue)
      ? (issue.keys ?? []).map((key) => ({ path: joinPath([...issue.path, key]), message: issue.message, code: UNKNOWN_FIELD }))
      : [{ path: joinPath(issue.path) || fallback, message: issue.message }],
  );
  const first = details[0];
  const paths = [...new Set(details.map((d) => d.path))];
  let message: string;
  if (first?.code === UNKNOWN_FIELD) {
    const unknown = [...new Set(details.filter((d) => d.code === UNKNOWN_FIELD).map((d) => d.message))];
    const others = [...new Set(details.filter((d) => d.code !== UNKNOWN_FIELD).map((d) => d.path))];
    message = `${unknown.join(' ')}${others.length > 0 ? ` Also check ${others.join(', ')}.` : ''}`;
  } else {
    message = paths.length === 1 && first ? `Check ${first.path}: ${first.message}` : `Check these fields: ${paths.join(', ')}.`;
  }
  return new DomainError('validation_failed', message, { ...(first && { field: first.path }), details });
}

/** `details[].code` of a key the schema does not have. */
export const UNKNOWN_FIELD = 'unknown_field';

/**
 * The sentence for keys an object does not have, naming the known key each was probably meant
 * to be ("Unknown field due_on — did you mean dueOn?"). `where` is the path of the object.
 */
export function unknownKeysMessage(keys: readonly string[], known: readonly string[], where: readonly PropertyKey[], noun = 'field'): string {
  const at = (key: string) => joinPath([...where, key]);
  const hint = (key: string) => {
    const match = closestKey(key, known);
    return match === undefined ? '' : ` (did you mean ${match}?)`;
  };
  if (keys.length === 1) {
    const key = keys[0] as string;
    const match = closestKey(key, known);
    if (match !== undefined) return `Unknown ${noun} ${at(key)} — did you mean ${match}?`;
    return known.length > 0 && known.length <= 12 ? `Unknown ${noun} ${at(key)}: use ${known.join(', ')}.` : `Unknown ${noun} ${at(key)}.`;
  }
  return `Unknown ${noun}s ${keys.map((k) => `${at(k)}${hint(k)}`).join(', ')}.`;
}

/** The known key a typo most likely meant: same letters ignoring case, `_` and `-`, or one or two edits away. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[_\-\s]/g, '');
  const target = norm(key);
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(target, norm(candidate));
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  if (!best) return undefined;
  const allowed = target.length <= 3 ? 0 : target.length <= 5 ? 1 : target.length <= 9 ? 2 : 3;
  return best.distance <= allowed ? best.key : undefined;
}

/** Levenshtein distance, with a swap of two neighbouring letters counting as one edit. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] as number;
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

/** Seconds a client waits before retrying after `database_unavailable` (the `Retry-After` header). */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/**
 * Races the services' checks cannot see (two saves of the same number at the same instant) end
 * at a database constraint; they read as the conflict they are, never as a 500. A lost database
 * connection (src/db/connection-errors.ts) is a retryable 503: the request may be sent again, and
 * with its Idempotency-Key a change that did commit is answered, not made twice.
 */
export function fromDatabaseError(error: unknown): DomainError | undefined {
  if (isConnectionLost(error)) {
    return new DomainError(
      'database_unavailable',
      'The connection to the database was lost while handling this request. Try again in a moment: a request sent again with the same Idempotency-Key is never applied twice.',
      { details: { retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS } },
    );
  }
  const e = error as { code?: unknown; constraint?: unknown; column?: unknown; detail?: unknown; message?: unknown } | null;
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
  return fromDataException({ ...e, code: e.code });
}

/** snake_case column → the camelCase field the API names it by. */
const fieldOf = (column: unknown) => (typeof column === 'string' && column ? column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : undefined);

/**
 * The database refused a value the edge should have refused first (SQLSTATE class 22, data
 * exception; class 23, integrity constraint; 54000, a value too large for its index). The input
 * was at fault, so it is a 4xx — never a 500 — and it is logged, because the validation that
 * should have caught it is missing.
 */
function fromDataException(e: { code: string; column?: unknown; detail?: unknown; message?: unknown }): DomainError | undefined {
  const field = fieldOf(e.column);
  const withField = field ? { field } : {};
  let error: DomainError | undefined;
  if (e.code.startsWith('22') || e.code === '54000') {
    const message =
      e.code === '22001' || e.code === '54000'
        ? 'A value is too long to be stored.'
        : e.code === '22003'
          ? 'A number is too large or too small to be stored.'
          : e.code === '22007' || e.code === '22008'
            ? 'A date or time is not one that exists.'
            : e.code === '22P02'
              ? 'A value is not in the form expected (an id must be a UUID).'
              : e.code === '22021' || e.code === '22P05'
                ? 'Text contains a character that cannot be stored (such as \\u0000).'
                : 'A value could not be stored as sent.';
    error = new DomainError('validation_failed', message, withField);
  } else if (e.code === '23502') {
    error = new DomainError('validation_failed', `A required value is missing${field ? `: ${field}` : ''}.`, withField);
  } else if (e.code === '23503') {
    error = typeof e.detail === 'string' && e.detail.includes('still referenced')
      ? new DomainError('conflict', 'It is still in use, so it cannot be removed.')
      : new DomainError('conflict', 'It refers to something that no longer exists. Reload and try again.');
  } else if (e.code === '23514') {
    error = new DomainError('rule_violation', 'A value breaks a rule the data must keep.', withField);
  } else if (e.code.startsWith('23')) {
    error = new DomainError('conflict', 'It conflicts with what is already stored. Reload and try again.');
  }
  if (error) console.warn(`[payapp] the database refused input (${e.code}) that validation let through: ${String(e.message ?? '')}`);
  return error;
}
