/**
 * The submission checklist (src/domain/submission-checklist.ts, issue 10 item 12): which items
 * apply, when each is met, and when submitting needs `acknowledgeMissing`.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DomainError } from '../../src/domain/errors.ts';
import { acknowledgeChecklist, submissionChecklist, type ChecklistLine } from '../../src/domain/submission-checklist.ts';

const line = (lineId: string, itemNumber: string, description: string, materialsStoredNewCents = 0): ChecklistLine => ({ lineId, itemNumber, description, materialsStoredNewCents });
const lines = [line('a', '1', 'Sitework'), line('b', '2', 'Switchgear', 1_234_56), line('c', '3', 'Conduit', 100_00), line('d', '4', 'Correction', -50_00)];
const asked = { requestAttachments: true, attachmentsNote: '  Conditional lien waiver  ' };

describe('which items apply', () => {
  test('nothing asked and no stored materials: no items, nothing missing', () => {
    const c = submissionChecklist({ invite: null, attachmentCount: 0, lines: [line('a', '1', 'x')] });
    assert.deepEqual([c.items, c.missing, c.attachmentsRequested, c.storedMaterialsLines], [[], [], false, []]);
    const notAsked = submissionChecklist({ invite: { requestAttachments: false, attachmentsNote: null }, attachmentCount: 0, lines: [] });
    assert.deepEqual(notAsked.items, []);
  });

  test('the invite asked for attachments: the item carries its note (trimmed), unmet without an attachment', () => {
    const c = submissionChecklist({ invite: asked, attachmentCount: 0, lines: [] });
    assert.deepEqual(
      c.items.map((i) => [i.code, i.detail, i.isMet, i.missingMessage]),
      [['attachments_requested', 'Conditional lien waiver', false, 'The Invite to Bill asks for attachments (Conditional lien waiver), and none is attached.']],
    );
    assert.deepEqual([c.attachmentsRequested, c.attachmentsNote, c.missing], [true, 'Conditional lien waiver', ['attachments_requested']]);
    const noNote = submissionChecklist({ invite: { requestAttachments: true, attachmentsNote: null }, attachmentCount: 0, lines: [] });
    assert.equal(noNote.items[0]?.missingMessage, 'The Invite to Bill asks for attachments, and none is attached.');
  });

  test('stored materials billed this period: the lines with new materials (not corrections), their total, named', () => {
    const c = submissionChecklist({ invite: null, attachmentCount: 0, lines });
    assert.deepEqual(c.storedMaterialsLines.map((l) => l.lineId), ['b', 'c']);
    assert.equal(c.storedMaterialsCents, 1_334_56);
    assert.deepEqual(c.items.map((i) => [i.code, i.lineIds]), [['stored_materials_backup', ['b', 'c']]]);
    assert.equal(c.items[0]?.detail, '1,334.56 of materials stored this period on line 2 (Switchgear), line 3 (Conduit).');
  });

  test('one attachment meets every item (attachments are not typed)', () => {
    const c = submissionChecklist({ invite: asked, attachmentCount: 1, lines });
    assert.deepEqual(c.items.map((i) => [i.code, i.isMet, i.missingMessage]), [
      ['attachments_requested', true, null],
      ['stored_materials_backup', true, null],
    ]);
    assert.deepEqual(c.missing, []);
  });
});

describe('submitting with items missing', () => {
  const incomplete = submissionChecklist({ invite: asked, attachmentCount: 0, lines });

  test('refused without acknowledgeMissing, naming every missing item', () => {
    assert.throws(
      () => acknowledgeChecklist(incomplete, false),
      (e: unknown) =>
        e instanceof DomainError &&
        e.code === 'submission_incomplete' &&
        e.field === 'acknowledgeMissing' &&
        JSON.stringify((e.details as { code: string }[]).map((d) => d.code)) === JSON.stringify(['attachments_requested', 'stored_materials_backup']) &&
        /lien waiver/.test(e.message) &&
        /1,334\.56/.test(e.message),
    );
  });

  test('acknowledged: the missing items come back for the record; nothing missing needs nothing', () => {
    assert.deepEqual(acknowledgeChecklist(incomplete, true), ['attachments_requested', 'stored_materials_backup']);
    const complete = submissionChecklist({ invite: asked, attachmentCount: 2, lines });
    assert.deepEqual(acknowledgeChecklist(complete, false), []);
    assert.deepEqual(acknowledgeChecklist(complete, true), []);
  });
});
