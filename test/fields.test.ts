// parseDigitsAt reads a number where it lies in a line; it must agree with
// parseInteger on the same characters whenever it answers at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseDigitsAt, parseInteger } from '../src/core/fields.js';

test('fields: parseDigitsAt agrees with parseInteger on the slice (property)', () => {
  const text = fc.oneof(fc.stringMatching(/^[0-9 -]{0,24}$/), fc.string({ maxLength: 24 }));
  fc.assert(
    fc.property(text, fc.nat(30), fc.nat(30), (s, a, b) => {
      const start = Math.min(a, b, s.length);
      const end = Math.min(Math.max(a, b), s.length);
      const n = parseDigitsAt(s, start, end);
      if (n !== undefined) assert.equal(n, parseInteger(s.slice(start, end)));
    }),
    { numRuns: 3000 },
  );
});

test('fields: parseDigitsAt takes plain digits only and leaves the rest to parseInteger', () => {
  assert.equal(parseDigitsAt('x 20641 y', 2, 7), 20641);
  assert.equal(parseDigitsAt('999999999999999', 0, 15), 999999999999999);
  assert.equal(parseDigitsAt('1234567890123456', 0, 16), undefined); // 16 digits: parseInteger's job
  assert.equal(parseDigitsAt('-1', 0, 2), undefined);
  assert.equal(parseDigitsAt('12', 1, 1), undefined);
  assert.equal(parseDigitsAt('1a', 0, 2), undefined);
});
