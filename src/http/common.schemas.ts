/** Schemas shared by every resource: errors, ids, pagination, versions, money; strict request objects. */
import { z } from '@hono/zod-openapi';
import { isCalendarDate } from '../domain/calendar.ts';
import { unknownKeysMessage } from './errors.ts';

function unknownKeys(noun: string) {
  return (issue: z.core.$ZodRawIssue) => {
    if (issue.code !== 'unrecognized_keys') return undefined;
    const shape = (issue.inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape ?? {};
    return unknownKeysMessage(issue.keys, Object.keys(shape), issue.path ?? [], noun);
  };
}

/**
 * Every object a client sends — a request body, the objects and array items inside it, each
 * branch of a union — is built with this: a key it does not declare is refused (400
 * `validation_failed`, `field` = the path of that key, "did you mean" the closest declared key),
 * never silently dropped. A misspelt optional field would otherwise be a save that quietly does
 * nothing. Response schemas stay plain `z.object`. The same settings survive `.extend()` and
 * `.partial()`.
 */
export function strictObject<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, { error: unknownKeys('field') });
}

/** A query string that refuses unknown parameters: a misspelt filter would otherwise return unfiltered results. */
export function strictQuery<T extends z.core.$ZodLooseShape>(shape: T) {
  return z.strictObject(shape, { error: unknownKeys('query parameter') });
}

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'contact_not_employee' }),
      message: z.string().openapi({ example: 'Dana Lee is not an employee of the contract company.' }),
      field: z.string().optional().openapi({
        example: 'lines.1.differenceReason',
        description:
          'The first offending input, as a dotted path into the request: keys by name, array items by their 0-based position in the array you sent (`lines.1.differenceReason` is the second entry of `lines`), never by id.',
      }),
      details: z
        .union([
          z.array(
            z.object({
              path: z.string().openapi({ description: 'A path as in `field`.' }),
              message: z.string(),
              code: z.string().optional().openapi({ description: '`unknown_field` for a key the request may not carry; `invalid_text` for text holding a NUL or an unpaired UTF-16 surrogate; otherwise the rule that refused it.' }),
              lineId: z.string().optional().openapi({ description: 'The stored line this is about, by id. `path` still gives its position in the request; for a line the request does not carry, `path` is the array (e.g. `lines`).' }),
              sovLineId: z.string().optional().openapi({ description: 'The schedule-of-values line this is about (Subcontractor SOV allocation).' }),
              row: z.number().int().optional().openapi({ description: 'A spreadsheet import: the row, 1-based as the spreadsheet shows it.' }),
              column: z.string().optional().openapi({ description: "A spreadsheet import: the column's header (or letter)." }),
            }),
          ),
          z.record(z.string(), z.unknown()),
        ])
        .optional(),
    }),
  })
  .openapi('Error');

const errorContent = { content: { 'application/json': { schema: ErrorResponse } } };

/** The error responses a route can give, documented once. */
export const errors = {
  400: { description: 'Invalid input: `error.field` names the offending field.', ...errorContent },
  401: { description: 'Not signed in.', ...errorContent },
  403: { description: 'Signed in, but not allowed to do this.', ...errorContent },
  404: { description: 'Not found — or not visible to you, which answers the same.', ...errorContent },
  409: { description: 'Conflict: a stale version or a duplicate.', ...errorContent },
  412: { description: 'If-Match names a version that is no longer current.', ...errorContent },
  422: { description: 'A business rule refused the change; `error.code` says which.', ...errorContent },
  429: { description: 'Too many attempts.', ...errorContent },
} as const;

/**
 * Ids are UUIDs (any 8-4-4-4-12 hex, as PostgreSQL's uuid type reads them). In a query or a body a
 * malformed id is a 400 naming the field; in a path it names nothing, so it is a 404 (the router's
 * hook, docs/decisions/020-hostile-input.md) — either way it never reaches PostgreSQL.
 */
