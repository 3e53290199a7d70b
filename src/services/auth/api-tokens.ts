import { DomainError, notFound } from '../../domain/errors.ts';
import { insertApiToken, revokeApiTokenRow, type ApiTokenRecord } from '../../db/auth.queries.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import type { Db } from '../../db/database.ts';
import { isUuid } from '../../db/ids.ts';
import { digest, newToken } from './secrets.ts';

/**
 * Personal API tokens for scripts: the secret is shown once (returned here) and stored hashed.
 * Format `payapp_<8 chars>_<secret>`, so a leaked token is recognisable and its prefix identifies it.
 */
export async function createApiToken(
  db: Db,
  userId: string,
  name: string,
  now: Date,
): Promise<{ token: string; record: ApiTokenRecord }> {
  const trimmed = name.trim();
  if (trimmed.length === 0) {
    throw new DomainError('validation_failed', 'Give the token a name so you can recognise it later.', {
      field: 'name',
    });
  }
  const prefix = newToken(6).slice(0, 8);
  const token = `payapp_${prefix}_${newToken()}`;
  return db.transaction().execute(async (trx) => {
    const record = await insertApiToken(trx, {
      userId,
      name: trimmed,
      tokenHash: digest(token),
      tokenPrefix: `payapp_${prefix}`,
      createdAt: now,
    });
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: userId,
      projectId: null,
      entityType: 'api_token',
      entityId: record.id,
      action: 'create',
      after: { name: record.name, tokenPrefix: record.tokenPrefix },
    });
    return { token, record };
  });
}

export async function revokeApiToken(db: Db, userId: string, tokenId: string, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const revoked = isUuid(tokenId) && (await revokeApiTokenRow(trx, userId, tokenId, now));
    if (!revoked) throw notFound('The API token');
    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: userId,
      projectId: null,
      entityType: 'api_token',
      entityId: tokenId,
      action: 'revoke',
    });
  });
}
