import { EmptyState } from '../../components/ui.tsx';

/** Placeholder until this page is built. */
export function BillingBoardPage(_props: { params: Record<string, string> }) {
  return <EmptyState title="This page is being built." />;
}
