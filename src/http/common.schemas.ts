/** Schemas shared by every resource: errors, ids, pagination, versions, money. */
import { z } from '@hono/zod-openapi';

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'contact_not_employee' }),
      message: z.string().openapi({ example: 'Dana Lee is not an employee of the contract company.' }),
      field: z.string().optional().openapi({ example: 'userId' }),
      details: z.union([z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() })), z.record(z.string(), z.unknown())]).optional(),
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

export const Id = z.uuid().openapi({ example: '0b7f2a4e-3c1d-4e8f-9a6b-5c4d3e2f1a0b' });

export const ProjectParams = z.object({ projectId: z.string().openapi({ param: { name: 'projectId', in: 'path' } }) });
export const CommitmentParams = ProjectParams.extend({
  commitmentId: z.string().openapi({ param: { name: 'commitmentId', in: 'path' } }),
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

export const Version = z.number().int().min(1).openapi({ description: 'The version this change is based on.' });

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1).openapi({ example: 1 }),
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
    .transform((s) => s.split(',').map((p) => p.trim()).filter(Boolean))
    .pipe(z.array(item));
}
