/**
 * Billing periods: the list, opening a new one (which closes the open one), closing and reopening,
 * editing dates, deleting an unused one, and the automatic schedule the worker follows.
 */
import { useCallback, useEffect, useId, useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, call, type Schemas } from '../../api/client.ts';
import { addDays, compareDates, rangesOverlap } from '../../../domain/calendar.ts';
import { automaticPeriodFor, defaultMonthlyPeriod, type AutomaticFrequency, type PeriodDates } from '../../../domain/billing-period.ts';
import { Button, Card, Day, Dialog, EmptyState, ErrorBanner, Loading, Notice, PageHeader, SelectInput, StatusBadge, TextInput } from '../../components/ui.tsx';
import { useDocumentTitle, useLoad, useUnsavedChangesGuard, type Loaded } from '../../lib/hooks.ts';
import { useProject } from '../../lib/project.tsx';
import { Link } from '../../lib/router.tsx';
import { day, dayRange, dueText, errorInWords, projectToday, useQueryParams } from './invoicing-lib.ts';
import { GuardedDialog } from './guarded-dialog.tsx';
import './invoicing.css';

type Period = Schemas['BillingPeriod'];
type Settings = Schemas['InvoicingSettings'];
type Dates = { startsOn: string; endsOn: string; dueOn: string };

function ordinal(n: number): string {
  const s = n % 100 >= 11 && n % 100 <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
  return `${n}${s}`;
}

function defaultsText(s: Settings): string {
  const end = s.periodEndDay >= 31 ? 'the last day of the month' : `the ${ordinal(s.periodEndDay)}`;
  return `from the ${ordinal(s.periodStartDay)} to ${end}, due on the ${ordinal(s.periodDueDay)}`;
}

/** Suggested dates for a new period: this month's defaults, or the next free month after the latest period. */
function suggestDates(settings: Settings, periods: Period[], today: string): PeriodDates {
  const defaults = { startDay: settings.periodStartDay, endDay: settings.periodEndDay, dueDay: settings.periodDueDay };
  let dates = defaultMonthlyPeriod(today, defaults);
  for (let i = 0; i < 24; i += 1) {
    const clash = periods.find((p) => rangesOverlap({ from: dates.startsOn, to: dates.endsOn }, { from: p.startsOn, to: p.endsOn }));
    if (!clash) return dates;
    dates = defaultMonthlyPeriod(addDays(clash.endsOn, 1), defaults);
  }
  return dates;
}

