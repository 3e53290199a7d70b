/**
 * The Subcontractor SOV on the commitment page: its status, what is left to allocate, the reason
 * when it was sent back, and the way into the editor — for the invoice administrators and the
 * invoice contacts (and whoever else may see the SOV, read-only).
 */
import { api, call } from '../../api/client.ts';
import { Card, ErrorBanner, Loading, Money, StatusBadge } from '../../components/ui.tsx';
import { useLoad } from '../../lib/hooks.ts';
import { useProject } from '../../lib/project.tsx';
import { Link } from '../../lib/router.tsx';
import { paths } from '../../../domain/links.ts';
import './ssov.css';

export function SsovCard({ projectId, commitmentId, refreshKey }: { projectId: string; commitmentId: string; refreshKey?: string | number }) {
  const { vocabulary } = useProject();
  const ssov = useLoad(
    () => call(api.GET('/api/v1/projects/{projectId}/commitments/{commitmentId}/ssov', { params: { path: { projectId, commitmentId } } })),
    [projectId, commitmentId, refreshKey],
  );
  const title = vocabulary.subcontractorSov;
  if (ssov.error?.status === 403) {
    return (
      <Card title={title}>
        <p className="muted">The schedule of values is private.</p>
      </Card>
    );
  }
  if (ssov.error && !ssov.data) {
    return (
      <Card title={title}>
        <ErrorBanner error={ssov.error} onRetry={() => void ssov.reload()} />
      </Card>
    );
  }
  if (!ssov.data) {
    return (
      <Card title={title}>
        <Loading label={`Loading the ${title}…`} />
      </Card>
    );
  }
  const s = ssov.data;
  const remaining = s.totals.remainingToAllocateCents;
  const detailLines = s.sovLines.reduce((n, g) => n + g.lines.length, 0);
  const yours = s.you.role === 'contact' && s.you.canEditLines;
  return (
    <Card title={title}>
      <div className="ssov-card">
        <p>
          <span data-testid="ssov-card-status">
            <StatusBadge status={s.status} label={s.statusLabel} />
          </span>{' '}
          <span className="muted">
            {detailLines} detail {detailLines === 1 ? 'line' : 'lines'}
          </span>
        </p>
        <dl className="ssov-card-figures">
          <dt>Allocated</dt>
          <dd>
            <Money cents={s.totals.allocatedCents} /> of <Money cents={s.totals.scheduledValueCents} />
          </dd>
          <dt>Remaining to allocate</dt>
          <dd className={remaining === 0 ? undefined : 'ssov-open'}>
            <Money cents={remaining} />
          </dd>
        </dl>
        {s.status === 'revise_and_resubmit' && s.sentBackReason ? (
          <p className="ssov-card-reason">
            <strong>Sent back:</strong> {s.sentBackReason}
          </p>
        ) : null}
        {s.status !== 'approved' ? (
          <p className="hint">
            {yours
              ? 'Break down each line of the schedule of values, then submit it for review. Invoices wait for its approval.'
              : `Invoices of this commitment wait until the ${title} is approved.`}
          </p>
        ) : null}
        <p>
          <Link className={`btn ${yours || s.status === 'under_review' ? 'btn-primary' : 'btn-secondary'}`} to={paths.ssov(projectId, commitmentId)}>
            Open the {title}
          </Link>
        </p>
      </div>
    </Card>
  );
}
