import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RowIds, uvarintHex } from '../src/core/rowid.js';

test('uvarint encoding matches Go binary.PutUvarint', () => {
  assert.equal(uvarintHex(0), '00');
  assert.equal(uvarintHex(1), '01');
  assert.equal(uvarintHex(127), '7f');
  assert.equal(uvarintHex(128), '8001');
  assert.equal(uvarintHex(300), 'ac02');
  assert.equal(uvarintHex(2 ** 35), '8080808080' + '01');
});

test('row id layout: random bytes ‖ uvarint(µs since 2020 at start) ‖ uvarint(counter from 1)', () => {
  const start = Date.UTC(2020, 0, 1) + 1; // 1 ms after the epoch → 1000 µs → e807
  const ids = new RowIds(Uint8Array.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x01]), start);
  assert.equal(ids.next(), 'deadbeef0001' + 'e807' + '01');
  assert.equal(ids.next(), 'deadbeef0001' + 'e807' + '02');
});

test('row ids are 28 hex characters for the first 127 records, then grow; all unique', () => {
  const ids = new RowIds();
  const seen = new Set<string>();
  for (let i = 1; i <= 200; i++) {
    const id = ids.next();
    assert.match(id, /^[0-9a-f]+$/);
    assert.equal(id.length, i <= 127 ? 28 : 30, `record ${i}`);
    seen.add(id);
  }
  assert.equal(seen.size, 200);
  assert.notEqual(new RowIds().next(), new RowIds().next(), 'two processes differ by their random bytes');
});
