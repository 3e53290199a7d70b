/**
 * The Subcontractor SOV's grid: each line of the schedule of values with what it has allocated and
 * what remains, then its detail lines (inputs while editable) and "+ Add line"; totals at the foot.
 * Keyboard, as in the invoice grid: Enter (Shift+Enter) moves to the same column of the next
 * (previous) detail line, the arrow keys up and down too, Tab goes across.
 */
import type { KeyboardEvent, ReactNode, RefObject } from 'react';
import { Money } from '../../components/ui.tsx';
import { useProject } from '../../lib/project.tsx';
import { centsToInput, parseMoneyInput } from '../commitments/form-kit.tsx';
import { billingLocks, detailItem, groupName, parentItem, type totalsOf, type DetailRow, type GroupErrors, type GroupFigures, type RowErrors, type SsovDetail } from './ssov-model.ts';


export function SsovGrid({
  gridRef,
  figures,
  ordered,
  totals,
  editable,
  rowErrors,
  groupErrors,
  stored,
  money,
  onChange,
  onTidy,
  onAdd,
  onRemove,
}: {
  gridRef: RefObject<HTMLDivElement | null>;
  figures: readonly GroupFigures[];
  ordered: DetailRow[];
  totals: ReturnType<typeof totalsOf>;
  editable: boolean;
  rowErrors: RowErrors;
  groupErrors: GroupErrors;
  stored: Map<string, SsovDetail>;
  money: (cents: number) => string;
  onChange: (key: string, patch: Partial<DetailRow>) => void;
  onTidy: (key: string) => void;
  onAdd: (sovLineId: string) => void;
  onRemove: (row: DetailRow) => void;
}) {
  const { vocabulary } = useProject();

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
    if (col === 'amount' && e.key === 'Enter') onTidy(target.dataset.key ?? '');
    const el = gridRef.current?.querySelector<HTMLInputElement>(`input[data-index="${next}"][data-col="${col}"]`);
    if (el) {
      el.focus();
      el.select();
    }
  };

  return (
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
            onChange={onChange}
            onTidy={onTidy}
            onAdd={onAdd}
            onRemove={onRemove}
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
