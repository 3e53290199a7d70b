/**
 * File uploads and downloads (invoice and payment attachments): the multipart checks, the size
 * limit, reading the "file" field, and the download response. The rules on what is accepted live
 * in src/domain/attachments.ts.
 */
import { z } from '@hono/zod-openapi';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { downloadContentType, MAX_ATTACHMENT_BYTES } from '../domain/attachments.ts';
import { DomainError } from '../domain/errors.ts';
import { ErrorResponse, strictObject } from './common.schemas.ts';
import type { Env } from './context.ts';

const SEND_MULTIPART = 'Send the file as multipart/form-data in a field named "file".';

/** Before the framework's own 415 ("send JSON"), which would tell an uploader the opposite of what to do. */
export const requireMultipart: MiddlewareHandler<Env> = async (c, next) => {
  if (c.req.method === 'POST' && !(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
    throw new DomainError('unsupported_media_type', SEND_MULTIPART, { field: 'file' });
  }
  await next();
};

export const uploadLimit = bodyLimit({
  maxSize: MAX_ATTACHMENT_BYTES + 64 * 1024,
  onError: () => {
    throw new DomainError('payload_too_large', 'Attachments can be at most 10 MB.', { field: 'file' });
  },
});

/** The OpenAPI request body and responses of an upload endpoint. */
export const uploadBody = { required: true, content: { 'multipart/form-data': { schema: strictObject({ file: z.any().openapi({ type: 'string', format: 'binary' }) }) } } };
export const uploadResponses = {
  201: {
    description: 'Attached.',
    content: { 'application/json': { schema: z.object({ id: z.string(), filename: z.string(), contentType: z.string(), sizeBytes: z.number().int() }) } },
  },
  413: { description: 'Too large.', content: { 'application/json': { schema: ErrorResponse } } },
  415: { description: 'Type not accepted.', content: { 'application/json': { schema: ErrorResponse } } },
};

/** The uploaded "file" field, as the services take it. */
export async function readUploadedFile(c: Context<Env>): Promise<{ filename: string; contentType: string; content: Buffer }> {
  const form = await c.req.parseBody().catch(() => {
    throw new DomainError('validation_failed', SEND_MULTIPART, { field: 'file' });
  });
  const file = form.file;
  if (!(file instanceof File)) throw new DomainError('validation_failed', SEND_MULTIPART, { field: 'file' });
  return { filename: file.name, contentType: file.type || 'application/octet-stream', content: Buffer.from(await file.arrayBuffer()) };
}

/**
 * Content-Disposition for a download (RFC 6266): `filename` is an ASCII stand-in for old clients
 * (accents dropped, anything else that is not printable ASCII — and the quote, backslash and
 * percent sign clients treat specially — replaced), `filename*` the exact name in UTF-8,
 * percent-encoded (RFC 5987), which every current browser prefers. A header value must be
 * Latin-1: the name itself, put there raw, was a 500.
 */
export function contentDisposition(filename: string): string {
  const wellFormed = filename.replace(/\p{Cs}/gu, '\ufffd');
  const ascii = wellFormed
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^\x20-\x7e]+/g, '_')
    .replace(/["\\%]/g, '_')
    .trim();
  const dot = ascii.lastIndexOf('.');
  const readable = /[A-Za-z0-9]/.test(dot > 0 ? ascii.slice(0, dot) : ascii);
  const fallback = readable ? ascii : `attachment${dot >= 0 ? ascii.slice(dot) : ''}`;
  const encoded = encodeURIComponent(wellFormed).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** A stored file as a download: never rendered inline, never sniffed. */
export function fileResponse(file: { filename: string; contentType: string; content: Buffer }): Response {
  return new Response(new Uint8Array(file.content), {
    status: 200,
    headers: {
      'content-type': downloadContentType(file.contentType),
      'content-disposition': contentDisposition(file.filename),
      'x-content-type-options': 'nosniff',
    },
  });
}
