/**
 * A backup of unsaved entries in sessionStorage, so nothing typed is lost when the session expires
 * or the tab reloads while typing: written shortly after each change (and when the page is hidden),
 * forgotten as soon as everything is saved or discarded, and offered back on the next visit — only
 * the entries that still differ from the saved invoice, on an invoice that can still take them.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { entriesEqual } from '../../../domain/invoice.ts';
import { baseEntry, parseDraft, type Draft, type Drafts, type EditMode, type InvoiceData, type ReviewDrafts } from './invoice-model.ts';
import type { Details } from './use-invoice-entries.ts';

/** Entries kept aside: in the backup, or after a conflict. */
export type Stash = { drafts: Drafts; reviews: ReviewDrafts; details: Details; savedAt?: string };

const STORAGE_PREFIX = 'payapp.invoice-entries.';

/** The backed-up entries that still mean something on the invoice as saved now. */
function stillPending(stash: Stash, data: InvoiceData): Stash {
  const backupMode: EditMode = data.you.canEditClaim ? 'claim' : data.you.canCertify ? 'certify' : 'read';
  const byId = new Map(data.lines.map((l) => [l.id, l]));
  const still = (id: string, d: Draft) => {
    const line = byId.get(id);
    if (!line || backupMode === 'read') return false;
    const p = parseDraft(line, d, backupMode);
    return (
      Object.keys(p.parseErrors).length > 0 ||
      !entriesEqual(p.entry, baseEntry(line, backupMode)) ||
      p.rates.workBp !== line.workRetainageRateBp ||
      p.rates.materialsBp !== line.materialsRetainageRateBp ||
      (backupMode === 'certify' && (p.reason ?? '') !== (line.differenceReason ?? ''))
    );
  };
  return {
    drafts: Object.fromEntries(Object.entries(stash.drafts ?? {}).filter(([id, d]) => still(id, d))),
    reviews: data.you.canReview ? Object.fromEntries(Object.entries(stash.reviews ?? {}).filter(([id]) => byId.has(id))) : {},
    details: backupMode === 'read' ? {} : Object.fromEntries(Object.entries(stash.details ?? {}).filter(([k, v]) => v !== (k === 'number' ? (data.invoice.number ?? '') : data.invoice[k as keyof Details]))),
    ...(stash.savedAt ? { savedAt: stash.savedAt } : {}),
  };
}

export function useEntryStash({
  invoiceId,
  data,
  drafts,
  reviews,
  details,
  entryCount,
}: {
  invoiceId: string;
  data: InvoiceData | null;
  drafts: Drafts;
  reviews: ReviewDrafts;
  details: Details;
  entryCount: number;
}) {
  /** Entries from an earlier visit, until the person restores or discards them. */
  const [restore, setRestore] = useState<Stash | null>(null);
  const storageKey = `${STORAGE_PREFIX}${invoiceId}`;

  const checkedBackup = useRef(false);
  useEffect(() => {
    if (!data || checkedBackup.current) return;
    checkedBackup.current = true;
    try {
      const raw = sessionStorage.getItem(storageKey);
      if (!raw) return;
      const kept = stillPending(JSON.parse(raw) as Stash, data);
      if (Object.keys(kept.drafts).length + Object.keys(kept.reviews).length + Object.keys(kept.details).length > 0) setRestore(kept);
      else sessionStorage.removeItem(storageKey);
    } catch {
      sessionStorage.removeItem(storageKey);
    }
  }, [data, storageKey]);

  // Not while an earlier backup waits for an answer: writing now would overwrite it.
  useEffect(() => {
    if (!checkedBackup.current || restore) return;
    const write = () => {
      try {
        if (entryCount === 0) sessionStorage.removeItem(storageKey);
        else sessionStorage.setItem(storageKey, JSON.stringify({ drafts, reviews, details, savedAt: new Date().toISOString() } satisfies Stash));
      } catch {
        // Storage full or disabled: the page still keeps the entries in memory.
      }
    };
    if (entryCount === 0) {
      write(); // Saved or discarded: forget the backup at once.
      return;
    }
    const timer = window.setTimeout(write, 300);
    window.addEventListener('pagehide', write);
    return () => {
      window.clearTimeout(timer);
      window.removeEventListener('pagehide', write);
    };
  }, [drafts, reviews, details, entryCount, storageKey, restore]);

  /** The earlier entries were taken back into the page: stop offering them. */
  const restored = useCallback(() => setRestore(null), []);
  /** The earlier entries are not wanted: forget them. */
  const discardBackup = useCallback(() => {
    sessionStorage.removeItem(storageKey);
    setRestore(null);
  }, [storageKey]);

  return { restore, restored, discardBackup };
}
