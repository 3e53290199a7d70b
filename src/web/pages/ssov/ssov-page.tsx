/**
 * A commitment's Subcontractor SOV (/projects/:projectId/commitments/:commitmentId/ssov): the
 * invoice contacts break each line of the schedule of values into detail lines, seeing the
 * remaining to allocate per line as they type; the invoice administrators review it (approve, send
 * back with a reason), ask the contacts to fill it in, and may edit it on their behalf. Everyone
 * else who may see the SOV reads it. Email links ("break down your Schedule of Values") land here.
 *
 * Keyboard, as in the invoice grid: Enter (Shift+Enter) moves to the same column of the next
 * (previous) detail line, the arrow keys up and down too, Tab goes across; Ctrl+S saves.
 *
 * This file puts the page together: use-ssov-editor.ts (the breakdown being edited and saving it),
 * ssov-grid.tsx (the lines), ssov-action-bar.tsx, ssov-dialogs.tsx, ssov-history.tsx.
 */
import { useState, type KeyboardEvent } from 'react';
import { api, call } from '../../api/client.ts';
import { Button, EmptyState, ErrorBanner, Loading, Money, Notice, PageHeader, StatusBadge } from '../../components/ui.tsx';
import { useDocumentTitle, useLoad } from '../../lib/hooks.ts';
import { useProject } from '../../lib/project.tsx';
import { Link } from '../../lib/router.tsx';
import { formatInstant, formatMoney } from '../../../domain/format.ts';
import { SsovActionBar } from './ssov-action-bar.tsx';
import { ApproveDialog, RequestDialog, SendBackDialog } from './ssov-dialogs.tsx';
import { SsovGrid } from './ssov-grid.tsx';
import { SsovHistory } from './ssov-history.tsx';
import type { Ssov } from './ssov-model.ts';
import { useSsovEditor, type SsovPath } from './use-ssov-editor.ts';
import './ssov.css';

export function SsovPage({ params }: { params: Record<string, string> }) {
  const projectId = params.projectId ?? '';
  const commitmentId = params.commitmentId ?? '';
  const { vocabulary } = useProject();
  const path: SsovPath = { params: { path: { projectId, commitmentId } } };
  const ssov = useLoad(() => call(api.GET('/api/v1/projects/{projectId}/commitments/{commitmentId}/ssov', path)), [projectId, commitmentId]);
  const detail = useLoad(() => call(api.GET('/api/v1/projects/{projectId}/commitments/{commitmentId}', path)), [projectId, commitmentId]);
  const c = detail.data?.commitment;
  const commitmentLabel = c ? `${c.number}${c.title ? `: ${c.title}` : ''}` : '';
  useDocumentTitle(c ? `${vocabulary.subcontractorSov} · ${c.number}` : vocabulary.subcontractorSov);
  const back = (
    <p className="cm-back">
      <Link to={`/projects/${projectId}/commitments/${commitmentId}`}>← {commitmentLabel || 'Back to the commitment'}</Link>
    </p>
  );

  const error = ssov.error ?? detail.error;
  if (error?.status === 404) {
    return (
      <>
        <p className="cm-back">
          <Link to={`/projects/${projectId}/commitments`}>← All commitments</Link>
        </p>
        <PageHeader title="Not found" />
        <EmptyState title="This page does not exist, or you do not have access to it.">
          <p>If you think you should see this commitment, ask the project’s invoice administrator.</p>
        </EmptyState>
      </>
    );
  }
  if (error?.status === 403) {
    return (
      <>
        {back}
        <PageHeader title={vocabulary.subcontractorSov} />
        <EmptyState title="This commitment’s schedule of values is private.">
          <p>Its invoice contacts and the invoice administrators see it.</p>
        </EmptyState>
      </>
    );
  }
  if (error && (!ssov.data || !detail.data)) return <ErrorBanner error={error} onRetry={() => void Promise.all([ssov.reload(), detail.reload()])} />;
  if (!ssov.data || !detail.data) return <Loading label={`Loading the ${vocabulary.subcontractorSov}…`} />;
  if (!ssov.data.enabled) {
    return (
      <>
        {back}
        <PageHeader title={vocabulary.subcontractorSov} subtitle={commitmentLabel} />
        <EmptyState title={`This commitment does not use a ${vocabulary.subcontractorSov}.`}>
          <p>Its invoices bill the lines of the schedule of values. An invoice administrator can turn it on in the commitment’s details, before the first invoice.</p>
        </EmptyState>
      </>
    );
  }
  return (
    <>
      {back}
      <SsovWorkspace key={`${projectId}/${commitmentId}`} path={path} initial={ssov.data} commitmentLabel={commitmentLabel} />
    </>
  );
}

