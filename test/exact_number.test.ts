// Numbers a double cannot hold (core/exact_number.ts) and their way out
// (pipeline/json_bytes.ts): which numbers keep their text, the cheap
// pre-check, the exact parse and the exact writer, on hand-picked corners.
// test/property_json_content.test.ts checks the same on generated documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ExactNumber, ExactNumberStringifyError, JsonTooDeepError, doubleChangesValue, mayHoldInexactNumber, parseJsonExact,
} from '../src/core/exact_number.js';
import { isJsonObject, walkIndicators } from '../src/core/jsonwalk.js';
import { IndicatorCollector } from '../src/core/indicators.js';
import { JsonLineBuffer, stringifyExact } from '../src/pipeline/json_bytes.js';

test('doubleChangesValue: true exactly when the double is another decimal value', () => {
  const changed = [
    '9007199254740993', '-9007199254740993', '12345678901234567890', '18446744073709551615',
    '1e400', '-1e400', '2.5E+308', '1e-400', '-1e-400', '4.9e-324', '0.10000000000000000000001',
    '3.14159265358979323846264338327950288', '123456789012345678901234567890e-10', '1e9007199254740993',
  ];
  const same = [
    '0', '-0', '0.0', '-0.0e5', '0e400', '0e-99999999999999999999', '1', '1.0', '1E2', '1e+2', '100e-2', '1.5e-7',
    '1e21', '0.1', '0.30000000000000004', '9007199254740991', '9007199254740992', '-9007199254740991',
    '123456789012345', '1.7976931348623157e308', '5e-324', '100000000000000000000000', '2.50',
  ];
  for (const t of changed) assert.equal(doubleChangesValue(t), true, t);
  for (const t of same) assert.equal(doubleChangesValue(t), false, t);
});

test('mayHoldInexactNumber: finds such numbers in every value position, not in strings', () => {
  const holds = [
    '{"a":9007199254740993}', '{"a": \n\t -1e400}', '[1e-400]', '{"a":[1, 2,\r\n9007199254740993]}',
    '{"a":{"b":[{"c":4.9e-324}]}}', '{"a":0.10000000000000000000001}', '{"a":1,"b":2.5E+308}',
  ];
  const not = [
    '{}', '{"a":1}', '{"a":"9007199254740993"}', '{"a":"x:1e5"}', '{"a":"2001:db8::1e40"}', '{"a":1e5}',
    '{"a":1.0,"b":-0,"c":[1E2,9007199254740991,123456789012345]}', '{"t":"10:00:01Z","arn":"arn:aws:ec2:us-east-1:123456789012:instance/i-1"}',
  ];
  for (const t of holds) assert.equal(mayHoldInexactNumber(t), true, t);
  for (const t of not) assert.equal(mayHoldInexactNumber(t), false, t);
  // A string that looks like one is a false positive at worst (it costs time, not data).
  assert.equal(mayHoldInexactNumber('{"a":"x:1e400"}'), true);
});

test('parseJsonExact: exact numbers where a double would change them, JSON.parse values elsewhere', () => {
  const value = parseJsonExact('{"a":9007199254740993,"b":[1e400,1.0,-0],"c":"9007199254740993","__proto__":{"d":-1e-400}}') as Record<string, unknown>;
  assert.ok(value.a instanceof ExactNumber && value.a.text === '9007199254740993');
  const b = value.b as unknown[];
  assert.ok(b[0] instanceof ExactNumber && b[0].text === '1e400');
  assert.equal(b[1], 1);
  assert.ok(Object.is(b[2], -0));
  assert.equal(value.c, '9007199254740993');
  assert.ok(Object.hasOwn(value, '__proto__'), '__proto__ is an own key');
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.equal(({} as Record<string, unknown>).d, undefined);
  // Without such a number it is JSON.parse's result.
  assert.deepEqual(parseJsonExact('{"a":[1,2.5,{"b":null}]}'), { a: [1, 2.5, { b: null }] });
});

