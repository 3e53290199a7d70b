import { deleteSession } from '../../db/auth.queries.ts';
import type { Db } from '../../db/database.ts';

export async function signOut(db: Db, sessionId: string): Promise<void> {
  await deleteSession(db, sessionId);
}
