/**
 * The submission checklist in the submit dialog (issue 10, item 12; decision 012): what the
 * invite asked to attach and the backup stored materials need, what is missing, a file input to
 * attach it right there, and the lines billed over 100% that the reviewer will see flagged.
 *
 * The checklist is computed live with the server's own pure function
 * (src/domain/submission-checklist.ts) from the lines as they stand (entries not saved yet are
 * saved by the submission) and the files attached now, so attaching a file ticks it at once.
 */
import { useId } from 'react';
import { submissionChecklist, type SubmissionChecklist } from '../../../domain/submission-checklist.ts';
import { ATTACHMENT_ACCEPT, useAttachmentUpload, type Attachment } from './attachments.tsx';
import { humanizeMessage, type EditMode, type InvoiceData, type LineCalc, type MoneyFormat } from './invoice-model.ts';

/** The checklist as it would be if the lines were saved now: the claim's stored materials, the files attached. */
export function liveChecklist(data: InvoiceData, calcs: readonly LineCalc[], mode: EditMode, attachmentCount: number): SubmissionChecklist {
  const server = data.submissionChecklist;
  return submissionChecklist({
    invite: server.attachmentsRequested ? { requestAttachments: true, attachmentsNote: server.attachmentsNote } : null,
    attachmentCount,
    lines: calcs.map((c) => ({
      lineId: c.line.id,
      itemNumber: c.line.itemNumber,
      description: c.line.description,
      materialsStoredNewCents: mode === 'claim' ? c.entry.materialsStoredNewCents : c.line.claimed.materialsStoredNewCents,
    })),
  });
}

export function SubmitChecklist({
  projectId,
  invoiceId,
  checklist,
  attachments,
  onAttachments,
  money,
}: {
  projectId: string;
  invoiceId: string;
  checklist: SubmissionChecklist;
  attachments: Attachment[];
  onAttachments: (next: Attachment[]) => void;
  money: MoneyFormat;
}) {
  const id = useId();
  const { upload, busy, errors, status } = useAttachmentUpload({ projectId, invoiceId, attachments, onChange: onAttachments });
  if (checklist.items.length === 0) return null;
  const missing = checklist.items.filter((i) => !i.isMet);
  return (
    <section className={`submit-checklist${missing.length > 0 ? ' is-missing' : ''}`} aria-labelledby={`${id}-title`} data-testid="submit-checklist">
      <h3 id={`${id}-title`}>{missing.length > 0 ? `Missing before you submit (${missing.length})` : 'Before you submit'}</h3>
      <ul className="checklist-items">
        {checklist.items.map((item) => (
          <li key={item.code} className={item.isMet ? 'checklist-met' : 'checklist-missing'} data-code={item.code} data-met={item.isMet}>
            <span className="checklist-mark" aria-hidden="true">
              {item.isMet ? '✓' : '!'}
            </span>
            <span className="checklist-text">
              <strong>{item.label}</strong>
              <span className="ip-sr-only">{item.isMet ? ' (attached)' : ' (missing)'}</span>: {humanizeMessage(item.isMet ? item.detail : (item.missingMessage ?? item.detail), money)}
            </span>
          </li>
        ))}
      </ul>
      <div className="attach-input">
        <label htmlFor={`${id}-file`} className="file-label">
          {missing.length > 1 ? 'Attach them now' : missing.length === 1 ? 'Attach it now' : 'Attach more files'}
        </label>
        <input id={`${id}-file`} type="file" multiple accept={ATTACHMENT_ACCEPT} onChange={(e) => void upload(e)} disabled={busy !== null} aria-describedby={`${id}-hint`} />
        <p className="hint" id={`${id}-hint`}>
          {attachments.length > 0 ? `${attachments.length} file${attachments.length > 1 ? 's' : ''} attached. ` : ''}One file may answer several items. PDF, PNG, JPEG, CSV, text, Word or
          Excel, up to 10 MB each.
        </p>
      </div>
      {busy ? (
        <p className="loading" role="status">
          <span className="spinner" aria-hidden="true" /> {busy}
        </p>
      ) : (
        <p className="ip-sr-only" role="status">
          {status}
        </p>
      )}
      {errors.length > 0 ? (
        <div className="banner banner-error" role="alert">
          {errors.map((m) => (
            <p key={m}>{m}</p>
          ))}
        </div>
      ) : null}
    </section>
  );
}
