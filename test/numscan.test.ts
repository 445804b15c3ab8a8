// The JSON framer's note on numbers (issue 13 item 8, kept cheap): a record
// is handed on with `shortNumbersOnly` when no number outside its strings
// has 16 or more digits and dots or an exponent, and the parser then skips
// its own scan for numbers that need their exact text. A wrong note loses
// digits, so these tests pin where it must be off, where it may be on, and
// that it reaches the parser through every path that frames JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExactNumber, SHORT_NUMBER_CHARS, mayHoldInexactNumber, parseJsonExact } from '../src/core/exact_number.js';
import { StandardFields } from '../src/core/standard.js';
import { findLogType } from '../src/logtypes/index.js';
import type { LogTypeDescriptor, Parser, ParseSink } from '../src/logtypes/types.js';
import { detectFromSample } from '../src/pipeline/detect.js';
import { JsonFramer } from '../src/pipeline/json.js';
import { LineFramer } from '../src/pipeline/lines.js';
import { NOWHERE, RecordProcessor, createFramer } from '../src/pipeline/normalize.js';
import { Capture } from './helpers/property.js';

interface Framed {
  text: string;
  short: boolean | undefined;
}

/** The records of `input` with the framer's note, pushed in chunks of `chunkSize` bytes (0: whole). */
function frame(input: string, chunkSize = 0): Framed[] {
  const out: Framed[] = [];
  const framer = new JsonFramer({
    record: (text, _line, short) => { out.push({ text, short }); },
    reject: () => {},
  });
  const buf = Buffer.from(input, 'utf8');
  if (chunkSize <= 0) framer.push(buf);
  else for (let i = 0; i < buf.length; i += chunkSize) framer.push(buf.subarray(i, i + chunkSize));
  framer.end();
  return out;
}

/** The notes, the same at every chunk size (1, 2, 3, 7 bytes: numbers cut anywhere). */
function notes(input: string): (boolean | undefined)[] {
  const whole = frame(input);
  for (const size of [1, 2, 3, 7]) assert.deepEqual(frame(input, size), whole, `chunk size ${size}`);
  return whole.map((r) => r.short);
}

test('the note is on for short numbers, literals and strings of any content', () => {
  for (const doc of [
    '{"a":1,"b":-0.5,"c":123456789012345,"d":-123456789012345,"e":1234567890123.5}',
    '{"t":true,"f":false,"n":null,"list":[true,false,null,1,2,3]}',
    // Inside strings nothing is a number: digit runs, exponents, value-like text.
    '{"s":"12345678901234567890","x":"1e400","k:9007199254740993":"[1E5,2]","ip":"2001:db8::1e40"}',
    '{\n  "a": [\n    1,\n    2.25\n  ],\n  "b": {"c": 0}\n}',
    '{"a":[[[1]],[[2]]],"b":{"c":{"d":12345678}},"e":12345678}',
  ]) {
    assert.deepEqual(notes(doc + '\n'), [true], doc);
  }
});

test('the note is off for 16 or more digits and dots, or an exponent, anywhere outside strings', () => {
  for (const doc of [
    '{"a":9007199254740993}',
    '{"a":1234567890123456}', // 16 digits: exact here, but only the token check can say so
    '{"a":123456789012345.6}', // 16 digits and dots
    '{"a":-12345678901234567890}',
    '{"a":0.10000000000000000001}',
    '{"a":1e400}',
    '{"a":1E5}',
    '{"a":2.5e-3}',
    '{"a":0e0}',
    '{"a":[1,2,[3,{"b":[1e-400]}]]}',
    '{"s":"1e400","a":1e400,"t":true}',
    '{\n  "a": {\n    "b": [\n      12345678901234567890\n    ]\n  }\n}',
    '{"k":{"x":"y"},"n":1.5E+300}',
  ]) {
    assert.deepEqual(notes(doc + '\n'), [false], doc);
  }
  assert.equal(SHORT_NUMBER_CHARS, 16);
});

test('each record has its own note: one long number does not mark the next record, nor an earlier one', () => {
  assert.deepEqual(notes('{"a":1}\n{"a":9007199254740993}\n{"a":2}\n{"a":1e5}{"b":3}'), [true, false, true, false, true]);
  // Digits at the end of one record never add up with the next one's.
  assert.deepEqual(notes('{"a":12345678}{"a":12345678}\n{"a":[12345678]}\n{"b":12345678}\n'), [true, true, true, true]);
});

test('wrapper elements: each its own note; a scalar element is not scanned (note off, the parser looks)', () => {
  const trail = '{"Records":[\n  {"a":1},\n  {"b":12345678901234567890},\n  {"c":"1e400"}\n]}\n';
  assert.deepEqual(notes(trail), [true, false, true]);
  assert.deepEqual(notes('[{"a":1}, 12345678901234567890, 7, "s", true, [1e400], [1]]\n'), [true, false, false, true, false, false, true]);
  // The rest of a wrapper object after its array is no record.
  assert.deepEqual(notes('{"Records":[{"a":1}],"NextToken":12345678901234567890}\n'), [true]);
});

