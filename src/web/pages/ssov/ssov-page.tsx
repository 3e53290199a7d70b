/**
 * A commitment's Subcontractor SOV (/projects/:projectId/commitments/:commitmentId/ssov): the
 * invoice contacts break each line of the schedule of values into detail lines, seeing the
 * remaining to allocate per line as they type; the invoice administrators review it (approve, send
 * back with a reason), ask the contacts to fill it in, and may edit it on their behalf. Everyone
 * else who may see the SOV reads it. Email links ("break down your Schedule of Values") land here.
 *
 * Keyboard, as in the invoice grid: Enter (Shift+Enter) moves to the same column of the next
 * (previous) detail line, the arrow keys up and down too, Tab goes across; Ctrl+S saves.
 */
import { useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { api, ApiError, call } from '../../api/client.ts';
import { Button, Dialog, EmptyState, ErrorBanner, Loading, Money, Notice, PageHeader, StatusBadge } from '../../components/ui.tsx';
import { useDocumentTitle, useLoad, useUnsavedChangesGuard } from '../../lib/hooks.ts';
import { useProject } from '../../lib/project.tsx';
import { Link } from '../../lib/router.tsx';
import { formatInstant, formatMoney } from '../../../domain/format.ts';
import { centsToInput, focusFirstError, parseMoneyInput, TextArea, toApiError, useFlash } from '../commitments/form-kit.tsx';
import {
  allocationProblems,
  billingLocks,
  detailItem,
  errorsFromServer,
  figuresOf,
  groupName,
  newRowKey,
  orderedRows,
  parentItem,
  rowsFromSsov,
  rowsSignature,
  totalsOf,
  validateRows,
  type DetailRow,
  type GroupErrors,
  type GroupFigures,
  type RowErrors,
  type Ssov,
  type SsovDetail,
} from './ssov-model.ts';
import './ssov.css';

type Params = { params: { path: { projectId: string; commitmentId: string } } };

export function SsovPage({ params }: { params: Record<string, string> }) {
  const projectId = params.projectId ?? '';
  const commitmentId = params.commitmentId ?? '';
  const { vocabulary } = useProject();
  const path: Params = { params: { path: { projectId, commitmentId } } };
  const ssov = useLoad(() => call(api.GET('/api/v1/projects/{projectId}/commitments/{commitmentId}/ssov', path)), [projectId, commitmentId]);
  const detail = useLoad(() => call(api.GET('/api/v1/projects/{projectId}/commitments/{commitmentId}', path)), [projectId, commitmentId]);
  const c = detail.data?.commitment;
  const commitmentLabel = c ? `${c.number}${c.title ? `: ${c.title}` : ''}` : '';
  useDocumentTitle(c ? `${vocabulary.subcontractorSov} · ${c.number}` : vocabulary.subcontractorSov);
  const back = (
    <p className="cm-back">
      <Link to={`/projects/${projectId}/commitments/${commitmentId}`}>← {commitmentLabel || 'Back to the commitment'}</Link>
    </p>
  );

  const error = ssov.error ?? detail.error;
  if (error?.status === 404) {
    return (
      <>
        <p className="cm-back">
          <Link to={`/projects/${projectId}/commitments`}>← All commitments</Link>
        </p>
        <PageHeader title="Not found" />
        <EmptyState title="This page does not exist, or you do not have access to it.">
          <p>If you think you should see this commitment, ask the project’s invoice administrator.</p>
        </EmptyState>
      </>
    );
  }
  if (error?.status === 403) {
    return (
      <>
        {back}
        <PageHeader title={vocabulary.subcontractorSov} />
        <EmptyState title="This commitment’s schedule of values is private.">
          <p>Its invoice contacts and the invoice administrators see it.</p>
        </EmptyState>
      </>
    );
  }
  if (error && (!ssov.data || !detail.data)) return <ErrorBanner error={error} onRetry={() => void Promise.all([ssov.reload(), detail.reload()])} />;
  if (!ssov.data || !detail.data) return <Loading label={`Loading the ${vocabulary.subcontractorSov}…`} />;
  if (!ssov.data.enabled) {
    return (
      <>
        {back}
        <PageHeader title={vocabulary.subcontractorSov} subtitle={commitmentLabel} />
        <EmptyState title={`This commitment does not use a ${vocabulary.subcontractorSov}.`}>
          <p>Its invoices bill the lines of the schedule of values. An invoice administrator can turn it on in the commitment’s details, before the first invoice.</p>
        </EmptyState>
      </>
    );
  }
  return (
    <>
      {back}
      <SsovWorkspace key={`${projectId}/${commitmentId}`} path={path} initial={ssov.data} commitmentLabel={commitmentLabel} />
    </>
  );
}

type Busy = null | 'save' | 'submit' | 'approve' | 'send_back' | 'request';

/** After a save the stored lines come back in the order sent: they keep their row keys (and the focus stays put). */
function keepKeys(fresh: DetailRow[], sent: DetailRow[]): DetailRow[] {
  if (fresh.length !== sent.length) return fresh;
  return fresh.map((row, i) => ({ ...row, key: sent[i]?.key ?? row.key }));
}

function SsovWorkspace({ path, initial, commitmentLabel }: { path: Params; initial: Ssov; commitmentLabel: string }) {
  const { project, vocabulary } = useProject();
  const money = (cents: number) => formatMoney(cents, project.currency, project.locale);
  const when = (iso: string) => formatInstant(new Date(iso), project.locale, project.timeZone);
  const [server, setServer] = useState<Ssov>(initial);
  const [base, setBase] = useState<{ version: number; rows: DetailRow[] }>(() => ({ version: initial.version, rows: rowsFromSsov(initial) }));
  const [rows, setRows] = useState<DetailRow[]>(() => rowsFromSsov(initial));
  const [rowErrors, setRowErrors] = useState<RowErrors>({});
  const [groupErrors, setGroupErrors] = useState<GroupErrors>({});
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [conflict, setConflict] = useState<Ssov | null>(null);
  const [busy, setBusy] = useState<Busy>(null);
  const [notice, setNotice] = useFlash();
  const [dialog, setDialog] = useState<null | 'approve' | 'send_back' | 'request'>(null);
  const gridRef = useRef<HTMLDivElement>(null);

  const groups = server.sovLines;
  const ordered = useMemo(() => orderedRows(groups, rows), [groups, rows]);
  const figures = useMemo(() => figuresOf(groups, rows), [groups, rows]);
  const totals = useMemo(() => totalsOf(figures), [figures]);
  const problems = useMemo(() => allocationProblems(figures, money), [figures, project.currency, project.locale]);
  const baseSignature = useMemo(() => rowsSignature(base.rows), [base]);
  const dirty = rowsSignature(ordered) !== baseSignature;
  useUnsavedChangesGuard(dirty);

  const you = server.you;
  const editable = you.canEditLines;
  const isAdmin = you.role === 'admin';
  const stored = useMemo(() => new Map<string, SsovDetail>(server.sovLines.flatMap((g) => g.lines.map((l) => [l.id, l] as const))), [server]);

  const adoptSaved = (fresh: Ssov, sent?: DetailRow[]) => {
    const freshRows = sent ? keepKeys(rowsFromSsov(fresh), sent) : rowsFromSsov(fresh);
    setServer(fresh);
    setBase({ version: fresh.version, rows: freshRows });
    setRows(freshRows);
    setConflict(null);
  };

  const loadFresh = () => call(api.GET('/api/v1/projects/{projectId}/commitments/{commitmentId}/ssov', path));

  /** A refusal: a conflict (someone else saved), or messages on the rows and SOV lines they concern. */
  const fail = async (err: unknown, sent: DetailRow[]) => {
    const e = toApiError(err);
    if (e.status === 409 || e.status === 412) {
      const fresh = await loadFresh().catch(() => null);
      if (fresh) setConflict(fresh);
      else setFailure(e);
      return;
    }
    const mapped = errorsFromServer(sent, e);
    setRowErrors(mapped.rows);
    setGroupErrors(mapped.groups);
    setFailure(e);
    focusFirstError(gridRef.current);
  };

  /** PUT the whole breakdown; the saved SSOV, or null when refused (the reasons are on screen). */
  const putLines = async (version: number, retried = false): Promise<Ssov | null> => {
    const sent = ordered;
    const { errors, lines } = validateRows(sent);
    setRowErrors(errors);
    setGroupErrors({});
    setFailure(null);
    if (Object.keys(errors).length > 0) {
      setFailure(new ApiError(400, { error: { message: 'Some detail lines need a fix before saving: see the marked cells.' } }));
      focusFirstError(gridRef.current);
      return null;
    }
    try {
      const fresh = await call(api.PUT('/api/v1/projects/{projectId}/commitments/{commitmentId}/ssov', { ...path, body: { version, lines } }));
      adoptSaved(fresh, sent);
      return fresh;
    } catch (err) {
      const e = toApiError(err);
      if ((e.status === 409 || e.status === 412) && !retried) {
        // Only the version moved (a status change, a request) and not the lines: save on top of it.
        const fresh = await loadFresh().catch(() => null);
        if (fresh && rowsSignature(rowsFromSsov(fresh)) === baseSignature) {
          setServer(fresh);
          setBase((b) => ({ ...b, version: fresh.version }));
          return putLines(fresh.version, true);
        }
      }
      await fail(err, sent);
      return null;
    }
  };

  const save = async () => {
    if (busy || conflict) return;
    setBusy('save');
    try {
      if (await putLines(base.version)) setNotice(`${vocabulary.subcontractorSov} saved.`);
    } finally {
      setBusy(null);
    }
  };

  /** Saves pending edits first, then moves the status; true when it moved. */
  const transition = async (action: 'submit' | 'approve' | 'send_back', reason = ''): Promise<boolean> => {
    if (busy || conflict) return false;
    setBusy(action);
    setFailure(null);
    setGroupErrors({});
    try {
      let version = base.version;
      if (dirty) {
        const saved = await putLines(version);
        if (!saved) return false;
        version = saved.version;
      }
      let fresh: Ssov;
      if (action === 'submit') fresh = await call(api.POST('/api/v1/projects/{projectId}/commitments/{commitmentId}/ssov/submit', { ...path, body: { version } }));
      else if (action === 'approve') fresh = await call(api.POST('/api/v1/projects/{projectId}/commitments/{commitmentId}/ssov/approve', { ...path, body: { version } }));
      else fresh = await call(api.POST('/api/v1/projects/{projectId}/commitments/{commitmentId}/ssov/send-back', { ...path, body: { version, reason } }));
      adoptSaved(fresh, orderedRows(fresh.sovLines, rows));
      setNotice(
        action === 'submit'
          ? 'Submitted for review. The invoice administrators have been notified.'
          : action === 'approve'
            ? 'Approved. New invoices of this commitment bill its detail lines.'
            : 'Sent back for revision. The invoice contacts have been emailed your reason.',
      );
      return true;
    } catch (err) {
      await fail(err, []);
      return false;
    } finally {
      setBusy(null);
    }
  };

  const request = async (message: string, key: string): Promise<string | null> => {
    setBusy('request');
    setFailure(null);
    try {
      const result = await call(
        api.POST('/api/v1/projects/{projectId}/commitments/{commitmentId}/ssov/request', {
          ...path,
          headers: { 'Idempotency-Key': key },
          body: message.trim() ? { message: message.trim() } : {},
        }),
      );
      // Asking changes no line: the draft on screen stays as it is.
      setServer(result.ssov);
      setBase((b) => (rowsSignature(rowsFromSsov(result.ssov)) === rowsSignature(b.rows) ? { ...b, version: result.ssov.version } : b));
      const n = result.emailed.length;
      const skipped = result.skipped.map((s) => s.reason);
      setNotice(
        `${n === 0 ? 'No invoice contact was emailed' : `The request was emailed to ${n} ${n === 1 ? vocabulary.invoiceContact : vocabulary.invoiceContacts}`}.` +
          (skipped.length > 0 ? ` Not emailed: ${skipped.join('; ')}.` : ''),
      );
      return null;
    } catch (err) {
      return toApiError(err).message;
    } finally {
      setBusy(null);
    }
  };

  // ---- Editing ------------------------------------------------------------------------------

  const update = (key: string, patch: Partial<DetailRow>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  const focusLater = (selector: string) =>
    window.requestAnimationFrame(() => {
      const el = gridRef.current?.querySelector<HTMLElement>(selector);
      el?.focus();
    });

  const addRow = (sovLineId: string) => {
    const key = newRowKey();
    setRows((rs) => [...rs, { key, sovLineId, description: '', costCode: '', amount: '' }]);
    focusLater(`input[data-key="${key}"][data-col="description"]`);
  };

  const removeRow = (row: DetailRow) => {
    const siblings = ordered.filter((r) => r.sovLineId === row.sovLineId);
    const at = siblings.findIndex((r) => r.key === row.key);
    const next = siblings[at + 1] ?? siblings[at - 1];
    setRows((rs) => rs.filter((r) => r.key !== row.key));
    setRowErrors((errs) => {
      const { [row.key]: _gone, ...rest } = errs;
      return rest;
    });
    focusLater(next ? `button[data-remove="${next.key}"]` : `button[data-add="${row.sovLineId}"]`);
  };

  const onGridKeyDown = (e: KeyboardEvent<HTMLTableElement>) => {
    const target = e.target as HTMLElement;
    const index = target.dataset.index;
    const col = target.dataset.col;
    if (index === undefined || col === undefined || e.altKey || e.ctrlKey || e.metaKey) return;
    let next = Number(index);
    if (e.key === 'ArrowDown' || (e.key === 'Enter' && !e.shiftKey)) next += 1;
    else if (e.key === 'ArrowUp' || (e.key === 'Enter' && e.shiftKey)) next -= 1;
    else return;
    e.preventDefault();
    if (col === 'amount' && e.key === 'Enter') tidyAmount(target.dataset.key ?? '');
    const el = gridRef.current?.querySelector<HTMLInputElement>(`input[data-index="${next}"][data-col="${col}"]`);
    if (el) {
      el.focus();
      el.select();
    }
  };

  const tidyAmount = (key: string) =>
    setRows((rs) =>
      rs.map((r) => {
        if (r.key !== key) return r;
        const p = parseMoneyInput(r.amount);
        return p.ok && centsToInput(p.value) !== r.amount ? { ...r, amount: centsToInput(p.value) } : r;
      }),
    );

  const onPageKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      if (editable && dirty) void save();
    }
  };

  // ---- What the person may do now ----------------------------------------------------------

  const canSubmit = you.allowedActions.includes('submit');
  const canApprove = you.allowedActions.includes('approve');
  const canSendBack = you.allowedActions.includes('send_back');
  const allocated = problems.length === 0;
  const blockedId = 'ssov-blocked';
  const saveBlocked = editable && you.mustStayFullyAllocated && !allocated;
  const statusLabel = server.statusLabel;

  const readOnlyReason = (() => {
    if (editable) return null;
    if (you.role === 'viewer') return `You can see this ${vocabulary.subcontractorSov}; its ${vocabulary.invoiceContacts} and the invoice administrators change it.`;
    if (server.status === 'under_review') return `It is with the invoice administrators for review. You can change it again if they send it back for revision.`;
    if (server.status === 'approved') return `It is approved: new invoices bill these detail lines. Ask the invoice administrator if it needs to change.`;
    return null;
  })();

  return (
    <div className="ssov-page" onKeyDown={onPageKeyDown}>
      <PageHeader
        title={vocabulary.subcontractorSov}
        subtitle={
          <span className="cm-subtitle">
            <span>{commitmentLabel}</span>
            <span data-testid="ssov-status">
              <StatusBadge status={server.status} label={statusLabel} />
            </span>
            <span className="muted">Version {server.version}</span>
          </span>
        }
      />

      {server.status === 'revise_and_resubmit' && server.sentBackReason ? (
        <div className="banner banner-warning ssov-sent-back" role="alert" data-testid="sent-back-reason">
          <div>
            <p>
              <strong>Sent back for revision</strong>
              {server.sentBackBy ? ` by ${server.sentBackBy.name}` : ''}
              {server.sentBackAt ? ` on ${when(server.sentBackAt)}` : ''}:
            </p>
            <blockquote className="ssov-reason">{server.sentBackReason}</blockquote>
            {you.role === 'contact' ? <p>Change the detail lines, then submit it for review again.</p> : null}
          </div>
        </div>
      ) : null}

      {conflict ? (
        <div className="banner banner-warning" role="alert">
          <div>
            <p>
              <strong>Someone else changed this {vocabulary.subcontractorSov} while you were editing</strong> (it is now {conflict.statusLabel}, version {conflict.version}). Nothing of yours was saved.
            </p>
            <p>Reload to see their version. Your unsaved edits will be lost: copy anything you need first.</p>
          </div>
          <Button tone="primary" onClick={() => adoptSaved(conflict)}>
            Reload their version
          </Button>
        </div>
      ) : null}
      <ErrorBanner error={failure} />
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      {readOnlyReason ? <Notice>{readOnlyReason}</Notice> : null}

      <dl className="cm-totals" aria-label="Allocation">
        <div>
          <dt>Schedule of values</dt>
          <dd>
            <Money cents={totals.scheduledValueCents} />
          </dd>
        </div>
        <div>
          <dt>Allocated</dt>
          <dd>{totals.allocatedCents === null ? <span className="ssov-pending">Check the amounts</span> : <Money cents={totals.allocatedCents} />}</dd>
        </div>
        <div className={totals.remainingCents === 0 ? undefined : 'ssov-open'}>
          <dt>Remaining to allocate</dt>
          <dd data-testid="ssov-total-remaining">{totals.remainingCents === null ? <span className="ssov-pending">Check the amounts</span> : <Money cents={totals.remainingCents} />}</dd>
        </div>
      </dl>

      <section className="card" aria-labelledby="ssov-lines-title">
        <div className="card-header">
          <h2 id="ssov-lines-title">Detail lines by schedule of values line</h2>
        </div>
        {editable ? (
          <p className="hint">
            Break each line of the schedule of values into detail lines; their amounts must add up to the line’s scheduled value (nothing remaining to allocate). Enter and the arrow keys move
            between lines; Ctrl+S saves.
            {isAdmin ? ` As an invoice administrator you edit it on the ${vocabulary.invoiceContacts}’ behalf; they are not emailed about your changes.` : ''}
          </p>
        ) : null}
        {groups.length === 0 ? (
          <EmptyState title="The schedule of values has no lines yet.">
            <p>The invoice administrator enters it on the commitment first.</p>
          </EmptyState>
        ) : (
          <div className="ssov-wrap" ref={gridRef} {...(editable ? {} : { role: 'region', 'aria-label': 'Detail lines', tabIndex: 0 })}>
            <table className="g703 ssov-grid" onKeyDown={editable ? onGridKeyDown : undefined}>
              <caption className="visually-hidden">
                {vocabulary.subcontractorSov}: each schedule of values line, then its detail lines.{editable ? ' Enter and the arrow keys move between detail lines.' : ''}
              </caption>
              <thead>
                <tr>
                  <th scope="col" className="text ssov-col-item">
                    Item
                  </th>
                  <th scope="col" className="text">
                    Description
                  </th>
                  <th scope="col" className="text ssov-col-code">
                    Cost code
                  </th>
                  <th scope="col" className="ssov-col-money">
                    Scheduled value
                  </th>
                  <th scope="col" className="ssov-col-money">
                    Amount
                  </th>
                  <th scope="col" className="ssov-col-money">
                    Remaining to allocate
                  </th>
                  {editable ? (
                    <th scope="col" className="text ssov-col-actions">
                      <span className="visually-hidden">Line actions</span>
                    </th>
                  ) : null}
                </tr>
              </thead>
              {figures.map((f) => (
                <GroupRows
                  key={f.group.sovLineId}
                  figures={f}
                  ordered={ordered}
                  editable={editable}
                  rowErrors={rowErrors}
                  groupError={groupErrors[f.group.sovLineId]}
                  stored={stored}
                  money={money}
                  onChange={update}
                  onTidy={tidyAmount}
                  onAdd={addRow}
                  onRemove={removeRow}
                />
              ))}
              <tfoot>
                <tr>
                  <td colSpan={3} className="text">
                    Total ({ordered.length} detail {ordered.length === 1 ? 'line' : 'lines'})
                  </td>
                  <td>
                    <Money cents={totals.scheduledValueCents} />
                  </td>
                  <td>{totals.allocatedCents === null ? <span className="ssov-pending">Check the amounts</span> : <Money cents={totals.allocatedCents} />}</td>
                  <td className={totals.remainingCents === 0 ? undefined : 'ssov-open'}>
                    {totals.remainingCents === null ? <span className="ssov-pending">—</span> : <Money cents={totals.remainingCents} />}
                  </td>
                  {editable ? <td /> : null}
                </tr>
              </tfoot>
            </table>
          </div>
        )}

        {editable || canSubmit || canApprove || canSendBack || you.canRequest ? (
          <div className="cm-save-bar sticky-actions ssov-actions" role="group" aria-label={`${vocabulary.subcontractorSov} actions`}>
            {editable ? dirty ? <span className="cm-unsaved">Unsaved changes</span> : <span className="muted">All changes saved</span> : <span />}
            {(canSubmit || canApprove || saveBlocked) && !allocated ? (
              <p className="ssov-blocked" id={blockedId}>
                {saveBlocked ? 'Every SOV line must stay fully allocated while it is under review or approved' : `To ${canSubmit ? 'submit' : 'approve'}, every SOV line must be fully allocated`}:{' '}
                {problems.join('; ')}.
              </p>
            ) : null}
            {editable ? (
              <>
                <Button
                  disabled={!dirty || !!busy}
                  onClick={() => {
                    setRows(base.rows);
                    setRowErrors({});
                    setGroupErrors({});
                    setFailure(null);
                  }}
                >
                  Discard changes
                </Button>
                <Button
                  tone={canSubmit || canApprove ? 'secondary' : 'primary'}
                  busy={busy === 'save'}
                  disabled={!dirty || !!busy || !!conflict || saveBlocked}
                  aria-describedby={saveBlocked ? blockedId : undefined}
                  onClick={() => void save()}
                >
                  {server.status === 'draft' || server.status === 'revise_and_resubmit' ? 'Save draft' : 'Save changes'}
                </Button>
              </>
            ) : null}
            {you.canRequest ? (
              <Button disabled={!!busy} onClick={() => setDialog('request')}>
                Ask the {vocabulary.invoiceContacts} to fill it in…
              </Button>
            ) : null}
            {canSendBack ? (
              <Button disabled={!!busy || !!conflict} onClick={() => setDialog('send_back')}>
                Send back…
              </Button>
            ) : null}
            {canSubmit ? (
              <Button
                tone={isAdmin ? 'secondary' : 'primary'}
                busy={busy === 'submit'}
                disabled={!allocated || !!busy || !!conflict}
                aria-describedby={!allocated ? blockedId : undefined}
                onClick={() => void transition('submit')}
              >
                {server.status === 'revise_and_resubmit' && !isAdmin ? 'Resubmit for review' : isAdmin ? 'Submit for review on their behalf' : 'Submit for review'}
              </Button>
            ) : null}
            {canApprove ? (
              <Button tone="primary" disabled={!allocated || !!busy || !!conflict} aria-describedby={!allocated ? blockedId : undefined} onClick={() => setDialog('approve')}>
                Approve…
              </Button>
            ) : null}
          </div>
        ) : null}
      </section>

      <Trail ssov={server} when={when} />

      <ApproveDialog
        open={dialog === 'approve'}
        title={`Approve the ${vocabulary.subcontractorSov}?`}
        lineCount={ordered.length}
        dirty={dirty}
        busy={busy === 'approve'}
        onClose={() => setDialog(null)}
        onConfirm={async () => {
          await transition('approve');
          setDialog(null);
        }}
      />
      {dialog === 'send_back' ? (
        <SendBackDialog
          what={vocabulary.subcontractorSov}
          who={vocabulary.invoiceContacts}
          busy={busy === 'send_back'}
          onClose={() => setDialog(null)}
          onConfirm={async (reason) => {
            const ok = await transition('send_back', reason);
            setDialog(null);
            return ok;
          }}
        />
      ) : null}
      {dialog === 'request' ? (
        <RequestDialog who={vocabulary.invoiceContacts} busy={busy === 'request'} onClose={() => setDialog(null)} onSend={request} />
      ) : null}
    </div>
  );
}

