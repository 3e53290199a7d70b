/** What an invoice attachment may be: common document and image types, at most 10 MB each. */
import { DomainError } from './errors.ts';

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_INVOICE = 25;

export const ALLOWED_ATTACHMENT_TYPES: Record<string, string> = {
  'application/pdf': '.pdf',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'text/csv': '.csv',
  'text/plain': '.txt',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'application/msword': '.doc',
  'application/vnd.ms-excel': '.xls',
};

export function assertAttachment(file: { filename: string; contentType: string; sizeBytes: number }, existingCount: number): void {
  if (existingCount >= MAX_ATTACHMENTS_PER_INVOICE) {
    throw new DomainError('rule_violation', `An invoice can have at most ${MAX_ATTACHMENTS_PER_INVOICE} attachments.`, { field: 'file' });
  }
  if (file.sizeBytes === 0) {
    throw new DomainError('validation_failed', 'The file is empty.', { field: 'file' });
  }
  if (file.sizeBytes > MAX_ATTACHMENT_BYTES) {
    throw new DomainError(
      'payload_too_large',
      `${file.filename} is ${(file.sizeBytes / 1024 / 1024).toFixed(1)} MB; attachments can be at most 10 MB.`,
      { field: 'file' },
    );
  }
  if (!isAllowedAttachmentType(file.contentType)) {
    throw new DomainError(
      'unsupported_media_type',
      `${file.filename} is not a file type invoices accept (PDF, PNG, JPEG, CSV, text, Word or Excel).`,
      { field: 'file' },
    );
  }
}

const baseTypeOf = (contentType: string) => contentType.split(';')[0]?.trim().toLowerCase() ?? '';

/** Own keys only: "constructor" or "toString" is no file type. */
function isAllowedAttachmentType(contentType: string): boolean {
  return Object.hasOwn(ALLOWED_ATTACHMENT_TYPES, baseTypeOf(contentType));
}

/**
 * The Content-Type a stored file is downloaded with: its own type when it is one invoices accept,
 * otherwise plain bytes — never text/html, image/svg+xml or anything else a browser would run.
 */
export function downloadContentType(storedType: string): string {
  return isAllowedAttachmentType(storedType) ? baseTypeOf(storedType) : 'application/octet-stream';
}

/** The longest name kept, in characters (code points): longer names keep their extension. */
export const MAX_FILENAME_LENGTH = 200;

/**
 * The name an upload is stored under: the last path segment only (a name is never a path), in NFC
 * (a Mac sends "résumé" decomposed), without control characters, without the invisible marks that
 * reverse text direction ("invoice\u202Efdp.exe" reads as "invoiceexe.pdf"), without the characters
 * Windows refuses in a file name, at most 200 characters — shortened by code point, never inside a
 * surrogate pair, keeping the extension. Any other character, accents and CJK included, is kept.
 */
export function safeFilename(name: string): string {
  const base = name.normalize('NFC').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/\p{Cs}/gu, '')
    .replace(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069"<>|:*?]/gu, '_')
    .trim();
  const chars = Array.from(cleaned);
  let kept = cleaned;
  if (chars.length > MAX_FILENAME_LENGTH) {
    const extension = /\.[\p{L}\p{N}]{1,10}$/u.exec(cleaned)?.[0] ?? '';
    kept = chars.slice(0, MAX_FILENAME_LENGTH - extension.length).join('') + extension;
  }
  return /^[.\s_]*$/.test(kept) ? 'file' : kept;
}
