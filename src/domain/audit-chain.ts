/**
 * The audit log's hash chain, as `payapp audit verify` checks it (docs/decisions/016-audit-chain.md).
 * The database links each entry when it is written (the audit_log_link trigger of migration
 * 2026_12_08_0105); this is the same canonical form computed outside it, so a verification does not
 * trust the database's own functions. Pure: the SHA-256 function is passed in.
 */

export const AUDIT_CHAIN_FORMAT = 'payapp-audit-v1';
/** What the first entry of a chain links to. */
export const GENESIS_HASH = '0'.repeat(64);

/** One entry with every hashed field in its canonical text (as PostgreSQL prints it); null stays null. */
export type ChainedAuditEntry = {
  id: string;
  chainKey: string;
  chainSeq: string;
  prevHash: string;
  hash: string;
  /** UTC with microseconds: 2026-11-01T12:00:00.000000Z */
  occurredAt: string;
  actorUserId: string | null;
  projectId: string | null;
  entityType: string;
  entityId: string;
  action: string;
  /** jsonb as text ({"a": 1}) */
  before: string | null;
  after: string | null;
};

const utf8Length = (text: string) => new TextEncoder().encode(text).length;
const field = (value: string | null) => (value === null ? '-\n' : `${utf8Length(value)}:${value}\n`);

/** The text whose UTF-8 bytes are hashed: the format line, then every field length-prefixed, in order. */
export function canonicalAuditText(entry: Omit<ChainedAuditEntry, 'hash'>): string {
  return (
    `${AUDIT_CHAIN_FORMAT}\n` +
    [
      entry.prevHash,
      entry.chainKey,
      entry.chainSeq,
      entry.id,
      entry.occurredAt,
      entry.actorUserId,
      entry.projectId,
      entry.entityType,
      entry.entityId,
      entry.action,
      entry.before,
      entry.after,
    ]
      .map(field)
      .join('')
  );
}

/** Which chain an entry belongs to: its project's, or — outside any project — the one of what it is about. */
export function auditChainKey(entry: { projectId: string | null; entityType: string; entityId: string }): string {
  return entry.projectId !== null ? `project:${entry.projectId}` : `entity:${entry.entityType}:${entry.entityId}`;
}

export type ChainBreak = {
  chainKey: string;
  entryId: string;
  position: string;
  /** hash: the entry's contents do not match its hash; link: it does not link to the entry before it; gap: entries are missing before it. */
  kind: 'hash' | 'link' | 'gap';
  expected: string;
  found: string;
  message: string;
};

export type ChainReport = { entries: number; chains: number; breaks: ChainBreak[] };

/**
 * Walks entries in chain order (chain_key, then chain_seq) and keeps, per chain, the first broken
 * link; the rest of a broken chain is not judged (everything after a break is suspect anyway).
 */
export class AuditChainWalker {
  private entries = 0;
  private chains = 0;
  private readonly breaks: ChainBreak[] = [];
  private chainKey: string | null = null;
  private broken = false;
  private previous: { id: string; seq: bigint; hash: string } | null = null;

  constructor(private readonly sha256Hex: (text: string) => string) {}

  add(entry: ChainedAuditEntry): void {
    this.entries += 1;
    if (entry.chainKey !== this.chainKey) {
      this.chains += 1;
      this.chainKey = entry.chainKey;
      this.broken = false;
      this.previous = null;
    }
    if (this.broken) return;
    const problem = this.check(entry);
    if (problem) {
      this.broken = true;
      this.breaks.push(problem);
      return;
    }
    this.previous = { id: entry.id, seq: BigInt(entry.chainSeq), hash: entry.hash };
  }

  report(): ChainReport {
    return { entries: this.entries, chains: this.chains, breaks: [...this.breaks] };
  }

  private check(entry: ChainedAuditEntry): ChainBreak | null {
    const where = `entry ${entry.id} (${entry.chainKey}, position ${entry.chainSeq})`;
    const at = { chainKey: entry.chainKey, entryId: entry.id, position: entry.chainSeq };
    const expectedSeq = this.previous ? this.previous.seq + 1n : 1n;
    if (BigInt(entry.chainSeq) !== expectedSeq) {
      return {
        ...at,
        kind: 'gap',
        expected: `position ${expectedSeq}`,
        found: `position ${entry.chainSeq}`,
        message: `${where}: expected position ${expectedSeq}${this.previous ? ` after entry ${this.previous.id}` : ' (the start of the chain)'} — entries before it are missing`,
      };
    }
    const expectedPrev = this.previous?.hash ?? GENESIS_HASH;
    if (entry.prevHash !== expectedPrev) {
      return {
        ...at,
        kind: 'link',
        expected: expectedPrev,
        found: entry.prevHash,
        message: this.previous
          ? `${where}: links to previous hash ${entry.prevHash}, but entry ${this.previous.id} before it hashes to ${expectedPrev} — an entry before it was changed, replaced or re-hashed`
          : `${where}: the first entry of a chain links to ${GENESIS_HASH}, found ${entry.prevHash}`,
      };
    }
    const computed = this.sha256Hex(canonicalAuditText(entry));
    if (computed !== entry.hash) {
      return {
        ...at,
        kind: 'hash',
        expected: computed,
        found: entry.hash,
        message: `${where}: its contents hash to ${computed}, but ${entry.hash} is recorded — the entry was changed`,
      };
    }
    return null;
  }
}
