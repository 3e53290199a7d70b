import { EmptyState } from '../components/ui.tsx';
import { useDocumentTitle } from '../lib/hooks.ts';
import { Link } from '../lib/router.tsx';

/** Missing and not-yours look the same, as in the API. */
export function NotFoundPage() {
  useDocumentTitle('Not found');
  return (
    <div className="page">
      <EmptyState title="This page does not exist, or you do not have access to it.">
        <p>
          Go to <Link to="/work">My work</Link> or <Link to="/projects">Projects</Link>.
        </p>
      </EmptyState>
    </div>
  );
}
