// The byte encoder must write exactly what JSON.stringify(record) + '\n'
// encoded as UTF-8 would: checked on hand-picked corners and on arbitrary
// records, with buffers small enough that most records make them grow.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { JsonLineBuffer } from '../src/pipeline/json_bytes.js';

function encode(records: object[], size = 16): string {
  const buffer = new JsonLineBuffer(size);
  for (const r of records) buffer.appendRecord(r);
  return buffer.take().toString('utf8');
}

function expected(records: object[]): string {
  return records.map((r) => JSON.stringify(r) + '\n').join('');
}

test('json_bytes: corners are written as JSON.stringify writes them', () => {
  const records: object[] = [
    {},
    { a: undefined, b: () => 1, c: Symbol('s') },
    { n: -0, big: 9007199254740991, neg: -9007199254740991, over: 9007199254740993, tiny: 5e-7, huge: 1e21, frac: 0.1 + 0.2, nan: NaN, inf: -Infinity },
    { ints: [0, 9, 10, 99, 100, 12345678901234, -1, 1.5], mixed: [undefined, null, true, 'x', { y: [1] }, () => 0] },
    { s: 'quote " backslash \\ newline \n tab \t nul \u0000 del \u007f é 日本 😀 lone \ud800 \udfff' },
    { 'key "quoted"': 1, 'ключ': 2, '': 3, '\n': 4 },
    { 2: 'b', 1: 'a', z: 'z', 10: 'ten' },
    JSON.parse('{"__proto__": {"polluted": true}, "constructor": "c"}') as object,
    { nested: { deep: [[['x']]], date: new Date(0) }, t: true, f: false, nil: null },
    { long: 'x'.repeat(5000), arr: Array.from({ length: 300 }, (_, i) => `item${i}`) },
  ];
  assert.equal(encode(records), expected(records));
  assert.equal(encode(records, 1 << 20), expected(records));
});

test('json_bytes: a record that cannot be encoded leaves nothing behind', () => {
  const buffer = new JsonLineBuffer(32);
  buffer.appendRecord({ ok: 1 });
  assert.throws(() => buffer.appendRecord({ a: 'x'.repeat(100), b: 10n }), TypeError);
  let deep: unknown = 'bottom';
  for (let i = 0; i < 200_000; i++) deep = [deep];
  assert.throws(() => buffer.appendRecord({ deep }), RangeError);
  buffer.appendRecord({ ok: 2 });
  assert.equal(buffer.take().toString('utf8'), '{"ok":1}\n{"ok":2}\n');
  assert.equal(buffer.length, 0);
});

test('json_bytes: appendText and appendRecord interleave in order', () => {
  const buffer = new JsonLineBuffer(8);
  buffer.appendText('first é\n');
  buffer.appendRecord({ a: 'b' });
  buffer.appendText('last\n');
  assert.equal(buffer.take().toString('utf8'), 'first é\n{"a":"b"}\nlast\n');
});

const anyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  // Lone surrogates and control characters, which JSON.stringify escapes.
  fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 12 }).map((codes) => String.fromCharCode(...codes)),
  // Long strings take the bulk path: printable ASCII with now and then one character that is not.
  fc.tuple(fc.stringMatching(/^[ -~]{28,90}$/), fc.nat(90), fc.constantFrom('', 'é', '日', '😀', '\ud800', '\n', '"', '\\', '\u007f'))
    .map(([ascii, at, odd]) => ascii.slice(0, at) + odd + ascii.slice(at)),
);
const anyNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.constantFrom(-0, 2 ** 53, 2 ** 53 + 2, 1e21, 1e-7, Number.MAX_VALUE, Number.MIN_VALUE),
);
const scalar = fc.oneof(anyString, anyNumber, fc.boolean(), fc.constant(null), fc.constant(undefined));
const value = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);
const record = fc.dictionary(fc.oneof(anyString, fc.constantFrom('__proto__', '0', '17', 'toString')), value, { maxKeys: 12 });

test('json_bytes: arbitrary records encode exactly as JSON.stringify (property)', () => {
  fc.assert(
    fc.property(fc.array(record, { maxLength: 4 }), fc.integer({ min: 1, max: 256 }), (records, size) => {
      assert.equal(encode(records, size), expected(records));
    }),
    { numRuns: 2000 },
  );
});
