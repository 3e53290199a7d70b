/**
 * The subcontractor billing board: the open billing period at a glance, one row per commitment with
 * its billing status, invite answer, latest invoice and amounts. Filters live in the URL; bulk
 * actions (send invites, change status) report per commitment; everything reloads in place.
 */
import { Fragment, memo, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState, type ChangeEvent, type ReactNode } from 'react';
import { api, ApiError, call, type Schemas } from '../../api/client.ts';
import { PAID_STATUS_LABELS } from '../../../domain/payment.ts';
import { ColumnChooser, useColumnChooser, type ChooserColumn } from '../../components/column-chooser.tsx';
import { OverBadge } from '../../components/over-badge.tsx';
import { Button, Day, EmptyState, ErrorBanner, Loading, Money, Notice, PageHeader, Percent, StatusBadge } from '../../components/ui.tsx';
import { ExportLinks } from '../../components/export-links.tsx';
import { useDocumentTitle, useLoad } from '../../lib/hooks.ts';
import { useProject } from '../../lib/project.tsx';
import { Link, navigate } from '../../lib/router.tsx';
import { BulkStatusDialog } from './bulk-status-dialog.tsx';
import {
  BILLING_STATUS_ORDER,
  billingStatusLabel,
  day,
  dayRange,
  dueText,
  dueTone,
  errorInWords,
  INVOICE_TYPE_LABELS,
  invoiceName,
  newIdempotencyKey,
  projectToday,
  useQueryParams,
  type BillingStatus,
} from './invoicing-lib.ts';
import { SendInvitesDialog } from './send-invites-dialog.tsx';
import type { BoardPeriod as Period, BoardRow } from './board-model.ts';
import './invoicing.css';

/**
 * The board's columns, in order. The invite is not a column of its own: the billing status already
 * says Invited / Accepted / Declined, and the invite's type and date are a note under it. The due
 * date is the period's, shown above the table, so its column starts hidden.
 */
const BOARD_COLUMNS: readonly ChooserColumn[] = [
  { id: 'commitment', label: 'Commitment', required: true },
  { id: 'company', label: 'Contract company' },
  { id: 'status', label: 'Billing status' },
  { id: 'invoice', label: 'Latest invoice' },
  { id: 'paymentDue', label: 'Current payment due' },
  { id: 'contractSum', label: 'Contract sum to date' },
  { id: 'billed', label: 'Billed to date' },
  { id: 'paid', label: 'Paid to date' },
  { id: 'remaining', label: 'Remaining balance' },
  { id: 'dueDate', label: 'Due date', defaultVisible: false },
];
type Totals = { paymentDue: number; contractSum: number; billed: number; paid: number; remaining: number };
const MONEY_COLUMNS: readonly (keyof Totals)[] = ['paymentDue', 'contractSum', 'billed', 'paid', 'remaining'];
const isMoneyColumn = (id: string): id is keyof Totals => (MONEY_COLUMNS as readonly string[]).includes(id);