/** One SOV line: its figures, then its detail lines (inputs when editable), then "+ Add line". */
function GroupRows({
  figures: f,
  ordered,
  editable,
  rowErrors,
  groupError,
  stored,
  money,
  onChange,
  onTidy,
  onAdd,
  onRemove,
}: {
  figures: GroupFigures;
  ordered: DetailRow[];
  editable: boolean;
  rowErrors: RowErrors;
  groupError: string | undefined;
  stored: Map<string, SsovDetail>;
  money: (cents: number) => string;
  onChange: (key: string, patch: Partial<DetailRow>) => void;
  onTidy: (key: string) => void;
  onAdd: (sovLineId: string) => void;
  onRemove: (row: DetailRow) => void;
}) {
  const g = f.group;
  const item = parentItem(g);
  const open = f.remainingCents !== 0;
  const groupNoteId = `ssov-group-note-${g.sovLineId}`;
  return (
    <tbody className="ssov-group-body">
      <tr className={`ssov-group${open ? ' ssov-group-open' : ''}`} data-sov-item={item}>
        <th scope="row" className="text">
          {item}
        </th>
        <td className="text">
          <strong>{g.description}</strong>
          {groupError ? (
            <span className="line-note" id={groupNoteId}>
              {groupError}
            </span>
          ) : null}
        </td>
        <td className="text">{g.costCode}</td>
        <td>
          <Money cents={g.scheduledValueCents} />
        </td>
        <td className="ssov-allocated">{f.allocatedCents === null ? <span className="ssov-pending">Check the amounts</span> : <Money cents={f.allocatedCents} />}</td>
        <td className={`ssov-remaining${open ? ' ssov-open' : ''}`} data-testid={`remaining-${item}`}>
          {f.remainingCents === null ? (
            <span className="ssov-pending">—</span>
          ) : (
            <>
              <Money cents={f.remainingCents} />
              {f.remainingCents < 0 ? <span className="ssov-over"> over-allocated</span> : null}
            </>
          )}
        </td>
        {editable ? <td /> : null}
      </tr>
      {f.rows.length === 0 && !editable ? (
        <tr>
          <td />
          <td colSpan={5} className="text muted">
            Not broken down yet.
          </td>
        </tr>
      ) : null}
      {f.rows.map((row, i) => (
        <DetailRowView
          key={row.key}
          row={row}
          index={ordered.indexOf(row)}
          itemNumber={detailItem(g, i)}
          editable={editable}
          error={rowErrors[row.key]}
          line={row.id ? stored.get(row.id) : undefined}
          money={money}
          onChange={onChange}
          onTidy={onTidy}
          onRemove={onRemove}
        />
      ))}
      {editable ? (
        <tr className="ssov-add">
          <td />
          <td colSpan={6} className="text">
            <button type="button" className="btn btn-link" data-add={g.sovLineId} onClick={() => onAdd(g.sovLineId)}>
              <span aria-hidden="true">+ </span>Add line<span className="visually-hidden"> to {groupName(g)}</span>
            </button>
          </td>
        </tr>
      ) : null}
    </tbody>
  );
}

