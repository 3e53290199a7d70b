/**
 * A thin layer over pdfkit for the pay application: fonts by role, text placed at a point (left,
 * right-aligned, or shrunk to fit a column — an amount is never cut), word wrapping with measured
 * widths, rules, and the formatters of the project's currency and locale. Widths are cached:
 * a 2,000-line continuation sheet measures the same amounts ("$0.00") thousands of times.
 */
import type PDFDocument from 'pdfkit';
import { formatDay, formatInstant, formatPercentBp, moneyFormatter } from '../domain/format.ts';
import type { PdfPageSize } from '../domain/project-settings.ts';
import { loadFonts, type FontName } from './fonts.ts';

export type Doc = InstanceType<typeof PDFDocument>;

/** Points (1/72 in). */
export const PAGE_SIZES: Record<PdfPageSize, [number, number]> = { letter: [612, 792], a4: [595.28, 841.89] };
export const MARGIN = 36;
export const FOOTER_HEIGHT = 22;

export const COLORS = { text: '#111111', muted: '#555555', rule: '#888888', faint: '#cccccc', band: '#eeeeee', watermark: '#b00000' } as const;

export type Formatters = {
  money: (cents: number) => string;
  percent: (bp: number) => string;
  day: (day: string) => string;
  instant: (at: Date) => string;
};

export function formattersFor(project: { currency: string; locale: string; timeZone: string }): Formatters {
  const money = moneyFormatter(project.currency, project.locale);
  const days = new Map<string, string>();
  return {
    money,
    percent: (bp) => formatPercentBp(bp, project.locale),
    day: (d) => {
      let shown = days.get(d);
      if (shown === undefined) {
        shown = formatDay(d, project.locale);
        days.set(d, shown);
      }
      return shown;
    },
    instant: (at) => formatInstant(at, project.locale, project.timeZone),
  };
}

export type Align = 'left' | 'right' | 'center';

export class Canvas {
  readonly doc: Doc;
  readonly fmt: Formatters;
  readonly pageSize: [number, number];
  private current: { font: FontName; size: number } = { font: 'regular', size: 9 };
  private readonly widths = new Map<string, number>();

  constructor(doc: Doc, fmt: Formatters, pageSize: [number, number]) {
    this.doc = doc;
    this.fmt = fmt;
    this.pageSize = pageSize;
    const fonts = loadFonts();
    for (const [name, bytes] of Object.entries(fonts)) doc.registerFont(name, bytes);
    this.use('regular', 9);
  }

  /** Page width and height of the current page (portrait or landscape). */
  get width(): number {
    return this.doc.page.width;
  }
  get height(): number {
    return this.doc.page.height;
  }
  /** The lowest y content may reach on this page (the footer lives below it). */
  get bottom(): number {
    return this.height - MARGIN - FOOTER_HEIGHT;
  }

  addPage(layout: 'portrait' | 'landscape'): void {
    this.doc.addPage({ size: this.pageSize, layout, margin: MARGIN });
  }

  use(font: FontName, size: number): this {
    if (this.current.font !== font || this.current.size !== size) {
      this.doc.font(font).fontSize(size);
      this.current = { font, size };
    }
    return this;
  }

  color(color: string): this {
    this.doc.fillColor(color);
    return this;
  }

  measure(text: string): number {
    const key = `${this.current.font}|${this.current.size}|${text}`;
    let w = this.widths.get(key);
    if (w === undefined) {
      w = this.doc.widthOfString(text);
      this.widths.set(key, w);
    }
    return w;
  }

  /**
   * One line of text with its top at `y`, placed in the box [x, x + width]. Longer than the box:
   * shrunk to fit when `fit` (amounts), else cut with an ellipsis.
   */
  text(text: string, x: number, y: number, width: number, align: Align = 'left', fit = false): void {
    let shown = text;
    let w = this.measure(shown);
    const { font, size } = this.current;
    if (w > width && fit) {
      this.use(font, Math.max(4, (size * width) / w));
      w = this.measure(shown);
    } else if (w > width) {
      while (shown.length > 1 && this.measure(`${shown}…`) > width) shown = shown.slice(0, -1);
      shown = `${shown.trimEnd()}…`;
      w = this.measure(shown);
    }
    const left = align === 'right' ? x + width - w : align === 'center' ? x + (width - w) / 2 : x;
    this.doc.text(shown, left, y, { lineBreak: false });
    if (this.current.size !== size) this.use(font, size);
  }

  /** Words into lines no wider than `width` (a word wider than the line is cut), at most `maxLines`. */
  wrap(text: string, width: number, maxLines = Number.POSITIVE_INFINITY): string[] {
    const lines: string[] = [];
    for (const paragraph of text.split(/\r?\n/)) {
      let line = '';
      for (const word of paragraph.split(/\s+/).filter(Boolean)) {
        const candidate = line ? `${line} ${word}` : word;
        if (this.measure(candidate) <= width || !line) {
          line = candidate;
        } else {
          lines.push(line);
          line = word;
        }
      }
      lines.push(line);
    }
    if (lines.length > maxLines) {
      const kept = lines.slice(0, maxLines);
      kept[maxLines - 1] = `${kept[maxLines - 1] ?? ''} ${lines.slice(maxLines).join(' ')}`;
      return kept;
    }
    return lines;
  }

  /** Wrapped text from `y`; returns the y below it. */
  paragraph(text: string, x: number, y: number, width: number, lineHeight: number): number {
    let at = y;
    for (const line of this.wrap(text, width)) {
      this.text(line, x, at, width);
      at += lineHeight;
    }
    return at;
  }

  rule(x1: number, y: number, x2: number, color: string = COLORS.rule, lineWidth = 0.5): void {
    this.doc.save().lineWidth(lineWidth).strokeColor(color).moveTo(x1, y).lineTo(x2, y).stroke().restore();
  }

  band(x: number, y: number, width: number, height: number, color: string = COLORS.band): void {
    this.doc.save().rect(x, y, width, height).fill(color).restore();
    this.doc.fillColor(COLORS.text);
  }

  box(x: number, y: number, width: number, height: number, color: string = COLORS.rule): void {
    this.doc.save().lineWidth(0.5).strokeColor(color).rect(x, y, width, height).stroke().restore();
  }
}
