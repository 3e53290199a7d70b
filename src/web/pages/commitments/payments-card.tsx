/** A commitment's payment roll-up: invoiced (certified) to date, paid, % paid, retainage held, remaining balance. */
import { api, call } from '../../api/client.ts';
import { Card, ErrorBanner, Loading, Money, Percent } from '../../components/ui.tsx';
import { useLoad } from '../../lib/hooks.ts';

export function PaymentsCard({ projectId, commitmentId, refreshKey }: { projectId: string; commitmentId: string; refreshKey?: string }) {
  const loaded = useLoad(
    () => call(api.GET('/api/v1/projects/{projectId}/payment-rollups', { params: { path: { projectId }, query: { commitmentId } } })),
    [projectId, commitmentId, refreshKey],
  );
  const r = loaded.data?.commitments[0];
  return (
    <Card title="Payments">
      {loaded.error ? <ErrorBanner error={loaded.error} onRetry={loaded.reload} /> : null}
      {!r && loaded.loading ? <Loading label="Loading payments…" /> : null}
      {r ? (
        <dl className="cm-facts payment-rollup" data-testid="payment-rollup">
          <div>
            <dt>Contract sum to date</dt>
            <dd><Money cents={r.contractSumToDateCents} /></dd>
          </div>
          <div>
            <dt>Invoiced to date (approved)</dt>
            <dd><Money cents={r.invoicedToDateCents} /></dd>
          </div>
          <div>
            <dt>Paid to date</dt>
            <dd>
              <Money cents={r.paidToDateCents} /> (<Percent bp={r.percentPaidBp} />)
            </dd>
          </div>
          <div>
            <dt>Retainage held</dt>
            <dd><Money cents={r.retainageHeldCents} /></dd>
          </div>
          <div>
            <dt>Remaining balance</dt>
            <dd><Money cents={r.remainingBalanceCents} /></dd>
          </div>
        </dl>
      ) : null}
    </Card>
  );
}
