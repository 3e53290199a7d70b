/**
 * Runs scripts/monthly-cycle.ts in-process (a real HTTP server on a free port, on this file's test
 * database — PGlite or PostgreSQL), so CI fails if any G702 line of the three-period cycle differs
 * from the script's hand-checked expectations.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { G702_LINES, runMonthlyCycle } from '../../scripts/monthly-cycle.ts';
import { openTestDatabase, type TestDatabase } from '../support/test-db.ts';

let database: TestDatabase;
before(async () => {
  database = await openTestDatabase();
});
after(() => database.close());

test('the monthly cycle script: every G702 line of every approved invoice matches its expectation', async () => {
  const report = await runMonthlyCycle({ database, log: () => {} });
  assert.deepEqual(report.mismatches, [], report.output.join('\n'));
  assert.equal(report.ok, true);
  assert.deepEqual(
    report.invoices.map((i) => i.status),
    ['approved', 'approved_as_noted', 'approved'],
  );
  // Line 7 of each invoice is line 6 of the one before (from its snapshot).
  for (const [i, invoice] of report.invoices.entries()) {
    const previous = report.invoices[i - 1];
    assert.equal(invoice.summary.lessPreviousCertificatesCents, previous ? previous.summary.totalEarnedLessRetainageCents : 0);
  }
  // The table printed every line of every invoice.
  const printed = report.output.filter((line) => /^\s{2}(1|2|3|4|5a|5b|5|6|7|8|9)\s.*\s(ok|MISMATCH)$/.test(line));
  assert.equal(printed.length, report.invoices.length * G702_LINES.length);
});
