/** What happened to the Subcontractor SOV and who did it: asked, submitted, sent back, approved. */
import type { Ssov } from './ssov-model.ts';

export function SsovHistory({ ssov, when }: { ssov: Ssov; when: (iso: string) => string }) {
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
