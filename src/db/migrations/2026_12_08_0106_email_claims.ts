import type { Kysely } from 'kysely';
import { runStatements } from './2026_11_25_0001_foundation.ts';

/**
 * Issue 11, defect 3: each claim of an email message carries its own token. Renewing the lease,
 * marking the message sent, retried or failed all require the token still on the row, so a worker
 * whose claim another worker took over changes nothing (docs/decisions/021-email-claims-and-sign-in-throttle.md).
 */
const up = ['alter table email_messages add column claim_token uuid'];

export const emailClaims = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) => runStatements(db, ['alter table email_messages drop column if exists claim_token']),
};
