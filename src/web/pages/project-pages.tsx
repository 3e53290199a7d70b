/** The routes inside a project (paths relative to /projects/:projectId). */
import type { ReactNode } from 'react';
import { EmptyState } from '../components/ui.tsx';

export type ProjectRoute = { path: string; adminOnly?: boolean; render: (params: Record<string, string>) => ReactNode };

function Coming({ what }: { what: string }) {
  return <EmptyState title={`${what} is being built.`} />;
}

export const projectPages: ProjectRoute[] = [
  { path: '/commitments', render: () => <Coming what="The commitments list" /> },
  { path: '/commitments/:commitmentId', render: () => <Coming what="The commitment page" /> },
  { path: '/invoicing', adminOnly: true, render: () => <Coming what="The billing board" /> },
  { path: '/billing-periods', adminOnly: true, render: () => <Coming what="Billing periods" /> },
  { path: '/invoices/:invoiceId', render: () => <Coming what="The invoice page" /> },
  { path: '/directory', adminOnly: true, render: () => <Coming what="The project directory" /> },
  { path: '/settings', adminOnly: true, render: () => <Coming what="Settings" /> },
  { path: '/emails', adminOnly: true, render: () => <Coming what="Email" /> },
];