function SsovWorkspace({ path, initial, commitmentLabel }: { path: SsovPath; initial: Ssov; commitmentLabel: string }) {
  const { project, vocabulary } = useProject();
  const money = (cents: number) => formatMoney(cents, project.currency, project.locale);
  const when = (iso: string) => formatInstant(new Date(iso), project.locale, project.timeZone);
  const editor = useSsovEditor({ path, initial, money });
  const { server, groups, ordered, figures, totals, problems, dirty, conflict, busy, notice } = editor;
  const [dialog, setDialog] = useState<null | 'approve' | 'send_back' | 'request'>(null);

  const you = server.you;
  const editable = you.canEditLines;
  const isAdmin = you.role === 'admin';

  const onPageKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
      e.preventDefault();
      if (editable && dirty) void editor.save();
    }
  };

  const readOnlyReason = (() => {
    if (editable) return null;
    if (you.role === 'viewer') return `You can see this ${vocabulary.subcontractorSov}; its ${vocabulary.invoiceContacts} and the invoice administrators change it.`;
    if (server.status === 'under_review') return `It is with the invoice administrators for review. You can change it again if they send it back for revision.`;
    if (server.status === 'approved') return `It is approved: new invoices bill these detail lines. Ask the invoice administrator if it needs to change.`;
    return null;
  })();

  return (
    <div className="ssov-page" onKeyDown={onPageKeyDown}>
      <PageHeader
        title={vocabulary.subcontractorSov}
        subtitle={
          <span className="cm-subtitle">
            <span>{commitmentLabel}</span>
            <span data-testid="ssov-status">
              <StatusBadge status={server.status} label={server.statusLabel} />
            </span>
            <span className="muted">Version {server.version}</span>
          </span>
        }
      />

      {server.status === 'revise_and_resubmit' && server.sentBackReason ? (
        <div className="banner banner-warning ssov-sent-back" role="alert" data-testid="sent-back-reason">
          <div>
            <p>
              <strong>Sent back for revision</strong>
              {server.sentBackBy ? ` by ${server.sentBackBy.name}` : ''}
              {server.sentBackAt ? ` on ${when(server.sentBackAt)}` : ''}:
            </p>
            <blockquote className="ssov-reason">{server.sentBackReason}</blockquote>
            {you.role === 'contact' ? <p>Change the detail lines, then submit it for review again.</p> : null}
          </div>
        </div>
      ) : null}

      {conflict ? (
        <div className="banner banner-warning" role="alert">
          <div>
            <p>
              <strong>Someone else changed this {vocabulary.subcontractorSov} while you were editing</strong> (it is now {conflict.statusLabel}, version {conflict.version}). Nothing of yours was saved.
            </p>
            <p>Reload to see their version. Your unsaved edits will be lost: copy anything you need first.</p>
          </div>
          <Button tone="primary" onClick={() => editor.adoptSaved(conflict)}>
            Reload their version
          </Button>
        </div>
      ) : null}
      <ErrorBanner error={editor.failure} />
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      {readOnlyReason ? <Notice>{readOnlyReason}</Notice> : null}

      <dl className="cm-totals" aria-label="Allocation">
        <div>
          <dt>Schedule of values</dt>
          <dd>
            <Money cents={totals.scheduledValueCents} />
          </dd>
        </div>
        <div>
          <dt>Allocated</dt>
          <dd>{totals.allocatedCents === null ? <span className="ssov-pending">Check the amounts</span> : <Money cents={totals.allocatedCents} />}</dd>
        </div>
        <div className={totals.remainingCents === 0 ? undefined : 'ssov-open'}>
          <dt>Remaining to allocate</dt>
          <dd data-testid="ssov-total-remaining">{totals.remainingCents === null ? <span className="ssov-pending">Check the amounts</span> : <Money cents={totals.remainingCents} />}</dd>
        </div>
      </dl>

      <section className="card" aria-labelledby="ssov-lines-title">
        <div className="card-header">
          <h2 id="ssov-lines-title">Detail lines by schedule of values line</h2>
        </div>
        {editable ? (
          <p className="hint">
            Break each line of the schedule of values into detail lines; their amounts must add up to the line’s scheduled value (nothing remaining to allocate). Enter and the arrow keys move
            between lines; Ctrl+S saves.
            {isAdmin ? ` As an invoice administrator you edit it on the ${vocabulary.invoiceContacts}’ behalf; they are not emailed about your changes.` : ''}
          </p>
        ) : null}
        {groups.length === 0 ? (
          <EmptyState title="The schedule of values has no lines yet.">
            <p>The invoice administrator enters it on the commitment first.</p>
          </EmptyState>
        ) : (
          <SsovGrid
            gridRef={editor.gridRef}
            figures={figures}
            ordered={ordered}
            totals={totals}
            editable={editable}
            rowErrors={editor.rowErrors}
            groupErrors={editor.groupErrors}
            stored={editor.stored}
            money={money}
            onChange={editor.update}
            onTidy={editor.tidyAmount}
            onAdd={editor.addRow}
            onRemove={editor.removeRow}
          />
        )}

        <SsovActionBar
          server={server}
          dirty={dirty}
          busy={busy}
          hasConflict={!!conflict}
          problems={problems}
          onDiscard={editor.discard}
          onSave={() => void editor.save()}
          onSubmit={() => void editor.transition('submit')}
          onAsk={() => setDialog('request')}
          onSendBack={() => setDialog('send_back')}
          onApprove={() => setDialog('approve')}
        />
      </section>

      <SsovHistory ssov={server} when={when} />

      <ApproveDialog
        open={dialog === 'approve'}
        title={`Approve the ${vocabulary.subcontractorSov}?`}
        lineCount={ordered.length}
        dirty={dirty}
        busy={busy === 'approve'}
        onClose={() => setDialog(null)}
        onConfirm={async () => {
          await editor.transition('approve');
          setDialog(null);
        }}
      />
      {dialog === 'send_back' ? (
        <SendBackDialog
          what={vocabulary.subcontractorSov}
          who={vocabulary.invoiceContacts}
          busy={busy === 'send_back'}
          onClose={() => setDialog(null)}
          onConfirm={async (reason) => {
            const ok = await editor.transition('send_back', reason);
            setDialog(null);
            return ok;
          }}
        />
      ) : null}
      {dialog === 'request' ? <RequestDialog who={vocabulary.invoiceContacts} busy={busy === 'request'} onClose={() => setDialog(null)} onSend={editor.request} /> : null}
    </div>
  );
}
