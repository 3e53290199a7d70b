import { z } from '@hono/zod-openapi';
import { COMPANY_KINDS } from '../domain/directory.ts';
import { Id, pageOf, PasswordText, strictObject } from './common.schemas.ts';

export const UserSchema = z
  .object({
    id: z.string(),
    companyId: z.string(),
    name: z.string(),
    email: z.string(),
    isActive: z.boolean(),
    emailEnabled: z.boolean().openapi({ description: '"Send me email": off means payapp never emails this person.' }),
    isCompanyAdmin: z.boolean(),
    hasPassword: z.boolean().openapi({ description: 'False until the person completes their invitation.' }),
  })
  .openapi('User');

export const CompanySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(COMPANY_KINDS),
    address: z.string(),
    defaultInvoiceContactId: z.string().nullable(),
  })
  .openapi('Company');

export const CompanyPage = pageOf(CompanySchema, 'CompanyPage');
export const UserPage = pageOf(UserSchema, 'UserPage');

const name = z.string().trim().min(1, 'Enter a name.').max(200);
const email = z.email('Enter an email address like name@example.com.').max(254);

export const CreateCompanyBody = strictObject({ name, kind: z.enum(COMPANY_KINDS), address: z.string().max(1000).optional() })
  .openapi('CreateCompany');

export const UpdateCompanyBody = strictObject({
  name: name.optional(),
  kind: z.enum(COMPANY_KINDS).optional(),
  address: z.string().max(1000).optional(),
  defaultInvoiceContactId: Id.nullable().optional(),
}).openapi('UpdateCompany');

export const CreateUserBody = strictObject({
  companyId: Id,
  name,
  email,
  isCompanyAdmin: z.boolean().optional(),
  emailEnabled: z.boolean().optional(),
  password: PasswordText.optional().openapi({ description: 'Optional; otherwise the person sets it from an invitation link.' }),
  sendInvitation: z.boolean().optional().openapi({ description: 'Without a password: email the invitation link (default true).' }),
}).openapi('CreateUser');

export const UpdateUserBody = strictObject({
  name: name.optional(),
  email: email.optional(),
  isActive: z.boolean().optional(),
  emailEnabled: z.boolean().optional(),
  isCompanyAdmin: z.boolean().optional(),
}).openapi('UpdateUser');
