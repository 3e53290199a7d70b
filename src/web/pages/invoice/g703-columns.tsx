/**
 * The G703 grid's columns, in one place: for each column its header, its width, what a line shows
 * in it (an amount, or an input while it can be changed) and its total. The header, every row, the
 * totals row and the column widths are all drawn from the list `g703Columns(cfg)` returns, so a
 * column is added, hidden or moved here and nowhere else.
 */
import type { FocusEvent, MouseEvent, ReactNode } from 'react';
import { ratioInBasisPoints } from '../../../domain/money.ts';
import { appliedRateCell, reviewCell } from './g703-cells.tsx';
import {
  COLUMN_NAMES,
  formatBpPlain,
  moneyInputText,
  type CellIssue,
  type Draft,
  type EditColumn,
  type EditMode,
  type LineCalc,
  type ReviewDecision,
  type Totals,
} from './invoice-model.ts';

/** What the grid shows and lets the viewer change; changes only with the invoice, never per keystroke. */
export type GridConfig = {
  mode: EditMode;
  /** Work and materials can be entered (not on a retainage-release invoice). */
  editWork: boolean;
  showRelease: boolean;
  editRelease: boolean;
  /** Claimed beside certified (administrators reviewing, or a certified adjustment to show). */
  showClaimed: boolean;
  showReason: boolean;
  showRates: boolean;
  editRates: boolean;
  showReview: boolean;
  /** The viewer is the contact: rejection reasons and adjustments are addressed to them. */
  isContact: boolean;
  /** The invoice holds work retainage by sliding-scale rules: show the rate applied this period and its rule. */
  slidingScale: boolean;
  /** Some line bills materials stored or moved into work (claimed or certified): their columns start shown to a reviewer. */
  hasMaterials: boolean;
  /** Some line releases retainage (or the invoice is a release): the release columns start shown to a reviewer. */
  hasRelease: boolean;
  num: (cents: number) => string;
  money: (cents: number) => string;
  pct: (bp: number) => string;
};

/** The events of every input cell: one object for the whole grid, read through data-* attributes. */
export type CellHandlers = {
  onChange: (e: { currentTarget: HTMLInputElement }) => void;
  onFocus: (e: FocusEvent<HTMLInputElement>) => void;
  onBlur: (e: FocusEvent<HTMLInputElement>) => void;
  onMouseDown: (e: MouseEvent<HTMLInputElement>) => void;
};

/** One line as its cells see it (built by the row, once per render of the row). */
export type RowContext = {
  calc: LineCalc;
  /** The line's position in the grid (0-based): data-row of its inputs. */
  index: number;
  /** "line 3": how labels name the line. */
  name: string;
  draft: Draft | undefined;
  review: ReviewDecision | undefined;
  /** The review decision shown: the one being made, else the saved one. */
  decision: ReviewDecision['decision'];
  issueFor: (column: EditColumn) => CellIssue | undefined;
  /** The line's notes (rejection, adjustment, problems), shown under its description. */
  notes: ReactNode[];
  noteId: string;
  cfg: GridConfig;
  cell: CellHandlers;
  onReview: (lineId: string, change: Partial<ReviewDecision>) => void;
};

/** What a column puts in one cell: its content and the cell's class and title. */
export type CellContent = { content: ReactNode; className?: string | undefined; title?: string | undefined };

export type G703Column = {
  key: string;
  /** The column's name in words: its header, and each field's label when a line is a card (phones). */
  label: string;
  /** The header cell's content, when it needs more than the label (an abbreviation). */
  header?: ReactNode;
  headerClass?: string;
  /** rem; 'money' is as wide as the largest amount needs; 'description' is the page's CSS variable. */
  width: number | 'money' | 'description';
  /** The row header (item number): a <th scope="row">, and the totals row's label. */
  rowHeader?: boolean;
  /** Always shown: the column chooser does not offer it (the line's name, the cells a person must fill in). */
  required?: boolean;
  /** False: hidden until the person shows it with the column chooser (default true). */
  defaultVisible?: boolean;
  cell: (row: RowContext) => CellContent;
  /** The totals row's cell; `colSpan` 0 leaves it out (a cell before it spans this column). */
  total: (totals: Totals, cfg: GridConfig, hasChangeOrders: boolean) => CellContent & { colSpan?: number };
};