function DetailRowView({
  row,
  index,
  itemNumber,
  editable,
  error,
  line,
  money,
  onChange,
  onTidy,
  onRemove,
}: {
  row: DetailRow;
  index: number;
  itemNumber: string;
  editable: boolean;
  error: RowErrors[string] | undefined;
  line: SsovDetail | undefined;
  money: (cents: number) => string;
  onChange: (key: string, patch: Partial<DetailRow>) => void;
  onTidy: (key: string) => void;
  onRemove: (row: DetailRow) => void;
}) {
  const e = error ?? {};
  const locks = billingLocks(line);
  const amountLocked = locks.amount !== null && line !== undefined && row.amount === centsToInput(line.amountCents);
  const noteId = `ssov-note-${row.key}`;
  const removeNoteId = `ssov-remove-note-${row.key}`;
  const notes: { id: string; text: string; tone: 'error' | 'info' }[] = [];
  for (const [col, text] of Object.entries(e)) if (text) notes.push({ id: `${noteId}-${col}`, text, tone: 'error' });
  if (editable && locks.amount) notes.push({ id: `${noteId}-amount-lock`, text: locks.amount, tone: 'info' });
  if (editable && locks.remove) notes.push({ id: removeNoteId, text: locks.remove, tone: 'info' });
  const describedBy = (col: string) => [e[col as keyof typeof e] ? `${noteId}-${col}` : '', col === 'amount' && locks.amount ? `${noteId}-amount-lock` : ''].filter(Boolean).join(' ') || undefined;
  const invoices = line?.billing.invoices ?? [];

  if (!editable) {
    const amount = parseMoneyInput(row.amount);
    return (
      <tr className="ssov-line" data-item={itemNumber}>
        <th scope="row" className="text">
          {itemNumber}
        </th>
        <td className="text">
          {row.description}
          {invoices.length > 0 ? <span className="ssov-billed">On {invoices.map((i) => i.label).join(', ')}</span> : null}
        </td>
        <td className="text">{row.costCode}</td>
        <td />
        <td>{amount.ok ? money(amount.value) : row.amount}</td>
        <td />
      </tr>
    );
  }

  const cell = (col: 'description' | 'costCode' | 'amount', label: string, extra: { className?: string; readOnly?: boolean } = {}, after?: ReactNode) => (
    <td className={`cell-input${extra.className ? ` ${extra.className}` : ''}${e[col] ? ' ssov-cell-error' : ''}`}>
      <input
        type="text"
        aria-label={`${label}, line ${itemNumber}`}
        autoComplete="off"
        spellCheck={col === 'description'}
        inputMode={col === 'amount' ? 'decimal' : undefined}
        value={row[col]}
        readOnly={extra.readOnly}
        data-index={index}
        data-key={row.key}
        data-col={col}
        aria-invalid={e[col] ? true : undefined}
        aria-describedby={describedBy(col)}
        onChange={(ev) => onChange(row.key, { [col]: ev.target.value })}
        onBlur={col === 'amount' ? () => onTidy(row.key) : undefined}
      />
      {after}
    </td>
  );

  return (
    <tr className={`ssov-line${Object.keys(e).length > 0 ? ' line-error' : ''}`} data-item={itemNumber}>
      <th scope="row" className="text">
        {itemNumber}
      </th>
      {cell(
        'description',
        'Description',
        { className: 'ssov-text' },
        notes.length > 0 || invoices.length > 0 ? (
          <span className="ssov-notes">
            {notes.map((n) => (
              <span key={n.id} id={n.id} className={n.tone === 'error' ? 'line-note' : 'ssov-lock'}>
                {n.text}
              </span>
            ))}
            {invoices.length > 0 && !locks.amount && !locks.remove ? <span className="ssov-billed">On {invoices.map((i) => i.label).join(', ')}</span> : null}
          </span>
        ) : null,
      )}
      {cell('costCode', 'Cost code', { className: 'ssov-text' })}
      <td />
      {cell('amount', 'Amount', { readOnly: amountLocked })}
      <td />
      <td className="text ssov-row-actions">
        <button
          type="button"
          className="btn btn-link ssov-remove"
          data-remove={row.key}
          disabled={locks.remove !== null}
          aria-describedby={locks.remove ? removeNoteId : undefined}
          title={locks.remove ?? undefined}
          onClick={() => onRemove(row)}
        >
          Remove<span className="visually-hidden"> line {itemNumber}</span>
        </button>
      </td>
    </tr>
  );
}