test('an event carrying an empty wrapper array is one record: its note covers the text before and after the array', () => {
  // The long number is in a sibling key's value, before the array.
  assert.deepEqual(notes('{"ResponseMetadata":{"n":[12345678901234567890]},"Records":[],"eventVersion":"1.08"}\n'), [false]);
  // After the array.
  assert.deepEqual(notes('{"NextToken":"t","Records":[ ],"eventVersion":"1.08","n":1e400}\n'), [false]);
  // Digits just before the array and just after it are two numbers, not one run.
  assert.deepEqual(notes('{"NextToken":12345678,"Records":[],"n":12345678}\n'), [true]);
});

test('parseJsonExact trusts the note: with it, no scan (so the note must never be wrong); without, exact numbers', () => {
  const text = '{"a":9007199254740993}';
  assert.equal(mayHoldInexactNumber(text), true);
  assert.ok((parseJsonExact(text) as { a: unknown }).a instanceof ExactNumber);
  assert.ok((parseJsonExact(text, false) as { a: unknown }).a instanceof ExactNumber);
  assert.equal((parseJsonExact(text, true) as { a: unknown }).a, 9007199254740992);
  assert.deepEqual(parseJsonExact('{"a":1,"b":"1e400"}', true), { a: 1, b: '1e400' });
});

/** A log type whose parser records the note it was given. */
function spyType(notesSeen: (boolean | undefined)[], framing: 'json' | 'lines'): LogTypeDescriptor {
  const ct = findLogType('AWS.CloudTrail')!;
  return {
    ...ct,
    framing,
    createParser(): Parser {
      const inner = ct.createParser({});
      return {
        parse(text: string, sink: ParseSink, shortNumbersOnly?: boolean) {
          notesSeen.push(shortNumbersOnly);
          inner.parse(text, sink, shortNumbersOnly);
        },
      };
    },
  };
}

const EVENT = (n: string) => `{"eventVersion":"1.08","eventTime":"2024-05-01T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"X","awsRegion":"us-east-1","n":${n}}`;

test('the note reaches the parser through RecordProcessor (record and attempt); line framing gives none', () => {
  const seen: (boolean | undefined)[] = [];
  const capture = new Capture();
  const processor = new RecordProcessor('t', spyType(seen, 'json'), {}, new StandardFields(), capture, capture);
  const framer = createFramer('json', processor, 1 << 20);
  framer.push(Buffer.from(`${EVENT('1')}\n${EVENT('9007199254740993')}\n`));
  framer.end();
  assert.deepEqual(seen, [true, false]);
  assert.match(capture.lines[1]!, /"n":9007199254740993[,}]/);

  seen.length = 0;
  assert.equal(processor.attempt(EVENT('2'), 3, true), undefined);
  assert.equal(processor.attempt(EVENT('2'), 4), undefined);
  assert.deepEqual(seen, [true, undefined]);

  // --detect per-line frames JSON as lines: no note, the parser scans.
  seen.length = 0;
  const lines = new LineFramer(new RecordProcessor('t', spyType(seen, 'json'), {}, new StandardFields(), capture, capture), 1 << 20);
  lines.push(Buffer.from(`${EVENT('1e400')}\n`));
  lines.end();
  assert.deepEqual(seen, [undefined]);
  assert.match(capture.lines.at(-1)!, /"n":1e400[,}]/);
});

test('detection frames with the JSON framer and hands the note on', () => {
  const seen: (boolean | undefined)[] = [];
  const type = spyType(seen, 'json');
  const sample = [Buffer.from(`${EVENT('1')}\n${EVENT('1e400')}\n`)];
  const detection = detectFromSample(sample, true, 'in.json', [type], {}, 1 << 20);
  assert.equal(detection.type, type);
  assert.deepEqual(seen, [true, false]);
});

test('lookup-events: JSON inside a string is scanned by the parser, whatever the outer note says', () => {
  const capture = new Capture();
  const processor = new RecordProcessor('t', findLogType('AWS.CloudTrail')!, {}, new StandardFields(), capture, NOWHERE);
  const outer = `{"Events":[{"EventId":"x","CloudTrailEvent":${JSON.stringify(EVENT('12345678901234567890'))}}]}\n`;
  const framed = frame(outer);
  assert.deepEqual(framed.map((r) => r.short), [true]); // nothing long outside the outer strings
  processor.record(framed[0]!.text, 1, framed[0]!.short);
  assert.equal(capture.lines.length, 1);
  assert.match(capture.lines[0]!, /"n":12345678901234567890[,}]/);
});
