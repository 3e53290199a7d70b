import type { Db } from '../db/database.ts';

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  return row === undefined;
}

export async function loadDemo(_db: Db, _now: Date): Promise<void> {
  throw new Error('The demo data set is being written.');
}

export async function printDemoAccounts(_db: Db): Promise<void> {}
