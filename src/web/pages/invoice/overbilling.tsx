/**
 * Overbilling, said where people need it (issue 10, item 7): the project's rule above the grid,
 * before anyone types; and for the reviewer, the lines billed over 100% with a link to each and a
 * way to see only them. The amounts come from the live lines (the domain's `overbilledByCents`, the
 * server's own), so a line keeps its flag once saved.
 */
import { Button } from '../../components/ui.tsx';
import { focusLine } from './g703-grid.tsx';
import { lineName, type LineCalc, type Overbilling } from './invoice-model.ts';

/** The project's rule in one line, for whoever enters amounts. */
export function OverbillingRule({ overbilling }: { overbilling: Overbilling }) {
  return (
    <p className={`overbilling-rule overbilling-${overbilling}`} data-testid="overbilling-rule">
      {overbilling === 'allowed'
        ? 'Lines over 100% of their scheduled value are allowed on this project, but flagged for review.'
        : 'Lines may not go over 100% of their scheduled value on this project.'}
    </p>
  );
}

/** The lines billed over 100%, as a reviewer sees them above the grid. */
export function OverbilledLinesBanner({
  calcs,
  overbilling,
  money,
  filtered,
  onFilter,
}: {
  /** The lines over 100% (overbilledByCents > 0), in grid order. */
  calcs: readonly LineCalc[];
  overbilling: Overbilling;
  money: (cents: number) => string;
  /** Only these lines are shown in the grid. */
  filtered: boolean;
  onFilter: (on: boolean) => void;
}) {
  const n = calcs.length;
  const total = calcs.reduce((sum, c) => sum + c.overbilledByCents, 0);
  return (
    <div className="banner banner-warning over-banner" role="region" aria-label="Lines over 100%">
      <div>
        <p>
          <strong>
            <span aria-hidden="true">⚑ </span>
            {n} line{n > 1 ? 's are' : ' is'} billed over 100%
          </strong>{' '}
          ({money(total)} over the scheduled value{n > 1 ? 's' : ''}).{' '}
          {overbilling === 'allowed' ? 'This project allows it; check them before you approve.' : 'This project does not allow it: certify them at 100% or less.'}
        </p>
        <ul>
          {calcs.slice(0, 10).map((c) => (
            <li key={c.line.id}>
              <button type="button" className="btn btn-link" onClick={() => focusLine(c.line.id)}>
                Go to {lineName(c.line)}
              </button>{' '}
              {c.line.description} — over by {money(c.overbilledByCents)}
            </li>
          ))}
          {n > 10 ? <li>…and {n - 10} more.</li> : null}
        </ul>
      </div>
      <span className="banner-actions">
        <Button aria-pressed={filtered} onClick={() => onFilter(!filtered)}>
          {filtered ? 'Show all lines' : `Show only ${n > 1 ? 'these lines' : 'this line'}`}
        </Button>
      </span>
    </div>
  );
}
