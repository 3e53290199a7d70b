/**
 * The tenant check (docs/decisions/025-tenant-id.md): every statement that names a tenant-owned
 * table must constrain that table's `tenant_id` — an equality (or `= any(…)` / `in (…)`) to a
 * parameter, a literal or another column, directly or through a chain of `a.tenant_id =
 * b.tenant_id` joins — or, for an INSERT, list `tenant_id` among its columns. A statement that is
 * cross-tenant by design says so with a `/* cross-tenant: <reason> *\/` comment.
 *
 * Lexical, not a SQL parser: it tokenizes the statement (comments and string literals removed,
 * quoted identifiers unquoted), finds the references to tenant-owned tables with their aliases
 * (after FROM, JOIN, UPDATE, INTO, USING or a comma), and checks each alias against the tenant_id
 * equalities of the statement. It errs on the side of passing a statement that mentions the
 * column (an unqualified `tenant_id` counts for every unaliased reference), never on the side of
 * refusing a filtered one.
 *
 * On only when PAYAPP_TENANT_CHECK=on (the test runner sets it for every test, scripts/test.ts):
 * production never pays for it. Each distinct statement text is checked once and the verdict
 * cached. A refused statement fails before it is sent, naming itself and the code that sent it —
 * application code and test code alike; only migrations are exempt (they run before and while the
 * column exists), recognised by their frames on the stack, which is read only when a statement is
 * refused.
 */

import { sql, type RawBuilder } from 'kysely';

/** Tables carrying `tenant_id` (the general contractor's company); the rest are global (decision 025). */
export const TENANT_OWNED_TABLES: ReadonlySet<string> = new Set([
  'projects',
  'project_companies',
  'project_users',
  'project_settings',
  'project_invoice_distribution',
  'company_settings',
  'commitments',
  'commitment_private_users',
  'commitment_invoice_contacts',
  'commitment_retainage_rules',
  'sov_lines',
  'change_orders',
  'change_order_lines',
  'ssovs',
  'ssov_lines',
  'billing_periods',
  'billing_invites',
  'invoices',
  'invoice_lines',
  'invoice_summaries',
  'invoice_attachments',
  'invoice_submissions',
  'invoice_submission_lines',
  'payments',
  'payment_attachments',
]);

export const tenantCheckEnabled = process.env.PAYAPP_TENANT_CHECK === 'on';

const CROSS_TENANT_MARKER = /\/\*\s*cross-tenant:\s*\S[^*]*\*\//i;
const CHECKED_VERBS = new Set(['select', 'insert', 'update', 'delete', 'with']);
const INTRODUCERS = new Set(['from', 'join', 'update', 'into', 'using', ',']);
/** Words that may follow a table name and are therefore not its alias. */
const NOT_ALIASES = new Set([
  'where', 'on', 'set', 'join', 'inner', 'left', 'right', 'full', 'cross', 'natural', 'lateral', 'order', 'group',
  'having', 'limit', 'offset', 'using', 'returning', 'values', 'select', 'for', 'union', 'except', 'intersect',
  'default', 'window', 'fetch', 'as', 'on', 'and', 'or', 'when', 'then', 'else', 'end',
]);

/** A reference to a tenant-owned table the statement does not constrain by tenant. */
export type TenantViolation = { table: string; alias: string };

function tokenize(text: string): string[] {
  const stripped = text
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/'(?:[^']|'')*'/g, " '?' ")
    .replace(/"([^"]*)"/g, '$1')
    .toLowerCase();
  return stripped.match(/\$\d+|'\?'|[a-z_][a-z0-9_$]*(?:\.[a-z_][a-z0-9_$]*)*|\d+(?:\.\d+)?|<>|!=|<=|>=|::|\S/g) ?? [];
}

function isIdentifier(token: string | undefined): token is string {
  return token !== undefined && /^[a-z_][a-z0-9_$]*$/.test(token);
}

function tenantColumnOwner(token: string | undefined): string | null | undefined {
  if (token === 'tenant_id') return null; // unqualified
  if (token?.endsWith('.tenant_id')) return token.slice(0, -'.tenant_id'.length).split('.').pop() ?? null;
  return undefined; // not a tenant_id reference
}

