/**
 * Errors that mean "the database connection went away", not "the request was wrong": the server
 * was restarted or failed over, a pooler or an administrator ended the backend, the socket was
 * reset. Whatever was in flight on that connection failed (a transaction in it was rolled back by
 * the server — unless the connection died during COMMIT, when it may have committed); the next
 * attempt gets a new connection. Requests answer 503 `database_unavailable` (retryable), worker
 * jobs run again on their next tick.
 */

/** SQLSTATEs of a lost connection: class 08 (connection exception), 57P01–57P03 (shutdown, crash, starting up), 53300 (too many connections). */
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Socket errors node reports for a connection that cannot be made or was cut. */
const ERRNOS = new Set(['ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** node-postgres and pg-pool say it in words, without a code. */
const MESSAGES = [
  /^Connection terminated/, // 'Connection terminated', '… unexpectedly', '… due to connection timeout'
  /^Client has encountered a connection error and is not queryable/,
  /^timeout exceeded when trying to connect/,
];

export function isConnectionLost(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (SQLSTATES.has(e.code) || /^08[0-9A-Z]{3}$/.test(e.code) || ERRNOS.has(e.code))) return true;
  if (typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message as string))) return true;
  // A host name with several addresses fails with an AggregateError of the attempts.
  return Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every(isConnectionLost);
}