export function BillingBoardPage({ params }: { params: Record<string, string> }) {
  const { project, vocabulary } = useProject();
  const projectId = params.projectId ?? project.id;
  useDocumentTitle(`${vocabulary.invoicing} · ${project.name}`);
  const board = useLoad(() => call(api.GET('/api/v1/projects/{projectId}/billing-board', { params: { path: { projectId } } })), [projectId]);
  const columns = useColumnChooser('billing-board.columns', BOARD_COLUMNS);
  const shownColumns = BOARD_COLUMNS.filter((c) => columns.visible.has(c.id));
  // The generated type loses the nullability of a referenced schema: the board has no period when none is open.
  const period = (board.data?.period ?? null) as Period | null;
  const rows = useMemo(() => board.data?.rows ?? [], [board.data]);
  const base = `/projects/${projectId}`;
  const today = projectToday(project.timeZone);

  // Filters, kept in the URL.
  const [query, setQuery] = useQueryParams();
  const statusParam = query.get('status') ?? '';
  const search = query.get('q') ?? '';
  const deferredSearch = useDeferredValue(search);
  const statuses = useMemo(() => new Set(statusParam.split(',').filter((s): s is BillingStatus => (BILLING_STATUS_ORDER as string[]).includes(s))), [statusParam]);

  const counts = useMemo(() => {
    const out = new Map<BillingStatus, number>();
    for (const r of rows) out.set(r.billingStatus, (out.get(r.billingStatus) ?? 0) + 1);
    return out;
  }, [rows]);

  const visible = useMemo(() => {
    const needle = deferredSearch.trim().toLowerCase();
    return rows.filter(
      (r) =>
        (statuses.size === 0 || statuses.has(r.billingStatus)) &&
        (!needle || `${r.number} ${r.title} ${r.contractCompanyName ?? ''} ${r.latestInvoice?.label ?? ''}`.toLowerCase().includes(needle)),
    );
  }, [rows, statuses, deferredSearch]);

  // Selection: always a subset of the rows on screen.
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const visibleIds = useMemo(() => new Set(visible.map((r) => r.commitmentId)), [visible]);
  useEffect(() => {
    setSelected((current) => {
      const kept = [...current].filter((id) => visibleIds.has(id));
      return kept.length === current.size ? current : new Set(kept);
    });
  }, [visibleIds]);
  const toggle = useCallback((id: string, on: boolean) => {
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);
  const selectedRows = useMemo(() => visible.filter((r) => selected.has(r.commitmentId)), [visible, selected]);
  const allSelected = visible.length > 0 && selectedRows.length === visible.length;
  const someSelected = selectedRows.length > 0 && !allSelected;
  const selectAllRef = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (selectAllRef.current) selectAllRef.current.indeterminate = someSelected;
  }, [someSelected]);

  const toggleStatus = (status: BillingStatus) => {
    const next = new Set(statuses);
    if (next.has(status)) next.delete(status);
    else next.add(status);
    setQuery({ status: BILLING_STATUS_ORDER.filter((s) => next.has(s)).join(',') || null });
  };

  // Create an invoice on the contact's behalf. The key survives a request that may not have arrived.
  const [creating, setCreating] = useState<string | null>(null);
  const [rowErrors, setRowErrors] = useState<ReadonlyMap<string, string>>(new Map());
  const keys = useRef(new Map<string, string>());
  const { reload } = board;
  const createInvoice = useCallback(
    async (row: BoardRow) => {
      setCreating(row.commitmentId);
      setRowErrors((m) => {
        const next = new Map(m);
        next.delete(row.commitmentId);
        return next;
      });
      const key = keys.current.get(row.commitmentId) ?? newIdempotencyKey();
      keys.current.set(row.commitmentId, key);
      try {
        const created = await call(
          api.POST('/api/v1/projects/{projectId}/commitments/{commitmentId}/invoices', {
            params: { path: { projectId, commitmentId: row.commitmentId } },
            body: {},
            headers: { 'Idempotency-Key': key },
          }),
        );
        keys.current.delete(row.commitmentId);
        navigate(`${base}/invoices/${created.invoice.id}`);
      } catch (e) {
        const error = e instanceof ApiError ? e : new ApiError(0, undefined);
        if (error.status !== 0) keys.current.delete(row.commitmentId);
        const message = `Could not create the invoice: ${errorInWords(error, project.locale)}`;
        setRowErrors((m) => new Map(m).set(row.commitmentId, message));
        void reload();
      } finally {
        setCreating(null);
      }
    },
    [projectId, base, project.locale, reload],
  );

  // Each opening mounts a fresh dialog (key); closing keeps it mounted so focus returns to the button.
  const [dialog, setDialog] = useState<{ kind: 'invite' | 'status' | null; n: number }>({ kind: null, n: 0 });
  const openDialog = (kind: 'invite' | 'status') => setDialog((d) => ({ kind, n: d.n + 1 }));
  const closeDialog = useCallback(() => setDialog((d) => ({ ...d, kind: null })), []);

  const totals = useMemo(() => {
    const sum: Totals = { paymentDue: 0, contractSum: 0, billed: 0, paid: 0, remaining: 0 };
    for (const r of visible) {
      sum.paid += r.payments.paidToDateCents;
      sum.remaining += r.payments.remainingBalanceCents;
      sum.paymentDue += r.latestInvoice?.currentPaymentDueCents ?? 0;
      sum.contractSum += r.contractSumToDateCents;
      sum.billed += r.billedToDateCents;
    }
    return sum;
  }, [visible]);
  // The totals row: its label spans the checkbox and every column before the first amount shown.
  const firstMoney = shownColumns.findIndex((c) => isMoneyColumn(c.id));
  const labelSpan = 1 + (firstMoney === -1 ? shownColumns.length : firstMoney);

  const filtered = statuses.size > 0 || search.trim() !== '';
  const pastDue = period ? dueTone(period.dueOn, today) === 'late' : false;

  return (
    <div className="inv-billing-board">
      <PageHeader
        title={vocabulary.invoicing}
        subtitle="Subcontractor billing board: one row per commitment for the open billing period."
        actions={
          <>
            <Link to={`${base}/billing-periods`} className="btn btn-secondary">Billing periods</Link>{' '}
            <ExportLinks href={`/api/v1/projects/${encodeURIComponent(projectId)}/invoice-register`} what="The invoice register: every invoice with its G702, paid and balance" />
          </>
        }
      />

      <ErrorBanner error={board.error} onRetry={() => void board.reload()} />
      {(board.loading && !board.data) || !columns.ready ? <Loading label="Loading the billing board…" /> : null}

      {board.data && columns.ready ? (
        <>
          <PeriodHeader period={period} today={today} base={base} />

          <section aria-labelledby="board-filters" className="inv-board-filters">
            <h2 id="board-filters" className="inv-visually-hidden">
              Filters
            </h2>
            <div className="inv-chips" role="group" aria-label="Filter by billing status">
              <button type="button" className="inv-chip" aria-pressed={statuses.size === 0} onClick={() => setQuery({ status: null })}>
                All <span className="inv-chip-count">{rows.length}</span>
              </button>
              {BILLING_STATUS_ORDER.filter((s) => (counts.get(s) ?? 0) > 0 || statuses.has(s)).map((s) => (
                <button key={s} type="button" className={`inv-chip inv-chip-${s}`} aria-pressed={statuses.has(s)} onClick={() => toggleStatus(s)}>
                  {billingStatusLabel(s, vocabulary)} <span className="inv-chip-count">{counts.get(s) ?? 0}</span>
                </button>
              ))}
            </div>
            <div className="inv-board-search">
              <label htmlFor="board-search">Search</label>
              <input
                id="board-search"
                type="search"
                placeholder="Number, title or company"
                value={search}
                onChange={(e: ChangeEvent<HTMLInputElement>) => setQuery({ q: e.target.value })}
              />
              {filtered ? (
                <Button tone="link" onClick={() => setQuery({ q: null, status: null })}>
                  Clear filters
                </Button>
              ) : null}
              <ColumnChooser chooser={columns} tableName="billing board" />
            </div>
          </section>

          <div className="inv-bulk-bar" role="region" aria-label="Bulk actions">
            <p className="inv-bulk-count" aria-live="polite">
              {selectedRows.length === 0 ? 'Select commitments to send invites or change invoice statuses.' : `${selectedRows.length} selected`}
            </p>
            <div className="inv-bulk-actions">
              <Button tone="primary" disabled={selectedRows.length === 0 || !period} onClick={() => openDialog('invite')}>
                Send invites…
              </Button>
              <Button disabled={selectedRows.length === 0} onClick={() => openDialog('status')}>
                Change status…
              </Button>
              {selectedRows.length > 0 ? (
                <Button tone="link" onClick={() => setSelected(new Set())}>
                  Clear selection
                </Button>
              ) : null}
            </div>
            {board.loading ? <span className="muted inv-bulk-refresh" role="status"><span className="spinner" aria-hidden="true" /> Refreshing…</span> : null}
          </div>
          {!period ? <p className="hint">Invites go out for an open billing period only.</p> : pastDue ? <p className="hint">The due date has passed: invites can no longer be sent for this period, but you can still create invoices on a contact's behalf.</p> : null}

          {rows.length === 0 ? (
            <EmptyState title="This project has no commitments to bill yet.">
              <p>
                Create commitments under <Link to={`${base}/commitments`}>Commitments</Link>; each one gets a row here.
              </p>
            </EmptyState>
          ) : visible.length === 0 ? (
            <EmptyState title="No commitment matches these filters.">
              <Button onClick={() => setQuery({ q: null, status: null })}>Show all commitments</Button>
            </EmptyState>
          ) : (
            <div className="table-wrap inv-wrap inv-board-table-wrap" tabIndex={0} role="region" aria-label="Billing board">
              <table className="table inv-board-table">
                <caption className="inv-visually-hidden">
                  Commitments and their billing {period ? 'for the open billing period' : ''}: {visible.length} shown of {rows.length}
                </caption>
                <thead>
                  <tr>
                    <th scope="col" className="inv-col-check">
                      <input
                        ref={selectAllRef}
                        type="checkbox"
                        aria-label={allSelected ? 'Deselect all shown commitments' : 'Select all shown commitments'}
                        checked={allSelected}
                        onChange={(e) => setSelected(e.target.checked ? new Set(visible.map((r) => r.commitmentId)) : new Set())}
                      />
                    </th>
                    {shownColumns.map((c) => (
                      <th key={c.id} scope="col" className={HEADER_CLASSES[c.id]}>
                        {c.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {visible.map((row) => (
                    <Row
                      key={row.commitmentId}
                      row={row}
                      base={base}
                      hasPeriod={period !== null}
                      selected={selected.has(row.commitmentId)}
                      creating={creating === row.commitmentId}
                      error={rowErrors.get(row.commitmentId)}
                      busy={creating !== null}
                      visibleColumns={columns.visible}
                      onToggle={toggle}
                      onCreate={createInvoice}
                    />
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row" colSpan={labelSpan}>
                      Total of {visible.length} {visible.length === 1 ? 'commitment' : 'commitments'} shown
                    </th>
                    {shownColumns.slice(labelSpan - 1).map((c) =>
                      isMoneyColumn(c.id) ? (
                        <td key={c.id} className="num">
                          <Money cents={totals[c.id]} />
                        </td>
                      ) : (
                        <td key={c.id} />
                      ),
                    )}
                  </tr>
                </tfoot>
              </table>
            </div>
          )}
        </>
      ) : null}

      <SendInvitesDialog
        key={`invite-${dialog.n}`}
        open={dialog.kind === 'invite'}
        projectId={projectId}
        period={period}
        rows={selectedRows}
        onClose={closeDialog}
        onDone={reload}
      />
      <BulkStatusDialog
        key={`status-${dialog.n}`}
        open={dialog.kind === 'status'}
        projectId={projectId}
        rows={selectedRows}
        onClose={closeDialog}
        onDone={reload}
      />
    </div>
  );
}

function PeriodHeader({ period, today, base }: { period: Period | null; today: string; base: string }) {
  const { project } = useProject();
  if (!period) {
    return (
      <Notice tone="warning">
        <p>
          <strong>No billing period is open.</strong> Open one to send invites to bill and to let contacts submit invoices.
        </p>
        <Link to={`${base}/billing-periods?new=1`} className="btn btn-primary">
          Open a billing period
        </Link>
      </Notice>
    );
  }
  const tone = dueTone(period.dueOn, today);
  return (
    <section className="inv-period-summary" aria-label="Open billing period">
      <div>
        <p className="inv-period-label">Open billing period</p>
        <p className="inv-period-dates">{dayRange(period.startsOn, period.endsOn, project.locale)}</p>
      </div>
      <div>
        <p className="inv-period-label">Invoices due</p>
        <p className="inv-period-dates">
          <Day value={period.dueOn} />
        </p>
      </div>
      <div>
        <p className="inv-period-label">Time left</p>
        <p className={`inv-period-dates inv-due-${tone}`}>{dueText(period.dueOn, today)}</p>
      </div>
    </section>
  );
}

const HEADER_CLASSES: Record<string, string> = {
  commitment: 'inv-col-commitment',
  company: 'inv-col-company',
  status: 'inv-col-status',
  invoice: 'inv-col-invoice',
  paymentDue: 'num',
  contractSum: 'num',
  billed: 'num',
  paid: 'num',
  remaining: 'num',
};

const Row = memo(function Row({
  row,
  base,
  hasPeriod,
  selected,
  creating,
  error,
  busy,
  visibleColumns,
  onToggle,
  onCreate,
}: {
  row: BoardRow;
  error: string | undefined;
  base: string;
  hasPeriod: boolean;
  selected: boolean;
  creating: boolean;
  busy: boolean;
  visibleColumns: ReadonlySet<string>;
  onToggle: (id: string, on: boolean) => void;
  onCreate: (row: BoardRow) => Promise<void>;
}) {
  const { vocabulary } = useProject();
  const invite = row.invite as Schemas['Invite'] | null;
  const invoice = row.latestInvoice;
  const cells: Record<string, () => ReactNode> = {
    commitment: () => (
      <td className="inv-col-commitment">
        <Link to={`${base}/commitments/${row.commitmentId}`}>
          <span className="inv-commitment-number">{row.number}</span> {row.title}
        </Link>
      </td>
    ),
    company: () => <td className="inv-col-company">{row.contractCompanyName ?? <span className="muted">No company</span>}</td>,
    status: () => (
      <td className="inv-col-status">
        <StatusBadge status={row.billingStatus} label={billingStatusLabel(row.billingStatus, vocabulary)} />
        {/* The badge already says whether the invite was answered; the note adds what it does not. */}
        {invite && !invoice ? (
          <span className="inv-cell-note inv-status-note">
            {INVOICE_TYPE_LABELS[invite.invoiceType]} · invited <InstantDay iso={invite.invitedAt} />
            {invite.requestAttachments ? <span title={invite.attachmentsNote ?? undefined}> · attachments asked</span> : null}
          </span>
        ) : null}
      </td>
    ),
    invoice: () => (
      <td className="inv-col-invoice">
        {invoice ? (
          <>
            <Link to={`${base}/invoices/${invoice.id}`} aria-label={`Invoice ${invoiceName(invoice.label)} of ${row.number}`}>
              {invoiceName(invoice.label)}
            </Link>
            <OverBadge count={invoice.overbilledLineCount} />
            {row.invoicesInPeriod > 1 ? <span className="inv-cell-note">{row.invoicesInPeriod} invoices this period</span> : null}
            {invoice.submittedAt ? (
              <span className="inv-cell-note">
                submitted <InstantDay iso={invoice.submittedAt} />
              </span>
            ) : null}
          </>
        ) : hasPeriod ? (
          <>
            <Button busy={creating} disabled={busy && !creating} onClick={() => void onCreate(row)} aria-label={`Create invoice for ${row.number}`}>
              Create invoice
            </Button>
            {error ? (
              <span className="error-text inv-cell-error" role="alert">
                {error}
              </span>
            ) : null}
          </>
        ) : (
          <span className="muted">None</span>
        )}
      </td>
    ),
    paymentDue: () => (
      <td className="num">
        {invoice ? <Money cents={invoice.currentPaymentDueCents} /> : <span className="muted">—</span>}
        {invoice?.paidStatus ? <span className="inv-cell-note">{PAID_STATUS_LABELS[invoice.paidStatus]}</span> : null}
      </td>
    ),
    contractSum: () => (
      <td className="num">
        <Money cents={row.contractSumToDateCents} />
      </td>
    ),
    billed: () => (
      <td className="num">
        <Money cents={row.billedToDateCents} />
      </td>
    ),
    paid: () => (
      <td className="num">
        <Money cents={row.payments.paidToDateCents} />
        {row.payments.contractSumToDateCents !== 0 ? (
          <span className="inv-cell-note">
            <Percent bp={row.payments.percentPaidBp} /> paid
          </span>
        ) : null}
      </td>
    ),
    remaining: () => (
      <td className="num">
        <Money cents={row.payments.remainingBalanceCents} />
      </td>
    ),
    dueDate: () => (
      <td className="inv-nowrap">
        <ShortDay value={row.dueOn} />
      </td>
    ),
  };
  return (
    <tr className={selected ? 'inv-row-selected' : error ? 'inv-row-error' : undefined}>
      <td className="inv-col-check">
        <input type="checkbox" aria-label={`Select ${row.number}`} checked={selected} onChange={(e) => onToggle(row.commitmentId, e.target.checked)} />
      </td>
      {BOARD_COLUMNS.filter((c) => visibleColumns.has(c.id)).map((c) => (
        <Fragment key={c.id}>{cells[c.id]?.()}</Fragment>
      ))}
    </tr>
  );
});

/** A calendar day, without the year when it is this year ("Nov 25"); the full date on hover. */
const shortFormats = new Map<string, Intl.DateTimeFormat>();
function ShortDay({ value }: { value: string | null }) {
  const { project } = useProject();
  if (!value) return <span className="muted">—</span>;
  const sameYear = value.slice(0, 4) === projectToday(project.timeZone).slice(0, 4);
  const key = `${project.locale}|${sameYear}`;
  let format = shortFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(project.locale, { month: 'short', day: 'numeric', ...(sameYear ? {} : { year: 'numeric' }), timeZone: 'UTC' });
    shortFormats.set(key, format);
  }
  return (
    <time dateTime={value} title={day(value, project.locale)}>
      {format.format(new Date(`${value}T00:00:00Z`))}
    </time>
  );
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();
/** An instant shown as the day it fell on in the project's time zone. */
function InstantDay({ iso }: { iso: string }) {
  const { project } = useProject();
  const key = `${project.locale}|${project.timeZone}`;
  let format = dayFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(project.locale, { month: 'short', day: 'numeric', timeZone: project.timeZone });
    dayFormats.set(key, format);
  }
  const text = format.format(new Date(iso));
  return <time dateTime={iso}>{text}</time>;
}
