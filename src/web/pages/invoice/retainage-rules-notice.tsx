/**
 * An invoice keeps the sliding-scale rules in force when it was created (decision 008). When the
 * commitment's rules changed since, an administrator is told so here, and may put the current
 * rules on this invoice — one audited action, asked first (POST …/apply-current-retainage-rules).
 */
import { useState } from 'react';
import { api, ApiError, call } from '../../api/client.ts';
import { Button, Dialog } from '../../components/ui.tsx';
import { applyWrite, type InvoiceData } from './invoice-model.ts';

export function RetainageRulesNotice({
  projectId,
  invoice,
  hasUnsavedEntries,
  onApplied,
  onConflict,
}: {
  projectId: string;
  invoice: InvoiceData;
  /** Entries typed and not saved: applying changes the invoice's version, so they are saved first. */
  hasUnsavedEntries: boolean;
  onApplied: (fresh: InvoiceData) => void;
  /** Someone changed the invoice meanwhile: reload it. */
  onConflict: () => Promise<void>;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Refused because the invoice already has them (someone applied them, or the rules went back):
  // once the message is read, the invoice is reloaded and this notice goes away.
  const [stale, setStale] = useState(false);

  const apply = async () => {
    setBusy(true);
    setError(null);
    try {
      const fresh = await call(
        api.POST('/api/v1/projects/{projectId}/invoices/{invoiceId}/apply-current-retainage-rules', {
          params: { path: { projectId, invoiceId: invoice.invoice.id }, query: { view: 'full' } },
          body: { version: invoice.invoice.version },
        }),
      );
      onApplied(applyWrite(invoice, fresh));
      setOpen(false);
    } catch (e) {
      const failure = e instanceof ApiError ? e : new ApiError(0, undefined);
      if (failure.status === 409) {
        await onConflict();
        setError('Someone changed this invoice meanwhile; it is reloaded. Check it, then apply the rules again.');
      } else {
        setError(failure.message);
        if (failure.code === 'retainage_rules_unchanged') setStale(true);
      }
    } finally {
      setBusy(false);
    }
  };

  const close = () => {
    setOpen(false);
    setError(null);
    if (stale) void onConflict();
  };

  return (
    <div className="banner banner-info rules-notice" role="region" aria-label="Retainage rules changed">
      <p>
        <strong>The commitment’s retainage rules changed since this invoice was created.</strong> This invoice keeps the rules it was created with; apply the current ones to
        recompute its retainage with them.
      </p>
      <span className="banner-actions">
        <Button onClick={() => setOpen(true)}>Apply the current rules…</Button>
      </span>
      <Dialog
        open={open}
        title="Apply the commitment’s current retainage rules?"
        onClose={close}
        footer={
          <>
            <Button onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button tone="primary" busy={busy} disabled={hasUnsavedEntries} onClick={() => void apply()}>
              Apply the current rules
            </Button>
          </>
        }
      >
        <div className="confirm-body">
          <p>
            Invoice {invoice.invoice.label}’s work retainage will be computed with the commitment’s current rules instead of those in force when it was created. The change, with the
            retainage before and after, is recorded in the invoice’s history.
          </p>
          {hasUnsavedEntries ? <p className="banner banner-warning">Save or undo your changes on this invoice first.</p> : null}
          {error ? (
            <p className="banner banner-error" role="alert">
              {error}
            </p>
          ) : null}
        </div>
      </Dialog>
    </div>
  );
}
