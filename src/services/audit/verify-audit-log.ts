/**
 * Walks every audit chain and recomputes every hash outside the database (`payapp audit verify`,
 * docs/decisions/016-audit-chain.md). Reads in pages, so the log's size does not matter to memory.
 */
import { createHash } from 'node:crypto';
import { AuditChainWalker, type ChainReport } from '../../domain/audit-chain.ts';
import type { Db } from '../../db/database.ts';
import { readAuditChainPage } from '../../db/audit.queries.ts';

const PAGE = 2_000;

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** One snapshot (repeatable read), so entries written meanwhile neither count nor break a chain. */
export async function verifyAuditLog(db: Db): Promise<ChainReport> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const walker = new AuditChainWalker(sha256Hex);
      let after: { chainKey: string; chainSeq: string } | null = null;
      for (;;) {
        const page = await readAuditChainPage(trx, after, PAGE);
        for (const entry of page) walker.add(entry);
        const last = page.at(-1);
        if (!last || page.length < PAGE) break;
        after = { chainKey: last.chainKey, chainSeq: last.chainSeq };
      }
      return walker.report();
    });
}

/** The lines `payapp audit verify` prints, and whether the log is intact. */
export function describeAuditReport(report: ChainReport): { ok: boolean; lines: string[] } {
  const counted = `${report.entries} ${report.entries === 1 ? 'entry' : 'entries'} in ${report.chains} ${report.chains === 1 ? 'chain' : 'chains'}`;
  if (report.breaks.length === 0) return { ok: true, lines: [`${counted} verified.`] };
  return {
    ok: false,
    lines: [
      ...report.breaks.map((b) => `BROKEN ${b.message}\n  expected: ${b.expected}\n  found:    ${b.found}`),
      `${report.breaks.length} of ${report.chains} ${report.chains === 1 ? 'chain is' : 'chains are'} broken (${counted} read); each chain's first broken link is shown.`,
    ],
  };
}
