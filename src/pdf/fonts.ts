/**
 * The fonts every pay application PDF embeds: DejaVu Sans from the `dejavu-fonts-ttf` package, read
 * from node_modules once per process — never fetched, never the PDF standard fonts (WinAnsi only:
 * no "Ł"). pdfkit embeds only the glyphs a document uses.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * Two faces only: each font a document uses is parsed and subset on every render, and the
 * condensed cut fits the continuation sheet's ten columns on a page.
 */
export const FONT_FILES = {
  regular: 'DejaVuSansCondensed.ttf',
  bold: 'DejaVuSansCondensed-Bold.ttf',
} as const;

export type FontName = keyof typeof FONT_FILES;

let loaded: Record<FontName, Buffer> | undefined;

export function fontDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('dejavu-fonts-ttf/package.json')), 'ttf');
}

/** The TTF files' bytes, read once. */
export function loadFonts(): Record<FontName, Buffer> {
  if (!loaded) {
    const dir = fontDirectory();
    loaded = Object.fromEntries(Object.entries(FONT_FILES).map(([name, file]) => [name, readFileSync(join(dir, file))])) as Record<FontName, Buffer>;
  }
  return loaded;
}