const negative = (cents: number) => (cents < 0 ? 'negative' : undefined);
const amount = (cents: number, cfg: GridConfig, className?: string): CellContent => ({
  content: cfg.num(cents),
  className: [className, negative(cents)].filter(Boolean).join(' ') || undefined,
});
const blank = (): CellContent => ({ content: null });
const moneyText = (cents: number) => (cents === 0 ? '' : moneyInputText(cents));

/** An input cell: what was typed, or what is saved; marked when its line has a problem there. */
function input(row: RowContext, column: EditColumn, label: string, value: string, options: { derived?: boolean; text?: boolean } = {}): CellContent {
  const issue = row.issueFor(column);
  const invalid = issue?.blocking === true;
  return {
    className: `cell-input${invalid ? ' cell-invalid' : issue ? ' cell-warning' : ''}${options.derived ? ' cell-derived' : ''}${options.text ? ' cell-text' : ''}`,
    content: (
      <input
        type="text"
        inputMode={options.text ? 'text' : 'decimal'}
        autoComplete="off"
        spellCheck={false}
        aria-label={label}
        aria-invalid={invalid || undefined}
        aria-describedby={issue ? row.noteId : undefined}
        title={options.derived ? 'Calculated from the percent complete to date' : undefined}
        data-line-id={row.calc.line.id}
        data-column={column}
        data-row={row.index}
        value={value}
        onChange={row.cell.onChange}
        onFocus={row.cell.onFocus}
        onBlur={row.cell.onBlur}
        onMouseDown={row.cell.onMouseDown}
      />
    ),
  };
}

