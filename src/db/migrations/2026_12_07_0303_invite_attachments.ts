import type { Kysely } from 'kysely';
import { runStatements } from './2026_11_25_0001_foundation.ts';

/**
 * Issue 10, item 12: an Invite to Bill can ask for attachments with the invoice, with an optional
 * note of what to attach. The submission checklist (src/domain/submission-checklist.ts) reads it.
 */
const up = [
  `alter table billing_invites add column request_attachments boolean not null default false`,
  `alter table billing_invites add column attachments_note text`,
  `alter table billing_invites add constraint billing_invites_attachments_note check (attachments_note is null or request_attachments)`,
];

export const inviteAttachments = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) =>
    runStatements(db, [
      'alter table billing_invites drop constraint if exists billing_invites_attachments_note',
      'alter table billing_invites drop column if exists attachments_note',
      'alter table billing_invites drop column if exists request_attachments',
    ]),
};
