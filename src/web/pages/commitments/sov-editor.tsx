/** The schedule of values: an editable grid for invoice administrators, a table for everyone else who may see it. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { api, ApiError, call, type Schemas } from '../../api/client.ts';
import { Button, Card, EmptyState, ErrorBanner, Loading, Money, Notice } from '../../components/ui.tsx';
import { ExportLinks } from '../../components/export-links.tsx';
import { useLoad } from '../../lib/hooks.ts';
import { useProjectFormat } from '../../lib/project.tsx';
import { formatMoney } from '../../../domain/format.ts';
import { ConflictNotice, toApiError, useFlash, useFocusFirstError, useReportDirty, type ChangeLine } from './form-kit.tsx';
import { SovImport } from './sov-import.tsx';
import { LinesGrid, rowErrorsFromServer, rowsFrom, rowsSignature, validateRows, type LineRow, type RowErrors } from './lines-grid.tsx';

type Sov = Schemas['ScheduleOfValues'];

const PRIVATE_SOV = 'The schedule of values is private.';

function toRows(sov: Sov): LineRow[] {
  return rowsFrom(sov.lines, (l) => l.scheduledValueCents);
}

/** The user's edits on top of someone else's newer SOV: their lines, with my changes, deletions and additions. */
function reapplyRows(base: LineRow[], mine: LineRow[], theirs: LineRow[]): LineRow[] {
  const baseById = new Map(base.filter((r) => r.id).map((r) => [r.id as string, r]));
  const mineIds = new Set(mine.filter((r) => r.id).map((r) => r.id as string));
  const result = theirs.filter((r) => !(r.id && baseById.has(r.id) && !mineIds.has(r.id)));
  const same = (a: LineRow, b: LineRow) => rowsSignature([{ ...a, key: '' }]) === rowsSignature([{ ...b, key: '' }]);
  for (const [index, row] of mine.entries()) {
    const before = row.id ? baseById.get(row.id) : undefined;
    if (row.id && before) {
      if (same(row, before)) continue;
      const at = result.findIndex((r) => r.id === row.id);
      if (at >= 0) result[at] = { ...row };
      else {
        // They deleted a line I edited: keep my version of it as a new line.
        const { id: _gone, ...rest } = row;
        result.push({ ...rest, key: `${row.key}-re` });
      }
      continue;
    }
    // A line I added: after the line that preceded it in my version, when that line is still there.
    const prev = mine[index - 1];
    const after = prev ? result.findIndex((r) => r.key === prev.key || (prev.id !== undefined && r.id === prev.id)) : -1;
    result.splice(after >= 0 ? after + 1 : result.length, 0, { ...row });
  }
  return result;
}

function describeSovChange(base: LineRow[], theirs: Sov, money: (c: number) => string): ChangeLine[] {
  const baseById = new Map(base.filter((r) => r.id).map((r) => [r.id as string, r]));
  const theirIds = new Set(theirs.lines.map((l) => l.id));
  const added = theirs.lines.filter((l) => !baseById.has(l.id));
  const removed = base.filter((r) => r.id && !theirIds.has(r.id));
  const changed = theirs.lines.filter((l) => {
    const b = baseById.get(l.id);
    return b && rowsSignature([{ ...b, key: '' }]) !== rowsSignature(rowsFrom([l], (x) => x.scheduledValueCents).map((r) => ({ ...r, key: '' })));
  });
  const names = (items: { description: string }[]) => items.slice(0, 3).map((i) => i.description).join(', ') + (items.length > 3 ? ', …' : '');
  const out: ChangeLine[] = [];
  if (added.length) out.push({ label: `${added.length} ${added.length === 1 ? 'line' : 'lines'} added`, to: names(added) });
  if (removed.length) out.push({ label: `${removed.length} ${removed.length === 1 ? 'line' : 'lines'} removed`, to: names(removed) });
  if (changed.length) out.push({ label: `${changed.length} ${changed.length === 1 ? 'line' : 'lines'} changed`, to: names(changed) });
  const validBase = validateRows(base, false).lines;
  const baseTotal = validBase.reduce((a, l) => a + l.cents, 0);
  if (baseTotal !== theirs.totalCents) out.push({ label: 'Total', from: money(baseTotal), to: money(theirs.totalCents) });
  if (out.length === 0) out.push({ label: 'The order of the lines', to: 'changed' });
  return out;
}

