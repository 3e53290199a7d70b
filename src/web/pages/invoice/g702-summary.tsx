/** The G702 application summary, lines 1–9: certified (live as people type), the claim beside it. */
import { memo } from 'react';
import type { G702 } from '../../../domain/pay-application.ts';

const LINES: { key: keyof G702; no: string; label: string; strong?: boolean }[] = [
  { key: 'originalContractSumCents', no: '1', label: 'Original contract sum' },
  { key: 'netChangeByChangeOrdersCents', no: '2', label: 'Net change by change orders' },
  { key: 'contractSumToDateCents', no: '3', label: 'Contract sum to date (1 + 2)' },
  { key: 'totalCompletedAndStoredCents', no: '4', label: 'Total completed and stored to date' },
  { key: 'retainageOnCompletedWorkCents', no: '5a', label: 'Retainage on completed work' },
  { key: 'retainageOnStoredMaterialsCents', no: '5b', label: 'Retainage on stored materials' },
  { key: 'totalRetainageCents', no: '5', label: 'Total retainage (5a + 5b)' },
  { key: 'totalEarnedLessRetainageCents', no: '6', label: 'Total earned less retainage (4 − 5)' },
  { key: 'lessPreviousCertificatesCents', no: '7', label: 'Less previous certificates for payment' },
  { key: 'currentPaymentDueCents', no: '8', label: 'Current payment due (6 − 7)', strong: true },
  { key: 'balanceToFinishInclRetainageCents', no: '9', label: 'Balance to finish, including retainage (3 − 6)' },
];

export type SummaryColumn = { title: string; summary: G702 };

export const G702Summary = memo(function G702Summary({ columns, money, title }: { columns: SummaryColumn[]; money: (cents: number) => string; title: string }) {
  return (
    <table className="g702" aria-label={title}>
      <thead>
        <tr>
          <th scope="col" className="text">
            Line
          </th>
          {columns.map((c) => (
            <th scope="col" key={c.title}>
              {c.title}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {LINES.map((line) => {
          const values = columns.map((c) => c.summary[line.key]);
          const differs = values.some((v) => v !== values[0]);
          return (
            <tr key={line.key} className={`${line.strong ? 'g702-strong' : ''}${line.no.length > 1 ? ' g702-sub' : ''}`}>
              <th scope="row" className="text">
                <span className="g702-no">{line.no}.</span> {line.label}
              </th>
              {values.map((v, n) => (
                <td key={columns[n]?.title} className={`${v < 0 ? 'negative' : ''}${differs && n > 0 ? ' g702-differs' : ''}`} data-g702={line.key}>
                  {money(v)}
                </td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
});
