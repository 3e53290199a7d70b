import type { Kysely } from 'kysely';
import { runStatements } from './2026_11_25_0001_foundation.ts';

/**
 * Issue 11, tamper-evident audit (docs/decisions/016-audit-chain.md): the audit log becomes
 * append-only in the database, and every entry carries the hash of the one before it in its chain.
 *
 * One chain per project (`project:<uuid>`); an entry outside any project (the company directory,
 * people, API tokens, sign-in links) chains with the other entries about the same thing
 * (`entity:<type>:<id>`). Writers on different chains never wait for each other; writers on one
 * chain take a transaction-scoped advisory lock on it in the BEFORE INSERT trigger, read its last
 * entry through the (chain_key, chain_seq) index, and link to it.
 *
 * The canonical form hashed (v1) — reproduced outside the database by src/domain/audit-chain.ts,
 * which `payapp audit verify` uses — is the UTF-8 bytes of
 *   "payapp-audit-v1\n" followed by, for each field in this order,
 *   "<byte length>:<text>\n" (or "-\n" for NULL):
 *   prev_hash, chain_key, chain_seq, id, occurred_at (UTC, 'YYYY-MM-DDTHH:MI:SS.ffffffZ'),
 *   actor_user_id, project_id, entity_type, entity_id, action, before, after (jsonb as text)
 * and hash = lowercase hex SHA-256. The first entry of a chain links to 64 zeros.
 */

/** The pg_advisory_xact_lock(int, int) class of the chain locks ("audi"); its own key space. */
export const AUDIT_CHAIN_LOCK_CLASS = 1635083369;

const functions = [
  `create function audit_log_field(v text) returns text language sql immutable as
   $$ select coalesce(octet_length(v)::text || ':' || v, '-') || E'\\n' $$`,
  `create function audit_log_entry_hash(
     p_prev text, p_chain text, p_seq bigint, p_id bigint, p_at timestamptz, p_actor uuid, p_project uuid,
     p_type text, p_entity text, p_action text, p_before jsonb, p_after jsonb
   ) returns text language sql stable as $$
     select encode(sha256(convert_to(
       E'payapp-audit-v1\\n'
       || audit_log_field(p_prev) || audit_log_field(p_chain) || audit_log_field(p_seq::text) || audit_log_field(p_id::text)
       || audit_log_field(to_char(p_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
       || audit_log_field(p_actor::text) || audit_log_field(p_project::text)
       || audit_log_field(p_type) || audit_log_field(p_entity) || audit_log_field(p_action)
       || audit_log_field(p_before::text) || audit_log_field(p_after::text),
       'UTF8')), 'hex')
   $$`,
  `create function audit_log_chain_key(p_project uuid, p_type text, p_entity text) returns text language sql immutable as
   $$ select case when p_project is not null then 'project:' || p_project::text else 'entity:' || p_type || ':' || p_entity end $$`,
  // Whatever the inserter sends for the chain columns is replaced: only this trigger links entries.
  `create function audit_log_link() returns trigger language plpgsql as $$
   declare
     last_seq bigint;
     last_hash text;
   begin
     new.chain_key := audit_log_chain_key(new.project_id, new.entity_type, new.entity_id);
     -- Held until commit: the next writer on this chain reads this entry once it is committed.
     perform pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_CLASS}, hashtext(new.chain_key));
     select a.chain_seq, a.hash into last_seq, last_hash
       from audit_log a where a.chain_key = new.chain_key order by a.chain_seq desc limit 1;
     new.chain_seq := coalesce(last_seq, 0) + 1;
     new.prev_hash := coalesce(last_hash, repeat('0', 64));
     new.hash := audit_log_entry_hash(new.prev_hash, new.chain_key, new.chain_seq, new.id, new.occurred_at,
       new.actor_user_id, new.project_id, new.entity_type, new.entity_id, new.action, new.before, new.after);
     return new;
   end $$`,
  `create function audit_log_refuse_change() returns trigger language plpgsql as $$
   begin
     raise exception 'audit_log is append-only: % is refused', tg_op
       using errcode = '55000', hint = 'Audit entries are never changed or removed; record a new entry instead.';
   end $$`,
];

const up = [
  ...functions,
  // Collation C: chains are walked in byte order, the same in every database and outside it.
  `alter table audit_log add column chain_key text collate "C", add column chain_seq bigint, add column prev_hash text, add column hash text`,
  `update audit_log a set chain_key = k.chain_key, chain_seq = k.chain_seq
     from (select id, audit_log_chain_key(project_id, entity_type, entity_id) as chain_key,
                  row_number() over (partition by audit_log_chain_key(project_id, entity_type, entity_id) order by id) as chain_seq
           from audit_log) k
    where a.id = k.id`,
  // Entries already written are linked in the order they were written, chain by chain (a one-off
  // walk: each hash needs the one before it).
  `do $$
   declare
     r record;
     previous text;
     current_chain text;
   begin
     for r in select * from audit_log order by chain_key, chain_seq loop
       if current_chain is distinct from r.chain_key then
         previous := repeat('0', 64);
         current_chain := r.chain_key;
       end if;
       update audit_log set prev_hash = previous,
              hash = audit_log_entry_hash(previous, r.chain_key, r.chain_seq, r.id, r.occurred_at, r.actor_user_id,
                                          r.project_id, r.entity_type, r.entity_id, r.action, r.before, r.after)
        where id = r.id
        returning hash into previous;
     end loop;
   end $$`,
  `alter table audit_log alter column chain_key set not null, alter column chain_seq set not null,
     alter column prev_hash set not null, alter column hash set not null`,
  `create unique index audit_log_chain_idx on audit_log (chain_key, chain_seq)`,
  `create trigger audit_log_link before insert on audit_log for each row execute function audit_log_link()`,
  // Row-level for UPDATE and DELETE (a project delete that would cascade to its entries is refused
  // too), statement-level for TRUNCATE. ENABLE ALWAYS: a session in replica mode is refused as well.
  `create trigger audit_log_no_update before update on audit_log for each row execute function audit_log_refuse_change()`,
  `create trigger audit_log_no_delete before delete on audit_log for each row execute function audit_log_refuse_change()`,
  `create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function audit_log_refuse_change()`,
  `alter table audit_log enable always trigger audit_log_no_update`,
  `alter table audit_log enable always trigger audit_log_no_delete`,
  `alter table audit_log enable always trigger audit_log_no_truncate`,
];

export const auditChain = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) =>
    runStatements(db, [
      'drop trigger if exists audit_log_no_truncate on audit_log',
      'drop trigger if exists audit_log_no_delete on audit_log',
      'drop trigger if exists audit_log_no_update on audit_log',
      'drop trigger if exists audit_log_link on audit_log',
      'drop index if exists audit_log_chain_idx',
      'alter table audit_log drop column if exists hash, drop column if exists prev_hash, drop column if exists chain_seq, drop column if exists chain_key',
      'drop function if exists audit_log_refuse_change()',
      'drop function if exists audit_log_link()',
      'drop function if exists audit_log_chain_key(uuid, text, text)',
      'drop function if exists audit_log_entry_hash(text, text, bigint, bigint, timestamptz, uuid, uuid, text, text, text, jsonb, jsonb)',
      'drop function if exists audit_log_field(text)',
    ]),
};
