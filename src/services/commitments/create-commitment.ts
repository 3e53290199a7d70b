import {
  assertRetainageRate,
  assertSsovAllowed,
  type AccountingMethod,
  type Commitment,
  type CommitmentKind,
  type CommitmentStatus,
} from '../../domain/commitment.ts';
import { DomainError } from '../../domain/errors.ts';
import { assertContactEligible, checkContactEligibility } from '../../domain/invoice-contacts.ts';
import { assertInvoiceAdministrator, type Viewer } from '../../domain/permissions.ts';
import { recordAudit } from '../../db/audit.queries.ts';
import { commitmentFromRow, isNumberTaken } from '../../db/commitments.queries.ts';
import { findContactCandidate, insertInvoiceContact } from '../../db/contacts.queries.ts';
import type { Db } from '../../db/database.ts';
import { findCompany } from '../../db/directory.queries.ts';
import { isUuid } from '../../db/ids.ts';
import { getProjectAccess, isCompanyInProject } from '../../db/projects.queries.ts';
import { getProjectSettings } from '../../db/settings.queries.ts';
import type { Trx } from '../../db/database.ts';

export type CreateCommitmentInput = {
  kind: CommitmentKind;
  number: string;
  title: string;
  description?: string | undefined;
  status?: CommitmentStatus | undefined;
  contractCompanyId?: string | null | undefined;
  isPrivate?: boolean | undefined;
  privateSovVisible?: boolean | undefined;
  accountingMethod?: AccountingMethod | undefined;
  retainageWorkBp?: number | undefined;
  retainageMaterialsBp?: number | undefined;
  /** Omitted: the project's "enable Subcontractor SOV by default" (amount-based commitments only). */
  ssovEnabled?: boolean | undefined;
  /** Omitted: pre-filled with the contract company's default invoice contact, when eligible. */
  invoiceContactIds?: string[] | undefined;
};

export type CreateCommitmentResult = { commitment: Commitment; warnings: string[] };

/** A contract company must be in the project directory to be chosen (reference §1). */
export async function assertContractCompanyUsable(trx: Trx, tenantId: string, projectId: string, companyId: string): Promise<void> {
  const company = isUuid(companyId) ? await findCompany(trx, companyId) : undefined;
  if (!company) {
    throw new DomainError('company_not_found', 'Choose a contract company from the directory.', { field: 'contractCompanyId' });
  }
  if (!(await isCompanyInProject(trx, tenantId, projectId, companyId))) {
    throw new DomainError(
      'contract_company_not_in_project',
      `${company.name} is not in this project's directory. Add it to the project first.`,
      { field: 'contractCompanyId' },
    );
  }
}

export async function createCommitment(
  db: Db,
  viewer: Viewer,
  projectId: string,
  input: CreateCommitmentInput,
  now: Date,
): Promise<CreateCommitmentResult> {
  const access = await getProjectAccess(db, viewer, projectId);
  assertInvoiceAdministrator(access, 'create commitments');
  const { tenantId } = access;
  assertRetainageRate(input.retainageWorkBp ?? 0, 'retainageWorkBp');
  assertRetainageRate(input.retainageMaterialsBp ?? 0, 'retainageMaterialsBp');
  const accountingMethod = input.accountingMethod ?? 'amount';
  const ssovEnabled = input.ssovEnabled ?? ((await getProjectSettings(db, tenantId, projectId)).ssovEnabledByDefault && accountingMethod === 'amount');
  assertSsovAllowed(accountingMethod, ssovEnabled);
  const contractCompanyId = input.contractCompanyId ?? null;
  return db.transaction().execute(async (trx) => {
    const number = input.number.trim();
    if (await isNumberTaken(trx, tenantId, projectId, number)) {
      throw new DomainError('duplicate_number', `Commitment number ${number} is already used on this project.`, {
        field: 'number',
      });
    }
    if (contractCompanyId) await assertContractCompanyUsable(trx, tenantId, projectId, contractCompanyId);
    const row = await trx
      .insertInto('commitments')
      .values({
        tenantId,
        projectId,
        kind: input.kind,
        number,
        title: input.title.trim(),
        description: input.description ?? '',
        status: input.status ?? 'draft',
        contractCompanyId,
        isPrivate: input.isPrivate ?? true,
        privateSovVisible: input.privateSovVisible ?? false,
        accountingMethod,
        retainageWorkBp: input.retainageWorkBp ?? 0,
        retainageMaterialsBp: input.retainageMaterialsBp ?? 0,
        ssovEnabled,
        createdAt: now,
        updatedAt: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const commitment = commitmentFromRow(row);

    const warnings: string[] = [];
    const contactIds: string[] = [];
    if (input.invoiceContactIds !== undefined) {
      for (const [index, userId] of input.invoiceContactIds.entries()) {
        const candidate = await findContactCandidate(trx, tenantId, projectId, userId);
        if (!candidate) {
          throw new DomainError('not_found', 'That person was not found.', { field: `invoiceContactIds.${index}` });
        }
        try {
          assertContactEligible(contractCompanyId, candidate);
        } catch (error) {
          if (error instanceof DomainError) {
            throw new DomainError(error.code, error.message, { field: `invoiceContactIds.${index}` });
          }
          throw error;
        }
        contactIds.push(userId);
      }
    } else if (contractCompanyId) {
      const company = await findCompany(trx, contractCompanyId);
      if (company?.defaultInvoiceContactId) {
        const candidate = await findContactCandidate(trx, tenantId, projectId, company.defaultInvoiceContactId);
        const eligibility = candidate && checkContactEligibility(contractCompanyId, candidate);
        if (eligibility?.eligible) contactIds.push(company.defaultInvoiceContactId);
        else if (eligibility) {
          warnings.push(`The company's default invoice contact was not added: ${eligibility.reason}`);
        }
      }
    }
    for (const userId of new Set(contactIds)) await insertInvoiceContact(trx, tenantId, commitment.id, userId, now);

    await recordAudit(trx, {
      occurredAt: now,
      actorUserId: viewer.userId,
      projectId,
      entityType: 'commitment',
      entityId: commitment.id,
      action: 'create',
      after: { ...commitment, invoiceContactIds: [...new Set(contactIds)] },
    });
    return { commitment, warnings };
  });
}
