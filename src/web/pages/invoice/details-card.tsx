/**
 * The invoice's own details: the subcontractor's invoice number, the billing date, the period and
 * comments — a closed card to open while the invoice can be changed, a short list once it cannot.
 */
import { memo } from 'react';
import type { InvoiceData } from './invoice-model.ts';
import type { Details } from './use-invoice-entries.ts';

export const DetailsCard = memo(function DetailsCard({
  editable,
  invoice,
  details,
  onChange,
  errors,
  isContactInvoice,
}: {
  editable: boolean;
  invoice: InvoiceData['invoice'];
  details: Details;
  onChange: (k: keyof Details, v: string) => void;
  errors: Record<string, string>;
  isContactInvoice: boolean;
}) {
  const value = (k: keyof Details) => details[k] ?? (k === 'number' ? (invoice.number ?? '') : (invoice[k] ?? ''));
  const field = (k: keyof Details, label: string, type: 'text' | 'date', hint?: string) => (
    <div className={`field${errors[k] ? ' field-error' : ''}`}>
      <label htmlFor={`inv-${k}`}>{label}</label>
      <input
        id={`inv-${k}`}
        type={type}
        value={value(k)}
        maxLength={type === 'text' ? 50 : undefined}
        onChange={(e) => onChange(k, e.currentTarget.value)}
        aria-invalid={errors[k] ? true : undefined}
        aria-describedby={errors[k] ? `inv-${k}-error` : hint ? `inv-${k}-hint` : undefined}
      />
      {hint && !errors[k] ? (
        <p className="hint" id={`inv-${k}-hint`}>
          {hint}
        </p>
      ) : null}
      {errors[k] ? (
        <p className="error-text" id={`inv-${k}-error`} role="alert">
          {errors[k]}
        </p>
      ) : null}
    </div>
  );
  if (!editable) {
    const comments = value('comments');
    const number = value('number');
    if (!comments && !number) return null;
    return (
      <section className="card details-card" aria-label="Invoice details">
        <dl className="details-read">
          {number ? (
            <div>
              <dt>Your invoice number</dt>
              <dd>{number}</dd>
            </div>
          ) : null}
          {comments ? (
            <div>
              <dt>Comments</dt>
              <dd className="pre">{comments}</dd>
            </div>
          ) : null}
        </dl>
      </section>
    );
  }
  return (
    <details className="card details-card">
      <summary>
        <h2>Invoice details</h2>
        <span className="muted"> — your invoice number, dates and comments</span>
      </summary>
      <div className="details-grid">
        {field('number', 'Your invoice number', 'text', isContactInvoice ? 'Optional: the number on your own invoice.' : undefined)}
        {field('billingDate', 'Billing date', 'date')}
        {field('periodStart', 'Period from', 'date')}
        {field('periodEnd', 'Period to', 'date')}
        <div className={`field details-comments${errors.comments ? ' field-error' : ''}`}>
          <label htmlFor="inv-comments">Comments</label>
          <textarea id="inv-comments" value={value('comments')} maxLength={5000} onChange={(e) => onChange('comments', e.currentTarget.value)} />
          {errors.comments ? (
            <p className="error-text" role="alert">
              {errors.comments}
            </p>
          ) : null}
        </div>
      </div>
    </details>
  );
});