/** The columns shown with this configuration, in order. */
export function g703Columns(cfg: GridConfig): G703Column[] {
  const editing = cfg.mode !== 'read';
  const entering = editing && cfg.editWork;
  const cert = cfg.showClaimed ? ' certified' : '';
  const certifying = cfg.mode === 'certify' ? ' certified' : '';
  const t = (pick: (totals: Totals) => number) => (totals: Totals, c: GridConfig) => ({ content: c.num(pick(totals)), className: negative(pick(totals)) });
  const columns: (G703Column | false)[] = [
    {
      key: 'item',
      label: 'Item',
      header: (
        <>
          <abbr title="Item number">A</abbr> Item
        </>
      ),
      headerClass: 'col-a text',
      width: 4,
      rowHeader: true,
      cell: ({ calc, index }) => ({ className: 'col-a', content: calc.line.itemNumber || index + 1 }),
      total: (_totals, _cfg, hasCo) => ({ className: 'col-a text', colSpan: 2, content: `Totals${hasCo ? ' (with change orders)' : ''}` }),
    },
    {
      key: 'description',
      label: 'B Description of work',
      headerClass: 'col-b text',
      width: 'description',
      cell: ({ calc, notes, noteId }) => ({
        className: 'col-b text',
        content: (
          <>
            <span className="desc">{calc.line.description}</span>
            {calc.line.costCode ? <span className="cost-code">{calc.line.costCode}</span> : null}
            {notes.length > 0 ? (
              <span id={noteId} className="line-notes">
                {notes}
              </span>
            ) : null}
          </>
        ),
      }),
      total: () => ({ content: null, colSpan: 0 }),
    },
    { key: 'scheduled', label: 'C Scheduled value', width: 'money', cell: (r) => amount(r.calc.computed.scheduledValueCents, cfg), total: t((x) => x.scheduled) },
    { key: 'previous', label: 'D From previous applications', width: 'money', cell: (r) => amount(r.calc.computed.workCompletedPreviousCents, cfg), total: t((x) => x.previous) },
    cfg.showClaimed && {
      key: 'claimedWork',
      label: 'E Claimed this period',
      headerClass: 'claimed',
      width: 'money',
      cell: (r) => amount(r.calc.line.claimed.workCompletedThisPeriodCents, cfg, 'claimed'),
      total: t((x) => x.claimedThisPeriod),
    },
    {
      key: 'work',
      label: `E This period${cert}`,
      width: 'money',
      cell: (r) => {
        const { computed: c, entry, line } = r.calc;
        if (!entering) return amount(c.workCompletedThisPeriodCents, cfg, line.isCertifiedAdjusted ? 'adjusted' : '');
        const percentMode = entry.workCompletedThisPeriodCents === null;
        return input(
          r,
          'work',
          `${COLUMN_NAMES.work}${certifying}, ${r.name}`,
          r.draft?.work ?? (percentMode ? moneyInputText(c.workCompletedThisPeriodCents) : moneyText(entry.workCompletedThisPeriodCents ?? 0)),
          { derived: percentMode && r.draft?.work === undefined },
        );
      },
      total: t((x) => x.thisPeriod),
    },
    entering && {
      key: 'percent',
      label: `or % complete to date${cert}`,
      width: 6.5,
      cell: (r) => input(r, 'percent', `${COLUMN_NAMES.percent}${certifying}, ${r.name}`, r.draft?.percent ?? (r.calc.entry.percentCompleteToDateBp !== null ? formatBpPlain(r.calc.entry.percentCompleteToDateBp) : '')),
      total: blank,
    },
    cfg.showClaimed && {
      key: 'claimedStoredNew',
      label: 'New stored, claimed',
      headerClass: 'claimed',
      width: 'money',
      cell: (r) => amount(r.calc.line.claimed.materialsStoredNewCents, cfg, 'claimed'),
      total: t((x) => x.claimedStoredNew),
    },
    {
      key: 'storedNew',
      label: `New materials stored${cert}`,
      width: 'money',
      cell: (r) =>
        entering
          ? input(r, 'storedNew', `${COLUMN_NAMES.storedNew}, ${r.name}`, r.draft?.storedNew ?? moneyText(r.calc.entry.materialsStoredNewCents))
          : amount(r.calc.computed.materialsStoredNewCents, cfg),
      total: t((x) => x.storedNew),
    },
    cfg.showClaimed && {
      key: 'claimedInstalled',
      label: 'Moved into work, claimed',
      headerClass: 'claimed',
      width: 'money',
      cell: (r) => amount(r.calc.line.claimed.materialsInstalledCents, cfg, 'claimed'),
      total: t((x) => x.claimedInstalled),
    },
    {
      key: 'installed',
      label: `Materials moved into work${cert}`,
      width: 'money',
      cell: (r) =>
        entering
          ? input(r, 'installed', `${COLUMN_NAMES.installed}, ${r.name}`, r.draft?.installed ?? moneyText(r.calc.entry.materialsInstalledCents))
          : amount(r.calc.computed.materialsInstalledCents, cfg),
      total: t((x) => x.installed),
    },
    {
      key: 'stored',
      label: 'F Materials presently stored',
      width: 'money',
      cell: ({ calc: { computed: c } }) => ({
        content: cfg.num(c.materialsPresentlyStoredCents),
        className: negative(c.materialsPresentlyStoredCents),
        title: c.materialsStoredPreviousCents !== 0 ? `Previously stored: ${cfg.num(c.materialsStoredPreviousCents)}` : undefined,
      }),
      total: t((x) => x.stored),
    },
    {
      key: 'completed',
      label: 'G Completed & stored to date',
      width: 'money',
      cell: (r) => ({
        content: cfg.num(r.calc.computed.totalCompletedAndStoredCents),
        className: r.calc.overbilledByCents > 0 ? 'cell-over' : undefined,
      }),
      total: t((x) => x.completed),
    },
    {
      key: 'percentComplete',
      label: 'G ÷ C %',
      header: (
        <>
          <abbr title="G divided by C">G ÷ C</abbr> %
        </>
      ),
      width: 5.5,
      cell: ({ calc: { computed: c } }) => ({ content: cfg.pct(c.percentCompleteBp), className: c.percentCompleteBp > 10_000 ? 'cell-over' : undefined }),
      total: (x, c) => ({ content: c.pct(ratioInBasisPoints(x.completed, x.scheduled)) }),
    },
    { key: 'balance', label: 'H Balance to finish', width: 'money', cell: (r) => amount(r.calc.computed.balanceToFinishCents, cfg), total: t((x) => x.balance) },
    { key: 'retainage', label: 'Retainage held', width: 'money', cell: (r) => amount(r.calc.computed.retainageHeldCents, cfg), total: t((x) => x.retainage) },
    cfg.slidingScale && { key: 'appliedRate', label: 'Retainage rate this period', headerClass: 'text', width: 8.5, cell: (r) => appliedRateCell(r, cfg), total: blank },
    cfg.showRelease &&
      cfg.showClaimed && {
        key: 'claimedReleased',
        label: 'Released, claimed',
        headerClass: 'claimed',
        width: 'money',
        cell: (r) => amount(r.calc.line.claimed.retainageReleasedCents, cfg, 'claimed'),
        total: t((x) => x.claimedReleased),
      },
    cfg.showRelease && {
      key: 'released',
      label: `Retainage released${cert}`,
      width: 'money',
      cell: (r) =>
        editing && cfg.editRelease
          ? input(r, 'released', `${COLUMN_NAMES.released}, ${r.name}`, r.draft?.released ?? moneyText(r.calc.entry.retainageReleasedCents))
          : amount(r.calc.computed.retainageReleasedCents, cfg),
      total: t((x) => x.released),
    },
    cfg.showReason && {
      key: 'reason',
      label: 'Reason for difference',
      headerClass: 'text',
      width: 14,
      cell: (r) => {
        const line = r.calc.line;
        if (cfg.mode !== 'certify') return { className: 'text', content: line.isCertifiedAdjusted ? line.differenceReason : '' };
        if (r.calc.adjusted || r.draft?.reason !== undefined) return input(r, 'reason', `${COLUMN_NAMES.reason}, ${r.name}`, r.draft?.reason ?? line.differenceReason ?? '', { text: true });
        return { className: 'text muted-cell', content: 'Same as claimed' };
      },
      total: blank,
    },
    // On a sliding scale the rules set work retainage, not the line's flat rate: its rate applied is shown instead.
    cfg.showRates &&
      !cfg.slidingScale && {
        key: 'workRate',
        label: 'Work retainage %',
        width: 6,
        cell: (r) => (cfg.editRates ? input(r, 'workRate', `${COLUMN_NAMES.workRate} %, ${r.name}`, r.draft?.workRate ?? formatBpPlain(r.calc.rates.workBp)) : { content: cfg.pct(r.calc.rates.workBp) }),
        total: blank,
      },
    cfg.showRates && {
      key: 'materialsRate',
      label: 'Materials retainage %',
      width: 6,
      cell: (r) =>
        cfg.editRates ? input(r, 'materialsRate', `${COLUMN_NAMES.materialsRate} %, ${r.name}`, r.draft?.materialsRate ?? formatBpPlain(r.calc.rates.materialsBp)) : { content: cfg.pct(r.calc.rates.materialsBp) },
      total: blank,
    },
    cfg.showReview && { key: 'review', label: 'Review', headerClass: 'text col-review', width: 9.5, cell: reviewCell, total: () => ({ content: null, className: 'col-review' }) },
  ];
  return columns.filter((c): c is G703Column => c !== false).map((c) => ({ ...c, ...columnDefaults(c.key, cfg) }));
}

