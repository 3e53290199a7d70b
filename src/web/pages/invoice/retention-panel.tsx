/**
 * Sliding-scale retention on an invoice: which rule (or administrator override) set each line's
 * work retainage this period, and — for administrators while the invoice can change — overriding
 * a line's retainage with a reason, or returning it to the rules.
 */
import { useId, useState, type FormEvent } from 'react';
import { api, ApiError, call } from '../../api/client.ts';
import { Button, ErrorBanner, SelectInput, TextInput } from '../../components/ui.tsx';
import { applyWrite, parseMoneyInput, type InvoiceData } from './invoice-model.ts';

export function RetentionPanel({
  projectId,
  invoice,
  canOverride,
  money,
  onSaved,
}: {
  projectId: string;
  invoice: InvoiceData;
  canOverride: boolean;
  money: (cents: number) => string;
  onSaved: (fresh: InvoiceData) => void;
}) {
  const titleId = useId();
  const shown = invoice.lines.filter((l) => l.workRetainageRule && (l.workCompletedThisPeriodCents !== 0 || l.workRetainageOverridden));
  const [lineId, setLineId] = useState(invoice.lines[0]?.id ?? '');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const name = (l: InvoiceData['lines'][number]) => `${l.itemNumber ? `${l.itemNumber} ` : ''}${l.description}`;

  const send = async (override: { workRetainageThisPeriodCents: number; reason: string } | null, forLine: string) => {
    setBusy(true);
    setFailure(null);
    try {
      const fresh = await call(
        api.PUT('/api/v1/projects/{projectId}/invoices/{invoiceId}/lines', {
          params: { path: { projectId, invoiceId: invoice.invoice.id } },
          body: { version: invoice.invoice.version, mode: 'claim', lines: [{ lineId: forLine, retainageOverride: override }] },
        }),
      );
      onSaved(applyWrite(invoice, fresh));
      setAmount('');
      setReason('');
      setStatus(override ? 'Retainage override saved.' : 'The line follows the rules again.');
    } catch (error) {
      setFailure(error instanceof ApiError ? error.message : 'The override could not be saved. Try again.');
    } finally {
      setBusy(false);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    let cents = 0;
    try {
      cents = parseMoneyInput(amount);
    } catch (error) {
      problems.amount = error instanceof Error ? error.message : 'Enter an amount like 1,234.56.';
    }
    if (amount.trim() === '') problems.amount = 'Enter the retainage to hold on this line this period.';
    if (reason.trim() === '') problems.reason = 'Say why the rules are overridden on this line.';
    setErrors(problems);
    if (Object.keys(problems).length === 0) void send({ workRetainageThisPeriodCents: cents, reason: reason.trim() }, lineId);
  };

  return (
    <section className="card retention" aria-labelledby={titleId}>
      <div className="card-header">
        <h2 id={titleId}>Retention by rule</h2>
      </div>
      <p className="hint">This commitment holds retainage by sliding-scale rules. Each line shows the rule that set its work retainage this period.</p>
      {shown.length === 0 ? (
        <p className="muted">No work billed yet this period.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="retention-by-rule">
            <caption className="ip-sr-only">Work retainage this period by line and rule</caption>
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col" className="num">Work this period</th>
                <th scope="col" className="num">Retainage this period</th>
                <th scope="col">Why</th>
                {canOverride ? <th scope="col"><span className="ip-sr-only">Actions</span></th> : null}
              </tr>
            </thead>
            <tbody>
              {shown.map((l) => (
                <tr key={l.id}>
                  <th scope="row">{name(l)}</th>
                  <td className="num">{money(l.workCompletedThisPeriodCents)}</td>
                  <td className="num">
                    {money(l.workRetainageThisPeriodCents)}
                    {l.workRetainageOverridden && l.workRetainageByRulesCents !== null ? <span className="inv-cell-note">rules: {money(l.workRetainageByRulesCents)}</span> : null}
                  </td>
                  <td>{l.workRetainageRule}</td>
                  {canOverride ? (
                    <td>
                      {l.retainageOverride ? (
                        <Button tone="link" disabled={busy} onClick={() => void send(null, l.id)} aria-label={`Return line ${name(l)} to the rules`}>
                          Use the rules
                        </Button>
                      ) : null}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canOverride ? (
        <form className="retention-override" onSubmit={submit} noValidate>
          <h3>Override a line</h3>
          <SelectInput label="Line" value={lineId} onChange={(e) => setLineId(e.target.value)}>
            {invoice.lines.map((l) => (
              <option key={l.id} value={l.id}>
                {name(l)}
              </option>
            ))}
          </SelectInput>
          <TextInput label="Retainage this period" inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} error={errors.amount} />
          <TextInput label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} error={errors.reason} maxLength={2000} />
          <Button type="submit" busy={busy}>
            Override retainage
          </Button>
        </form>
      ) : null}
      {failure ? <ErrorBanner error={failure} /> : null}
      <p className="ip-sr-only" role="status">
        {status}
      </p>
    </section>
  );
}
