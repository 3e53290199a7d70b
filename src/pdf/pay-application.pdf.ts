/**
 * The pay application as a PDF (issue 13, docs/decisions/027): the Application and Certificate for
 * Payment, the reasons for difference and rejected lines when there are any, then the
 * continuation sheets; "Page N of M" on every page; DRAFT across every page of an application not
 * yet approved. Pure rendering of `PayApplicationDocument`: no database, no clock, no network.
 *
 * Reproducible: given the same document and `documentDate`, the bytes are the same — pdfkit's
 * only varying inputs are the info dictionary's dates (set here) and the file ID, which it derives
 * from the info dictionary.
 */
import type PDFKit from 'pdfkit';
import type { PdfPageSize } from '../domain/project-settings.ts';
import type { PayApplicationDocument } from '../domain/pay-application-document.ts';
import { Canvas, COLORS, FOOTER_HEIGHT, formattersFor, MARGIN, PAGE_SIZES } from './canvas.ts';
import { drawCertificatePage, drawReasonPages } from './certificate-page.ts';
import { drawContinuationSheets } from './continuation-sheets.ts';

export type PdfOptions = {
  pageSize: PdfPageSize;
  project: { currency: string; locale: string; timeZone: string };
  /**
   * The document's creation date (PDF info and footer): the approval time of an approved
   * application — so its PDF never changes — else when it was printed.
   */
  documentDate: Date;
};

/**
 * "DRAFT" across the page, drawn as strokes rather than text: a watermark that is text would be
 * read back (copy, search, pdftotext) in the middle of the figures it lies across.
 */
const WATERMARK_LETTERS = [
  'M0 0 L0 100 L25 100 C72 100 72 0 25 0 Z', // D
  'M0 100 L0 0 L33 0 C66 0 66 50 33 50 L0 50 M28 50 L60 100', // R
  'M0 100 L30 0 L60 100 M12 62 L48 62', // A
  'M58 0 L0 0 L0 100 M0 48 L44 48', // F
  'M0 0 L60 0 M30 0 L30 100', // T
];

function drawWatermark(c: Canvas): void {
  const { doc } = c;
  const scale = Math.min(c.width, c.height) / 420;
  doc.save();
  doc.translate(c.width / 2, c.height / 2).rotate(-35).scale(scale).translate(-190, -50);
  doc.lineWidth(14).lineCap('round').lineJoin('round').strokeColor(COLORS.watermark).strokeOpacity(0.12);
  WATERMARK_LETTERS.forEach((letter, i) => {
    doc.save().translate(i * 80, 0).path(letter).stroke().restore();
  });
  doc.restore();
}

/** Footers (and watermarks) once every page exists: "Page N of M" needs M. */
function finishPages(c: Canvas, doc: PayApplicationDocument, documentDate: Date): void {
  const range = c.doc.bufferedPageRange();
  const status = doc.isFinal
    ? `${doc.statusLabel} ${c.fmt.instant(doc.approvedAt ?? documentDate)}`
    : `${doc.status === 'draft' ? 'DRAFT' : `DRAFT (${doc.statusLabel})`} · printed ${c.fmt.instant(documentDate)}`;
  for (let i = range.start; i < range.start + range.count; i += 1) {
    c.doc.switchToPage(i);
    if (!doc.isFinal) drawWatermark(c);
    // The footer sits in the bottom margin: without a margin pdfkit never breaks the page there.
    const margins = c.doc.page.margins;
    const bottom = margins.bottom;
    margins.bottom = 0;
    const y = c.height - MARGIN - FOOTER_HEIGHT + 10;
    const width = c.width - 2 * MARGIN;
    c.rule(MARGIN, y - 3, MARGIN + width, COLORS.faint, 0.4);
    c.use('regular', 7).color(COLORS.muted);
    c.text(`Pay application ${doc.applicationLabel} · ${doc.commitment.number} · ${doc.project.name}`, MARGIN, y, width * 0.3);
    c.use(doc.isFinal ? 'regular' : 'bold', 7).text(status, MARGIN + width * 0.3, y, width * 0.56, 'center');
    c.use('regular', 7).text(`Page ${i - range.start + 1} of ${range.count}`, MARGIN + width * 0.86, y, width * 0.14, 'right');
    c.color(COLORS.text);
    margins.bottom = bottom;
  }
}

/** pdfkit (and its font engine) is loaded with the first PDF, not when the server starts (~100 ms of start-up). */
let pdfkit: Promise<typeof PDFKit> | undefined;

export async function renderPayApplicationPdf(doc: PayApplicationDocument, options: PdfOptions): Promise<Buffer> {
  pdfkit ??= import('pdfkit').then((m) => m.default);
  const PDFDocument = await pdfkit;
  const pdf = new PDFDocument({
    autoFirstPage: false,
    bufferPages: true,
    size: PAGE_SIZES[options.pageSize],
    margin: MARGIN,
    lang: options.project.locale,
    displayTitle: true,
    info: {
      Title: `Pay application ${doc.applicationLabel} – ${doc.commitment.number} ${doc.commitment.title}`,
      Author: doc.contractCompany?.name ?? '',
      Subject: 'Application and Certificate for Payment with continuation sheets',
      Creator: 'payapp',
      Producer: 'payapp (PDFKit)',
      CreationDate: options.documentDate,
      ModDate: options.documentDate,
    },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  const c = new Canvas(pdf, formattersFor(options.project), PAGE_SIZES[options.pageSize]);
  drawCertificatePage(c, doc);
  drawReasonPages(c, doc);
  drawContinuationSheets(c, doc);
  finishPages(c, doc, options.documentDate);
  pdf.end();
  return done;
}
