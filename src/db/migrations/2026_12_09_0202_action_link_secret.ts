import type { Kysely } from 'kysely';
import { runStatements } from './2026_11_25_0001_foundation.ts';

/**
 * Issue 12: the secret that signs one-click links exists before any process signs a link, so every
 * process reads the same committed value once and caches it (decision 023). 244 random bits from
 * PostgreSQL's strong random source (gen_random_uuid) — an existing secret is kept.
 */
const up = [
  `insert into app_secrets (name, value)
   values ('action-link-signing', replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''))
   on conflict (name) do nothing`,
];

export const actionLinkSecret = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  // The secret stays: links already sent keep working.
  down: async (_db: Kysely<unknown>) => {},
};