async function loadSov(projectId: string, commitmentId: string): Promise<Sov> {
  return call(api.GET('/api/v1/projects/{projectId}/commitments/{commitmentId}/sov', { params: { path: { projectId, commitmentId } } }));
}

const sovExportUrl = (projectId: string, commitmentId: string) =>
  `/api/v1/projects/${encodeURIComponent(projectId)}/commitments/${encodeURIComponent(commitmentId)}/sov/export`;

export function SovEditor({
  projectId,
  commitmentId,
  commitmentVersion,
  onSaved,
  report,
}: {
  projectId: string;
  commitmentId: string;
  commitmentVersion: number;
  onSaved: (version: number) => void;
  report: (key: string, dirty: boolean) => void;
}) {
  const { currency, locale } = useProjectFormat();
  const money = (c: number) => formatMoney(c, currency, locale);
  const sov = useLoad(() => loadSov(projectId, commitmentId), [projectId, commitmentId]);
  const [base, setBase] = useState<{ version: number; rows: LineRow[] } | null>(null);
  const [rows, setRows] = useState<LineRow[]>([]);
  const [errors, setErrors] = useState<RowErrors>({});
  const gridRef = useRef<HTMLDivElement>(null);
  useFocusFirstError(errors, gridRef);
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [conflict, setConflict] = useState<Sov | null>(null);
  const [busy, setBusy] = useState(false);
  const [flash, setFlash] = useFlash();
  const baseSignature = useMemo(() => (base ? rowsSignature(base.rows) : ''), [base]);
  const draftSignature = useMemo(() => rowsSignature(rows), [rows]);
  const dirty = base !== null && draftSignature !== baseSignature;
  useReportDirty(report, 'sov', dirty);
  const state = useRef({ base, dirty });
  state.current = { base, dirty };

  // A fresh SOV from the server replaces a clean draft; a dirty draft is never overwritten.
  useEffect(() => {
    const data = sov.data;
    if (!data) return;
    const { base: b, dirty: d } = state.current;
    if (!b || !d) {
      setBase({ version: data.version, rows: toRows(data) });
      setRows(toRows(data));
      return;
    }
    if (data.version === b.version) return;
    if (rowsSignature(toRows(data)) === rowsSignature(b.rows)) setBase({ version: data.version, rows: b.rows });
    else setConflict(data);
  }, [sov.data]);

  // The commitment moved on (someone saved it): a clean editor follows.
  useEffect(() => {
    const b = state.current.base;
    if (b && commitmentVersion > b.version && !state.current.dirty) void sov.reload();
  }, [commitmentVersion]);

  const save = async (version: number, retried = false): Promise<void> => {
    const { errors: local, lines } = validateRows(rows, false);
    setErrors(local);
    setFailure(null);
    if (Object.keys(local).length > 0) {
      setFailure(new ApiError(400, { error: { message: 'Some lines need a fix before saving: see the marked cells.' } }));
      return;
    }
    setBusy(true);
    try {
      const saved = await call(
        api.PUT('/api/v1/projects/{projectId}/commitments/{commitmentId}/sov', {
          params: { path: { projectId, commitmentId } },
          body: {
            version,
            lines: lines.map((l) => ({
              ...(l.id ? { id: l.id } : {}),
              itemNumber: l.itemNumber,
              costCode: l.costCode,
              description: l.description,
              scheduledValueCents: l.cents,
            })),
          },
        }),
      );
      const fresh = toRows(saved);
      setBase({ version: saved.version, rows: fresh });
      setRows(fresh);
      setConflict(null);
      sov.setData(saved);
      setFlash('Schedule of values saved.');
      onSaved(saved.version);
    } catch (err) {
      const e = toApiError(err);
      if (e.status === 409 || e.status === 412) {
        const fresh = await loadSov(projectId, commitmentId).catch(() => null);
        if (fresh && base && !retried && rowsSignature(toRows(fresh)) === rowsSignature(base.rows)) {
          // Only the version moved (e.g. the commitment's details were saved): nothing to merge.
          setBase({ version: fresh.version, rows: base.rows });
          setBusy(false);
          return save(fresh.version, true);
        }
        if (fresh) setConflict(fresh);
        else setFailure(e);
      } else {
        const byRow = rowErrorsFromServer(rows, e.fieldErrors, 'scheduledValueCents');
        setErrors(byRow);
        setFailure(e);
      }
    } finally {
      setBusy(false);
    }
  };

  if (sov.error && !sov.data) return <Card title="Schedule of values">{sov.error.status === 403 ? <p>{PRIVATE_SOV}</p> : <ErrorBanner error={sov.error} onRetry={() => void sov.reload()} />}</Card>;
  if (!sov.data || !base) return <Card title="Schedule of values"><Loading label="Loading the schedule of values…" /></Card>;

  return (
    <Card
      title="Schedule of values"
      actions={
        <span className="muted">
          Version {base.version} · saved total <Money cents={sov.data.totalCents} />{' '}
          <ExportLinks href={sovExportUrl(projectId, commitmentId)} what="The saved schedule of values" />
        </span>
      }
    >
      {conflict ? (
        <ConflictNotice
          what="schedule of values"
          changes={describeSovChange(base.rows, conflict, money)}
          onReapply={() => {
            const theirs = toRows(conflict);
            setRows(reapplyRows(base.rows, rows, theirs));
            setBase({ version: conflict.version, rows: theirs });
            setConflict(null);
            setErrors({});
            setFailure(null);
          }}
          onDiscard={() => {
            const theirs = toRows(conflict);
            setRows(theirs);
            setBase({ version: conflict.version, rows: theirs });
            setConflict(null);
            setErrors({});
            setFailure(null);
          }}
        />
      ) : null}
      <ErrorBanner error={failure} />
      {flash && !dirty ? <Notice tone="success">{flash}</Notice> : null}
      <p className="hint">
        Invoices bill against these lines. The whole schedule is saved at once; a line that was already billed cannot be removed.
      </p>
      <div ref={gridRef}>
        <LinesGrid caption="Schedule of values lines" rows={rows} setRows={setRows} errors={errors} amountLabel="Scheduled value" allowNegative={false} />
      </div>
      <SovImport
        projectId={projectId}
        commitmentId={commitmentId}
        version={base.version}
        disabled={dirty || busy || !!conflict}
        onImported={(saved) => {
          const fresh = toRows(saved);
          setBase({ version: saved.version, rows: fresh });
          setRows(fresh);
          setErrors({});
          setFailure(null);
          sov.setData(saved);
          setFlash(`Schedule of values imported: ${saved.lines.length} lines.`);
          onSaved(saved.version);
        }}
      />
      <div className="cm-save-bar" aria-live="polite">
        {dirty ? <span className="cm-unsaved">Unsaved changes to the schedule of values</span> : <span className="muted">All changes saved</span>}
        <Button
          disabled={!dirty || busy}
          onClick={() => {
            setRows(base.rows);
            setErrors({});
            setFailure(null);
          }}
        >
          Discard changes
        </Button>
        <Button tone="primary" busy={busy} disabled={busy || !dirty || !!conflict} onClick={() => void save(base.version)}>
          Save schedule of values
        </Button>
      </div>
    </Card>
  );
}

