/**
 * Test code is held to the tenant check like application code (decision 025): a test that inspects
 * the rows of every tenant at once — the whole demo, a whole database — says so with this marker.
 */
import { crossTenant } from '../../src/db/tenant-check.ts';

export const everyTenant = crossTenant('test code inspects the rows of every tenant');
