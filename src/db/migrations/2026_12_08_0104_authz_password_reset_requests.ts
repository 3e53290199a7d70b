import type { Kysely } from 'kysely';
import { runStatements } from './2026_11_25_0001_foundation.ts';

/**
 * Issue 11, defect 8: a password-reset request is recorded as it was typed, the same single insert
 * whether or not the address has an account; the worker looks the account up later, issues the link
 * and writes the email (docs/decisions/018-password-reset-requests.md). A row lives until the
 * worker has handled it.
 */
const up = [
  `create table password_reset_requests (
    id bigserial primary key,
    email_lower text not null,
    requested_at timestamptz not null
  )`,
];

export const passwordResetRequests = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) => runStatements(db, ['drop table if exists password_reset_requests']),
};
