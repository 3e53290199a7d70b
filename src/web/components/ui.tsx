/** The small set of building blocks every page uses: buttons, fields, messages, money, dates, dialogs. */
import { useEffect, useId, useRef, type ButtonHTMLAttributes, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from 'react';
import type { ApiError } from '../api/client.ts';
import { formatDay, formatMoney, formatPercentBp } from '../../domain/format.ts';
import { useProjectFormat } from '../lib/project.tsx';

export function Button({ tone = 'secondary', busy, children, ...rest }: { tone?: 'primary' | 'secondary' | 'danger' | 'link'; busy?: boolean } & ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button type="button" className={`btn btn-${tone}`} disabled={busy || rest.disabled} aria-busy={busy || undefined} {...rest}>
      {busy ? <span className="spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}

export function Field({ label, error, hint, children, id }: { label: string; error?: string | undefined; hint?: string; children: (props: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode; id?: string }) {
  const generated = useId();
  const fieldId = id ?? generated;
  const describedBy = [error ? `${fieldId}-error` : '', hint ? `${fieldId}-hint` : ''].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field-error' : ''}`}>
      <label htmlFor={fieldId}>{label}</label>
      {children({ id: fieldId, ...(error ? { 'aria-invalid': true as const } : {}), ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {hint ? <p className="hint" id={`${fieldId}-hint`}>{hint}</p> : null}
      {error ? <p className="error-text" id={`${fieldId}-error`} role="alert">{error}</p> : null}
    </div>
  );
}

export function TextInput({ label, error, hint, ...rest }: { label: string; error?: string | undefined; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  return <Field label={label} error={error} {...(hint ? { hint } : {})}>{(a) => <input {...a} {...rest} />}</Field>;
}

export function SelectInput({ label, error, hint, children, ...rest }: { label: string; error?: string | undefined; hint?: string; children: ReactNode } & SelectHTMLAttributes<HTMLSelectElement>) {
  return (
    <Field label={label} error={error} {...(hint ? { hint } : {})}>
      {(a) => (
        <select {...a} {...rest}>
          {children}
        </select>
      )}
    </Field>
  );
}

export function Checkbox({ label, hint, ...rest }: { label: string; hint?: string } & InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  return (
    <div className="checkbox">
      <input type="checkbox" id={id} {...rest} aria-describedby={hint ? `${id}-hint` : undefined} />
      <label htmlFor={id}>{label}</label>
      {hint ? <p className="hint" id={`${id}-hint`}>{hint}</p> : null}
    </div>
  );
}

export function ErrorBanner({ error, onRetry }: { error: ApiError | Error | string | undefined | null; onRetry?: () => void }) {
  if (!error) return null;
  const message = typeof error === 'string' ? error : error.message;
  return (
    <div className="banner banner-error" role="alert">
      <p>{message}</p>
      {onRetry ? <Button onClick={onRetry}>Try again</Button> : null}
    </div>
  );
}

export function Notice({ tone = 'info', children }: { tone?: 'info' | 'success' | 'warning'; children: ReactNode }) {
  return <div className={`banner banner-${tone}`} role={tone === 'warning' ? 'alert' : 'status'}>{children}</div>;
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children}
    </div>
  );
}

export function PageHeader({ title, subtitle, actions }: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle ? <p className="subtitle">{subtitle}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </div>
  );
}

export function Card({ title, children, actions }: { title?: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      {title || actions ? (
        <div className="card-header">
          {title ? <h2>{title}</h2> : <span />}
          {actions}
        </div>
      ) : null}
      {children}
    </section>
  );
}

const STATUS_TONES: Record<string, string> = {
  paid: 'success',
  partially_paid: 'info',
  unpaid: 'warning',
  approved: 'success',
  approved_as_noted: 'success',
  accepted: 'success',
  under_review: 'info',
  pending_owner_approval: 'info',
  invited: 'info',
  revise_and_resubmit: 'warning',
  declined: 'warning',
  no_invoice_contacts: 'muted',
  ssov_not_approved: 'warning',
  not_invited: 'muted',
  draft: 'muted',
  open: 'success',
  closed: 'muted',
  failed: 'danger',
  skipped: 'muted',
  sent: 'success',
  pending: 'info',
};

export function StatusBadge({ status, label }: { status: string; label: string }) {
  return <span className={`badge badge-${STATUS_TONES[status] ?? 'muted'}`}>{label}</span>;
}

export function Money({ cents }: { cents: number | null | undefined }) {
  const { currency, locale } = useProjectFormat();
  if (cents === null || cents === undefined) return <span className="muted">—</span>;
  return <span className={`money${cents < 0 ? ' negative' : ''}`}>{formatMoney(cents, currency, locale)}</span>;
}

export function Percent({ bp }: { bp: number }) {
  const { locale } = useProjectFormat();
  return <span className="money">{formatPercentBp(bp, locale)}</span>;
}

export function Day({ value }: { value: string | null | undefined }) {
  const { locale } = useProjectFormat();
  if (!value) return <span className="muted">—</span>;
  return <time dateTime={value}>{formatDay(value, locale)}</time>;
}

/** A modal dialog on the native <dialog> element: focus moves in, Escape closes, focus returns. */
export function Dialog({ open, title, onClose, children, footer }: { open: boolean; title: string; onClose: () => void; children: ReactNode; footer?: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-labelledby={titleId} onClose={onClose} onCancel={(e) => { e.preventDefault(); onClose(); }}>
      <div className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="btn btn-link" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>
      <div className="dialog-body">{open ? children : null}</div>
      {footer ? <div className="dialog-footer">{footer}</div> : null}
    </dialog>
  );
}
