/** Sentences that end with a name: one full stop, never two (issue 10, item 13). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endSentence } from '../../src/domain/format.ts';

test('endSentence adds a full stop only when the sentence does not already end with one', () => {
  const cases: [string, string][] = [
    ['Ask Dana Contact', 'Ask Dana Contact.'],
    ['Ask Cascade Drywall Inc.', 'Ask Cascade Drywall Inc.'],
    ['Invoice contact from Northwind Builders, Inc.', 'Invoice contact from Northwind Builders, Inc.'],
    ['Ask J. Smith Jr.  ', 'Ask J. Smith Jr.'],
    ['Is it done?', 'Is it done?'],
    ['Stop!', 'Stop!'],
    ['And then…', 'And then…'],
    ['She wrote "Approved."', 'She wrote "Approved."'],
    ['She wrote “Approved.”', 'She wrote “Approved.”'],
    ['Approved as noted (see Acme Inc.)', 'Approved as noted (see Acme Inc.).'],
    ['Total $1,000.00', 'Total $1,000.00.'],
    ['Version 2.0 of SC-104', 'Version 2.0 of SC-104.'],
  ];
  for (const [input, expected] of cases) assert.equal(endSentence(input), expected, JSON.stringify(input));
});
