/** Domain objects → JSON. Explicit field lists: nothing leaves the server by accident. */
import { changeOrderTotalCents, type ChangeOrder } from '../domain/change-order.ts';
import type { Commitment, SovLine } from '../domain/commitment.ts';
import type { Company, User } from '../domain/directory.ts';
import type { Project } from '../domain/project.ts';

export function presentUser(user: User) {
  return {
    id: user.id,
    companyId: user.companyId,
    name: user.name,
    email: user.email,
    isActive: user.isActive,
    emailEnabled: user.emailEnabled,
    isCompanyAdmin: user.isCompanyAdmin,
    hasPassword: user.hasPassword,
  };
}

export function presentCompany(company: Company) {
  return {
    id: company.id,
    name: company.name,
    kind: company.kind,
    address: company.address,
    defaultInvoiceContactId: company.defaultInvoiceContactId,
  };
}

export function presentProject(project: Project) {
  return {
    id: project.id,
    name: project.name,
    number: project.number,
    address: project.address,
    currency: project.currency,
    locale: project.locale,
    timeZone: project.timeZone,
    terminology: project.terminology,
  };
}

export function presentCommitment(c: Commitment) {
  return {
    id: c.id,
    projectId: c.projectId,
    kind: c.kind,
    number: c.number,
    title: c.title,
    description: c.description,
    status: c.status,
    contractCompanyId: c.contractCompanyId,
    isPrivate: c.isPrivate,
    privateSovVisible: c.privateSovVisible,
    accountingMethod: c.accountingMethod,
    retainageWorkBp: c.retainageWorkBp,
    retainageMaterialsBp: c.retainageMaterialsBp,
    ssovEnabled: c.ssovEnabled,
    version: c.version,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function presentSovLine(line: SovLine) {
  return {
    id: line.id,
    position: line.position,
    itemNumber: line.itemNumber,
    costCode: line.costCode,
    description: line.description,
    scheduledValueCents: line.scheduledValueCents,
  };
}

export function presentChangeOrder(co: ChangeOrder) {
  return {
    id: co.id,
    commitmentId: co.commitmentId,
    number: co.number,
    title: co.title,
    status: co.status,
    approvedAt: co.approvedAt?.toISOString() ?? null,
    version: co.version,
    totalCents: changeOrderTotalCents(co),
    lines: co.lines.map((l) => ({
      id: l.id,
      position: l.position,
      itemNumber: l.itemNumber,
      costCode: l.costCode,
      description: l.description,
      amountCents: l.amountCents,
    })),
  };
}
