/**
 * Form building blocks shared by the commitments, directory and settings pages: exact parsing of
 * amounts and percentages, a versioned draft that survives a 409 (shows what changed, lets the
 * user re-apply their edits), and a few small components.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode, type RefObject, type TextareaHTMLAttributes } from 'react';
import { ApiError } from '../../api/client.ts';
import { Button, Dialog, Field } from '../../components/ui.tsx';
import { formatCentsPlain, parseDecimalToCents } from '../../../domain/money.ts';
import './commitments.css';

// ---------------------------------------------------------------------------------------------
// Parsing: money as integer cents and rates as basis points, never through floats.

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** "1,234.56", "$1234.5", "-250", "(250.00)" → cents. At most two decimals. */
export function parseMoneyInput(text: string, options: { allowNegative?: boolean } = {}): Parsed<number> {
  let t = text.trim();
  if (t === '') return { ok: false, error: 'Enter an amount, like 1234.56.' };
  let negative = false;
  if (/^\(.*\)$/.test(t)) {
    negative = true;
    t = t.slice(1, -1);
  }
  t = t.replace(/[\s,$]/g, '').replace(/^(CA|US|C|A)(?=[-\d.])/i, '');
  if (t.startsWith('-')) {
    negative = !negative;
    t = t.slice(1);
  }
  if (t.startsWith('.')) t = `0${t}`;
  if (!/^\d+(\.\d{1,2})?$/.test(t)) {
    return { ok: false, error: /^\d+\.\d{3,}$/.test(t) ? 'Use at most two decimals (cents).' : 'Enter an amount, like 1234.56.' };
  }
  try {
    const cents = parseDecimalToCents(t);
    const value = negative ? -cents : cents;
    if (value < 0 && !options.allowNegative) return { ok: false, error: 'The amount cannot be negative.' };
    return { ok: true, value: value === 0 ? 0 : value };
  } catch {
    return { ok: false, error: 'The amount is too large.' };
  }
}

/** Cents → the text shown in an input ("1,234.56"), which parseMoneyInput reads back exactly. */
export function centsToInput(cents: number): string {
  const plain = formatCentsPlain(cents);
  const [whole = '0', frac = '00'] = plain.replace('-', '').split('.');
  return `${cents < 0 ? '-' : ''}${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${frac}`;
}

/** "10", "7.5", "7.25 %" → basis points (1000, 750, 725); 0–100 with at most two decimals. */
export function parsePercentToBp(text: string): Parsed<number> {
  const t = text.trim().replace(/\s*%$/, '');
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(t);
  if (!match) return { ok: false, error: 'Enter a percentage like 10 or 7.5 (at most two decimals).' };
  const bp = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  if (bp > 10_000) return { ok: false, error: 'A percentage cannot be more than 100.' };
  return { ok: true, value: bp };
}

/** Basis points → the text shown in a percent input (1000 → "10", 750 → "7.5", 725 → "7.25"). */
export function bpToInput(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = bp % 100;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}

/** Any thrown value as an ApiError (network failures and bugs read as words too). */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError(0, { error: { message: error instanceof Error ? error.message : String(error) } });
}

// ---------------------------------------------------------------------------------------------
// A draft of a versioned resource.

export type FormValue = string | boolean;
export type FormFields = Record<string, FormValue>;
export type Versioned<F extends FormFields> = { version: number; fields: F };

export function sameFields<F extends FormFields>(a: F, b: F): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

export function changedKeys<F extends FormFields>(from: F, to: F): (keyof F & string)[] {
  return (Object.keys(to) as (keyof F & string)[]).filter((k) => from[k] !== to[k]);
}