/**
 * Which columns a person cannot hide (the line's name, the cells they must fill in or decide) and
 * which start hidden. A reviewer certifying starts with what a review needs, so the grid fits a
 * 1366 px laptop without scrolling sideways: the claim beside the amount certified, G ÷ C (which
 * marks a line over 100%), the reason and the decision; materials and releases when the invoice
 * has any. Everything else is a click away in the column chooser, and the choice is remembered.
 */
function columnDefaults(key: string, cfg: GridConfig): Pick<G703Column, 'required' | 'defaultVisible'> {
  const certifying = cfg.mode === 'certify';
  const required = key === 'item' || key === 'description' || key === 'review' || (cfg.mode !== 'read' && key === 'work') || (certifying && key === 'reason');
  if (required) return { required: true };
  if (!certifying) return {};
  const materials = ['claimedStoredNew', 'storedNew', 'claimedInstalled', 'installed'];
  const releases = ['claimedReleased', 'released'];
  const hidden = ['previous', 'percent', 'stored', 'completed', 'balance', 'retainage', ...(cfg.hasMaterials ? [] : materials), ...(cfg.hasRelease ? [] : releases)];
  return hidden.includes(key) ? { defaultVisible: false } : {};
}

/**
 * Column widths in rem, in the order of the columns (table-layout: fixed keeps them steady while
 * scrolling). Money columns are as wide as the contract sum needs, so no amount is cut off.
 */
export function columnWidths(columns: readonly G703Column[], widestMoneyChars: number): { key: string; rem: number | 'description' }[] {
  const m = Math.max(7.5, Math.round((widestMoneyChars * 0.58 + 1.3) * 2) / 2);
  return columns.map((c) => ({ key: c.key, rem: c.width === 'money' ? m : c.width }));
}
