import type { Kysely } from 'kysely';
import { runStatements } from './2026_11_25_0001_foundation.ts';

/**
 * Per-person screen preferences (which columns of a table are shown), kept on the server so they
 * follow the person from browser to browser. Small by construction: the key is short and the value
 * is at most 4 KB of JSON (the API validates its shape per kind of key).
 */
const up = [
  `create table user_preferences (
    user_id uuid not null references users(id) on delete cascade,
    key text not null check (char_length(key) between 1 and 64),
    value jsonb not null check (octet_length(value::text) <= 4096),
    updated_at timestamptz not null,
    primary key (user_id, key)
  )`,
];

export const userPreferences = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) => runStatements(db, ['drop table if exists user_preferences']),
};
