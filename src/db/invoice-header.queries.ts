/**
 * One invoice at a glance, in ONE statement (issue 12): the project and the viewer's access to it,
 * the invoice (locked when asked), its billing period, the overbilling settings, the commitment with
 * the facts that decide whether the viewer sees it, the contract company's name and the viewer's
 * own name (for the emails the request may write). On request, what a submission needs too: the
 * invite's attachment request, the attachment count and the latest submission with its claims.
 *
 * Every invoice request starts here (src/services/billing/invoice-context.ts). When no row comes
 * back, `explainMissingInvoice` finds the right refusal (no such project, or no such invoice).
 */
import { sql } from 'kysely';
import type { BillingPeriod } from '../domain/billing-period.ts';
import type { Commitment } from '../domain/commitment.ts';
import { notFound } from '../domain/errors.ts';
import type { Invoice } from '../domain/invoice.ts';
import type { LineEntry } from '../domain/pay-application.ts';
import { canSeeProject, type CommitmentPrivacyFacts, type CommitmentsPermission, type ProjectAccess, type Viewer } from '../domain/permissions.ts';
import type { Project } from '../domain/project.ts';
import { billingPeriodFromRow } from './billing-periods.queries.ts';
import { commitmentFromRow } from './commitments.queries.ts';
import type { DbOrTrx } from './database.ts';
import { isUuid } from './ids.ts';
import { crossTenant } from './tenant-check.ts';
import { invoiceFromRow } from './invoices.queries.ts';
import { getProjectWithAccess, projectFromRow } from './projects.queries.ts';
import type { BillingPeriodRow, CommitmentRow, InvoiceRow, ProjectRow } from './tables.ts';

export type LatestSubmission = {
  revision: number;
  /** Per invoice line id: what was claimed; null when the submission predates line records. */
  claimed: Map<string, LineEntry> | null;
};

export type InvoiceHeader = {
  access: ProjectAccess;
  project: Project;
  invoice: Invoice;
  period: BillingPeriod;
  allowOverbilling: boolean;
  preventOverbillingAllProjects: boolean;
  approvalNoticesEnabled: boolean;
  commitment: Commitment;
  commitmentFacts: CommitmentPrivacyFacts;
  contractCompanyName: string | null;
  viewerName: string;
  /** With `forSubmission` only. */
  submission?: {
    invite: { requestAttachments: boolean; attachmentsNote: string } | null;
    attachmentCount: number;
    latest: LatestSubmission | null;
  };
};

const PROJECT_COLUMNS = ['id', 'tenantId', 'name', 'number', 'address', 'currency', 'locale', 'timeZone', 'terminology', 'createdAt', 'updatedAt'] as const;
const COMMITMENT_COLUMNS = [
  'id',
  'projectId',
  'kind',
  'number',
  'title',
  'description',
  'status',
  'contractCompanyId',
  'isPrivate',
  'privateSovVisible',
  'accountingMethod',
  'retainageWorkBp',
  'retainageMaterialsBp',
  'ssovEnabled',
  'version',
  'createdAt',
  'updatedAt',
] as const;

/** Where an invoice request learns its tenant: the invoice is found by its project and id (decision 025). */
const RESOLVES_TENANT = crossTenant("resolves the invoice's tenant from its project and id, once per request");

type SubmissionJson = { revision: number; linesRecorded: boolean; lines: { id: string; w: number | null; p: number | null; mn: number; mi: number; rr: number }[] | null };