/** The references to tenant-owned tables in `text` that no tenant_id predicate constrains. */
export function findTenantViolations(text: string): TenantViolation[] {
  const withoutStrings = text.replace(/'(?:[^']|'')*'/g, "'?'");
  if (CROSS_TENANT_MARKER.test(withoutStrings)) return [];
  const tokens = tokenize(withoutStrings);
  if (!CHECKED_VERBS.has(tokens[0] ?? '') && !(tokens[0] === '(' && tokens[1] === 'select')) return [];

  const refs: (TenantViolation & { satisfied: boolean; unaliased: boolean })[] = [];
  for (let i = 1; i < tokens.length; i++) {
    // A schema-qualified name (public.invoices) is the table too.
    const table = tokens[i]!.split('.').pop()!;
    if (!TENANT_OWNED_TABLES.has(table) || !INTRODUCERS.has(tokens[i - 1]!) || tokens[i]!.split('.').length > 2) continue;
    let next = i + 1;
    if (tokens[next] === 'as') next += 1;
    const candidate = tokens[next];
    const aliased = isIdentifier(candidate) && !NOT_ALIASES.has(candidate);
    const alias = aliased ? candidate : table;
    let satisfied = false;
    if (tokens[i - 1] === 'into') {
      // INSERT INTO t [AS a] (columns…): the column list must carry tenant_id.
      let open = aliased ? next + 1 : next;
      if (tokens[open] === '(') {
        for (let depth = 0; open < tokens.length; open++) {
          if (tokens[open] === '(') depth += 1;
          else if (tokens[open] === ')' && --depth === 0) break;
          else if (tokens[open] === 'tenant_id' && depth === 1) satisfied = true;
        }
      }
    }
    refs.push({ table, alias, satisfied, unaliased: !aliased });
  }
  if (refs.every((r) => r.satisfied)) return [];

  // Union-find over the owners of tenant_id columns ('' = unqualified); a set is anchored when one
  // of its columns is compared to anything but another tenant_id.
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  const anchored = new Set<string>();
  const union = (a: string, b: string) => {
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    parent.set(ra, rb);
    if (anchored.has(ra)) anchored.add(rb);
  };
  const anchor = (a: string) => anchored.add(find(a));
  for (let i = 0; i < tokens.length; i++) {
    const owner = tenantColumnOwner(tokens[i]);
    if (owner === undefined) continue;
    const self = owner ?? '';
    find(self);
    const sides: (string | undefined)[] = [];
    if (tokens[i + 1] === '=') sides.push(tokens[i + 2]);
    if (tokens[i - 1] === '=') sides.push(tokens[i - 2]);
    if (tokens[i + 1] === 'in' && tokens[i + 2] === '(') anchor(self);
    for (const other of sides) {
      const otherOwner = tenantColumnOwner(other);
      if (otherOwner !== undefined) union(self, otherOwner ?? '');
      else if (other !== undefined) anchor(self);
    }
  }
  // Anchors may have been recorded before a later union joined their sets: settle once more.
  for (const key of [...parent.keys()]) if (anchored.has(key)) anchored.add(find(key));
  const isAnchored = (owner: string) => parent.has(owner) && anchored.has(find(owner));
  const onlyOne = refs.length === 1;
  return refs
    .filter((r) => !r.satisfied && !isAnchored(r.alias) && !((r.unaliased || onlyOne) && isAnchored('')))
    .map(({ table, alias }) => ({ table, alias }));
}

const verdicts = new Map<string, TenantViolation[]>();

function cachedViolations(text: string): TenantViolation[] {
  let found = verdicts.get(text);
  if (!found) {
    if (verdicts.size >= 10_000) verdicts.clear();
    found = findTenantViolations(text);
    verdicts.set(text, found);
  }
  return found;
}

/** Frames that are the database plumbing itself, not the code that sent the statement. */
const PLUMBING = /node_modules|node:|\/src\/db\/(statement-counter|tenant-check|database|joined-transaction)\.ts/;

/** The first frame of the code that sent the statement, from a stack captured in `query`. */
function senderOf(stack: string): string | undefined {
  return stack
    .split('\n')
    .slice(1)
    .map((line) => line.trim())
    .find((line) => line.startsWith('at ') && !PLUMBING.test(line));
}

function isMigration(sender: string | undefined): boolean {
  return sender !== undefined && /\/src\/db\/migrations\/|\/src\/db\/migrate\.ts/.test(sender);
}

export class TenantFilterError extends Error {
  constructor(readonly violations: TenantViolation[], readonly statement: string, readonly sender: string | undefined) {
    super(
      `Statement without a tenant filter on ${violations.map((v) => (v.alias === v.table ? v.table : `${v.table} ${v.alias}`)).join(', ')} ` +
        `(add "tenant_id = …" for each, or a /* cross-tenant: <reason> */ comment; docs/decisions/025-tenant-id.md)` +
        `${sender ? `, sent ${sender}` : ''}:\n${statement}`,
    );
    this.name = 'TenantFilterError';
  }
}

/** The error to fail `statement` with, or null when it may run. */
export function tenantFilterError(statement: string): TenantFilterError | null {
  const violations = cachedViolations(statement);
  if (violations.length === 0) return null;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 50;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const sender = senderOf(stack);
  if (isMigration(sender)) return null;
  return new TenantFilterError(violations, statement, sender);
}

/**
 * The marker of a statement that is cross-tenant by design, for Kysely (`.modifyEnd(crossTenant(…))`)
 * and for raw SQL (`${crossTenant(…)}`). Each use is listed in decision 025.
 */
export function crossTenant(reason: string): RawBuilder<unknown> {
  if (/\*\//.test(reason)) throw new Error('a cross-tenant reason cannot close the comment');
  return sql.raw(`/* cross-tenant: ${reason} */`);
}
