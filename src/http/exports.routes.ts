/**
 * Spreadsheet exports (issue 13, docs/decisions/028): a commitment's SOV, an invoice's G703 lines
 * (claimed and certified), the project's invoice register — as CSV or XLSX, always a download
 * (Content-Disposition: attachment, RFC 6266). Each has the visibility of reading the thing: GET
 * sov, GET invoice, and the register for invoice administrators only.
 */
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  invoiceExportSheet,
  registerExportSheet,
  sovExportSheet,
  toSpreadsheetFile,
  type SpreadsheetFile,
} from '../services/billing/spreadsheet-exports.ts';
import { CONTENT_TYPES } from '../exports/spreadsheet.ts';
import { CommitmentParams, errors, Id, ProjectParams, strictQuery } from './common.schemas.ts';
import { requireViewer, type Env } from './context.ts';
import { createRouter } from './router.ts';
import { contentDisposition } from './uploads.ts';

const InvoiceParams = ProjectParams.extend({ invoiceId: Id });
const FormatQuery = strictQuery({
  format: z.enum(['csv', 'xlsx']).default('xlsx').openapi({ description: 'csv: money as plain decimals ("1234.50"); xlsx: numbers with money formats, a frozen header, a totals row of SUM formulas.' }),
});

const download = (what: string) => ({
  description: `${what}, as an attachment.`,
  headers: z.object({ 'content-disposition': z.string().openapi({ example: `attachment; filename="SOV - SC-001.xlsx"; filename*=UTF-8''SOV%20-%20SC-001.xlsx` }) }),
  content: {
    'text/csv': { schema: z.string() },
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string().openapi({ type: 'string', format: 'binary' }) },
  },
});

function send(_c: Context<Env>, file: SpreadsheetFile): Response {
  return new Response(new Uint8Array(file.content), {
    status: 200,
    headers: {
      'content-type': CONTENT_TYPES[file.format],
      'content-disposition': contentDisposition(file.filename),
      'content-length': String(file.content.length),
      'x-content-type-options': 'nosniff',
      'cache-control': 'private, no-cache',
    },
  });
}

export const exportRoutes = createRouter();

exportRoutes
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/commitments/{commitmentId}/sov/export',
      tags: ['Schedule of values'],
      summary: "A commitment's schedule of values as CSV or XLSX",
      description: 'Item, description, cost code, scheduled value; visible as GET sov is.',
      request: { params: CommitmentParams, query: FormatQuery },
      responses: { 200: download('The SOV'), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const { projectId, commitmentId } = c.req.valid('param');
      const named = await sovExportSheet(db, requireViewer(c), projectId, commitmentId);
      return send(c, await toSpreadsheetFile(named, c.req.valid('query').format)) as never;
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/invoices/{invoiceId}/export',
      tags: ['Invoices'],
      summary: "An invoice's lines (every G703 column, claimed and certified) as CSV or XLSX",
      description: 'For anyone who may see the invoice. An approved invoice exports its approval snapshot.',
      request: { params: InvoiceParams, query: FormatQuery },
      responses: { 200: download("The invoice's lines"), 400: errors[400], 401: errors[401], 404: errors[404] },
    }),
    async (c) => {
      const { db, clock } = c.get('deps');
      const { projectId, invoiceId } = c.req.valid('param');
      const named = await invoiceExportSheet(db, requireViewer(c), projectId, invoiceId, clock());
      return send(c, await toSpreadsheetFile(named, c.req.valid('query').format)) as never;
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/projects/{projectId}/invoice-register',
      tags: ['Invoices'],
      summary: "The project's invoice register as CSV or XLSX",
      description:
        'Every invoice with commitment, period, status, its certified G702 amounts (contract sum to date, completed and stored, retainage held, ' +
        'earned less retainage, previous certificates, current payment due), paid and balance. Invoice administrators only.',
      request: { params: ProjectParams, query: FormatQuery },
      responses: { 200: download('The register'), 400: errors[400], 401: errors[401], 403: errors[403], 404: errors[404] },
    }),
    async (c) => {
      const { db } = c.get('deps');
      const named = await registerExportSheet(db, requireViewer(c), c.req.valid('param').projectId);
      return send(c, await toSpreadsheetFile(named, c.req.valid('query').format)) as never;
    },
  );
