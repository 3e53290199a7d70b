/**
 * Importing a commitment's schedule of values from a CSV or XLSX file (issue 13, decision 029).
 * One operation: `?dryRun=true` previews (nothing written), otherwise the SOV is replaced — only
 * when every row is valid. The column mapping and the version travel in the query string, so the
 * upload stays a multipart body with its one field, `file` (decision 004).
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { sumCents } from '../domain/money.ts';
import { importSov } from '../services/commitments/import-sov.ts';
import { SovSchema } from './commitments.schemas.ts';
import { CommitmentParams, errors, MAX_INT4, strictQuery } from './common.schemas.ts';
import { requireViewer, type Env } from './context.ts';
import { validationError } from './errors.ts';
import { presentSovLine } from './presenters.ts';
import { createRouter } from './router.ts';
import { requireMultipart, uploadBody, uploadLimit, readUploadedFile } from './uploads.ts';
import { etagFor, requiredVersion, withVersion } from './versioning.ts';

const Column = z.string().trim().min(1).max(200);

const ImportSovQuery = strictQuery({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .openapi({ description: '`true`: parse and answer the lines, write nothing.' }),
  version: z.coerce.number().int().min(0).max(MAX_INT4).optional().openapi({ description: 'The commitment version the import replaces (or If-Match). Required unless a dry run.' }),
  itemNumberColumn: Column.optional().openapi({ description: 'Header of the item-number column (default: guessed — "Item", "No", "Line" …).' }),
  descriptionColumn: Column.optional().openapi({ description: 'Header of the description column (default: "Description", "Desc" …).' }),
  costCodeColumn: Column.optional().openapi({ description: 'Header of the cost-code column (default: "Cost Code", "Code" …).' }),
  scheduledValueColumn: Column.optional().openapi({ description: 'Header of the amount column (default: "Scheduled Value", "Amount", "Value" …).' }),
});

const ImportedLineSchema = z.object({
  row: z.number().int().openapi({ description: 'The row in the file, 1-based as the spreadsheet shows it.' }),
  itemNumber: z.string(),
  costCode: z.string(),
  description: z.string(),
  scheduledValueCents: z.number().int(),
  lineId: z.string().nullable().openapi({ description: 'The existing SOV line this row updates (same item number); null for a new line.' }),
});

const ImportSovSchema = z
  .object({
    dryRun: z.boolean(),
    mapping: z
      .object({ itemNumber: z.string().optional(), description: z.string().optional(), costCode: z.string().optional(), scheduledValue: z.string().optional() })
      .openapi({ description: 'The header each field was read from.' }),
    lines: z.array(ImportedLineSchema),
    totalCents: z.number().int(),
    // After an import, the saved schedule of values; absent on a dry run.
    sov: SovSchema.optional(),
  })
  .openapi('SovImport');

export const sovImportRoutes = createRouter();

/** The query string is checked before the body's type, so a misspelt parameter is named whatever was sent. */
const checkQueryFirst: MiddlewareHandler<Env> = async (c, next) => {
  const result = ImportSovQuery.safeParse(c.req.query());
  if (!result.success) throw validationError(result.error.issues, 'query');
  await next();
};

sovImportRoutes.use('/projects/:projectId/commitments/:commitmentId/sov/import', checkQueryFirst, requireMultipart, uploadLimit);

sovImportRoutes.openapi(
  createRoute({
    method: 'post',
    path: '/projects/{projectId}/commitments/{commitmentId}/sov/import',
    tags: ['Schedule of values'],
    summary: 'Import the schedule of values from a CSV or XLSX file (or preview it)',
    description:
      'The first non-empty row is the header. Amounts are read in the project\'s locale ("1,234.50", "$1,234.50"; in en-CA also "1 234,50 $"); negatives and more than two decimals are refused. ' +
      'Nothing is written unless every row is valid: otherwise 422 `sov_import_invalid` with one `details` entry per problem (`row`, `column`, `message`). ' +
      'Rows whose item number matches exactly one existing line update that line; the other existing lines are removed (refused if billed), as with PUT …/sov.',
    request: { params: CommitmentParams, query: ImportSovQuery, body: uploadBody },
    responses: {
      200: { description: 'The parsed lines; after an import (not a dry run) also `sov`, the saved schedule of values.', content: { 'application/json': { schema: ImportSovSchema } } },
      400: errors[400],
      401: errors[401],
      403: errors[403],
      404: errors[404],
      409: errors[409],
      412: errors[412],
      413: { description: 'Too large.', ...{ content: errors[422].content } },
      415: { description: 'Not multipart.', ...{ content: errors[422].content } },
      422: errors[422],
      428: { description: 'No version on an import.', ...{ content: errors[422].content } },
    },
  }),
  async (c) => {
    const { db, clock } = c.get('deps');
    const { projectId, commitmentId } = c.req.valid('param');
    const query = c.req.valid('query');
    const dryRun = query.dryRun === 'true';
    const file = await readUploadedFile(c);
    const mapping = {
      ...(query.itemNumberColumn && { itemNumber: query.itemNumberColumn }),
      ...(query.descriptionColumn && { description: query.descriptionColumn }),
      ...(query.costCodeColumn && { costCode: query.costCodeColumn }),
      ...(query.scheduledValueColumn && { scheduledValue: query.scheduledValueColumn }),
    };
    const run = (version: number | undefined) => importSov(db, requireViewer(c), projectId, commitmentId, { file, mapping, dryRun, version }, clock());
    const result = dryRun ? await run(undefined) : await withVersion(requiredVersion(c, query.version), run);
    if (result.version !== null) c.header('ETag', etagFor(result.version));
    return c.json(
      {
        dryRun: result.dryRun,
        mapping: result.mapping,
        lines: result.lines,
        totalCents: sumCents(result.lines.map((l) => l.scheduledValueCents)),
        ...(result.saved !== null &&
          result.version !== null && {
            sov: { version: result.version, lines: result.saved.map(presentSovLine), totalCents: sumCents(result.saved.map((l) => l.scheduledValueCents)) },
          }),
      },
      200,
    );
  },
);
