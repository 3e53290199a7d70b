/**
 * Errors raised outside the app, by the node adapter or node's HTTP parser, in the app's one error
 * body: a request line or header node cannot parse, a Host the adapter cannot turn into a URL, an
 * exception after the app answered. Left to their defaults they answer an empty or plain-text
 * response that no client of the API can read.
 */
import type { Duplex } from 'node:stream';
import { RequestError } from '@hono/node-server';

const INTERNAL = { error: { code: 'internal_error', message: 'Something went wrong on our side. Nothing was saved; please try again.' } };

/** `getRequestListener`'s errorHandler: the request could not become a Request, or the app's promise failed. */
export function adapterErrorResponse(error: unknown): Response {
  if (error instanceof RequestError) {
    return Response.json({ error: { code: 'validation_failed', message: `The request could not be read: ${error.message}.` } }, { status: 400 });
  }
  console.error('[payapp] the HTTP adapter failed:', error);
  return Response.json(INTERNAL, { status: 500 });
}

/** node's 'clientError': the bytes are not an HTTP request node accepts (a malformed request line or header, headers too large). */
export function answerUnreadableRequest(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify(
    tooLarge
      ? { error: { code: 'payload_too_large', message: 'The request headers are too large.' } }
      : { error: { code: 'validation_failed', message: 'The request is not valid HTTP.' } },
  );
  socket.end(
    `HTTP/1.1 ${tooLarge ? '413 Payload Too Large' : '400 Bad Request'}\r\ncontent-type: application/json; charset=utf-8\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