export type VersionedForm<F extends FormFields> = {
  /** The server state the draft is based on. */
  base: Versioned<F> | undefined;
  draft: F | undefined;
  dirty: boolean;
  /** The fields the user changed (compared with the base). */
  mine: (keyof F & string)[];
  set: <K extends keyof F>(key: K, value: F[K]) => void;
  /** A fresher version from someone else that touches fields, while the user has edits. */
  conflict: { theirs: Versioned<F>; theirChanges: (keyof F & string)[]; bothChanged: (keyof F & string)[] } | null;
  /** Take the fresh version and put the user's changes back on top of it. */
  reapply: () => void;
  /** Take the fresh version and drop the user's changes. */
  discard: () => void;
  /** Drop the user's changes (back to the base). */
  reset: () => void;
  /** After a successful save: the response is the new base and the draft. */
  saved: (fresh: Versioned<F>) => void;
  /** Learn about a newer server version (reload, 409). Returns 'same' when only the version moved. */
  receive: (fresh: Versioned<F>) => 'same' | 'adopted' | 'conflict';
};

/**
 * Keeps the user's draft across reloads: a newer version whose fields equal the base is adopted
 * silently (e.g. the version moved because the SOV was saved); a clean draft follows the server;
 * a dirty draft is never overwritten: it becomes a conflict the user resolves.
 */
export function useVersionedForm<F extends FormFields>(server: Versioned<F> | undefined): VersionedForm<F> {
  const [base, setBase] = useState<Versioned<F> | undefined>(server);
  const [draft, setDraft] = useState<F | undefined>(server?.fields);
  const [theirs, setTheirs] = useState<Versioned<F> | null>(null);
  const ref = useRef({ base, draft });
  ref.current = { base, draft };

  const receive = useCallback((fresh: Versioned<F>): 'same' | 'adopted' | 'conflict' => {
    const { base: b, draft: d } = ref.current;
    if (!b || !d) {
      setBase(fresh);
      setDraft(fresh.fields);
      ref.current = { base: fresh, draft: fresh.fields };
      return 'adopted';
    }
    if (fresh.version < b.version) return 'same';
    if (sameFields(fresh.fields, b.fields)) {
      setBase(fresh);
      ref.current = { base: fresh, draft: d };
      return 'same';
    }
    if (sameFields(d, b.fields)) {
      setBase(fresh);
      setDraft(fresh.fields);
      setTheirs(null);
      ref.current = { base: fresh, draft: fresh.fields };
      return 'adopted';
    }
    setTheirs(fresh);
    return 'conflict';
  }, []);

  useEffect(() => {
    if (server) receive(server);
  }, [server, receive]);

  const mine = useMemo(() => (base && draft ? changedKeys(base.fields, draft) : []), [base, draft]);
  const conflict = useMemo(() => {
    if (!theirs || !base) return null;
    const theirChanges = changedKeys(base.fields, theirs.fields);
    return { theirs, theirChanges, bothChanged: theirChanges.filter((k) => mine.includes(k) && draft?.[k] !== theirs.fields[k]) };
  }, [theirs, base, mine, draft]);

  return {
    base,
    draft,
    dirty: mine.length > 0,
    mine,
    set: (key, value) => setDraft((d) => (d ? { ...d, [key]: value } : d)),
    conflict,
    reapply: () => {
      if (!theirs || !draft || !base) return;
      const next = { ...theirs.fields };
      for (const k of changedKeys(base.fields, draft)) next[k] = draft[k];
      setBase(theirs);
      setDraft(next);
      setTheirs(null);
    },
    discard: () => {
      if (!theirs) return;
      setBase(theirs);
      setDraft(theirs.fields);
      setTheirs(null);
    },
    reset: () => {
      if (theirs) {
        setBase(theirs);
        setDraft(theirs.fields);
        setTheirs(null);
      } else if (base) setDraft(base.fields);
    },
    saved: (fresh) => {
      setBase(fresh);
      setDraft(fresh.fields);
      setTheirs(null);
      ref.current = { base: fresh, draft: fresh.fields };
    },
    receive,
  };
}

// ---------------------------------------------------------------------------------------------
// Components.

/** One thing someone else changed; without `from` it reads as a summary ("Lines added: 2"). */
export type ChangeLine = { label: string; from?: string; to: string };

