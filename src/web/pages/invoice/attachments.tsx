/** Invoice attachments: upload (PDF, images, CSV, text, Word, Excel; at most 10 MB), download, remove. */
import { memo, useId, useRef, useState, type ChangeEvent } from 'react';
import { api, ApiError, call } from '../../api/client.ts';
import { Button } from '../../components/ui.tsx';
import { ALLOWED_ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_PER_INVOICE } from '../../../domain/attachments.ts';
import type { InvoiceData } from './invoice-model.ts';

export type Attachment = InvoiceData['attachments'][number];

const TYPE_BY_EXTENSION: Record<string, string> = Object.fromEntries(
  Object.entries(ALLOWED_ATTACHMENT_TYPES).map(([type, ext]) => [ext, type]),
);
TYPE_BY_EXTENSION['.jpeg'] = 'image/jpeg';

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The checks the server makes, said before uploading (the server still decides). */
export function checkFile(file: File): { file: File } | { error: string } {
  if (file.size === 0) return { error: `${file.name} is empty.` };
  if (file.size > MAX_ATTACHMENT_BYTES) return { error: `${file.name} is ${formatBytes(file.size)}; attachments can be at most 10 MB.` };
  const ext = /\.[^.]+$/.exec(file.name.toLowerCase())?.[0] ?? '';
  const type = file.type && file.type in ALLOWED_ATTACHMENT_TYPES ? file.type : TYPE_BY_EXTENSION[ext];
  if (!type) return { error: `${file.name} is not a file type invoices accept (PDF, PNG, JPEG, CSV, text, Word or Excel).` };
  // Some systems give no type for .csv or .docx: send the one its name says.
  return { file: type === file.type ? file : new File([file], file.name, { type }) };
}

/**
 * Uploading files to an invoice, one at a time, with the server's checks said first: shared by
 * the attachments card and the submit dialog (which offers to attach what is missing right there).
 */
export function useAttachmentUpload({
  projectId,
  invoiceId,
  attachments,
  onChange,
}: {
  projectId: string;
  invoiceId: string;
  attachments: Attachment[];
  onChange: (next: Attachment[]) => void;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [errors, setErrors] = useState<string[]>([]);
  const [status, setStatus] = useState('');

  const upload = async (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.currentTarget.files ?? [])];
    e.currentTarget.value = '';
    if (files.length === 0) return;
    const problems: string[] = [];
    let list = attachments;
    for (const picked of files) {
      if (list.length >= MAX_ATTACHMENTS_PER_INVOICE) {
        problems.push(`An invoice can have at most ${MAX_ATTACHMENTS_PER_INVOICE} attachments; ${picked.name} was not added.`);
        continue;
      }
      const checked = checkFile(picked);
      if ('error' in checked) {
        problems.push(checked.error);
        continue;
      }
      setBusy(`Uploading ${picked.name} (${formatBytes(picked.size)})…`);
      try {
        const form = new FormData();
        form.append('file', checked.file);
        const saved = await call(
          api.POST('/api/v1/projects/{projectId}/invoices/{invoiceId}/attachments', {
            params: { path: { projectId, invoiceId } },
            body: form as unknown as { file?: string },
            bodySerializer: (body: unknown) => body as FormData,
          }),
        );
        list = [...list, { ...saved, createdAt: new Date().toISOString() }];
        onChange(list);
        setStatus(`Attached ${saved.filename}.`);
      } catch (error) {
        const message = error instanceof ApiError ? error.message : 'The upload failed. Try again.';
        problems.push(error instanceof ApiError && error.status === 413 ? `${picked.name}: ${message}` : message);
      }
    }
    setBusy(null);
    setErrors(problems);
  };

  return { upload, busy, setBusy, errors, setErrors, status, setStatus };
}

/** What the file input accepts: the types invoices take, by MIME type and by extension. */
export const ATTACHMENT_ACCEPT = [...Object.keys(ALLOWED_ATTACHMENT_TYPES), ...Object.values(ALLOWED_ATTACHMENT_TYPES), '.jpeg'].join(',');

export const AttachmentsPanel = memo(function AttachmentsPanel({
  projectId,
  invoiceId,
  attachments,
  editable,
  onChange,
}: {
  projectId: string;
  invoiceId: string;
  attachments: Attachment[];
  editable: boolean;
  onChange: (next: Attachment[]) => void;
}) {
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const { upload, busy, setBusy, errors, setErrors, status, setStatus } = useAttachmentUpload({ projectId, invoiceId, attachments, onChange });
  const base = `/api/v1/projects/${encodeURIComponent(projectId)}/invoices/${encodeURIComponent(invoiceId)}/attachments`;

  const remove = async (a: Attachment) => {
    setBusy(`Removing ${a.filename}…`);
    setErrors([]);
    try {
      await call(api.DELETE('/api/v1/projects/{projectId}/invoices/{invoiceId}/attachments/{attachmentId}', { params: { path: { projectId, invoiceId, attachmentId: a.id } } }));
      onChange(attachments.filter((x) => x.id !== a.id));
      setStatus(`Removed ${a.filename}.`);
    } catch (error) {
      setErrors([error instanceof ApiError ? error.message : 'Could not remove the file. Try again.']);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section className="card attachments" aria-labelledby={`${inputId}-title`}>
      <div className="card-header">
        <h2 id={`${inputId}-title`}>Attachments</h2>
      </div>
      {attachments.length === 0 ? <p className="muted">No files attached{editable ? ' yet. Add backup such as timesheets, delivery tickets or lien waivers.' : '.'}</p> : null}
      {attachments.length > 0 ? (
        <ul className="attachment-list">
          {attachments.map((a) => (
            <li key={a.id}>
              <a href={`${base}/${encodeURIComponent(a.id)}`} download={a.filename}>
                {a.filename}
              </a>{' '}
              <span className="muted">{formatBytes(a.sizeBytes)}</span>
              {editable ? (
                <Button tone="link" onClick={() => void remove(a)} disabled={busy !== null} aria-label={`Remove ${a.filename}`}>
                  Remove
                </Button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {editable ? (
        <div className="attach-input">
          <label htmlFor={inputId} className="file-label">
            Attach files
          </label>
          <input
            ref={inputRef}
            id={inputId}
            type="file"
            multiple
            accept={ATTACHMENT_ACCEPT}
            onChange={(e) => void upload(e)}
            disabled={busy !== null}
            aria-describedby={`${inputId}-hint`}
          />
          <p className="hint" id={`${inputId}-hint`}>
            PDF, PNG, JPEG, CSV, text, Word or Excel, up to 10 MB each.
          </p>
        </div>
      ) : null}
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
});
