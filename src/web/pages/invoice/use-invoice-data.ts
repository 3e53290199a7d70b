/**
 * Loading the invoice, and keeping what the page shows in step with what the server last said.
 * Every saved or reloaded invoice goes through `setData`, which keeps the line objects that did
 * not change (so their grid rows do not re-render). The project's overbilling rule is the
 * invoice's `you.allowOverbilling` (company lock included), the same for contacts and
 * administrators, known before anyone types.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, call } from '../../api/client.ts';
import type { Attachment } from './attachments.tsx';
import type { InvoiceData, Overbilling } from './invoice-model.ts';

/** Keeps the previous line objects when a line did not change, so its row does not re-render. */
function reconcile(old: InvoiceData | null, fresh: InvoiceData): InvoiceData {
  if (!old) return fresh;
  const before = new Map(old.lines.map((l) => [l.id, l]));
  let same = old.lines.length === fresh.lines.length;
  const lines = fresh.lines.map((l, n) => {
    const prev = before.get(l.id);
    if (prev && JSON.stringify(prev) === JSON.stringify(l)) {
      if (old.lines[n] !== prev) same = false;
      return prev;
    }
    same = false;
    return l;
  });
  return { ...fresh, lines: same ? old.lines : lines };
}

export function useInvoiceData(projectId: string, invoiceId: string) {
  const [data, setDataRaw] = useState<InvoiceData | null>(null);
  const [loadError, setLoadError] = useState<ApiError | null>(null);
  const [attachments, setAttachments] = useState<Attachment[]>([]);

  /** The invoice as last set, for callbacks that must not re-create on every change. */
  const dataRef = useRef<InvoiceData | null>(null);
  const setData = useCallback((fresh: InvoiceData) => {
    const next = reconcile(dataRef.current, fresh);
    dataRef.current = next;
    setDataRaw(next);
    setAttachments(next.attachments);
  }, []);

  const fetchInvoice = useCallback(
    () => call(api.GET('/api/v1/projects/{projectId}/invoices/{invoiceId}', { params: { path: { projectId, invoiceId } } })),
    [projectId, invoiceId],
  );

  const load = useCallback(async () => {
    try {
      setData(await fetchInvoice());
      setLoadError(null);
    } catch (e) {
      setLoadError(e instanceof ApiError ? e : new ApiError(0, undefined));
    }
  }, [fetchInvoice, setData]);

  useEffect(() => {
    void load();
  }, [load]);

  const overbilling: Overbilling = data?.you.allowOverbilling ? 'allowed' : 'refused';

  return { data, dataRef, setData, fetchInvoice, load, loadError, overbilling, attachments, setAttachments };
}
