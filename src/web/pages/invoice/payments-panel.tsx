/**
 * Payments issued on an approved invoice: its paid status against the current payment due, every
 * payment (voided ones kept, struck through, with the reason), and — for invoice administrators —
 * recording a payment (with its remittance attached) and voiding one. Contacts see what was paid.
 */
import { useId, useState, type FormEvent } from 'react';
import { api, ApiError, call, type Schemas } from '../../api/client.ts';
import { Button, Dialog, ErrorBanner, Loading, SelectInput, StatusBadge, TextInput } from '../../components/ui.tsx';
import { useLoad } from '../../lib/hooks.ts';
import { amountInputText, parseAmountInput } from './amount-input.ts';
import { checkFile } from './attachments.tsx';

type Payments = Schemas['InvoicePayments'];
type Payment = Payments['payments'][number];
type Method = Schemas['RecordPaymentBody']['method'];

const METHODS: { value: Method; label: string }[] = [
  { value: 'check', label: 'Check' },
  { value: 'electronic', label: 'Electronic transfer' },
  { value: 'card', label: 'Card' },
  { value: 'other', label: 'Other' },
];

function newKey(): string {
  return typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `${Date.now()}-${Math.random().toString(16).slice(2)}`;
}

export function PaymentsPanel({
  projectId,
  invoiceId,
  money,
  formatDay,
  today,
  locale,
}: {
  projectId: string;
  invoiceId: string;
  money: (cents: number) => string;
  formatDay: (day: string) => string;
  today: string;
  /** The project's locale: how amounts are typed ("12,345.67"). */
  locale: string;
}) {
  const titleId = useId();
  const loaded = useLoad(
    () => call(api.GET('/api/v1/projects/{projectId}/invoices/{invoiceId}/payments', { params: { path: { projectId, invoiceId } } })),
    [projectId, invoiceId],
  );
  const [data, setData] = useState<Payments | null>(null);
  const [recording, setRecording] = useState(false);
  const [voiding, setVoiding] = useState<Payment | null>(null);
  const [status, setStatus] = useState('');
  const current = data ?? loaded.data ?? null;

  if (loaded.loading && !current) return <section className="card payments" aria-label="Payments"><Loading label="Loading payments…" /></section>;
  if (!current) return <section className="card payments" aria-label="Payments"><ErrorBanner error={loaded.error ?? 'Payments could not be loaded.'} onRetry={loaded.reload} /></section>;

  return (
    <section className="card payments" aria-labelledby={titleId}>
      <div className="card-header">
        <h2 id={titleId}>Payments</h2>
        {current.status ? (
          <span data-testid="paid-status">
            <StatusBadge status={current.status} label={current.statusLabel ?? ''} />
          </span>
        ) : null}
      </div>
      {!current.payable ? (
        <p className="muted">Payments are recorded once the invoice is approved.</p>
      ) : (
        <dl className="payment-figures">
          <div>
            <dt>Current payment due</dt>
            <dd className="money">{money(current.dueCents)}</dd>
          </div>
          <div>
            <dt>Paid</dt>
            <dd className="money" data-testid="paid-amount">{money(current.paidCents)}</dd>
          </div>
          <div>
            <dt>Left to pay</dt>
            <dd className="money" data-testid="left-to-pay">{money(current.remainingCents)}</dd>
          </div>
        </dl>
      )}
      {current.payments.length > 0 ? (
        <div className="table-wrap">
          <table className="table payments-table">
            <caption className="ip-sr-only">Payments recorded on this invoice</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Method</th>
                <th scope="col">Reference</th>
                <th scope="col" className="num">Amount</th>
                <th scope="col">Recorded by</th>
                <th scope="col">Notes</th>
                <th scope="col"><span className="ip-sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>
              {current.payments.map((p) => (
                <tr key={p.id} className={p.voided ? 'voided' : undefined}>
                  <td>{formatDay(p.paidOn)}</td>
                  <td>{p.methodLabel}</td>
                  <td>
                    {[p.paymentNumber, p.reference].filter(Boolean).join(' · ') || '—'}
                    {p.attachment ? (
                      <>
                        {' '}
                        <a
                          href={`/api/v1/projects/${encodeURIComponent(projectId)}/invoices/${encodeURIComponent(invoiceId)}/payments/${encodeURIComponent(p.id)}/attachments/${encodeURIComponent(p.attachment.id)}`}
                          download={p.attachment.filename}
                        >
                          {p.attachment.filename}
                        </a>
                      </>
                    ) : null}
                  </td>
                  <td className="num">{p.voided ? <del>{money(p.amountCents)}</del> : money(p.amountCents)}</td>
                  <td>{p.recordedByName ?? '—'}</td>
                  <td>
                    {p.notes}
                    {p.voided ? (
                      <p className="void-note">
                        Voided by {p.voidedByName ?? 'an administrator'}: {p.voidReason}
                      </p>
                    ) : null}
                  </td>
                  <td>
                    {current.canVoid && !p.voided ? (
                      <Button tone="link" onClick={() => setVoiding(p)} aria-label={`Void the payment of ${money(p.amountCents)} on ${formatDay(p.paidOn)}`}>
                        Void
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : current.payable ? (
        <p className="muted">No payment recorded yet.</p>
      ) : null}
      {current.canRecord ? (
        <Button tone="primary" onClick={() => setRecording(true)}>
          Record payment
        </Button>
      ) : current.payable && current.cannotRecordReason && current.status !== 'paid' ? (
        <p className="hint">{current.cannotRecordReason}</p>
      ) : null}
      <p className="ip-sr-only" role="status">
        {status}
      </p>
      {recording ? (
        <RecordPaymentDialog
          projectId={projectId}
          invoiceId={invoiceId}
          remainingCents={current.remainingCents}
          money={money}
          today={today}
          locale={locale}
          onClose={() => setRecording(false)}
          onSaved={(next, message) => {
            setData(next);
            setRecording(false);
            setStatus(message);
          }}
        />
      ) : null}
      {voiding ? (
        <VoidPaymentDialog
          projectId={projectId}
          invoiceId={invoiceId}
          payment={voiding}
          label={`${money(voiding.amountCents)} on ${formatDay(voiding.paidOn)}`}
          onClose={() => setVoiding(null)}
          onSaved={(next) => {
            setData(next);
            setVoiding(null);
            setStatus('The payment was voided.');
          }}
        />
      ) : null}
    </section>
  );
}

function RecordPaymentDialog({
  projectId,
  invoiceId,
  remainingCents,
  money,
  today,
  locale,
  onClose,
  onSaved,
}: {
  projectId: string;
  invoiceId: string;
  remainingCents: number;
  money: (cents: number) => string;
  today: string;
  locale: string;
  onClose: () => void;
  onSaved: (next: Payments, message: string) => void;
}) {
  // What is left to pay, as people write it ("12,345.67"); typed with or without separators.
  const [amount, setAmount] = useState(() => amountInputText(remainingCents, locale));
  const [paidOn, setPaidOn] = useState(today);
  const [method, setMethod] = useState<Method>('check');
  const [reference, setReference] = useState('');
  const [paymentNumber, setPaymentNumber] = useState('');
  const [notes, setNotes] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [banner, setBanner] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per dialog: a double click or a retried request never records the payment twice.
  const [key] = useState(newKey);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const problems: Record<string, string> = {};
    let cents: number | null = null;
    try {
      cents = parseAmountInput(amount, locale);
    } catch (error) {
      problems.amountCents = error instanceof Error ? error.message : `Enter an amount like ${amountInputText(123456, locale)}.`;
    }
    if (cents !== null && cents <= 0) problems.amountCents = 'Enter an amount greater than zero, like 1250.00.';
    else if (cents !== null && cents > remainingCents) problems.amountCents = `That would overpay the invoice: ${money(remainingCents)} is left to pay.`;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(paidOn)) problems.paidOn = 'Choose the date the payment was issued.';
    let checked: File | null = null;
    if (file) {
      const c = checkFile(file);
      if ('error' in c) problems.file = c.error;
      else checked = c.file;
    }
    setErrors(problems);
    if (Object.keys(problems).length > 0 || cents === null) return;
    setBusy(true);
    setBanner(null);
    try {
      let next = await call(
        api.POST('/api/v1/projects/{projectId}/invoices/{invoiceId}/payments', {
          params: { path: { projectId, invoiceId } },
          headers: { 'Idempotency-Key': key },
          body: { amountCents: cents, paidOn, method, reference, paymentNumber, notes },
        }),
      );
      let message = `Payment of ${money(cents)} recorded.`;
      const recorded = [...next.payments].reverse().find((p) => !p.voided && p.amountCents === cents);
      if (checked && recorded) {
        try {
          const form = new FormData();
          form.append('file', checked);
          await call(
            api.POST('/api/v1/projects/{projectId}/invoices/{invoiceId}/payments/{paymentId}/attachments', {
              params: { path: { projectId, invoiceId, paymentId: recorded.id } },
              body: form as unknown as { file?: string },
              bodySerializer: (body: unknown) => body as FormData,
            }),
          );
          next = await call(api.GET('/api/v1/projects/{projectId}/invoices/{invoiceId}/payments', { params: { path: { projectId, invoiceId } } }));
        } catch (error) {
          message += ` The file was not attached: ${error instanceof ApiError ? error.message : 'try again'}.`;
        }
      }
      onSaved(next, message);
    } catch (error) {
      if (error instanceof ApiError && error.field) setErrors({ [error.field]: error.message });
      else setBanner(error instanceof ApiError ? error.message : 'The payment could not be recorded. Check your connection and try again.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      title="Record payment"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button tone="primary" type="submit" form="record-payment-form" busy={busy}>
            Record payment
          </Button>
        </>
      }
    >
      <form id="record-payment-form" onSubmit={(e) => void submit(e)} noValidate>
        {banner ? <ErrorBanner error={banner} /> : null}
        <p className="hint">{money(remainingCents)} is left to pay on this invoice.</p>
        <TextInput
          label="Amount"
          inputMode="decimal"
          autoComplete="off"
          value={amount}
          onChange={(e) => setAmount(e.target.value)}
          onBlur={() => {
            // Leaving the field tidies what was typed: "2000" → "2,000.00"; text that does not read stays.
            try {
              setAmount(amountInputText(parseAmountInput(amount, locale), locale));
            } catch {
              // Its message comes when the payment is recorded.
            }
          }}
          error={errors.amountCents}
          required
        />
        <TextInput label="Payment date" type="date" value={paidOn} onChange={(e) => setPaidOn(e.target.value)} error={errors.paidOn} required />
        <SelectInput label="Method" value={method} onChange={(e) => setMethod(e.target.value as Method)} error={errors.method}>
          {METHODS.map((m) => (
            <option key={m.value} value={m.value}>
              {m.label}
            </option>
          ))}
        </SelectInput>
        <TextInput label="Check number or reference" value={reference} onChange={(e) => setReference(e.target.value)} error={errors.reference} maxLength={120} />
        <TextInput label="Payment number" value={paymentNumber} onChange={(e) => setPaymentNumber(e.target.value)} error={errors.paymentNumber} maxLength={60} />
        <TextInput label="Notes" value={notes} onChange={(e) => setNotes(e.target.value)} error={errors.notes} maxLength={2000} />
        <TextInput label="Attachment (remittance, check image)" type="file" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} error={errors.file} />
      </form>
    </Dialog>
  );
}

function VoidPaymentDialog({
  projectId,
  invoiceId,
  payment,
  label,
  onClose,
  onSaved,
}: {
  projectId: string;
  invoiceId: string;
  payment: Payment;
  label: string;
  onClose: () => void;
  onSaved: (next: Payments) => void;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim() === '') {
      setError('Say why the payment is voided.');
      return;
    }
    setBusy(true);
    try {
      onSaved(
        await call(
          api.POST('/api/v1/projects/{projectId}/invoices/{invoiceId}/payments/{paymentId}/void', {
            params: { path: { projectId, invoiceId, paymentId: payment.id } },
            body: { reason },
          }),
        ),
      );
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'The payment could not be voided. Try again.');
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open
      title="Void payment"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button tone="danger" type="submit" form="void-payment-form" busy={busy}>
            Void payment
          </Button>
        </>
      }
    >
      <form id="void-payment-form" onSubmit={(e) => void submit(e)} noValidate>
        <p>
          Void the payment of {label}? It stays on the invoice, marked void, and no longer counts as paid.
        </p>
        <TextInput label="Reason" value={reason} onChange={(e) => setReason(e.target.value)} error={error} required maxLength={500} />
      </form>
    </Dialog>
  );
}
