/**
 * One-click links are signed: `<token id>.<HMAC-SHA256(id)>`. A tampered link fails the signature
 * before anything is looked up; a genuine one is then checked for expiry and single use.
 */
import { createHmac } from 'node:crypto';
import type { DbOrTrx } from '../../db/database.ts';
import { getAppSecret } from '../../db/action-tokens.queries.ts';
import { safeEqual } from '../auth/secrets.ts';

const SECRET_NAME = 'action-link-signing';

function sign(secret: string, id: string): string {
  return createHmac('sha256', secret).update(id).digest('base64url');
}

export async function signedToken(db: DbOrTrx, id: string): Promise<string> {
  return `${id}.${sign(await getAppSecret(db, SECRET_NAME), id)}`;
}

/** Signs many links with one read of the secret (cached per process once stored: it never changes). */
export async function linkSigner(db: DbOrTrx): Promise<(id: string) => string> {
  const secret = await getAppSecret(db, SECRET_NAME);
  return (id) => `${id}.${sign(secret, id)}`;
}

/** The token id when the signature is right; null when the link was altered or is malformed. */
export async function verifySignedToken(db: DbOrTrx, token: string): Promise<string | null> {
  const [id, signature, ...rest] = token.split('.');
  if (!id || !signature || rest.length > 0 || !/^[0-9a-f-]{36}$/i.test(id)) return null;
  return safeEqual(signature, sign(await getAppSecret(db, SECRET_NAME), id)) ? id : null;
}
