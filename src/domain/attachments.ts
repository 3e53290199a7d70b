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

/** A filename safe to store and to send back in Content-Disposition. */
export function safeFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? 'file';
  const cleaned = base.replace(/[\u0000-\u001f"<>|:*?]/g, '_').trim().slice(0, 200);
  return cleaned || 'file';
}