export const Id = z.guid('Not an id: ids are UUIDs like 0b7f2a4e-3c1d-4e8f-9a6b-5c4d3e2f1a0b.').openapi({ example: '0b7f2a4e-3c1d-4e8f-9a6b-5c4d3e2f1a0b' });

/** The largest value of an `integer` (int4) column: positions, versions, counts, days. */
export const MAX_INT4 = 2_147_483_647;
/** An integer stored in an int4 column, bounded so that PostgreSQL never refuses it. */
export const Int4 = z.number().int().min(-MAX_INT4 - 1).max(MAX_INT4, 'At most 2,147,483,647.');
/** A 1-based position in a list (SOV lines). */
export const Position = z.number().int().min(1).max(MAX_INT4, 'At most 2,147,483,647.');
/** A bigserial id in a query or a path (emails, audit entries): a positive safe integer. */
export const SerialId = z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/**
 * A password as sent (sign-in, set, a new person's). Passwords are at most 256 characters (the
 * domain's rule says so by name); anything past this cannot be one, and is not hashed.
 */
export const PasswordText = z.string().max(1024, 'A password can be at most 256 characters.');

/** An email address as typed at sign-in or for a reset: at most 254 characters (RFC 5321), like every stored address. */
export const EmailText = z.string().max(254, 'An email address is at most 254 characters.');

/** The token of a single-use link, as the link carries it. */
export const LinkToken = z.string().max(200);

/** Search text in a query string: matched against names and numbers, never longer than they are. */
export const SearchText = z.string().max(200, 'Search for at most 200 characters.');

/** A calendar day (`YYYY-MM-DD`) that exists: 2026-02-30 is refused here; the range rule is the services' (src/domain/calendar.ts). */
export const Day = z
  .string()
  .max(10)
  .refine((v) => isCalendarDate(v), 'Use a date that exists, like 2026-11-30.')
  .openapi({ example: '2026-11-30', format: 'date' });

export const ProjectParams = z.object({ projectId: Id.openapi({ param: { name: 'projectId', in: 'path' } }) });
export const CommitmentParams = ProjectParams.extend({
  commitmentId: Id.openapi({ param: { name: 'commitmentId', in: 'path' } }),
});

export const Cents = z
  .number()
  .int('Amounts are whole numbers of cents.')
  .openapi({ description: 'An amount in integer cents (12345 = 123.45).', example: 1250000 });
/**
 * An amount entered on one line (SOV, change order, invoice). At most 10,000,000,000.00 either way,
 * so that thousands of lines still sum to exact integers (beyond 2^53 cents a total would be a 500).
 */
export const MAX_LINE_AMOUNT_CENTS = 1_000_000_000_000;
export const LineAmount = Cents.min(-MAX_LINE_AMOUNT_CENTS, 'At most 10,000,000,000.00 on one line.').max(MAX_LINE_AMOUNT_CENTS, 'At most 10,000,000,000.00 on one line.');
export const BasisPoints = z
  .number()
  .int('Rates are whole basis points.')
  .min(0)
  .max(10000)
  .openapi({ description: 'A rate in basis points (1000 = 10%).', example: 1000 });

export const Version = z.number().int().min(1).max(MAX_INT4, 'At most 2,147,483,647.').openapi({ description: 'The version this change is based on.' });

export const PageQuery = strictQuery({
  page: z.coerce.number().int().min(1).max(MAX_INT4).default(1).openapi({ example: 1 }),
  perPage: z.coerce.number().int().min(1).max(500).default(50).openapi({ example: 50 }),
});

export function pageOf<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      data: z.array(item),
      page: z.number().int(),
      perPage: z.number().int(),
      total: z.number().int(),
    })
    .openapi(name);
}

export const NoContent = { description: 'Done.' } as const;

/** Comma-separated lists in query strings (`status=draft,approved`). */
export function csv<T extends z.ZodType<unknown, string>>(item: T) {
  return z
    .string()
    .max(1000)
    .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean))
    .pipe(z.array(item));
}