/** "Changed by someone else": what they changed, and the two ways forward. Input is never lost. */
export function ConflictNotice({
  what,
  plural,
  changes,
  bothChanged,
  onReapply,
  onDiscard,
  reapplyLabel = 'Re-apply my edits to their version',
  cannotReapply,
}: {
  what: string;
  /** "These settings were changed" rather than "This … was changed". */
  plural?: boolean;
  changes: ChangeLine[];
  bothChanged?: string[];
  onReapply: () => void;
  onDiscard: () => void;
  reapplyLabel?: string;
  cannotReapply?: string;
}) {
  return (
    <div className="banner banner-warning kit-conflict" role="alert">
      <div>
        <p>
          <strong>
            {plural ? 'These' : 'This'} {what} {plural ? 'were' : 'was'} changed by someone else
          </strong> while you were editing. Your edits are still here and nothing of
          yours was saved yet.
        </p>
        {changes.length > 0 ? (
          <>
            <p>They changed:</p>
            <ul>
              {changes.map((c) => (
                <li key={c.label}>
                  {c.label}:{' '}
                  {c.from === undefined ? (
                    <strong>{c.to}</strong>
                  ) : (
                    <>
                      <span className="kit-was">{c.from || '(empty)'}</span> → <strong>{c.to || '(empty)'}</strong>
                    </>
                  )}
                </li>
              ))}
            </ul>
          </>
        ) : null}
        {bothChanged && bothChanged.length > 0 ? (
          <p>
            You both changed {bothChanged.join(', ')}. Re-applying keeps <em>your</em> value there.
          </p>
        ) : null}
        {cannotReapply ? <p>{cannotReapply}</p> : <p>Re-apply your edits to their version, check the result, then save again.</p>}
      </div>
      <div className="kit-actions">
        {cannotReapply ? null : (
          <Button tone="primary" onClick={onReapply}>
            {reapplyLabel}
          </Button>
        )}
        <Button onClick={onDiscard}>Discard my edits and show theirs</Button>
      </div>
    </div>
  );
}

export function TextArea({ label, error, hint, ...rest }: { label: string; error?: string | undefined; hint?: string } & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <Field label={label} error={error} {...(hint ? { hint } : {})}>{(a) => <textarea {...a} {...rest} />}</Field>;
}

/** A yes/no question before something that cannot simply be undone. */
export function ConfirmDialog({
  open,
  title,
  children,
  confirmLabel,
  tone = 'danger',
  busy,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  tone?: 'danger' | 'primary';
  busy?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button tone={tone} busy={busy} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}

/**
 * Several editors on one page share the single unsaved-changes guard: each reports whether it has
 * edits, the page guards while any does.
 */
export function useDirtyRegistry(): { anyDirty: boolean; report: (key: string, dirty: boolean) => void } {
  const [dirty, setDirty] = useState<Record<string, boolean>>({});
  const report = useCallback((key: string, value: boolean) => {
    setDirty((d) => (d[key] === value ? d : { ...d, [key]: value }));
  }, []);
  return { anyDirty: Object.values(dirty).some(Boolean), report };
}

/** Reports an editor's dirtiness to its page's registry. */
export function useReportDirty(report: ((key: string, dirty: boolean) => void) | undefined, key: string, dirty: boolean): void {
  useEffect(() => {
    report?.(key, dirty);
  }, [report, key, dirty]);
  useEffect(() => () => report?.(key, false), [report, key]);
}

/** After a refused submit, focus moves to the first field that needs a fix (announced with its message). */
export function focusFirstError(container: HTMLElement | null | undefined): void {
  window.requestAnimationFrame(() => {
    const el = container?.querySelector<HTMLElement>('[aria-invalid="true"]');
    el?.focus();
  });
}

/** Focuses the first invalid field whenever a new set of errors arrives. */
export function useFocusFirstError(errors: object, ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    if (Object.keys(errors).length > 0) focusFirstError(ref.current);
  }, [errors, ref]);
}

/** A field error by exact path, or by path prefix (e.g. "lines.3.description"). */
export function fieldError(errors: Record<string, string> | undefined, ...paths: string[]): string | undefined {
  if (!errors) return undefined;
  for (const p of paths) if (errors[p]) return errors[p];
  return undefined;
}

/** A short status message that announces itself politely and fades from the layout after a while. */
export function useFlash(): [string | null, (message: string | null) => void] {
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    if (!message) return;
    const t = window.setTimeout(() => setMessage(null), 6000);
    return () => window.clearTimeout(t);
  }, [message]);
  return [message, setMessage];
}
