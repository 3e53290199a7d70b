import type { Kysely } from 'kysely';
import { runStatements } from './2026_11_25_0001_foundation.ts';

/**
 * Issue 13: the paper a project's pay applications print on (decision 027). Letter for every
 * project so far: both locales payapp offers (en-US, en-CA) print on Letter; A4 is a choice.
 */
const up = [
  `alter table project_settings
     add column pdf_page_size text not null default 'letter'
     constraint project_settings_pdf_page_size_check check (pdf_page_size in ('letter', 'a4'))`,
];

export const pdfPageSize = {
  up: (db: Kysely<unknown>) => runStatements(db, up),
  down: (db: Kysely<unknown>) => runStatements(db, ['alter table project_settings drop column if exists pdf_page_size']),
};
