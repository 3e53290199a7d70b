/**
 * Who may see and change what. The Commitments tool's permission level on a project is the only
 * project role: Admin on Commitments *is* the invoice administrator. A company admin of a general
 * contractor acts as Admin on every project of that GC — its tenant (decision 025) — and on no
 * other GC's.
 */
import { DomainError } from './errors.ts';

export const COMMITMENTS_PERMISSIONS = ['none', 'read_only', 'standard', 'admin'] as const;
export type CommitmentsPermission = (typeof COMMITMENTS_PERMISSIONS)[number];

/** The signed-in person, as the rules need them. */
export type Viewer = {
  userId: string;
  companyId: string;
  isCompanyAdmin: boolean;
};

/** A viewer's standing on one project: `directoryPermission` is null when they are not in its directory. */
export type ProjectAccess = {
  viewer: Viewer;
  projectId: string;
  /** The project's tenant: the general contractor's company it belongs to (decision 025). */
  tenantId: string;
  directoryPermission: CommitmentsPermission | null;
};

/** A company admin administers their own company's projects only: a company admin of one GC is nobody on another's. */
export function isTenantAdmin(viewer: Viewer, tenantId: string): boolean {
  return viewer.isCompanyAdmin && viewer.companyId === tenantId;
}

const RANK: Record<CommitmentsPermission, number> = { none: 0, read_only: 1, standard: 2, admin: 3 };

export function permissionAtLeast(level: CommitmentsPermission | null, minimum: CommitmentsPermission): boolean {
  return level !== null && RANK[level] >= RANK[minimum];
}

/** Company admins are Admin on every project of their company; everyone else has what the project directory gives them. */
export function effectivePermission(access: ProjectAccess): CommitmentsPermission {
  if (isTenantAdmin(access.viewer, access.tenantId)) return 'admin';
  return access.directoryPermission ?? 'none';
}

export function isInvoiceAdministrator(access: ProjectAccess): boolean {
  return effectivePermission(access) === 'admin';
}

/** A project is visible to its company's company admins and to everyone in its directory (even with None). */
export function canSeeProject(access: ProjectAccess): boolean {
  return isTenantAdmin(access.viewer, access.tenantId) || access.directoryPermission !== null;
}

/**
 * Which commitments of a project a viewer may see, as a policy the query layer turns into SQL:
 * - `all`: company admins and Admins on Commitments;
 * - `none`: permission None (or not in the directory);
 * - `public_or_listed`: Read Only and Standard see non-private commitments and the private ones
 *   whose private list they are on — invoice contacts are always on it.
 */
export type CommitmentVisibility =
  | { kind: 'all' }
  | { kind: 'none' }
  | { kind: 'public_or_listed'; userId: string };

export function commitmentVisibility(access: ProjectAccess): CommitmentVisibility {
  const level = effectivePermission(access);
  if (level === 'admin') return { kind: 'all' };
  if (level === 'none') return { kind: 'none' };
  return { kind: 'public_or_listed', userId: access.viewer.userId };
}

/** The facts about one commitment that decide whether one viewer may see it and its SOV. */
export type CommitmentPrivacyFacts = {
  isPrivate: boolean;
  /** "Allow these non-admin users to see the SOV items" on the private list. */
  privateSovVisible: boolean;
  viewerIsExplicitlyListed: boolean;
  viewerIsInvoiceContact: boolean;
};

export function canSeeCommitment(access: ProjectAccess, facts: CommitmentPrivacyFacts): boolean {
  const policy = commitmentVisibility(access);
  switch (policy.kind) {
    case 'all':
      return true;
    case 'none':
      return false;
    case 'public_or_listed':
      return !facts.isPrivate || facts.viewerIsExplicitlyListed || facts.viewerIsInvoiceContact;
  }
}

/**
 * SOV lines of a private commitment are visible to a non-admin only when they are one of its
 * invoice contacts, or they are on its private list and "see SOV items" is on.
 */
export function canSeeSovLines(access: ProjectAccess, facts: CommitmentPrivacyFacts): boolean {
  if (!canSeeCommitment(access, facts)) return false;
  if (isInvoiceAdministrator(access) || !facts.isPrivate) return true;
  return facts.viewerIsInvoiceContact || (facts.viewerIsExplicitlyListed && facts.privateSovVisible);
}

/**
 * Everything derived from a commitment's SOV items — its lines, change orders, Subcontractor SOV,
 * totals and the dollar caps of its retention rules — follows the SOV's visibility. A viewer who may
 * see the commitment but not its items is told so (403): the commitment's existence is no secret
 * to them, its amounts are.
 */
export function assertCanSeeSovItems(access: ProjectAccess, facts: CommitmentPrivacyFacts): void {
  if (!canSeeSovLines(access, facts)) {
    throw new DomainError('forbidden', "This commitment's schedule of values is private.");
  }
}

export function assertInvoiceAdministrator(access: ProjectAccess, action: string): void {
  if (!isInvoiceAdministrator(access)) {
    throw new DomainError('forbidden', `Only an Admin on this project's Commitments tool can ${action}.`);
  }
}

/** Managing a project's directory: company admins and the project's Commitments admins. */
export function assertCanManageProjectDirectory(access: ProjectAccess): void {
  assertInvoiceAdministrator(access, "change the project's directory");
}

export function assertCompanyAdmin(viewer: Viewer, action: string): void {
  if (!viewer.isCompanyAdmin) {
    throw new DomainError('forbidden', `Only a company admin can ${action}.`);
  }
}

/**
 * The company directory (every company and person) is read by company admins and by anyone who is
 * Admin on Commitments somewhere — they add companies and people to projects. Everyone else sees
 * only their own company and its people.
 */
export function canReadWholeDirectory(viewer: Viewer, isAdminOnAnyProject: boolean): boolean {
  return viewer.isCompanyAdmin || isAdminOnAnyProject;
}
