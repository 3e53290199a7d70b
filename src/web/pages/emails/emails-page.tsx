/**
 * The project's outgoing email: what failed (and sending it again), what was skipped and why,
 * what is waiting and what went out. The tab is kept in the URL.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, call, type Schemas } from '../../api/client.ts';
import { formatInstant } from '../../../domain/format.ts';
import { EMAIL_KINDS, MAX_DELIVERY_ATTEMPTS, type EmailKind } from '../../../domain/notifications.ts';
import { Button, EmptyState, ErrorBanner, Loading, Notice, PageHeader, StatusBadge } from '../../components/ui.tsx';
import { useDocumentTitle, useLoad } from '../../lib/hooks.ts';
import { useProject } from '../../lib/project.tsx';
import { errorInWords, useQueryParams } from '../invoicing/invoicing-lib.ts';
import '../invoicing/invoicing.css';

type Email = Schemas['Email'];
const PAGE = 100;

const KIND_LABELS: Record<EmailKind, string> = {
  invite_to_bill: 'Invite to Bill',
  bill_reminder: 'Reminder to bill',
  invoice_sent_back: 'Invoice sent back',
  invoice_submitted: 'Invoice submitted',
  invoice_approved: 'Invoice approved',
  weekly_digest: 'Weekly digest',
  account_invitation: 'Account invitation',
  password_reset: 'Password reset',
  ssov_request: 'Subcontractor SOV requested',
  ssov_submitted: 'Subcontractor SOV submitted',
  ssov_sent_back: 'Subcontractor SOV sent back',
};

const TABS = [
  { id: 'all', label: 'All', statuses: null, empty: 'No email has been sent for this project yet.' },
  { id: 'failed', label: 'Failed', statuses: 'failed', empty: 'No failed email. Everything that was due to go out went out or is on its way.' },
  { id: 'skipped', label: 'Skipped', statuses: 'skipped', empty: 'No email was skipped.' },
  { id: 'pending', label: 'Waiting to send', statuses: 'pending,sending', empty: 'Nothing is waiting to be sent.' },
  { id: 'sent', label: 'Sent', statuses: 'sent', empty: 'No email has been sent yet.' },
] as const;

const STATUS_LABELS: Record<string, string> = { pending: 'Waiting', sending: 'Sending', sent: 'Sent', failed: 'Failed', skipped: 'Skipped' };

export function EmailsPage({ params }: { params: Record<string, string> }) {
  const { project } = useProject();
  const projectId = params.projectId ?? project.id;
  useDocumentTitle(`Email · ${project.name}`);
  const [query, setQuery] = useQueryParams();
  const tab = TABS.find((t) => t.id === query.get('status')) ?? TABS[0];
  const statuses = tab.statuses;

  const first = useLoad(
    () =>
      call(
        api.GET('/api/v1/projects/{projectId}/emails', {
          params: { path: { projectId }, query: { limit: PAGE, ...(statuses ? { status: statuses } : {}) } },
        }),
      ),
    [projectId, statuses],
  );
  // Older pages, appended below the first one ("Show older").
  const [older, setOlder] = useState<Email[]>([]);
  const [olderDone, setOlderDone] = useState(false);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [olderError, setOlderError] = useState<string | null>(null);
  useEffect(() => {
    setOlder([]);
    setOlderDone(false);
    setOlderError(null);
  }, [projectId, statuses]);
  const emails = [...(first.data?.data ?? []), ...older];
  const hasMore = !olderDone && (older.length > 0 ? true : (first.data?.data.length ?? 0) === PAGE);

  const showOlder = async () => {
    const last = emails[emails.length - 1];
    if (!last) return;
    setLoadingOlder(true);
    setOlderError(null);
    try {
      const page = await call(
        api.GET('/api/v1/projects/{projectId}/emails', {
          params: { path: { projectId }, query: { limit: PAGE, before: last.id, ...(statuses ? { status: statuses } : {}) } },
        }),
      );
      setOlder((o) => [...o, ...page.data]);
      if (page.data.length < PAGE) setOlderDone(true);
    } catch (e) {
      setOlderError(errorInWords(e instanceof ApiError ? e : new ApiError(0, undefined), project.locale));
    } finally {
      setLoadingOlder(false);
    }
  };

  // Sending a failed email again.
  const [retrying, setRetrying] = useState<number | null>(null);
  const [notice, setNotice] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const { reload } = first;
  const retry = useCallback(
    async (email: Email) => {
      setRetrying(email.id);
      setNotice(null);
      try {
        await call(api.POST('/api/v1/projects/{projectId}/emails/{emailId}/retry', { params: { path: { projectId, emailId: email.id } } }));
        setNotice({ tone: 'success', text: `The email to ${email.toAddress} is queued to be sent again. It goes out on the worker's next run.` });
        setOlder((o) => o.map((e) => (e.id === email.id ? { ...e, status: 'pending', lastError: null } : e)));
        await reload();
      } catch (e) {
        setNotice({ tone: 'error', text: `Could not send the email to ${email.toAddress} again: ${errorInWords(e instanceof ApiError ? e : new ApiError(0, undefined), project.locale)}` });
      } finally {
        setRetrying(null);
      }
    },
    [projectId, project.locale, reload],
  );

  const when = (iso: string | null) => (iso ? formatInstant(new Date(iso), project.locale, project.timeZone) : null);

  return (
    <div>
      <PageHeader title="Email" subtitle="Everything payapp sends for this project: invites to bill, reminders, invoice notices and the weekly digest." />

      <div className="inv-tabs" role="group" aria-label="Show email">
        {TABS.map((t) => (
          <button key={t.id} type="button" className="inv-tab" aria-pressed={t.id === tab.id} onClick={() => {
              setNotice(null);
              setQuery({ status: t.id === 'all' ? null : t.id });
            }}>
            {t.label}
          </button>
        ))}
      </div>

      {notice ? (
        notice.tone === 'success' ? (
          <Notice tone="success">
            <p>{notice.text}</p>
          </Notice>
        ) : (
          <ErrorBanner error={notice.text} />
        )
      ) : null}
      {tab.id === 'failed' ? (
        <p className="hint inv-block">
          payapp gave up on these after {MAX_DELIVERY_ATTEMPTS} attempts, or the mail server refused them. When an address is wrong, correct the person in the Directory first, then send
          again.
        </p>
      ) : tab.id === 'skipped' ? (
        <p className="hint inv-block">Skipped email was never sent, on purpose: the reason is given for each one.</p>
      ) : null}
      <ErrorBanner error={first.error} onRetry={() => void first.reload()} />
      {first.loading && !first.data ? <Loading label="Loading email…" /> : null}

      {first.data && emails.length === 0 ? <EmptyState title={tab.empty} /> : null}
      {first.data && emails.length > 0 ? (
        <>
          <div className="table-wrap inv-wrap" tabIndex={0} role="region" aria-label="Email, newest first">
            <table className="table inv-email-table">
              <caption className="inv-visually-hidden">{tab.label} email, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Status</th>
                  <th scope="col">To</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Subject</th>
                  <th scope="col">Created</th>
                  <th scope="col">Sent</th>
                  <th scope="col">
                    <span className="inv-visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {emails.map((e) => (
                  <tr key={e.id} className={e.status === 'failed' ? 'inv-row-failed' : undefined}>
                    <td className="inv-email-status">
                      <StatusBadge status={e.status === 'sending' ? 'pending' : e.status} label={STATUS_LABELS[e.status] ?? e.status} />
                      {e.status === 'failed' ? (
                        <span className="inv-email-detail">
                          Gave up after {e.attempts} {e.attempts === 1 ? 'attempt' : 'attempts'}.
                          {e.lastError ? (
                            <>
                              {' '}
                              Last error: <span className="inv-email-error">{e.lastError}</span>
                            </>
                          ) : null}
                        </span>
                      ) : null}
                      {e.status === 'skipped' ? <span className="inv-email-detail">Not sent: {e.skipReasonLabel ?? e.skipReason ?? 'no reason recorded'}.</span> : null}
                      {e.status === 'pending' && e.attempts > 0 ? (
                        <span className="inv-email-detail">
                          Tried {e.attempts} of {MAX_DELIVERY_ATTEMPTS} times; trying again {when(e.nextAttemptAt)}.
                          {e.lastError ? (
                            <>
                              {' '}
                              Last error: <span className="inv-email-error">{e.lastError}</span>
                            </>
                          ) : null}
                        </span>
                      ) : null}
                    </td>
                    <td>{e.toAddress || <span className="muted">{e.toUserId ? 'No address' : 'Nobody'}</span>}</td>
                    <td className="inv-nowrap">{(EMAIL_KINDS as readonly string[]).includes(e.kind) ? KIND_LABELS[e.kind as EmailKind] : e.kind.replace(/_/g, ' ')}</td>
                    <td className="inv-email-subject">{e.subject ?? <span className="muted">—</span>}</td>
                    <td className="inv-nowrap">
                      <time dateTime={e.createdAt}>{when(e.createdAt)}</time>
                    </td>
                    <td className="inv-nowrap">{e.sentAt ? <time dateTime={e.sentAt}>{when(e.sentAt)}</time> : <span className="muted">—</span>}</td>
                    <td>
                      {e.status === 'failed' ? (
                        <Button busy={retrying === e.id} disabled={retrying !== null && retrying !== e.id} onClick={() => void retry(e)} aria-label={`Send again to ${e.toAddress}`}>
                          Send again
                        </Button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <ErrorBanner error={olderError} />
          {hasMore ? (
            <p>
              <Button busy={loadingOlder} onClick={() => void showOlder()}>
                Show older email
              </Button>
            </p>
          ) : null}
        </>
      ) : null}
    </div>
  );
}
