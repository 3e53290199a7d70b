/**
 * With a Subcontractor SOV, invoices bill its detail lines; this card shows the same G703 grouped
 * by the commitment's SOV lines (each detail line rolls up to one), with live subtotals.
 */
import { memo, useId, useMemo } from 'react';
import { ratioInBasisPoints } from '../../../domain/money.ts';
import type { LineCalc } from './invoice-model.ts';

type Group = { key: string; itemNumber: string; description: string; lines: number; scheduled: number; previous: number; thisPeriod: number; stored: number; completed: number; balance: number; retainage: number };

export const SovGroupsCard = memo(function SovGroupsCard({ calcs, money, pct }: { calcs: readonly LineCalc[]; money: (cents: number) => string; pct: (bp: number) => string }) {
  const titleId = useId();
  const groups = useMemo(() => {
    const byKey = new Map<string, Group>();
    for (const c of calcs) {
      const parent = c.line.parent;
      if (!parent) continue;
      const g = byKey.get(parent.key) ?? { key: parent.key, itemNumber: parent.itemNumber, description: parent.description, lines: 0, scheduled: 0, previous: 0, thisPeriod: 0, stored: 0, completed: 0, balance: 0, retainage: 0 };
      const l = c.computed;
      g.lines += 1;
      g.scheduled += l.scheduledValueCents;
      g.previous += l.workCompletedPreviousCents;
      g.thisPeriod += l.workCompletedThisPeriodCents;
      g.stored += l.materialsPresentlyStoredCents;
      g.completed += l.totalCompletedAndStoredCents;
      g.balance += l.balanceToFinishCents;
      g.retainage += l.retainageHeldCents;
      byKey.set(parent.key, g);
    }
    return [...byKey.values()];
  }, [calcs]);
  if (groups.length === 0) return null;
  return (
    <section className="card" aria-labelledby={titleId}>
      <div className="card-header">
        <h2 id={titleId}>By schedule of values line</h2>
      </div>
      <p className="hint">The detail lines above roll up to these lines of the commitment&rsquo;s schedule of values.</p>
      <div className="table-wrap">
        <table className="table" data-testid="sov-groups">
          <caption className="ip-sr-only">G703 grouped by schedule of values line</caption>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Description</th>
              <th scope="col" className="num">Scheduled value</th>
              <th scope="col" className="num">From previous</th>
              <th scope="col" className="num">This period</th>
              <th scope="col" className="num">Stored</th>
              <th scope="col" className="num">Completed and stored</th>
              <th scope="col" className="num">%</th>
              <th scope="col" className="num">Balance to finish</th>
              <th scope="col" className="num">Retainage</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.key}>
                <th scope="row">{g.itemNumber}</th>
                <td>
                  {g.description} <span className="muted">({g.lines} detail {g.lines === 1 ? 'line' : 'lines'})</span>
                </td>
                <td className="num">{money(g.scheduled)}</td>
                <td className="num">{money(g.previous)}</td>
                <td className="num">{money(g.thisPeriod)}</td>
                <td className="num">{money(g.stored)}</td>
                <td className="num">{money(g.completed)}</td>
                <td className="num">{g.scheduled === 0 ? '—' : pct(ratioInBasisPoints(g.completed, g.scheduled))}</td>
                <td className="num">{money(g.balance)}</td>
                <td className="num">{money(g.retainage)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
});
