import type { Kysely } from 'kysely';
import { runStatements } from './2026_11_25_0001_foundation.ts';

/**
 * Issue 10, item 5: an invoice keeps the sliding-scale retention rules in force when it was
 * created (`{ rules, afterRateBp }`, null for flat rates), as its lines keep their flat rates.
 * Invoices not yet approved take their commitment's current rules, so nothing changes for them
 * today. Approved invoices are left null: they are read from their snapshot, and the rules they
 * were approved with are not known any more (today's rules may be later ones).
 */
const up = [
  `alter table invoices add column retainage_rules jsonb`,
  `update invoices i
      set retainage_rules = jsonb_build_object('rules', r.rules, 'afterRateBp', r.after_rate_bp)
     from commitment_retainage_rules r
    where r.commitment_id = i.commitment_id
      and i.status not in ('approved', 'approved_as_noted')`,
];

export const retainageRulesOnInvoice = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) => runStatements(db, ['alter table invoices drop column if exists retainage_rules']),
};
