/** Projects list and "My work" — the two places a person starts from. */
import { api, call, type Schemas } from '../api/client.ts';
import { Card, Day, EmptyState, ErrorBanner, Loading, Money, PageHeader, StatusBadge } from '../components/ui.tsx';
import { useDocumentTitle, useLoad } from '../lib/hooks.ts';
import { FormatScope } from '../lib/project.tsx';
import { Link } from '../lib/router.tsx';
import { paths } from '../../domain/links.ts';

const LEVELS: Record<string, string> = { admin: 'Invoice administrator', standard: 'Standard', read_only: 'Read only', none: 'No access to commitments' };

export function ProjectsPage() {
  useDocumentTitle('Projects');
  const projects = useLoad(() => call(api.GET('/api/v1/projects')), []);
  return (
    <div className="page">
      <PageHeader title="Projects" />
      <ErrorBanner error={projects.error} onRetry={() => void projects.reload()} />
      {projects.loading && !projects.data ? <Loading /> : null}
      {projects.data && projects.data.data.length === 0 ? <EmptyState title="You are not on any project yet.">Ask an invoice administrator to add you to a project.</EmptyState> : null}
      <ul className="tile-list">
        {projects.data?.data.map((p) => (
          <li key={p.id}>
            <Link to={`/projects/${p.id}`} className="tile">
              <span className="tile-title">{p.name}</span>
              <span className="muted">
                {p.number ? `${p.number} · ` : ''}
                {p.address || p.timeZone}
              </span>
              <span className="muted">{LEVELS[p.commitmentsPermission] ?? p.commitmentsPermission}</span>
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

const ACTION_LABELS: Record<string, string> = {
  fill_ssov: 'Break down the schedule of values',
  fix_ssov: 'Fix and resubmit the schedule of values breakdown',
  answer_invite: 'Answer the invite to bill',
  fix_invoice: 'Revise and resubmit your invoice',
  submit_invoice: 'Submit your draft invoice',
  create_invoice: 'Create your invoice',
};

type WorkItem = Schemas['MyWork']['data'][number];

/**
 * Where each to-do is done: the Subcontractor SOV editor; the invoice to fix or submit (the
 * latest of the period); the commitment's page for answering the invite and creating the invoice
 * (its billing card has the Yes / No and Create invoice buttons).
 */
function whereToDo(item: WorkItem, action: WorkItem['actions'][number]): string {
  const period = item.billing.period as Schemas['BillingPeriod'] | null;
  const inPeriod = item.billing.invoices.filter((inv) => !period || inv.billingPeriodId === period.id);
  const latest = inPeriod[inPeriod.length - 1];
  switch (action) {
    case 'fill_ssov':
    case 'fix_ssov':
      return paths.ssov(item.projectId, item.commitmentId);
    case 'fix_invoice':
    case 'submit_invoice':
      return latest ? paths.invoice(item.projectId, latest.id) : paths.commitment(item.projectId, item.commitmentId);
    case 'answer_invite':
    case 'create_invoice':
      return paths.commitment(item.projectId, item.commitmentId);
  }
}

export function MyWorkPage() {
  useDocumentTitle('My work');
  const work = useLoad(() => call(api.GET('/api/v1/me/work')), []);
  const projects = useLoad(() => call(api.GET('/api/v1/projects')), []);
  const projectOf = (id: string) => projects.data?.data.find((p) => p.id === id);
  const items = work.data?.data ?? [];
  const needing = items.filter((i) => i.actions.length > 0);
  return (
    <div className="page">
      <PageHeader title="My work" subtitle="The commitments you bill, what needs you first." />
      <ErrorBanner error={work.error} onRetry={() => void work.reload()} />
      {work.loading && !work.data ? <Loading /> : null}
      {work.data && items.length === 0 ? (
        <EmptyState title="You are not an invoice contact on any commitment.">
          <p>
            Invoice administrators find what waits on them under <Link to="/attention">Needs attention</Link>, and their projects under{' '}
            <Link to="/projects">Projects</Link>.
          </p>
        </EmptyState>
      ) : null}
      {work.data && items.length > 0 ? (
        <Card title={needing.length > 0 ? `${needing.length} need your action` : 'Nothing needs you right now'}>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Commitment</th>
                <th scope="col">Project</th>
                <th scope="col">Status</th>
                <th scope="col">Due</th>
                <th scope="col">Latest invoice</th>
                <th scope="col">To do</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => {
                const project = projectOf(i.projectId);
                const latest = i.billing.invoices[i.billing.invoices.length - 1];
                const row = (
                  <tr key={i.commitmentId} className={i.actions.length > 0 ? 'row-attention' : undefined}>
                    <td>
                      <Link to={`/projects/${i.projectId}/commitments/${i.commitmentId}`}>
                        {i.commitmentNumber} – {i.commitmentTitle}
                      </Link>
                    </td>
                    <td>{i.projectName}</td>
                    <td>
                      <StatusBadge status={i.billing.billingStatus} label={i.billing.billingStatusLabel} />
                    </td>
                    <td>
                      <Day value={i.billing.period?.dueOn} />
                    </td>
                    <td>{latest ? <Link to={`/projects/${i.projectId}/invoices/${latest.id}`}>{latest.label}: <Money cents={latest.currentPaymentDueCents} /></Link> : <span className="muted">None yet</span>}</td>
                    <td>
                      {i.actions.length > 0 ? (
                        i.actions.map((a) => (
                          <Link key={a} className="todo" to={whereToDo(i, a)}>
                            {ACTION_LABELS[a]}
                            <span className="visually-hidden"> for {i.commitmentNumber}</span>
                          </Link>
                        ))
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  </tr>
                );
                return project ? (
                  <FormatScope key={i.commitmentId} project={project}>
                    {row}
                  </FormatScope>
                ) : (
                  row
                );
              })}
            </tbody>
          </table>
        </Card>
      ) : null}
    </div>
  );
}