export function BillingPeriodsPage({ params }: { params: Record<string, string> }) {
  const { project, vocabulary } = useProject();
  const projectId = params.projectId ?? project.id;
  useDocumentTitle(`Billing periods · ${project.name}`);
  const periods = useLoad(() => call(api.GET('/api/v1/projects/{projectId}/billing-periods', { params: { path: { projectId } } })), [projectId]);
  const settings = useLoad(() => call(api.GET('/api/v1/projects/{projectId}/invoicing-settings', { params: { path: { projectId } } })), [projectId]);
  const list = useMemo(() => periods.data?.data ?? [], [periods.data]);
  const open = list.find((p) => p.status === 'open') ?? null;
  const today = projectToday(project.timeZone);
  const base = `/projects/${projectId}`;

  // One unsaved-changes guard for the page (the router keeps a single one): the schedule or an open dialog.
  const [scheduleDirty, setScheduleDirty] = useState(false);
  const [dialogDirty, setDialogDirty] = useState(false);
  useUnsavedChangesGuard(scheduleDirty || dialogDirty);
  const [done, setDone] = useState<string | null>(null);
  // "?new=1" (from the board's "Open a billing period") opens the dialog once the data is there.
  const [query, setQuery] = useQueryParams();
  const [dialog, setDialog] = useState<{ n: number; kind: 'create' | 'edit' | 'close' | 'reopen' | 'delete' | null; periodId: string | null }>({
    n: 0,
    kind: null,
    periodId: null,
  });
  const wantsNew = query.get('new') === '1';
  const ready = periods.data !== undefined && (settings.data !== undefined || settings.error !== undefined);
  useEffect(() => {
    if (wantsNew && ready) {
      setDialog((d) => (d.kind ? d : { n: d.n + 1, kind: 'create', periodId: null }));
      setQuery({ new: null });
    }
  }, [wantsNew, ready, setQuery]);
  // The period a dialog is about, as last loaded (after a conflict, the fresh version).
  const dialogPeriod = dialog.periodId ? (list.find((p) => p.id === dialog.periodId) ?? null) : null;
  const show = (kind: 'create' | 'edit' | 'close' | 'reopen' | 'delete', period: Period | null = null) => {
    setDone(null);
    setDialog((d) => ({ n: d.n + 1, kind, periodId: period?.id ?? null }));
  };
  const hide = useCallback(() => setDialog((d) => ({ ...d, kind: null })), []);
  const { reload } = periods;
  const finished = useCallback(
    async (message: string) => {
      setDone(message);
      hide();
      await reload();
    },
    [hide, reload],
  );

  return (
    <div>
      <PageHeader
        title="Billing periods"
        subtitle={
          <>
            The cycles invoices are submitted for. One period is open at a time. Back to the <Link to={`${base}/invoicing`}>{vocabulary.invoicing} board</Link>.
          </>
        }
        actions={
          <Button tone="primary" onClick={() => show('create')} disabled={!periods.data}>
            Open a new period…
          </Button>
        }
      />
      {done ? <Notice tone="success"><p>{done}</p></Notice> : null}
      <ErrorBanner error={periods.error} onRetry={() => void periods.reload()} />
      {periods.loading && !periods.data ? <Loading label="Loading billing periods…" /> : null}

      {periods.data ? (
        list.length === 0 ? (
          <div className="inv-block">
            <EmptyState title="No billing period yet.">
              <p>Open the first one to send invites to bill and let contacts submit invoices.</p>
              <Button tone="primary" onClick={() => show('create')}>
                Open the first billing period…
              </Button>
            </EmptyState>
          </div>
        ) : (
          <Card title="Periods, newest first">
            {!open ? (
              <Notice tone="warning">
                <p>No period is open: contacts cannot bill and invites cannot be sent. Open a new period or reopen one.</p>
              </Notice>
            ) : null}
            <div className="table-wrap inv-wrap" tabIndex={0} role="region" aria-label="Billing periods">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Period</th>
                    <th scope="col">Due date</th>
                    <th scope="col">Status</th>
                    <th scope="col">Created</th>
                    <th scope="col" className="num">Invoices</th>
                    <th scope="col">
                      <span className="inv-visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((p) => {
                    const name = dayRange(p.startsOn, p.endsOn, project.locale);
                    const invoices = p.invoiceCount ?? 0;
                    return (
                      <tr key={p.id} className={p.status === 'open' ? 'inv-period-open' : undefined}>
                        <th scope="row">{name}</th>
                        <td>
                          <Day value={p.dueOn} />
                          {p.status === 'open' ? <span className="inv-cell-note">{dueText(p.dueOn, today)}</span> : null}
                        </td>
                        <td>
                          <StatusBadge status={p.status} label={p.status === 'open' ? 'Open' : 'Closed'} />
                        </td>
                        <td>{p.origin === 'automatic' ? 'Automatically (schedule)' : 'By hand'}</td>
                        <td className="num">{invoices}</td>
                        <td>
                          <div className="inv-period-actions">
                            <Button onClick={() => show('edit', p)} aria-label={`Edit dates of ${name}`}>
                              Edit dates
                            </Button>
                            {p.status === 'open' ? (
                              <Button onClick={() => show('close', p)} aria-label={`Close ${name}`}>
                                Close
                              </Button>
                            ) : (
                              <Button onClick={() => show('reopen', p)} aria-label={`Reopen ${name}`}>
                                Reopen
                              </Button>
                            )}
                            {invoices === 0 ? (
                              <Button onClick={() => show('delete', p)} aria-label={`Delete ${name}`}>
                                Delete
                              </Button>
                            ) : (
                              // Periods with invoices are never deleted: say so where the button would be.
                              <span className="inv-cell-note inv-kept-note">
                                Cannot be deleted: {invoices === 1 ? 'it has an invoice' : `it has ${invoices} invoices`}.{p.status === 'open' ? ' Close it instead.' : ''}
                              </span>
                            )}
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </Card>
        )
      ) : null}

      <ScheduleCard projectId={projectId} settings={settings} periods={list} today={today} onDirty={setScheduleDirty} />

      <PeriodFormDialog
        key={`form-${dialog.n}`}
        open={dialog.kind === 'create' || dialog.kind === 'edit'}
        mode={dialog.kind === 'edit' ? 'edit' : 'create'}
        period={dialogPeriod}
        projectId={projectId}
        openPeriod={open}
        periods={list}
        settings={settings.data}
        today={today}
        onClose={hide}
        onSaved={finished}
        onStale={reload}
        onDirty={setDialogDirty}
      />
      <StatusChangeDialog
        key={`status-${dialog.n}`}
        open={dialog.kind === 'close' || dialog.kind === 'reopen' || dialog.kind === 'delete'}
        kind={dialog.kind === 'reopen' ? 'reopen' : dialog.kind === 'delete' ? 'delete' : 'close'}
        period={dialogPeriod}
        openPeriod={open}
        projectId={projectId}
        onClose={hide}
        onDone={finished}
        onStale={reload}
      />
    </div>
  );
}

/** Words for a refused period change, with the clashing period's dates when the server names one. */
function periodErrorInWords(error: ApiError, periods: Period[], locale: string): string {
  const details = error.details as { periodId?: unknown } | undefined;
  if (error.code === 'conflict' && details && typeof details.periodId === 'string') {
    const clash = periods.find((p) => p.id === details.periodId);
    if (clash) {
      return `These dates overlap the billing period ${dayRange(clash.startsOn, clash.endsOn, locale)} (${clash.status}). Every period has its own dates: choose days outside it, or change that period first.`;
    }
  }
  if (error.code === 'version_conflict' || error.code === 'precondition_failed') {
    return 'Someone changed this period since you opened it. The list has been refreshed; check the dates and apply your change again (your entries are kept).';
  }
  return errorInWords(error, locale);
}

function PeriodFormDialog({
  open,
  mode,
  period,
  projectId,
  openPeriod,
  periods,
  settings,
  today,
  onClose,
  onSaved,
  onStale,
  onDirty,
}: {
  open: boolean;
  mode: 'create' | 'edit';
  period: Period | null;
  projectId: string;
  openPeriod: Period | null;
  periods: Period[];
  settings: Settings | undefined;
  today: string;
  onClose: () => void;
  onSaved: (message: string) => Promise<void>;
  onStale: () => Promise<void>;
  onDirty: (dirty: boolean) => void;
}) {
  const { project } = useProject();
  const formId = useId();
  // The suggestion is made once, when the dialog opens (each opening mounts a new dialog).
  const [initial] = useState<Dates>(() => {
    if (mode === 'edit' && period) return { startsOn: period.startsOn, endsOn: period.endsOn, dueOn: period.dueOn };
    if (settings) return suggestDates(settings, periods, today);
    return { startsOn: '', endsOn: '', dueOn: '' };
  });
  const [dates, setDates] = useState<Dates>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [conflict, setConflict] = useState(false);

  const dirty = open && (dates.startsOn !== initial.startsOn || dates.endsOn !== initial.endsOn || dates.dueOn !== initial.dueOn);
  useEffect(() => onDirty(dirty), [dirty, onDirty]);

  const set = (field: keyof Dates) => (e: { target: { value: string } }) => {
    setDates((d) => ({ ...d, [field]: e.target.value }));
    setFieldErrors((f) => ({ ...f, [field]: '' }));
  };

  // The same checks as the server, before sending.
  const localErrors = (): Record<string, string> => {
    const out: Record<string, string> = {};
    if (mode === 'edit') {
      for (const f of ['startsOn', 'endsOn', 'dueOn'] as const) if (!dates[f]) out[f] = 'Enter a date.';
    }
    if (dates.startsOn && dates.endsOn && compareDates(dates.startsOn, dates.endsOn) > 0) out.endsOn = 'The period must end on or after the day it starts.';
    if (dates.startsOn && dates.dueOn && compareDates(dates.dueOn, dates.startsOn) < 0) out.dueOn = 'The due date cannot be before the period starts.';
    return out;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const local = localErrors();
    setFieldErrors(local);
    if (Object.keys(local).length > 0) return;
    setBusy(true);
    setError(null);
    setConflict(false);
    try {
      const body = {
        ...(dates.startsOn ? { startsOn: dates.startsOn } : {}),
        ...(dates.endsOn ? { endsOn: dates.endsOn } : {}),
        ...(dates.dueOn ? { dueOn: dates.dueOn } : {}),
      };
      if (mode === 'create') {
        const created = await call(api.POST('/api/v1/projects/{projectId}/billing-periods', { params: { path: { projectId } }, body }));
        await onSaved(
          `The billing period ${dayRange(created.startsOn, created.endsOn, project.locale)} is open, due ${day(created.dueOn, project.locale)}.${openPeriod ? ` ${dayRange(openPeriod.startsOn, openPeriod.endsOn, project.locale)} is now closed.` : ''}`,
        );
      } else if (period) {
        const saved = await call(
          api.PATCH('/api/v1/projects/{projectId}/billing-periods/{periodId}', { params: { path: { projectId, periodId: period.id } }, body: { ...body, version: period.version } }),
        );
        await onSaved(`Saved: ${dayRange(saved.startsOn, saved.endsOn, project.locale)}, due ${day(saved.dueOn, project.locale)}.`);
      }
    } catch (err) {
      const apiError = err instanceof ApiError ? err : new ApiError(0, undefined);
      setError(periodErrorInWords(apiError, periods, project.locale));
      const fe = apiError.fieldErrors;
      if (apiError.code === 'validation_failed') setFieldErrors(Object.fromEntries(Object.entries(fe).filter(([k]) => k in dates)));
      if (apiError.code === 'version_conflict' || apiError.code === 'precondition_failed') {
        setConflict(true);
        setError(null);
        void onStale();
      }
    } finally {
      setBusy(false);
    }
  };

  const title = mode === 'create' ? 'Open a new billing period' : `Edit ${period ? dayRange(period.startsOn, period.endsOn, project.locale) : 'billing period'}`;
  return (
    <GuardedDialog
      open={open}
      dirty={dirty}
      title={title}
      onClose={onClose}
      discardQuestion="Discard the dates you entered?"
      footer={(requestClose) => (
        <>
          <Button onClick={requestClose} disabled={busy}>
            Cancel
          </Button>
          <Button tone="primary" type="submit" form={formId} busy={busy}>
            {mode === 'create' ? 'Open this period' : 'Save dates'}
          </Button>
        </>
      )}
    >
      <form id={formId} onSubmit={(e) => void submit(e)} noValidate>
        {mode === 'create' ? (
          openPeriod ? (
            <Notice tone="warning">
              <p>
                Opening this period <strong>closes the open period {dayRange(openPeriod.startsOn, openPeriod.endsOn, project.locale)}</strong>. Its invoices stay as they are; contacts can no
                longer create invoices for it.
              </p>
            </Notice>
          ) : (
            <p>The new period opens at once: contacts can bill it and you can send invites to bill.</p>
          )
        ) : null}
        <ErrorBanner error={error} />
        {conflict && period ? (
          <div className="banner banner-warning" role="alert">
            <p>
              Someone changed this period while you were editing. It now runs <strong>{dayRange(period.startsOn, period.endsOn, project.locale)}</strong>, due{' '}
              <strong>{day(period.dueOn, project.locale)}</strong>, and is {period.status}. Your dates are kept below: save again to apply them, or use the current ones.
            </p>
            <Button onClick={() => { setDates({ startsOn: period.startsOn, endsOn: period.endsOn, dueOn: period.dueOn }); setConflict(false); }}>Use the current dates</Button>
          </div>
        ) : null}
        <div className="inv-dates-grid">
          <TextInput label="From" type="date" value={dates.startsOn} onChange={set('startsOn')} error={fieldErrors.startsOn || undefined} />
          <TextInput label="To" type="date" value={dates.endsOn} onChange={set('endsOn')} error={fieldErrors.endsOn || undefined} />
          <TextInput label="Due date" type="date" value={dates.dueOn} onChange={set('dueOn')} error={fieldErrors.dueOn || undefined} />
        </div>
        {mode === 'create' ? (
          <p className="hint">
            {settings
              ? `Prefilled from the project's defaults (${defaultsText(settings)}), after the latest period. Leave a date empty to let payapp use the default.`
              : "Leave the dates empty to use the project's defaults for this month."}{' '}
            Contacts must submit by the due date.
          </p>
        ) : (
          <p className="hint">Periods never overlap. Changing dates does not move invoices already created in this period.</p>
        )}
      </form>
    </GuardedDialog>
  );
}

function StatusChangeDialog({
  open,
  kind,
  period,
  openPeriod,
  projectId,
  onClose,
  onDone,
  onStale,
}: {
  open: boolean;
  kind: 'close' | 'reopen' | 'delete';
  period: Period | null;
  openPeriod: Period | null;
  projectId: string;
  onClose: () => void;
  onDone: (message: string) => Promise<void>;
  onStale: () => Promise<void>;
}) {
  const { project } = useProject();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const name = period ? dayRange(period.startsOn, period.endsOn, project.locale) : '';

  const confirm = async () => {
    if (!period) return;
    setBusy(true);
    setError(null);
    try {
      if (kind === 'delete') {
        await call(api.DELETE('/api/v1/projects/{projectId}/billing-periods/{periodId}', { params: { path: { projectId, periodId: period.id } } }));
        await onDone(`The billing period ${name} was deleted.`);
      } else {
        await call(
          api.PATCH('/api/v1/projects/{projectId}/billing-periods/{periodId}', {
            params: { path: { projectId, periodId: period.id } },
            body: { version: period.version, status: kind === 'close' ? 'closed' : 'open' },
          }),
        );
        await onDone(
          kind === 'close'
            ? `The billing period ${name} is closed. No period is open now.`
            : `The billing period ${name} is open again.${openPeriod && openPeriod.id !== period.id ? ` ${dayRange(openPeriod.startsOn, openPeriod.endsOn, project.locale)} is now closed.` : ''}`,
        );
      }
    } catch (err) {
      const apiError = err instanceof ApiError ? err : new ApiError(0, undefined);
      if (apiError.code === 'version_conflict' || apiError.code === 'precondition_failed') {
        setError('Someone changed this period a moment ago. It has been refreshed: check it and confirm again.');
        void onStale();
      } else setError(errorInWords(apiError, project.locale));
    } finally {
      setBusy(false);
    }
  };

  const titles = { close: `Close ${name}?`, reopen: `Reopen ${name}?`, delete: `Delete ${name}?` };
  let body: ReactNode;
  if (kind === 'close') {
    body = (
      <>
        <p>After closing, contacts can no longer create invoices for this period and invites to bill cannot be sent. Invoices already in it stay as they are and can still be reviewed.</p>
        <p>
          <strong>No period will be open</strong> until you open a new one or reopen one.
        </p>
      </>
    );
  } else if (kind === 'reopen') {
    body =
      openPeriod && period && openPeriod.id !== period.id ? (
        <Notice tone="warning">
          <p>
            Reopening this period <strong>closes the open period {dayRange(openPeriod.startsOn, openPeriod.endsOn, project.locale)}</strong>: only one period is open at a time.
          </p>
        </Notice>
      ) : (
        <p>Contacts will be able to bill this period again, and you can send invites for it.</p>
      );
  } else {
    body = <p>The period has no invoices. Deleting it also removes any invites to bill sent for it. This cannot be undone.</p>;
  }

  return (
    <Dialog
      open={open}
      title={titles[kind]}
      onClose={() => {
        if (open && !busy) onClose();
      }}
      footer={
        <>
          <Button onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button tone={kind === 'delete' ? 'danger' : 'primary'} busy={busy} onClick={() => void confirm()}>
            {kind === 'close' ? 'Close the period' : kind === 'reopen' ? 'Reopen the period' : 'Delete the period'}
          </Button>
        </>
      }
    >
      <ErrorBanner error={error} />
      {body}
    </Dialog>
  );
}

const FREQUENCY_LABELS: Record<AutomaticFrequency, string> = { never: 'Never', monthly: 'Monthly', weekly: 'Weekly' };

function ScheduleCard({
  projectId,
  settings,
  periods,
  today,
  onDirty,
}: {
  projectId: string;
  settings: Loaded<Settings>;
  periods: Period[];
  today: string;
  onDirty: (dirty: boolean) => void;
}) {
  if (settings.error) {
    return (
      <Card title="Automatic schedule">
        <ErrorBanner error={settings.error} onRetry={() => void settings.reload()} />
      </Card>
    );
  }
  if (!settings.data) {
    return (
      <Card title="Automatic schedule">
        <Loading label="Loading the schedule…" />
      </Card>
    );
  }
  return <ScheduleForm projectId={projectId} settings={settings.data} periods={periods} today={today} onSaved={settings.setData} reload={settings.reload} onDirty={onDirty} />;
}

function ScheduleForm({
  projectId,
  settings,
  periods,
  today,
  onSaved,
  reload,
  onDirty,
}: {
  projectId: string;
  settings: Settings;
  periods: Period[];
  today: string;
  onSaved: (s: Settings) => void;
  reload: () => Promise<void>;
  onDirty: (dirty: boolean) => void;
}) {
  const { project } = useProject();
  const [frequency, setFrequency] = useState<AutomaticFrequency>(settings.automaticFrequency);
  const [startsOn, setStartsOn] = useState(settings.automaticStartsOn ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [saved, setSaved] = useState(false);
  const dirty = frequency !== settings.automaticFrequency || (startsOn || null) !== settings.automaticStartsOn;
  useEffect(() => onDirty(dirty), [dirty, onDirty]);

  const preview = useMemo(() => {
    if (frequency === 'never' || !startsOn) return null;
    const defaults = { startDay: settings.periodStartDay, endDay: settings.periodEndDay, dueDay: settings.periodDueDay };
    const schedule = { frequency, startsOn };
    const from = compareDates(today, startsOn) < 0 ? startsOn : today;
    const current = automaticPeriodFor(schedule, from, defaults);
    if (!current) return null;
    const next = compareDates(current.startsOn, today) < 0 ? automaticPeriodFor(schedule, addDays(current.endsOn, 1), defaults) : current;
    const currentMissing =
      compareDates(current.startsOn, today) <= 0 && !periods.some((p) => rangesOverlap({ from: current.startsOn, to: current.endsOn }, { from: p.startsOn, to: p.endsOn }));
    return { current: currentMissing && current !== next ? current : null, next };
  }, [frequency, startsOn, settings, today, periods]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (frequency !== 'never' && !startsOn) {
      setFieldError('Choose the day the first automatic period starts.');
      return;
    }
    setBusy(true);
    setError(null);
    setFieldError(undefined);
    setSaved(false);
    try {
      const next = await call(
        api.PATCH('/api/v1/projects/{projectId}/invoicing-settings', {
          params: { path: { projectId } },
          body: { version: settings.version, automaticFrequency: frequency, automaticStartsOn: frequency === 'never' ? (startsOn || null) : startsOn },
        }),
      );
      setSaved(true);
      onSaved(next);
    } catch (err) {
      const apiError = err instanceof ApiError ? err : new ApiError(0, undefined);
      if (apiError.code === 'version_conflict') {
        setError('Someone changed the invoicing settings since you opened this page. Your choice is kept: reload the settings, check them, and save again.');
      } else {
        setError(errorInWords(apiError, project.locale));
        setFieldError(apiError.fieldErrors.automaticStartsOn);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="Automatic schedule">
      <p>
        payapp can open billing periods for you. On the first day of each period the worker opens it and <strong>closes the period that was open</strong>. A period you opened by hand
        that already covers those days is left alone.
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {saved && !dirty ? (
          <Notice tone="success">
            <p>Schedule saved.</p>
          </Notice>
        ) : null}
        {error ? (
          <div className="banner banner-error" role="alert">
            <p>{error}</p>
            {error.startsWith('Someone changed') ? <Button onClick={() => void reload()}>Reload the settings</Button> : null}
          </div>
        ) : null}
        <div className="inv-dates-grid">
          <SelectInput label="Frequency" value={frequency} onChange={(e) => setFrequency(e.target.value as AutomaticFrequency)}>
            {(Object.keys(FREQUENCY_LABELS) as AutomaticFrequency[]).map((f) => (
              <option key={f} value={f}>
                {FREQUENCY_LABELS[f]}
              </option>
            ))}
          </SelectInput>
          <TextInput
            label="First period starts on"
            type="date"
            value={startsOn}
            disabled={frequency === 'never'}
            onChange={(e) => {
              setStartsOn(e.target.value);
              setFieldError(undefined);
            }}
            error={fieldError}
            hint={frequency === 'weekly' ? 'Each period runs 7 days from this weekday.' : frequency === 'monthly' ? 'Each period runs one month from this day of the month.' : 'Off: you open periods by hand.'}
          />
        </div>
        {frequency === 'monthly' ? (
          <p className="hint">Monthly periods are due on the {ordinal(settings.periodDueDay)} (the project's default due day), or on their last day when the {ordinal(settings.periodDueDay)} falls outside the period.</p>
        ) : frequency === 'weekly' ? (
          <p className="hint">Weekly periods are due on their last day.</p>
        ) : null}
        {preview ? (
          <div className="inv-schedule-preview" aria-live="polite">
            {preview.current ? (
              <p>
                On its next run the worker opens <strong>{dayRange(preview.current.startsOn, preview.current.endsOn, project.locale)}</strong>, due {day(preview.current.dueOn, project.locale)}.
              </p>
            ) : null}
            {preview.next ? (
              <p>
                {preview.current ? 'Then' : 'Next'}: <strong>{dayRange(preview.next.startsOn, preview.next.endsOn, project.locale)}</strong>, due {day(preview.next.dueOn, project.locale)} — opened on{' '}
                {day(preview.next.startsOn, project.locale)}.
              </p>
            ) : null}
          </div>
        ) : null}
        <div className="inv-form-actions">
          <Button tone="primary" type="submit" busy={busy} disabled={!dirty}>
            Save schedule
          </Button>
          {dirty ? (
            <Button
              tone="link"
              onClick={() => {
                setFrequency(settings.automaticFrequency);
                setStartsOn(settings.automaticStartsOn ?? '');
                setFieldError(undefined);
              }}
            >
              Undo changes
            </Button>
          ) : null}
        </div>
      </form>
    </Card>
  );
}
