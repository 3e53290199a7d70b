/** The routes inside a project (paths relative to /projects/:projectId). */
import type { ReactNode } from 'react';
import { CommitmentPage } from './commitments/commitment-page.tsx';
import { CommitmentsListPage } from './commitments/commitments-list-page.tsx';
import { DirectoryPage } from './directory/directory-page.tsx';
import { EmailsPage } from './emails/emails-page.tsx';
import { InvoicePage } from './invoice/invoice-page.tsx';
import { BillingBoardPage } from './invoicing/billing-board-page.tsx';
import { BillingPeriodsPage } from './invoicing/billing-periods-page.tsx';
import { SettingsPage } from './settings/settings-page.tsx';
import { SsovPage } from './ssov/ssov-page.tsx';

export type ProjectRoute = { path: string; adminOnly?: boolean; render: (params: Record<string, string>) => ReactNode };

export const projectPages: ProjectRoute[] = [
  { path: '/commitments', render: (params) => <CommitmentsListPage params={params} /> },
  { path: '/commitments/:commitmentId', render: (params) => <CommitmentPage key={params.commitmentId} params={params} /> },
  // The invoice contacts' breakdown editor and the administrators' review (email links land here).
  { path: '/commitments/:commitmentId/ssov', render: (params) => <SsovPage key={params.commitmentId} params={params} /> },
  { path: '/invoicing', adminOnly: true, render: (params) => <BillingBoardPage params={params} /> },
  { path: '/billing-periods', adminOnly: true, render: (params) => <BillingPeriodsPage params={params} /> },
  { path: '/invoices/:invoiceId', render: (params) => <InvoicePage key={params.invoiceId} params={params} /> },
  { path: '/directory', adminOnly: true, render: (params) => <DirectoryPage params={params} /> },
  { path: '/settings', adminOnly: true, render: (params) => <SettingsPage params={params} /> },
  { path: '/emails', adminOnly: true, render: (params) => <EmailsPage params={params} /> },
];
