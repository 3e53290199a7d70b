/**
 * The project directory: the companies on the project and its people with their Commitments
 * permission level. Company admins can also add new companies and people to the company directory.
 */
import { useState } from 'react';
import { api, call } from '../../api/client.ts';
import { Button, ErrorBanner, Loading, Notice, PageHeader } from '../../components/ui.tsx';
import { useDocumentTitle, useLoad, useUnsavedChangesGuard } from '../../lib/hooks.ts';
import { useProject } from '../../lib/project.tsx';
import { useUser } from '../../lib/session.tsx';
import { useFlash } from '../commitments/form-kit.tsx';
import type { PermissionLevel } from '../commitments/labels.ts';
import { CompaniesCard } from './companies-card.tsx';
import { NewCompanyDialog, NewPersonDialog } from './new-entry-dialogs.tsx';
import { PeopleCard } from './people-card.tsx';
import './directory.css';

export function DirectoryPage({ params }: { params: Record<string, string> }) {
  const projectId = params.projectId ?? '';
  const { project, vocabulary } = useProject();
  const user = useUser();
  useDocumentTitle(`Directory · ${project.name}`);
  const directory = useLoad(() => call(api.GET('/api/v1/projects/{projectId}/directory', { params: { path: { projectId } } })), [projectId]);
  // The company directory: where companies and people are added from.
  const allCompanies = useLoad(() => call(api.GET('/api/v1/companies', { params: { query: { perPage: 500 } } })), []);
  const [flash, setFlash] = useFlash();
  const [pendingLevels, setPendingLevels] = useState<Record<string, PermissionLevel>>({});
  const [dialog, setDialog] = useState<'company' | 'person' | null>(null);
  useUnsavedChangesGuard(Object.keys(pendingLevels).length > 0);

  const d = directory.data;
  const done = async (message: string) => {
    await directory.reload();
    setFlash(message);
  };

  return (
    <div className="dir-page">
      <PageHeader
        title="Project directory"
        subtitle="The companies on this project, and each person’s level on the Commitments tool."
        actions={
          user.isCompanyAdmin ? (
            <>
              <Button onClick={() => setDialog('company')}>New company</Button>
              <Button onClick={() => setDialog('person')}>New person</Button>
            </>
          ) : null
        }
      />
      {flash ? <Notice tone="success">{flash}</Notice> : null}
      <ErrorBanner error={directory.error} onRetry={() => void directory.reload()} />
      {!d && !directory.error ? <Loading label="Loading the directory…" /> : null}
      {d ? (
        <div className="dir-layout">
          <PeopleCard
            projectId={projectId}
            directory={d}
            companies={allCompanies.data?.data ?? []}
            pendingLevels={pendingLevels}
            setPendingLevels={setPendingLevels}
            currentUserId={user.id}
            invoiceContactWord={vocabulary.invoiceContact}
            onChanged={done}
          />
          <CompaniesCard projectId={projectId} directory={d} allCompanies={allCompanies.data?.data} allCompaniesError={allCompanies.error} onChanged={done} />
        </div>
      ) : null}
      {user.isCompanyAdmin ? (
        <>
          <NewCompanyDialog
            open={dialog === 'company'}
            projectId={projectId}
            onClose={() => setDialog(null)}
            onCreated={async (message) => {
              setDialog(null);
              await allCompanies.reload();
              await done(message);
            }}
          />
          <NewPersonDialog
            open={dialog === 'person'}
            projectId={projectId}
            companies={allCompanies.data?.data ?? []}
            onClose={() => setDialog(null)}
            onCreated={async (message) => {
              setDialog(null);
              await done(message);
            }}
          />
        </>
      ) : null}
    </div>
  );
}
