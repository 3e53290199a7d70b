import { z } from '@hono/zod-openapi';
import { COMMITMENTS_PERMISSIONS } from '../domain/permissions.ts';
import { CURRENCIES, LOCALES, TERMINOLOGIES } from '../domain/project.ts';
import { COMPANY_KINDS } from '../domain/directory.ts';
import { strictObject } from './common.schemas.ts';

export const ProjectSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    number: z.string(),
    address: z.string(),
    currency: z.enum(CURRENCIES),
    locale: z.enum(LOCALES),
    timeZone: z.string(),
    terminology: z.enum(TERMINOLOGIES),
  })
  .openapi('Project');

export const ProjectWithAccessSchema = ProjectSchema.extend({
  commitmentsPermission: z.enum(COMMITMENTS_PERMISSIONS).openapi({ description: "Your level on this project's Commitments tool." }),
}).openapi('ProjectWithAccess');

export const CreateProjectBody = strictObject({
  name: z.string().trim().min(1, 'Enter a project name.').max(200),
  number: z.string().max(50).optional(),
  address: z.string().max(1000).optional(),
  currency: z.enum(CURRENCIES),
  locale: z.enum(LOCALES),
  timeZone: z.string().min(1).max(100).openapi({ example: 'America/Toronto' }),
  terminology: z.enum(TERMINOLOGIES).optional(),
}).openapi('CreateProject');

export const UpdateProjectBody = CreateProjectBody.partial().openapi('UpdateProject');

export const DirectoryEntrySchema = z
  .object({
    userId: z.string(),
    name: z.string(),
    email: z.string(),
    companyId: z.string(),
    companyName: z.string(),
    isActive: z.boolean(),
    commitmentsPermission: z.enum(COMMITMENTS_PERMISSIONS),
  })
  .openapi('ProjectDirectoryEntry');

export const ProjectDirectorySchema = z
  .object({
    companies: z.array(z.object({ id: z.string(), name: z.string(), kind: z.enum(COMPANY_KINDS) })),
    users: z.array(DirectoryEntrySchema),
  })
  .openapi('ProjectDirectory');

export const SetProjectUserBody = strictObject({ commitmentsPermission: z.enum(COMMITMENTS_PERMISSIONS) })
  .openapi('SetProjectUser');

export const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    occurredAt: z.string(),
    actorUserId: z.string().nullable(),
    actorName: z.string().nullable(),
    entityType: z.string(),
    entityId: z.string(),
    action: z.string(),
    before: z.unknown(),
    after: z.unknown(),
  })
  .openapi('AuditEntry');
