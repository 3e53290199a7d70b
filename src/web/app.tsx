/** The whole UI: signed-out pages, then the signed-in app; the URL decides the page. */
import type { ReactElement } from 'react';
import { AppShell } from './components/layout.tsx';
import { Loading } from './components/ui.tsx';
import { matchPath, navigate, useLocation } from './lib/router.tsx';
import { SessionProvider, useSession } from './lib/session.tsx';
import { ForgotPasswordPage, SetPasswordPage, SignInPage } from './pages/auth-pages.tsx';
import { AttentionPage } from './pages/attention-page.tsx';
import { MyWorkPage, ProjectsPage } from './pages/home-pages.tsx';
import { NotFoundPage } from './pages/not-found.tsx';
import { ProjectShell } from './pages/project-shell.tsx';

const PUBLIC: Record<string, () => ReactElement> = {
  '/sign-in': SignInPage,
  '/forgot-password': ForgotPasswordPage,
  '/welcome': SetPasswordPage,
  '/reset-password': SetPasswordPage,
};

function Routes() {
  const { state } = useSession();
  const { path, search } = useLocation();
  const Public = PUBLIC[path];
  if (Public) return <Public />;
  if (state.status === 'loading') return <Loading label="Starting payapp…" />;
  if (state.status === 'signedOut') {
    // Every link lands on its page after sign-in.
    navigate(`/sign-in?next=${encodeURIComponent(path + (search.toString() ? `?${search}` : ''))}`, { replace: true, force: true });
    return null;
  }
  if (path === '/') {
    // Administrators start from what waits on them across projects (also when they are a contact
    // too: the queue links to My work); everyone else from My work.
    navigate(state.roles.isInvoiceAdministrator ? '/attention' : '/work', { replace: true, force: true });
    return null;
  }
  const project = matchPath('/projects/:projectId', path.split('/').slice(0, 3).join('/'));
  let page: ReactElement;
  if (path === '/work') page = <MyWorkPage />;
  else if (path === '/attention') page = <AttentionPage />;
  else if (path === '/projects') page = <ProjectsPage />;
  else if (project?.projectId && path.startsWith('/projects/')) page = <ProjectShell key={project.projectId} projectId={project.projectId} />;
  else page = <NotFoundPage />;
  return <AppShell>{page}</AppShell>;
}

export function App() {
  return (
    <SessionProvider>
      <Routes />
    </SessionProvider>
  );
}
