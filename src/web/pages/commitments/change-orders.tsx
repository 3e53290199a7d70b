/**
 * Change orders: list; for invoice administrators create with lines (negative amounts are
 * deductions), edit lines while draft or pending, and move draft → pending → approved, or void.
 */
import { Fragment, useCallback, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { api, ApiError, call, type Schemas } from '../../api/client.ts';
import { Button, Card, EmptyState, ErrorBanner, Loading, Money, Notice, StatusBadge, TextInput } from '../../components/ui.tsx';
import { useLoad } from '../../lib/hooks.ts';
import { useProjectFormat } from '../../lib/project.tsx';
import { formatMoney } from '../../../domain/format.ts';
import { ConfirmDialog, ConflictNotice, toApiError, useFlash, useFocusFirstError, useReportDirty, type ChangeLine } from './form-kit.tsx';
import { CHANGE_ORDER_STATUS_LABELS, CHANGE_ORDER_STATUS_TONES, type ChangeOrderStatus } from './labels.ts';
import { emptyRow, LinesGrid, rowErrorsFromServer, rowsFrom, rowsSignature, validateRows, type LineRow, type RowErrors } from './lines-grid.tsx';

type ChangeOrder = Schemas['ChangeOrder'];

const MOVES: Record<ChangeOrderStatus, { to: ChangeOrderStatus; label: string; tone: 'primary' | 'secondary' | 'danger' }[]> = {
  draft: [
    { to: 'pending', label: 'Submit for approval', tone: 'secondary' },
    { to: 'approved', label: 'Approve', tone: 'primary' },
    { to: 'void', label: 'Void', tone: 'danger' },
  ],
  pending: [
    { to: 'draft', label: 'Back to draft', tone: 'secondary' },
    { to: 'approved', label: 'Approve', tone: 'primary' },
    { to: 'void', label: 'Void', tone: 'danger' },
  ],
  approved: [{ to: 'void', label: 'Void', tone: 'danger' }],
  void: [],
};

function path(projectId: string, commitmentId: string) {
  return { params: { path: { projectId, commitmentId } } };
}

export function ChangeOrders({
  projectId,
  commitmentId,
  canEdit,
  onApprovedChange,
  report,
}: {
  projectId: string;
  commitmentId: string;
  canEdit: boolean;
  /** Approving or voiding changes the contract sum: the page reloads its totals. */
  onApprovedChange: () => void;
  report?: (key: string, dirty: boolean) => void;
}) {
  const list = useLoad(() => call(api.GET('/api/v1/projects/{projectId}/commitments/{commitmentId}/change-orders', path(projectId, commitmentId))), [projectId, commitmentId]);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [editing, setEditing] = useState<{ mode: 'new' } | { mode: 'edit'; co: ChangeOrder } | null>(null);
  const [moving, setMoving] = useState<{ co: ChangeOrder; to: ChangeOrderStatus; label: string } | null>(null);
  const [moveError, setMoveError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [flash, setFlash] = useFlash();

  if (list.error?.status === 403) return null; // the SOV card already says the schedule is private
  const items = list.data?.data ?? [];

  const replace = (co: ChangeOrder) => {
    if (!list.data) return;
    const exists = list.data.data.some((c) => c.id === co.id);
    list.setData({ data: exists ? list.data.data.map((c) => (c.id === co.id ? co : c)) : [co, ...list.data.data] });
  };

  const doMove = async () => {
    if (!moving) return;
    setBusy(true);
    setMoveError(null);
    try {
      const co = await call(
        api.PATCH('/api/v1/projects/{projectId}/commitments/{commitmentId}/change-orders/{changeOrderId}', {
          params: { path: { projectId, commitmentId, changeOrderId: moving.co.id } },
          body: { version: moving.co.version, status: moving.to },
        }),
      );
      replace(co);
      setFlash(`${co.number} is now ${CHANGE_ORDER_STATUS_LABELS[co.status].toLowerCase()}.`);
      if (moving.to === 'approved' || moving.co.status === 'approved') onApprovedChange();
      setMoving(null);
    } catch (err) {
      const e = toApiError(err);
      if (e.status === 409 || e.status === 412) {
        await list.reload();
        setMoveError(new ApiError(409, { error: { message: `${moving.co.number} was changed by someone else. It is reloaded: check it and try again.` } }));
        setMoving(null);
      } else setMoveError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      title="Change orders"
      actions={
        canEdit && !editing ? (
          <Button onClick={() => setEditing({ mode: 'new' })}>New change order</Button>
        ) : null
      }
    >
      {list.error ? <ErrorBanner error={list.error} onRetry={() => void list.reload()} /> : null}
      {!list.data && !list.error ? <Loading label="Loading change orders…" /> : null}
      {flash ? <Notice tone="success">{flash}</Notice> : null}
      {moveError && !moving ? <ErrorBanner error={moveError} /> : null}
      {editing?.mode === 'new' ? (
        <ChangeOrderEditor
          projectId={projectId}
          commitmentId={commitmentId}
          existing={null}
          report={report}
          onDone={(co) => {
            setEditing(null);
            if (co) {
              replace(co);
              setFlash(`Change order ${co.number} created.`);
              if (co.status === 'approved') onApprovedChange();
            }
          }}
        />
      ) : null}
      {list.data && items.length === 0 && editing?.mode !== 'new' ? <EmptyState title="No change orders yet." /> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table cm-co-table">
            <caption className="visually-hidden">Change orders</caption>
            <thead>
              <tr>
                <th scope="col">Number</th>
                <th scope="col">Title</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((co) => {
                const isOpen = open.has(co.id);
                const isEditing = editing?.mode === 'edit' && editing.co.id === co.id;
                const editable = canEdit && (co.status === 'draft' || co.status === 'pending');
                return (
                  <Fragment key={co.id}>
                    <tr>
                      <td>
                        <button
                          type="button"
                          className="btn btn-link cm-disclosure"
                          aria-expanded={isOpen || isEditing}
                          aria-controls={`co-${co.id}`}
                          onClick={() => setOpen((s) => {
                            const n = new Set(s);
                            if (n.has(co.id)) n.delete(co.id);
                            else n.add(co.id);
                            return n;
                          })}
                        >
                          <span aria-hidden="true">{isOpen || isEditing ? '▾' : '▸'}</span> {co.number}
                        </button>
                      </td>
                      <td>{co.title || <span className="muted">(no title)</span>}</td>
                      <td>
                        <StatusBadge status={CHANGE_ORDER_STATUS_TONES[co.status]} label={CHANGE_ORDER_STATUS_LABELS[co.status]} />
                      </td>
                      <td className="num">
                        <Money cents={co.totalCents} />
                      </td>
                      <td className="cm-co-actions">
                        {canEdit ? (
                          <>
                            {editable && !editing ? (
                              <Button tone="link" onClick={() => setEditing({ mode: 'edit', co })} aria-label={`Edit ${co.number}`}>
                                Edit
                              </Button>
                            ) : null}
                            {!editing
                              ? MOVES[co.status].map((m) => (
                                  <Button key={m.to} tone="link" onClick={() => { setMoveError(null); setMoving({ co, to: m.to, label: m.label }); }} aria-label={`${m.label} ${co.number}`}>
                                    {m.label}
                                  </Button>
                                ))
                              : null}
                          </>
                        ) : null}
                      </td>
                    </tr>
                    {isOpen || isEditing ? (
                      <tr id={`co-${co.id}`} className="cm-co-detail">
                        <td colSpan={5}>
                          {isEditing ? (
                            <ChangeOrderEditor
                              projectId={projectId}
                              commitmentId={commitmentId}
                              existing={co}
                              report={report}
                              onDone={(saved, wasSaved) => {
                                setEditing(null);
                                if (saved) {
                                  replace(saved);
                                  if (wasSaved) setFlash(`${saved.number} saved.`);
                                  if (saved.status !== co.status) onApprovedChange();
                                }
                              }}
                            />
                          ) : (
                            <ChangeOrderLines co={co} />
                          )}
                        </td>
                      </tr>
                    ) : null}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      <ConfirmDialog
        open={!!moving}
        title={moving ? `${moving.label} ${moving.co.number}?` : ''}
        confirmLabel={moving?.label ?? 'OK'}
        tone={moving?.to === 'void' ? 'danger' : 'primary'}
        busy={busy}
        onConfirm={() => void doMove()}
        onClose={() => {
          setMoving(null);
          setMoveError(null);
        }}
      >
        {moving?.to === 'approved' ? (
          <p>
            Its lines (<Money cents={moving.co.totalCents} />) join the schedule of values for billing and can no longer change.
          </p>
        ) : moving?.to === 'void' ? (
          <p>
            A void change order no longer counts anywhere and cannot be reopened.{' '}
            {moving.co.status === 'approved' ? 'An approved change order can be voided only while none of its lines has been billed.' : ''}
          </p>
        ) : moving?.to === 'pending' ? (
          <p>It waits for approval; its lines can still change.</p>
        ) : (
          <p>It goes back to draft.</p>
        )}
        <ErrorBanner error={moveError} />
      </ConfirmDialog>
    </Card>
  );
}

function ChangeOrderLines({ co }: { co: ChangeOrder }) {
  if (co.lines.length === 0) return <p className="muted">This change order has no lines.</p>;
  return (
    <table className="table cm-co-lines">
      <caption className="visually-hidden">Lines of {co.number}</caption>
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col">Cost code</th>
          <th scope="col">Description</th>
          <th scope="col" className="num">
            Amount
          </th>
        </tr>
      </thead>
      <tbody>
        {co.lines.map((l) => (
          <tr key={l.id}>
            <td>{l.itemNumber}</td>
            <td>{l.costCode}</td>
            <td>{l.description}</td>
            <td className="num">
              <Money cents={l.amountCents} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type CoDraft = { number: string; title: string; rows: LineRow[] };

function draftOf(co: ChangeOrder | null): CoDraft {
  if (!co) return { number: '', title: '', rows: [emptyRow('1')] };
  return { number: co.number, title: co.title, rows: rowsFrom(co.lines, (l) => l.amountCents) };
}

function signature(d: CoDraft): string {
  return JSON.stringify([d.number.trim(), d.title.trim(), rowsSignature(d.rows.map((r) => ({ ...r, id: undefined })))]);
}

function ChangeOrderEditor({
  projectId,
  commitmentId,
  existing,
  report,
  onDone,
}: {
  projectId: string;
  commitmentId: string;
  existing: ChangeOrder | null;
  report: ((key: string, dirty: boolean) => void) | undefined;
  /** `co` is the change order to show now; `saved` says whether this editor saved it. */
  onDone: (co: ChangeOrder | null, saved: boolean) => void;
}) {
  const { currency, locale } = useProjectFormat();
  const [base, setBase] = useState<ChangeOrder | null>(existing);
  const [draft, setDraft] = useState<CoDraft>(() => draftOf(existing));
  const [errors, setErrors] = useState<RowErrors>({});
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const editorRef = useRef<HTMLDivElement>(null);
  useFocusFirstError(errors, editorRef);
  useFocusFirstError(fieldErrors, editorRef);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [theirs, setTheirs] = useState<ChangeOrder | null>(null);
  const [busy, setBusy] = useState(false);
  const setRows = useCallback<Dispatch<SetStateAction<LineRow[]>>>(
    (update) => setDraft((d) => ({ ...d, rows: typeof update === 'function' ? update(d.rows) : update })),
    [],
  );
  const initial = draftOf(base);
  const dirty = signature(draft) !== signature(existing ? initial : draftOf(null));
  useReportDirty(report, `co-${existing?.id ?? 'new'}`, dirty);

  const cancel = () => {
    if (dirty && !window.confirm('Discard your changes to this change order?')) return;
    onDone(null, false);
  };

  const save = async () => {
    const { errors: local, lines } = validateRows(draft.rows, true);
    const fields: Record<string, string> = {};
    if (!draft.number.trim()) fields.number = 'Enter a change order number, like CO-003.';
    setErrors(local);
    setFieldErrors(fields);
    setFailure(null);
    if (Object.keys(local).length || Object.keys(fields).length) return;
    const body = {
      number: draft.number.trim(),
      title: draft.title.trim(),
      lines: lines.map((l) => ({ itemNumber: l.itemNumber, costCode: l.costCode, description: l.description, amountCents: l.cents })),
    };
    setBusy(true);
    try {
      const co = base
        ? await call(
            api.PATCH('/api/v1/projects/{projectId}/commitments/{commitmentId}/change-orders/{changeOrderId}', {
              params: { path: { projectId, commitmentId, changeOrderId: base.id } },
              body: { version: base.version, ...body },
            }),
          )
        : await call(api.POST('/api/v1/projects/{projectId}/commitments/{commitmentId}/change-orders', { ...path(projectId, commitmentId), body }));
      onDone(co, true);
    } catch (err) {
      const e = toApiError(err);
      if ((e.status === 409 || e.status === 412) && base) {
        const fresh = await call(
          api.GET('/api/v1/projects/{projectId}/commitments/{commitmentId}/change-orders/{changeOrderId}', {
            params: { path: { projectId, commitmentId, changeOrderId: base.id } },
          }),
        ).catch(() => null);
        if (fresh) setTheirs(fresh);
        else setFailure(e);
      } else {
        setErrors(rowErrorsFromServer(draft.rows, e.fieldErrors, 'amountCents'));
        const f = e.fieldErrors;
        setFieldErrors({ ...(f.number ? { number: f.number } : {}), ...(f.title ? { title: f.title } : {}) });
        setFailure(e);
      }
    } finally {
      setBusy(false);
    }
  };

  const changes: ChangeLine[] = [];
  if (theirs && base) {
    const money = (c: number) => formatMoney(c, currency, locale);
    if (theirs.number !== base.number) changes.push({ label: 'Number', from: base.number, to: theirs.number });
    if (theirs.title !== base.title) changes.push({ label: 'Title', from: base.title, to: theirs.title });
    if (theirs.status !== base.status) changes.push({ label: 'Status', from: CHANGE_ORDER_STATUS_LABELS[base.status], to: CHANGE_ORDER_STATUS_LABELS[theirs.status] });
    if (theirs.totalCents !== base.totalCents) changes.push({ label: 'Amount', from: money(base.totalCents), to: money(theirs.totalCents) });
    if (theirs.lines.length !== base.lines.length) changes.push({ label: 'Lines', from: String(base.lines.length), to: String(theirs.lines.length) });
  }
  const locked = theirs && (theirs.status === 'approved' || theirs.status === 'void');

  return (
    <div ref={editorRef} className="cm-co-editor" role="group" aria-label={existing ? `Edit ${existing.number}` : 'New change order'}>
      <h3>{existing ? `Edit ${existing.number}` : 'New change order'}</h3>
      {theirs ? (
        <ConflictNotice
          what="change order"
          changes={changes}
          {...(locked ? { cannotReapply: `It is now ${CHANGE_ORDER_STATUS_LABELS[theirs.status].toLowerCase()}: its lines can no longer change. Copy anything you need before discarding.` } : {})}
          onReapply={() => {
            setBase(theirs);
            setTheirs(null);
          }}
          onDiscard={() => {
            // A change order that can no longer change closes its editor and shows as it is now.
            if (locked) {
              onDone(theirs, false);
              return;
            }
            setBase(theirs);
            setDraft(draftOf(theirs));
            setTheirs(null);
          }}
        />
      ) : null}
      <ErrorBanner error={failure} />
      <div className="form-grid">
        <TextInput label="Change order number" value={draft.number} onChange={(e) => setDraft({ ...draft, number: e.target.value })} error={fieldErrors.number} maxLength={50} />
        <TextInput label="Title" value={draft.title} onChange={(e) => setDraft({ ...draft, title: e.target.value })} error={fieldErrors.title} maxLength={300} />
      </div>
      <p className="hint">Enter a deduction as a negative amount, like -1500.00.</p>
      <LinesGrid
        caption={`Lines of ${existing?.number ?? 'the new change order'}`}
        rows={draft.rows}
        setRows={setRows}
        errors={errors}
        amountLabel="Amount"
        allowNegative
      />
      <div className="cm-save-bar">
        <Button onClick={cancel}>Cancel</Button>
        <Button tone="primary" busy={busy} disabled={busy || !!theirs} onClick={() => void save()}>
          {existing ? 'Save change order' : 'Create change order'}
        </Button>
      </div>
    </div>
  );
}