/** The SOV as text, for those who may see it but not change it. 403 means it is private to them. */
export function SovReadOnly({ projectId, commitmentId, canSee }: { projectId: string; commitmentId: string; canSee: boolean }) {
  const sov = useLoad(() => (canSee ? loadSov(projectId, commitmentId) : Promise.resolve(null)), [projectId, commitmentId, canSee]);
  if (!canSee || sov.error?.status === 403) {
    return (
      <Card title="Schedule of values">
        <p>{PRIVATE_SOV}</p>
      </Card>
    );
  }
  if (sov.error) return <Card title="Schedule of values"><ErrorBanner error={sov.error} onRetry={() => void sov.reload()} /></Card>;
  if (!sov.data) return <Card title="Schedule of values"><Loading label="Loading the schedule of values…" /></Card>;
  const data = sov.data;
  return (
    <Card title="Schedule of values" actions={<ExportLinks href={sovExportUrl(projectId, commitmentId)} what="The schedule of values" />}>
      {data.lines.length === 0 ? (
        <EmptyState title="The schedule of values has no lines yet." />
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Schedule of values lines</caption>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">Cost code</th>
                <th scope="col">Description</th>
                <th scope="col" className="num">
                  Scheduled value
                </th>
              </tr>
            </thead>
            <tbody>
              {data.lines.map((l) => (
                <tr key={l.id}>
                  <td>{l.itemNumber}</td>
                  <td>{l.costCode}</td>
                  <td>{l.description}</td>
                  <td className="num">
                    <Money cents={l.scheduledValueCents} />
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={3}>
                  Total
                </th>
                <td className="num">
                  <strong>
                    <Money cents={data.totalCents} />
                  </strong>
                </td>
              </tr>
            </tfoot>
          </table>
        </div>
      )}
    </Card>
  );
}
