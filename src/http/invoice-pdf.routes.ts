/**
 * GET …/invoices/:invoiceId/pdf: the pay application as a PDF (issue 13, docs/decisions/027), for
 * anyone who may see the invoice — others get the 404 GET invoice gives them. Always a download
 * (Content-Disposition: attachment, RFC 6266 file name with its ASCII stand-in).
 */
import { createRoute, z } from '@hono/zod-openapi';
import { renderInvoicePdf } from '../services/billing/invoice-pdf.ts';
import { errors, Id, ProjectParams } from './common.schemas.ts';
import { requireViewer } from './context.ts';
import { createRouter } from './router.ts';
import { contentDisposition } from './uploads.ts';

const InvoiceParams = ProjectParams.extend({ invoiceId: Id });

export const invoicePdfRoutes = createRouter();

invoicePdfRoutes.openapi(
  createRoute({
    method: 'get',
    path: '/projects/{projectId}/invoices/{invoiceId}/pdf',
    tags: ['Invoices'],
    summary: 'The pay application as a PDF: Application and Certificate for Payment, reasons for difference, continuation sheets',
    description:
      'An approved invoice prints from its approval snapshot and is the same file every time; any other invoice is marked DRAFT. ' +
      "The page size is the project's `pdfPageSize` invoicing setting.",
    request: { params: InvoiceParams },
    responses: {
      200: {
        description: 'The PDF, as an attachment.',
        headers: z.object({ 'content-disposition': z.string().openapi({ example: `attachment; filename="Pay application 3 - SC-001.pdf"; filename*=UTF-8''Pay%20application%203%20%E2%80%93%20SC-001.pdf` }) }),
        content: { 'application/pdf': { schema: z.string().openapi({ type: 'string', format: 'binary' }) } },
      },
      401: errors[401],
      404: errors[404],
    },
  }),
  async (c) => {
    const { db, clock } = c.get('deps');
    const { projectId, invoiceId } = c.req.valid('param');
    const pdf = await renderInvoicePdf(db, requireViewer(c), projectId, invoiceId, clock());
    return new Response(new Uint8Array(pdf.content), {
      status: 200,
      headers: {
        'content-type': 'application/pdf',
        'content-disposition': contentDisposition(pdf.filename),
        'content-length': String(pdf.content.length),
        'x-content-type-options': 'nosniff',
        'cache-control': 'private, no-cache',
      },
    }) as never;
  },
);
