/** Shapes and wording the directory page and its cards share. */
import type { Schemas } from '../../api/client.ts';
import type { PermissionLevel } from '../commitments/labels.ts';

export type Directory = Schemas['ProjectDirectory'];
export type Entry = Schemas['ProjectDirectoryEntry'];

export const LEVEL_HELP: Record<PermissionLevel, string> = {
  none: 'Sees the project, but no commitments.',
  read_only: 'Sees non-private commitments and the private ones they are on the list of. Invoice contacts need at least this.',
  standard: 'Like Read Only in payapp. Not recommended for invoice contacts.',
  admin: 'Invoice administrator: sees and changes every commitment, invites to bill, reviews invoices.',
};
