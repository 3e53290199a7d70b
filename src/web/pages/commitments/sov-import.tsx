/**
 * "Import from spreadsheet" on the SOV editor (issue 13, decision 029): choose a CSV or XLSX file,
 * see the server's preview (every line, or every row's problem), then import. Nothing is written
 * until Import, and then only when every row is valid.
 */
import { useId, useState, type ChangeEvent } from 'react';
import { api, call, type Schemas } from '../../api/client.ts';
import { Button, ErrorBanner, Money, Notice } from '../../components/ui.tsx';
import { toApiError } from './form-kit.tsx';

type Preview = Schemas['SovImport'];
type Sov = Schemas['ScheduleOfValues'];
type RowProblem = { row?: number; column?: string; message: string };

const FIELD_LABELS: Record<string, string> = { itemNumber: 'item', description: 'description', costCode: 'cost code', scheduledValue: 'scheduled value' };

/** Lines shown in the preview; the total and the count cover them all. */
const PREVIEW_ROWS = 200;

export function SovImport({
  projectId,
  commitmentId,
  version,
  disabled,
  onImported,
}: {
  projectId: string;
  commitmentId: string;
  version: number;
  disabled: boolean;
  onImported: (sov: Sov) => void;
}) {
  const id = useId();
  const [isOpen, setIsOpen] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [problems, setProblems] = useState<{ message: string; rows: RowProblem[] } | null>(null);
  const [busy, setBusy] = useState<'preview' | 'import' | null>(null);

  const send = async (picked: File, dryRun: boolean): Promise<Preview> => {
    const form = new FormData();
    form.append('file', picked);
    return call(
      api.POST('/api/v1/projects/{projectId}/commitments/{commitmentId}/sov/import', {
        params: { path: { projectId, commitmentId }, query: dryRun ? { dryRun: 'true' } : { version } },
        body: form as unknown as { file?: string },
        bodySerializer: (body: unknown) => body as FormData,
      }),
    );
  };

  const run = async (picked: File, dryRun: boolean) => {
    setBusy(dryRun ? 'preview' : 'import');
    setProblems(null);
    try {
      const answer = await send(picked, dryRun);
      if (dryRun) setPreview(answer);
      else if (answer.sov) {
        onImported(answer.sov);
        setPreview(null);
        setFile(null);
        setIsOpen(false);
      }
    } catch (err) {
      const e = toApiError(err);
      setPreview(null);
      setProblems({ message: e.message, rows: Array.isArray(e.details) ? (e.details as RowProblem[]) : [] });
    } finally {
      setBusy(null);
    }
  };

  const choose = (e: ChangeEvent<HTMLInputElement>) => {
    const picked = e.currentTarget.files?.[0] ?? null;
    setFile(picked);
    setPreview(null);
    setProblems(null);
    if (picked) void run(picked, true);
  };

  if (!isOpen) {
    return (
      <Button disabled={disabled} title={disabled ? 'Save or discard your changes first.' : undefined} onClick={() => setIsOpen(true)}>
        Import from spreadsheet
      </Button>
    );
  }
  return (
    <section className="sov-import" aria-label="Import the schedule of values from a spreadsheet">
      <h3>Import from spreadsheet</h3>
      <p className="hint" id={`${id}-hint`}>
        A CSV or Excel (.xlsx) file, first sheet. The first row names the columns: Item, Description, Cost Code, Scheduled Value (or Amount). The import
        replaces the whole schedule of values; lines with the same item number keep their place on invoices.
      </p>
      <label htmlFor={`${id}-file`}>File</label>{' '}
      <input id={`${id}-file`} type="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={choose} aria-describedby={`${id}-hint`} disabled={busy !== null} />
      {busy === 'preview' ? <p role="status">Reading {file?.name}…</p> : null}
      {problems ? (
        <div>
          <ErrorBanner error={problems.message} />
          {problems.rows.length > 0 ? (
            <div className="table-wrap">
              <table className="table">
                <caption>Rows to fix in {file?.name}</caption>
                <thead>
                  <tr>
                    <th scope="col">Row</th>
                    <th scope="col">Column</th>
                    <th scope="col">Problem</th>
                  </tr>
                </thead>
                <tbody>
                  {problems.rows.map((p, i) => (
                    <tr key={i}>
                      <td>{p.row ?? ''}</td>
                      <td>{p.column ?? ''}</td>
                      <td>{p.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
        </div>
      ) : null}
      {preview ? (
        <div>
          <Notice>
            <p>
              {preview.lines.length} lines, total <Money cents={preview.totalCents} />. Columns read:{' '}
              {Object.entries(preview.mapping)
                .map(([field, header]) => `${FIELD_LABELS[field] ?? field} from “${header}”`)
                .join(', ')}
              .
            </p>
          </Notice>
          <div className="table-wrap">
            <table className="table">
              <caption>Preview{preview.lines.length > PREVIEW_ROWS ? ` (first ${PREVIEW_ROWS} of ${preview.lines.length} lines)` : ''}</caption>
              <thead>
                <tr>
                  <th scope="col">Row</th>
                  <th scope="col">Item</th>
                  <th scope="col">Cost code</th>
                  <th scope="col">Description</th>
                  <th scope="col" className="num">
                    Scheduled value
                  </th>
                </tr>
              </thead>
              <tbody>
                {preview.lines.slice(0, PREVIEW_ROWS).map((l) => (
                  <tr key={l.row}>
                    <td>{l.row}</td>
                    <td>{l.itemNumber}</td>
                    <td>{l.costCode}</td>
                    <td>{l.description}</td>
                    <td className="num">
                      <Money cents={l.scheduledValueCents} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ) : null}
      <div className="cm-save-bar">
        <Button
          disabled={busy !== null}
          onClick={() => {
            setIsOpen(false);
            setFile(null);
            setPreview(null);
            setProblems(null);
          }}
        >
          Cancel
        </Button>
        <Button tone="primary" busy={busy === 'import'} disabled={!preview || !file || busy !== null || disabled} onClick={() => file && void run(file, false)}>
          Import {preview ? `${preview.lines.length} lines` : ''}
        </Button>
      </div>
    </section>
  );
}
