/** The frame around every signed-in page: skip link, header, main navigation, the user's menu. */
import { useEffect, useRef, type ReactNode } from 'react';
import { Link, useLocation } from '../lib/router.tsx';
import { useRoles, useSession, useUser } from '../lib/session.tsx';

export function AppShell({ children }: { children: ReactNode }) {
  const user = useUser();
  const roles = useRoles();
  const { signOut } = useSession();
  const { path } = useLocation();
  const current = (prefix: string) => (path === prefix || path.startsWith(`${prefix}/`) ? 'page' : undefined);
  const mainRef = useRef<HTMLElement>(null);
  const shownPath = useRef(path);
  useEffect(() => {
    if (shownPath.current === path) return;
    shownPath.current = path;
    // Another page without a page load: keyboard and screen-reader users start at its content, as
    // they would after the skip link — unless the new page already put focus somewhere on purpose.
    const active = document.activeElement;
    if (!active || active === document.body || !active.isConnected || active.tagName === 'A') mainRef.current?.focus({ preventScroll: true });
  }, [path]);
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="app-header">
        <Link to="/" className="brand">
          payapp
        </Link>
        <nav aria-label="Main">
          <ul>
            {roles.isInvoiceAdministrator ? (
              <li>
                <Link to="/attention" aria-current={current('/attention')}>
                  Needs attention
                </Link>
              </li>
            ) : null}
            {/* My work is a contact's list: an administrator who bills nothing has nothing there. */}
            {roles.isInvoiceContact || !roles.isInvoiceAdministrator ? (
              <li>
                <Link to="/work" aria-current={current('/work')}>
                  My work
                </Link>
              </li>
            ) : null}
            <li>
              <Link to="/projects" aria-current={current('/projects')}>
                Projects
              </Link>
            </li>
          </ul>
        </nav>
        <div className="user-menu">
          <span className="user-name">{user.name}</span>
          <button type="button" className="btn btn-link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} ref={mainRef}>
        {children}
      </main>
    </>
  );
}

/** Plain frame for the signed-out pages (sign in, first sign-in, password reset). */
export function PublicShell({ children }: { children: ReactNode }) {
  return (
    <main id="main" className="public-main">
      <p className="brand brand-public">payapp</p>
      {children}
    </main>
  );
}

export function Tabs({ items }: { items: { to: string; label: string; match?: string }[] }) {
  const { path } = useLocation();
  return (
    <nav aria-label="Project" className="tabs">
      <ul>
        {items.map((item) => {
          const active = path === item.to || path.startsWith(`${item.match ?? item.to}/`) || path === item.match;
          return (
            <li key={item.to}>
              <Link to={item.to} aria-current={active ? 'page' : undefined}>
                {item.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
