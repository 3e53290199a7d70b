/**
 * An invoice administrator's landing page: what waits on them across every project they
 * administer — invoices and Subcontractor SOVs to review, invoices sent back and not resubmitted,
 * invites nobody answered, approved invoices not fully paid — grouped by kind, longest waiting
 * first, each row linking to the page where it is handled. An administrator who is also an
 * invoice contact finds their own to-dos one click away, on My work.
 */
import type { ReactNode } from 'react';
import { api, call, type Schemas } from '../api/client.ts';
import { Day, EmptyState, ErrorBanner, Loading, Money, Notice, PageHeader, StatusBadge } from '../components/ui.tsx';
import { useDocumentTitle, useLoad } from '../lib/hooks.ts';
import { FormatScope, useProjectFormat } from '../lib/project.tsx';
import { Link } from '../lib/router.tsx';
import { useRoles } from '../lib/session.tsx';
import './attention.css';

type Item = Schemas['Attention']['items'][number];
type Kind = Item['kind'];

const KIND_ORDER: Kind[] = ['invoice_to_review', 'ssov_to_review', 'invoice_sent_back', 'invite_unanswered', 'invoice_unpaid'];

/** What the row's link does, in words that name the thing it opens. */
function actionText(item: Item): string {
  const invoice = item.invoice ? invoiceName(item.invoice.label) : '';
  switch (item.kind) {
    case 'invoice_to_review':
      return item.invoice?.status === 'pending_owner_approval' ? `Record the owner’s decision on ${invoice}` : `Review invoice ${invoice}`;
    case 'ssov_to_review':
      return `Review the Subcontractor SOV of ${item.commitmentNumber}`;
    case 'invoice_sent_back':
      return `Open invoice ${invoice}`;
    case 'invite_unanswered':
      return `Open ${item.commitmentNumber}`;
    case 'invoice_unpaid':
      return `Record a payment on ${invoice}`;
  }
}

function invoiceName(label: string): string {
  return /^\d+$/.test(label) ? `#${label}` : label;
}

export function AttentionPage() {
  useDocumentTitle('Needs your attention');
  const roles = useRoles();
  const queue = useLoad(() => call(api.GET('/api/v1/me/attention')), []);
  const projects = useLoad(() => call(api.GET('/api/v1/projects')), []);
  const projectOf = (id: string) => projects.data?.data.find((p) => p.id === id);
  const data = queue.data;
  const items = data?.items ?? [];
  const byKind = new Map<Kind, Item[]>();
  for (const item of items) byKind.set(item.kind, [...(byKind.get(item.kind) ?? []), item]);
  const kinds = KIND_ORDER.filter((k) => byKind.has(k));


  return (
    <div className="page attention-page">
      <PageHeader
        title="Needs your attention"
        subtitle={
          data
            ? `What waits on you across the ${data.projectCount === 1 ? 'project' : `${data.projectCount} projects`} you administer, longest waiting first.`
            : 'What waits on you across the projects you administer.'
        }
      />
      {roles.isInvoiceContact ? (
        <Notice>
          <p>
            You are also an invoice contact: what you bill yourself is on <Link to="/work">My work</Link>.
          </p>
        </Notice>
      ) : null}
      <ErrorBanner error={queue.error} onRetry={() => void queue.reload()} />
      {queue.loading && !data ? <Loading label="Loading what needs you…" /> : null}
      {data && data.projectCount === 0 ? (
        <EmptyState title="You are not an invoice administrator on any project.">
          <p>
            Your commitments are on <Link to="/work">My work</Link> and your projects under <Link to="/projects">Projects</Link>.
          </p>
        </EmptyState>
      ) : null}
      {data && data.projectCount > 0 && items.length === 0 ? (
        <EmptyState title="Nothing needs you right now.">
          <p>
            No invoice or Subcontractor SOV waits for your review, every invite is answered, and every approved invoice is paid. See your projects under{' '}
            <Link to="/projects">Projects</Link>.
          </p>
        </EmptyState>
      ) : null}
      {kinds.length > 0 ? (
        <nav className="attention-summary" aria-label="What is waiting">
          <ul>
            {kinds.map((k) => (
              <li key={k}>
                <a href={`#attention-${k}`}>
                  <span className="attention-count">{byKind.get(k)?.length ?? 0}</span> {byKind.get(k)?.[0]?.kindLabel}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      {kinds.map((k) => {
        const group = byKind.get(k) ?? [];
        const title = `${group[0]?.kindLabel ?? k} (${group.length})`;
        return (
          <section key={k} id={`attention-${k}`} className="card attention-group" aria-labelledby={`attention-${k}-title`}>
            <h2 id={`attention-${k}-title`}>{title}</h2>
            <div className="table-wrap" tabIndex={0} role="region" aria-label={title}>
              <table className="table attention-table">
                <thead>
                  <tr>
                    <th scope="col">Project</th>
                    <th scope="col">Commitment</th>
                    <th scope="col">What is waiting</th>
                    <th scope="col">Since</th>
                    <th scope="col">Due</th>
                    <th scope="col">
                      <span className="visually-hidden">Open</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {group.map((item) => (
                    <InProject key={`${item.kind}-${item.invoice?.id ?? item.commitmentId}`} project={projectOf(item.projectId)}>
                      <AttentionRow item={item} />
                    </InProject>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        );
      })}
    </div>
  );
}

/** Amounts and days in the item's own project's currency, locale and time zone. */
function InProject({ project, children }: { project: Schemas['ProjectWithAccess'] | undefined; children: ReactNode }) {
  return project ? <FormatScope project={project}>{children}</FormatScope> : <>{children}</>;
}

function AttentionRow({ item }: { item: Item }) {
  return (
    <tr className={item.isOverdue ? 'row-attention' : undefined}>
      <td>{item.projectName}</td>
      <td>
        <span className="attention-commitment">{item.commitmentNumber}</span> {item.commitmentTitle}
        {item.contractCompanyName ? <span className="attention-note">{item.contractCompanyName}</span> : null}
      </td>
      <td>
        {item.invoice ? <StatusBadge status={item.invoice.status} label={item.invoice.statusLabel} /> : null} {item.waiting}
        {item.payment ? (
          <span className="attention-note">
            Paid <Money cents={item.payment.paidCents} /> of <Money cents={item.payment.dueCents} /> due
          </span>
        ) : null}
      </td>
      <td className="attention-nowrap">
        <Since iso={item.since} />
      </td>
      <td className="attention-nowrap">
        {item.dueOn ? <Day value={item.dueOn} /> : <span className="muted">—</span>}
        {item.isOverdue ? (
          <span className="attention-note">
            <StatusBadge status="failed" label="Overdue" />
          </span>
        ) : null}
      </td>
      <td className="attention-action">
        <Link to={item.path} className="btn btn-secondary attention-open">
          {actionText(item)}
          <span className="visually-hidden">
            {' '}
            — {item.commitmentNumber}, {item.projectName}
          </span>
        </Link>
      </td>
    </tr>
  );
}

const sinceFormats = new Map<string, Intl.DateTimeFormat>();

/** The day it started waiting, in the project's time zone. */
function Since({ iso }: { iso: string | null }) {
  const { locale, timeZone } = useProjectFormat();
  if (!iso) return <span className="muted">—</span>;
  const key = `${locale}|${timeZone}`;
  let format = sinceFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', timeZone });
    sinceFormats.set(key, format);
  }
  return <time dateTime={iso}>{format.format(new Date(iso))}</time>;
}