export async function getInvoiceHeader(
  db: DbOrTrx,
  viewer: Viewer,
  projectId: string,
  invoiceId: string,
  options: { forUpdate?: boolean; forSubmission?: boolean } = {},
): Promise<InvoiceHeader> {
  if (!isUuid(projectId)) throw notFound('The project');
  if (!isUuid(invoiceId)) throw notFound('The invoice');
  let q = db
    .selectFrom('invoices as i')
    .innerJoin('projects as p', (join) => join.onRef('p.tenantId', '=', 'i.tenantId').onRef('p.id', '=', 'i.projectId'))
    .innerJoin('billingPeriods as bp', (join) => join.onRef('bp.tenantId', '=', 'i.tenantId').onRef('bp.id', '=', 'i.billingPeriodId'))
    .innerJoin('commitments as c', (join) => join.onRef('c.tenantId', '=', 'i.tenantId').onRef('c.id', '=', 'i.commitmentId'))
    .leftJoin('projectUsers as pu', (join) =>
      join.onRef('pu.tenantId', '=', 'i.tenantId').onRef('pu.projectId', '=', 'p.id').on('pu.userId', '=', viewer.userId),
    )
    .leftJoin('projectSettings as ps', (join) => join.onRef('ps.tenantId', '=', 'i.tenantId').onRef('ps.projectId', '=', 'i.projectId'))
    .leftJoin('companies as cc', 'cc.id', 'c.contractCompanyId')
    .selectAll('i')
    .select(PROJECT_COLUMNS.map((column) => `p.${column} as prj_${column}` as const))
    .select(COMMITMENT_COLUMNS.map((column) => `c.${column} as cmt_${column}` as const))
    .select((eb) => [
      'pu.commitmentsPermission',
      sql<BillingPeriodRow>`to_jsonb(bp)`.as('period'),
      'cc.name as contractCompanyName',
      sql<boolean>`coalesce(ps.allow_overbilling, true)`.as('allowOverbillingSetting'),
      sql<boolean>`coalesce(ps.approval_notices_enabled, false)`.as('approvalNoticesEnabled'),
      sql<boolean>`coalesce((select cs.prevent_overbilling_all_projects from company_settings cs where cs.tenant_id = i.tenant_id), false)`.as('preventOverbillingAllProjects'),
      sql<string | null>`(select u.name from users u where u.id = ${viewer.userId})`.as('viewerName'),
      eb
        .exists(
          eb
            .selectFrom('commitmentPrivateUsers as cpu')
            .select('cpu.userId')
            .whereRef('cpu.tenantId', '=', 'c.tenantId')
            .whereRef('cpu.commitmentId', '=', 'c.id')
            .where('cpu.userId', '=', viewer.userId),
        )
        .as('viewerIsExplicitlyListed'),
      eb
        .exists(
          eb
            .selectFrom('commitmentInvoiceContacts as cic')
            .select('cic.userId')
            .whereRef('cic.tenantId', '=', 'c.tenantId')
            .whereRef('cic.commitmentId', '=', 'c.id')
            .where('cic.userId', '=', viewer.userId),
        )
        .as('viewerIsInvoiceContact'),
    ])
    .$if(Boolean(options.forSubmission), (qb) =>
      qb.select([
        sql<{ requestAttachments: boolean; attachmentsNote: string } | null>`(select jsonb_build_object('requestAttachments', bi.request_attachments, 'attachmentsNote', bi.attachments_note)
            from billing_invites bi where bi.tenant_id = i.tenant_id and bi.billing_period_id = i.billing_period_id and bi.commitment_id = i.commitment_id)`.as('invite'),
        sql<number>`(select count(*)::int from invoice_attachments a where a.tenant_id = i.tenant_id and a.invoice_id = i.id and a.deleted_at is null)`.as('attachmentCount'),
        // The latest submission and what it claimed on each line (short keys: it can be thousands of lines).
        sql<SubmissionJson | null>`(select jsonb_build_object('revision', s.revision, 'linesRecorded', s.lines_recorded, 'lines',
              case when s.lines_recorded then (select jsonb_agg(jsonb_build_array(l.invoice_line_id, l.claimed_work_cents, l.claimed_percent_bp,
                l.claimed_materials_new_cents, l.claimed_materials_installed_cents, l.claimed_retainage_released_cents))
                from invoice_submission_lines l where l.tenant_id = s.tenant_id and l.submission_id = s.id) end)
            from invoice_submissions s where s.tenant_id = i.tenant_id and s.invoice_id = i.id order by s.revision desc limit 1)`.as('latestSubmission'),
      ]),
    )
    .where('i.projectId', '=', projectId)
    .where('i.id', '=', invoiceId)
    .modifyEnd(RESOLVES_TENANT);
  if (options.forUpdate) q = q.forUpdate(['i']);
  const row = await q.executeTakeFirst();
  if (!row) return explainMissingInvoice(db, viewer, projectId);
  const r = row as unknown as Record<string, unknown>;
  const pick = <T>(prefix: string, columns: readonly string[]) => Object.fromEntries(columns.map((column) => [column, r[`${prefix}${column[0]?.toUpperCase()}${column.slice(1)}`]])) as T;
  const access: ProjectAccess = { viewer, projectId, tenantId: row.tenantId, directoryPermission: (row.commitmentsPermission as CommitmentsPermission | null) ?? null };
  if (!canSeeProject(access)) throw notFound('The project');
  const commitment = commitmentFromRow(pick<CommitmentRow>('cmt', COMMITMENT_COLUMNS));
  const latest = (row as { latestSubmission?: unknown }).latestSubmission as unknown;
  return {
    access,
    project: projectFromRow(pick<ProjectRow>('prj', PROJECT_COLUMNS)),
    invoice: invoiceFromRow(row as unknown as InvoiceRow),
    period: billingPeriodFromRow(row.period),
    allowOverbilling: row.allowOverbillingSetting,
    preventOverbillingAllProjects: row.preventOverbillingAllProjects,
    approvalNoticesEnabled: row.approvalNoticesEnabled,
    commitment,
    commitmentFacts: {
      isPrivate: commitment.isPrivate,
      privateSovVisible: commitment.privateSovVisible,
      viewerIsExplicitlyListed: Boolean(row.viewerIsExplicitlyListed),
      viewerIsInvoiceContact: Boolean(row.viewerIsInvoiceContact),
    },
    contractCompanyName: row.contractCompanyName ?? null,
    viewerName: row.viewerName ?? 'payapp',
    ...(options.forSubmission && {
      submission: {
        invite: (r.invite as { requestAttachments: boolean; attachmentsNote: string } | null) ?? null,
        attachmentCount: Number(r.attachmentCount ?? 0),
        latest: latestSubmissionFromJson(latest as SubmissionJson | null),
      },
    }),
  };
}

function latestSubmissionFromJson(json: SubmissionJson | null): LatestSubmission | null {
  if (!json) return null;
  if (!json.linesRecorded) return { revision: json.revision, claimed: null };
  const lines = (json.lines ?? []) as unknown as [string, number | null, number | null, number, number, number][];
  return {
    revision: json.revision,
    claimed: new Map(
      lines.map(([lineId, work, percent, materialsNew, materialsInstalled, released]) => [
        lineId,
        {
          workCompletedThisPeriodCents: work === null ? null : Number(work),
          percentCompleteToDateBp: work === null ? percent : null,
          materialsStoredNewCents: Number(materialsNew),
          materialsInstalledCents: Number(materialsInstalled),
          retainageReleasedCents: Number(released),
        },
      ]),
    ),
  };
}

/** No invoice row: the project's own refusal when the viewer may not see it, else the invoice is not found. */
async function explainMissingInvoice(db: DbOrTrx, viewer: Viewer, projectId: string): Promise<never> {
  await getProjectWithAccess(db, viewer, projectId);
  throw notFound('The invoice');
}
