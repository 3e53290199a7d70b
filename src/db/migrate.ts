/**
 * Runs the migrations (Kysely's Migrator takes a PostgreSQL advisory lock, so several processes
 * starting at once migrate exactly once).
 */
import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.ts';
import { foundation } from './migrations/2026_11_25_0001_foundation.ts';
import { billingCycle } from './migrations/2026_11_25_0002_billing_cycle.ts';
import { email } from './migrations/2026_11_25_0003_email.ts';
import { payments } from './migrations/2026_11_25_0004_payments.ts';
import { ssov } from './migrations/2026_11_25_0005_ssov.ts';
import { slidingScale } from './migrations/2026_11_25_0006_sliding_scale.ts';
import { userPreferences } from './migrations/2026_12_07_0301_user_preferences.ts';
import { retainageRulesOnInvoice } from './migrations/2026_12_07_0302_retainage_rules_on_invoice.ts';
import { inviteAttachments } from './migrations/2026_12_07_0303_invite_attachments.ts';
import { emailNotices } from './migrations/2026_12_07_0304_invoice_submissions_and_distribution.ts';
import { passwordResetRequests } from './migrations/2026_12_08_0104_authz_password_reset_requests.ts';
import { auditChain } from './migrations/2026_12_08_0105_audit_chain.ts';
import { emailClaims } from './migrations/2026_12_08_0106_email_claims.ts';
import { invoiceSummaries } from './migrations/2026_12_09_0201_invoice_summaries.ts';
import { actionLinkSecret } from './migrations/2026_12_09_0202_action_link_secret.ts';
import { tenantIds } from './migrations/2026_12_10_0101_tenant_ids.ts';
import { invoiceLinesWritePaths } from './migrations/2026_12_10_0301_invoice_lines_write_paths.ts';
import { pdfPageSize } from './migrations/2026_12_10_0501_pdf_page_size.ts';

/** Every migration, in order. Names never change once released. */
export const migrations: Record<string, Migration> = {
  '2026_11_25_0001_foundation': foundation,
  '2026_11_25_0002_billing_cycle': billingCycle,
  '2026_11_25_0003_email': email,
  '2026_11_25_0004_payments': payments,
  '2026_11_25_0005_ssov': ssov,
  '2026_11_25_0006_sliding_scale': slidingScale,
  '2026_12_07_0301_user_preferences': userPreferences,
  '2026_12_07_0302_retainage_rules_on_invoice': retainageRulesOnInvoice,
  '2026_12_07_0303_invite_attachments': inviteAttachments,
  '2026_12_07_0304_invoice_submissions_and_distribution': emailNotices,
  '2026_12_08_0104_authz_password_reset_requests': passwordResetRequests,
  '2026_12_08_0105_audit_chain': auditChain,
  '2026_12_08_0106_email_claims': emailClaims,
  '2026_12_09_0201_invoice_summaries': invoiceSummaries,
  '2026_12_09_0202_action_link_secret': actionLinkSecret,
  '2026_12_10_0101_tenant_ids': tenantIds,
  '2026_12_10_0301_invoice_lines_write_paths': invoiceLinesWritePaths,
  '2026_12_10_0501_pdf_page_size': pdfPageSize,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
