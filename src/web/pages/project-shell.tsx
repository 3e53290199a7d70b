/** A project's pages: loads the project once, offers the tabs the viewer may use, routes inside it. */
import type { ReactNode } from 'react';
import { api, call } from '../api/client.ts';
import { Tabs } from '../components/layout.tsx';
import { ErrorBanner, Loading } from '../components/ui.tsx';
import { useLoad } from '../lib/hooks.ts';
import { ProjectProvider } from '../lib/project.tsx';
import { vocabularyFor, type Terminology } from '../../domain/project.ts';
import { matchPath, navigate, useLocation } from '../lib/router.tsx';
import { NotFoundPage } from './not-found.tsx';
import { projectPages } from './project-pages.tsx';

export function ProjectShell({ projectId }: { projectId: string }) {
  const project = useLoad(() => call(api.GET('/api/v1/projects/{projectId}', { params: { path: { projectId } } })), [projectId]);
  const { path } = useLocation();
  if (project.error?.status === 404) return <NotFoundPage />;
  if (project.error) return <ErrorBanner error={project.error} onRetry={() => void project.reload()} />;
  if (!project.data) return <Loading label="Loading the project…" />;
  const p = project.data;
  const base = `/projects/${p.id}`;
  const isAdmin = p.commitmentsPermission === 'admin';
  if (path === base || path === `${base}/`) {
    navigate(isAdmin ? `${base}/invoicing` : `${base}/commitments`, { replace: true, force: true });
    return null;
  }
  const tabs = isAdmin
    ? [
        { to: `${base}/invoicing`, label: vocabularyFor(p.terminology as Terminology).invoicing, match: `${base}/invoices` },
        { to: `${base}/commitments`, label: 'Commitments' },
        { to: `${base}/billing-periods`, label: 'Billing periods' },
        { to: `${base}/directory`, label: 'Directory' },
        { to: `${base}/settings`, label: 'Settings' },
        { to: `${base}/emails`, label: 'Email' },
      ]
    : [{ to: `${base}/commitments`, label: 'Commitments' }];
  let content: ReactNode = <NotFoundPage />;
  for (const route of projectPages) {
    const params = matchPath(`/projects/:projectId${route.path}`, path);
    if (params && (!route.adminOnly || isAdmin)) {
      content = route.render(params);
      break;
    }
  }
  return (
    <ProjectProvider project={p} reload={project.reload}>
      <div className="project-bar">
        <p className="project-name">
          {p.name}
          {p.number ? <span className="muted"> · {p.number}</span> : null}
        </p>
        <Tabs items={tabs} />
      </div>
      <div className="page">{content}</div>
    </ProjectProvider>
  );
}