function Trail({ ssov, when }: { ssov: Ssov; when: (iso: string) => string }) {
  const events: [string, string | null, { name: string } | null][] = [
    ['Asked to fill it in', ssov.requestedAt, ssov.requestedBy],
    ['Submitted for review', ssov.submittedAt, ssov.submittedBy],
    ['Sent back', ssov.sentBackAt, ssov.sentBackBy],
    ['Approved', ssov.approvedAt, ssov.approvedBy],
  ];
  // In the order they happened (the latest of each kind).
  const shown = events.filter(([, at]) => at !== null).sort((x, y) => (x[1] ?? '').localeCompare(y[1] ?? ''));
  if (shown.length === 0) return null;
  return (
    <section className="card" aria-labelledby="ssov-trail-title">
      <div className="card-header">
        <h2 id="ssov-trail-title">History</h2>
      </div>
      <dl className="cm-facts">
        {shown.map(([label, at, by]) => (
          <div key={label} className="ssov-trail-item">
            <dt>{label}</dt>
            <dd>
              {at ? when(at) : ''}
              {by ? ` by ${by.name}` : ''}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

function ApproveDialog({
  open,
  title,
  lineCount,
  dirty,
  busy,
  onClose,
  onConfirm,
}: {
  open: boolean;
  title: string;
  lineCount: number;
  dirty: boolean;
  busy: boolean;
  onClose: () => void;
  onConfirm: () => Promise<void>;
}) {
  return (
    <Dialog
      open={open}
      title={title}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button tone="primary" busy={busy} onClick={() => void onConfirm()}>
            Approve
          </Button>
        </>
      }
    >
      <p>
        New invoices of this commitment will bill its {lineCount} detail {lineCount === 1 ? 'line' : 'lines'}, each rolled up to its line of the schedule of values. Nobody is emailed.
      </p>
      {dirty ? <p>Your unsaved changes are saved first.</p> : null}
    </Dialog>
  );
}

function SendBackDialog({
  what,
  who,
  busy,
  onClose,
  onConfirm,
}: {
  what: string;
  who: string;
  busy: boolean;
  onClose: () => void;
  onConfirm: (reason: string) => Promise<boolean>;
}) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const submit = async () => {
    if (!reason.trim()) {
      setError('Say why it goes back, so they know what to change.');
      return;
    }
    setError(undefined);
    await onConfirm(reason.trim());
  };
  return (
    <Dialog
      open
      title={`Send the ${what} back?`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button tone="primary" busy={busy} onClick={() => void submit()}>
            Send back
          </Button>
        </>
      }
    >
      <p>
        It goes back to the {who} as Revise &amp; Resubmit, and they are emailed your reason. Until it is approved again, the commitment cannot be invited to bill or invoiced.
      </p>
      <TextArea label="Reason (emailed to them)" value={reason} onChange={(e) => setReason(e.target.value)} error={error} required maxLength={2000} rows={4} />
    </Dialog>
  );
}

function RequestDialog({ who, busy, onClose, onSend }: { who: string; busy: boolean; onClose: () => void; onSend: (message: string, key: string) => Promise<string | null> }) {
  const [message, setMessage] = useState('');
  const [error, setError] = useState<string | null>(null);
  // One key per dialog: a double click or a retried request never emails twice.
  const [key] = useState(() => crypto.randomUUID());
  return (
    <Dialog
      open
      title={`Ask the ${who} to fill it in`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            tone="primary"
            busy={busy}
            onClick={() =>
              void onSend(message, key).then((failed) => {
                if (failed) setError(failed);
                else onClose();
              })
            }
          >
            Send the request
          </Button>
        </>
      }
    >
      <ErrorBanner error={error} />
      <p>Each of them is emailed an invitation to break down the schedule of values, with a link to this page.</p>
      <TextArea label="Message (optional, added to the email)" value={message} onChange={(e) => setMessage(e.target.value)} maxLength={2000} rows={3} />
    </Dialog>
  );
}
