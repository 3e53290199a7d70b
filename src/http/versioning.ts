/**
 * Optimistic concurrency for PATCH: the caller names the version it read, in `If-Match` (the ETag
 * of the GET) or in the body's `version`. A stale `If-Match` answers 412, a stale body version 409;
 * either way nothing changes.
 */
import type { Context } from 'hono';
import { DomainError } from '../domain/errors.ts';
import { MAX_INT4 } from './common.schemas.ts';
import type { Env } from './context.ts';

export function etagFor(version: number): string {
  return `"${version}"`;
}

type VersionSource = { version: number; via: 'if-match' | 'body' };

export function requiredVersion(c: Context<Env>, bodyVersion: number | undefined): VersionSource {
  const header = c.req.header('if-match');
  if (header) {
    const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
    // A version is an int4 column: a larger number cannot be any version, and PostgreSQL would refuse it.
    if (!match?.[1] || Number(match[1]) > MAX_INT4) {
      throw new DomainError('validation_failed', 'If-Match must be the ETag you received, like "3".', { field: 'If-Match' });
    }
    return { version: Number(match[1]), via: 'if-match' };
  }
  if (bodyVersion !== undefined) return { version: bodyVersion, via: 'body' };
  throw new DomainError(
    'precondition_required',
    'Say which version you are changing: send If-Match with the ETag, or "version" in the body.',
    { field: 'version' },
  );
}

/** Runs a versioned write, turning a stale If-Match into 412 Precondition Failed. */
export async function withVersion<T>(source: VersionSource, write: (version: number) => Promise<T>): Promise<T> {
  try {
    return await write(source.version);
  } catch (error) {
    if (source.via === 'if-match' && error instanceof DomainError && error.code === 'version_conflict') {
      throw new DomainError('precondition_failed', error.message, {
        field: 'If-Match',
        ...(error.details !== undefined && { details: error.details }),
      });
    }
    throw error;
  }
}