test('parseJsonExact: duplicate keys keep the last value, as JSON.parse does', () => {
  const text = (v: unknown) => stringifyExact(v);
  assert.equal(text(parseJsonExact('{"k":1,"k":9007199254740993}')), '{"k":9007199254740993}');
  assert.equal(text(parseJsonExact('{"k":9007199254740993,"k":1}')), '{"k":1}');
  assert.equal(text(parseJsonExact('{"k":{"text":"1e400"},"k":1e400}')), '{"k":1e400}');
  assert.equal(text(parseJsonExact('{"k":1e400,"k":{"text":"1e400"}}')), '{"k":{"text":"1e400"}}');
  assert.equal(text(parseJsonExact('{"k":1e400,"k":2e400}')), '{"k":2e400}');
});

test('parseJsonExact: JSON.parse\'s errors; a too deep document with such a number is refused', () => {
  const bad = '{"a":9007199254740993,}';
  let expected = '';
  try {
    JSON.parse(bad);
  } catch (err) {
    expected = (err as Error).message;
  }
  assert.throws(() => parseJsonExact(bad), (err: Error) => err instanceof SyntaxError && err.message === expected);
  const deep = '['.repeat(600) + '1e400' + ']'.repeat(600);
  assert.throws(() => parseJsonExact(`{"a":${deep}}`), JsonTooDeepError);
  // 512 levels are fine.
  const ok = parseJsonExact(`{"a":${'['.repeat(511)}1e400${']'.repeat(511)}}`);
  assert.ok(isJsonObject(ok));
});

test('ExactNumber: only JSON number text; JSON.stringify refuses it rather than lose digits', () => {
  for (const t of ['1e400', '-0.5', '9007199254740993']) assert.equal(new ExactNumber(t).text, t);
  for (const t of ['', '1e', '01', '+1', '1.', '.5', 'NaN', 'Infinity', '"1"', '1,2', '1 ', '0x10', '1e400}']) {
    assert.throws(() => new ExactNumber(t), TypeError, t);
  }
  assert.throws(() => JSON.stringify({ n: new ExactNumber('1e400') }), ExactNumberStringifyError);
  assert.equal(isJsonObject(new ExactNumber('1e400')), false);
});

test('stringifyExact: JSON.stringify\'s text with each ExactNumber as written; no recursion', () => {
  const make = (n: (text: string) => unknown) => ({
    n: n('9007199254740993'), list: [n('-1e400'), undefined, () => 1, 1.5, 'é "q"\n', null],
    nested: { deep: [[{ x: n('1e-400') }]], skip: undefined, f: () => 0, t: true },
    date: new Date(0), proto: JSON.parse('{"__proto__":{"k":1}}') as unknown,
  });
  const value = make((text) => new ExactNumber(text));
  const expected = JSON.stringify(make(() => 0))
    .replace('"n":0', '"n":9007199254740993').replace('"list":[0', '"list":[-1e400').replace('"x":0', '"x":1e-400');
  assert.equal(stringifyExact(value), expected);
  let deep: unknown = new ExactNumber('1e400');
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const text = stringifyExact({ deep });
  assert.equal(text.length, '{"deep":}'.length + 200_000 + 5);
  assert.throws(() => stringifyExact({ b: 10n }), TypeError);
});

test('JsonLineBuffer: records with exact numbers, at the top, in arrays and nested; the rest unchanged', () => {
  const buffer = new JsonLineBuffer(16);
  buffer.appendRecord({ top: new ExactNumber('1e400'), s: 'x', arr: [1, new ExactNumber('9007199254740993')], obj: { a: new ExactNumber('-0.10000000000000000000001') } });
  buffer.appendRecord({ plain: 1, s: 'y' });
  assert.equal(buffer.take().toString('utf8'),
    '{"top":1e400,"s":"x","arr":[1,9007199254740993],"obj":{"a":-0.10000000000000000000001}}\n{"plain":1,"s":"y"}\n');
});

test('walkIndicators: an exact number is a number, not an object with keys', () => {
  const collector = new IndicatorCollector();
  const blob = { tags: new ExactNumber('9007199254740993'), accountId: new ExactNumber('123456789012345678901'), list: [new ExactNumber('1e400')], ip: '192.0.2.1' };
  walkIndicators(blob, collector, 'requestParameters');
  const record: Record<string, unknown> = {};
  collector.writeTo(record);
  assert.deepEqual(record, { p_any_ip_addresses: ['192.0.2.1'] });
});
