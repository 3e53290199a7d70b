// ESLint: typescript-eslint's recommended rules, plus the layer boundaries of docs/ARCHITECTURE.md:
// src/domain imports nothing else from src/; src/db never imports services or http; services never
// import http. (Reads may go from a route straight to src/db; writes go through src/services.)
import tseslint from 'typescript-eslint';

const restrict = (patterns, message) => ['error', { patterns: patterns.map((group) => ({ group: [group], message })) }];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'dist-web/**', 'data/**', 'scratch/**', 'test-artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['**/db/**', '**/services/**', '**/http/**', '**/email/**', '**/web/**', '**/cli/**', 'node:*', 'kysely', 'pg', 'hono', '@hono/*'],
        'src/domain is pure: no I/O, no other layers.',
      ),
    },
  },
  {
    // Pay application PDFs are drawn from domain data only (docs/decisions/027).
    files: ['src/pdf/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['**/db/**', '**/services/**', '**/http/**', '**/email/**', '**/web/**', '**/cli/**', 'kysely', 'pg', 'hono', '@hono/*'],
        'src/pdf renders domain data: no database, services or HTTP.',
      ),
    },
  },
  {
    // Spreadsheet exports write domain tables only (docs/decisions/028).
    files: ['src/exports/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        ['**/db/**', '**/services/**', '**/http/**', '**/email/**', '**/web/**', '**/cli/**', 'kysely', 'pg', 'hono', '@hono/*'],
        'src/exports writes domain data: no database, services or HTTP.',
      ),
    },
  },
  {
    files: ['src/db/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(['**/services/**', '**/http/**', '**/web/**'], 'src/db holds SQL only; it may import src/domain types.'),
    },
  },
  {
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(['**/http/**', '**/web/**'], 'Services do not know about HTTP or the UI.'),
    },
  },
  {
    // The audit log is append-only (docs/decisions/016-audit-chain.md); the database refuses the
    // rest too, this says so where the code is written.
    // (Migrations excepted: the one that introduced the chain linked the entries already written.)
    files: ['src/**/*.ts'],
    ignores: ['src/db/migrations/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.property.name=/^(updateTable|deleteFrom)$/] > Literal.arguments[value=/^(auditLog|audit_log)\\b/]",
          message: 'The audit log is append-only: record a new entry instead.',
        },
        {
          selector: 'Literal[value=/\\b(update|delete\\s+from|truncate)\\s+(table\\s+)?audit_log\\b/i]',
          message: 'The audit log is append-only: record a new entry instead.',
        },
        {
          selector: 'TemplateElement[value.raw=/\\b(update|delete\\s+from|truncate)\\s+(table\\s+)?audit_log\\b/i]',
          message: 'The audit log is append-only: record a new entry instead.',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
