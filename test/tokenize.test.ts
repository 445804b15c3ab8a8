import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { QuotedFields, splitQuotedFields } from '../src/core/tokenize.js';

test('tokenize: plain fields separated by single spaces', () => {
  assert.deepEqual(splitQuotedFields('a bb ccc'), ['a', 'bb', 'ccc']);
});

test('tokenize: quoted fields keep their spaces and lose their quotes', () => {
  assert.deepEqual(
    splitQuotedFields('200 "GET http://h:80/hello world HTTP/1.1" "Mozilla/5.0 (X11; Linux)" x'),
    ['200', 'GET http://h:80/hello world HTTP/1.1', 'Mozilla/5.0 (X11; Linux)', 'x'],
  );
});

test('tokenize: "-" and - both come back as -, "" as the empty string', () => {
  assert.deepEqual(splitQuotedFields('- "-" "" x'), ['-', '-', '', 'x']);
});

test('tokenize: an empty quoted field at the end of the line', () => {
  assert.deepEqual(splitQuotedFields('a ""'), ['a', '']);
});

test('tokenize: \\x22-style escapes are kept literally', () => {
  assert.deepEqual(splitQuotedFields('"say \\x22hi\\x22" b'), ['say \\x22hi\\x22', 'b']);
});

test('tokenize: a quote inside a value that is not followed by a blank is part of the value', () => {
  assert.deepEqual(splitQuotedFields('"a"b c" d'), ['a"b c', 'd']);
});

test('tokenize: a backslash-escaped quote does not close the field', () => {
  assert.deepEqual(splitQuotedFields('"a \\" b" c'), ['a \\" b', 'c']);
  // an escaped backslash before the quote does not escape it
  assert.deepEqual(splitQuotedFields('"a\\\\" c'), ['a\\\\', 'c']);
});

test('tokenize: an unquoted field may contain a quote', () => {
  assert.deepEqual(splitQuotedFields('ab"c d'), ['ab"c', 'd']);
});

test('tokenize: an unterminated quote makes the rest of the line one field and is reported', () => {
  const f = new QuotedFields().split('a "b c d');
  assert.equal(f.count, 2);
  assert.deepEqual(f.values.slice(0, f.count), ['a', 'b c d']);
  assert.equal(f.unterminated, 1);
  assert.deepEqual(f.rest(1), ['"b c d'], 'rest() gives an unterminated field as written');
  assert.equal(new QuotedFields().split('a "b" c').unterminated, -1);
});

test('tokenize: a lone quote at the end of the line', () => {
  const f = new QuotedFields().split('a "');
  assert.deepEqual(f.values.slice(0, f.count), ['a', '']);
  assert.equal(f.unterminated, 1);
});

test('tokenize: trailing extra tokens are all kept, in order', () => {
  const f = new QuotedFields().split('a b "c d" e "f"');
  assert.equal(f.count, 5);
  assert.deepEqual(f.rest(3), ['e', 'f']);
  assert.deepEqual(f.rest(5), []);
});

test('tokenize: runs of blanks and tabs separate fields; tabs inside quotes are kept', () => {
  assert.deepEqual(splitQuotedFields('  a\t\tb   "c\td"\t e  '), ['a', 'b', 'c\td', 'e']);
});

test('tokenize: empty and blank lines have no fields', () => {
  assert.deepEqual(splitQuotedFields(''), []);
  assert.deepEqual(splitQuotedFields(' \t '), []);
});

test('tokenize: offsets, raw text and quotedness of each field', () => {
  const line = 'ab "c d" ""';
  const f = new QuotedFields().split(line);
  assert.deepEqual([f.starts.slice(0, 3), f.ends.slice(0, 3)], [[0, 3, 9], [2, 8, 11]]);
  assert.deepEqual([f.raw(0), f.raw(1), f.raw(2)], ['ab', '"c d"', '""']);
  assert.deepEqual([f.quoted(0), f.quoted(1), f.quoted(2)], [false, true, true]);
});

test('tokenize: one instance is reused across lines without leaking old fields', () => {
  const f = new QuotedFields();
  f.split('a b c d e');
  f.split('"x');
  assert.equal(f.count, 1);
  assert.deepEqual(f.rest(0), ['"x']);
  f.split('y z');
  assert.equal(f.unterminated, -1);
  assert.deepEqual(f.rest(0), ['y', 'z']);
});

test('tokenize: many quotes inside a long field stay linear', () => {
  // every inner quote is followed by a non-blank, so each is looked at once
  const inner = 'a"'.repeat(50_000);
  const fields = splitQuotedFields(`"${inner}" z`);
  assert.deepEqual(fields, [inner, 'z']);
});

test('tokenize: the space-only fast path splits exactly as the blank-run path (property)', () => {
  // A tab at the end is a separator there, so it sends a line down the
  // general path without changing its fields (unless a quote is left open).
  fc.assert(
    fc.property(fc.array(fc.constantFrom('a', 'b', ' ', ' ', '"', '\\', '-', 'é'), { maxLength: 40 }).map((cs) => cs.join('')), (line) => {
      const fast = new QuotedFields().split(line);
      const general = new QuotedFields().split(line + '\t');
      if (general.unterminated >= 0) return;
      assert.deepEqual(
        [fast.count, fast.values.slice(0, fast.count), fast.starts.slice(0, fast.count), fast.ends.slice(0, fast.count), fast.unterminated],
        [general.count, general.values.slice(0, general.count), general.starts.slice(0, general.count), general.ends.slice(0, general.count), -1],
      );
    }),
    { numRuns: 5000 },
  );
});

test('tokenize: without backslash escapes, \\" closes a value that ends in a backslash', () => {
  const line = 'a "ends in \\" "b" "x\\" y"';
  assert.deepEqual(splitQuotedFields(line), ['a', 'ends in \\" "b', 'x\\" y'], 'default: \\" is an escaped quote');
  const f = new QuotedFields(false).split(line);
  assert.deepEqual(f.values.slice(0, f.count), ['a', 'ends in \\', 'b', 'x\\', 'y"']);
});
