// Property tests of the JSON framer's note on numbers (issue 13 item 8, the
// fast path): a record handed on with `shortNumbersOnly` makes the parser
// skip its scan for numbers that need their exact text, so a wrong note
// loses digits. For any sequence of documents (NDJSON, pretty-printed,
// wrappers, top-level arrays, events carrying an empty wrapper array) whose
// numbers take every shape in every position, next to strings full of digit
// runs, `e`, `:` and escapes, and the literals `true`/`false`/`null`, cut
// into chunks of any size (1, 3 and 7 bytes among them):
// - no false negatives: where the regex pre-check (`mayHoldInexactNumber`)
//   finds a candidate outside the record's strings, or the exact parse finds
//   a number a double cannot hold, the note is off;
// - the note is the same at every chunking;
// - it is not always off: a record whose numbers are all short (fewer than
//   16 digits and dots, no exponent) gets it;
// - through the pipeline, CloudTrail and GuardDuty output is byte for byte
//   the output without the note.
//
// The default budget keeps `npm test` quick; `npm run fuzz` runs it with
// NUM_RUNS=100000 (FUZZ_SEED=n replays a run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ExactNumber, mayHoldInexactNumber, parseJsonExact } from '../src/core/exact_number.js';
import { StandardFields } from '../src/core/standard.js';
import { findLogType } from '../src/logtypes/index.js';
import { JsonFramer } from '../src/pipeline/json.js';
import { RecordProcessor } from '../src/pipeline/normalize.js';
import { maskOutput } from './helpers/cli.js';
import { Capture, params } from './helpers/property.js';

// ---- JSON text: numbers of every shape, strings that look like numbers ----

const digitChars = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const intPart = fc.oneof(fc.constant('0'), fc.tuple(fc.constantFrom(...'123456789'), digitChars(0, 25)).map(([a, b]) => a + b));
const fraction = fc.oneof(fc.constant(''), digitChars(1, 25).map((d) => '.' + d));
const exponent = fc.oneof(
  fc.constant(''),
  fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.oneof(digitChars(1, 3), fc.integer({ min: 290, max: 420 }).map(String)))
    .map((parts) => parts.join('')),
);
/** Any JSON number token, many of them long or with an exponent, some right at 15/16 digits. */
const numberToken = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom('', '-'), intPart, fraction, exponent).map((parts) => parts.join('')) },
  {
    weight: 1, arbitrary: fc.constantFrom('9007199254740993', '9007199254740992', '123456789012345', '1234567890123456', '123456789012345.6',
      '12345678901234.5', '1e400', '-1e400', '1e-400', '5e-324', '0e0', '1E2', '-0', '1.0', '18446744073709551615'),
  },
  { weight: 1, arbitrary: fc.bigInt({ min: -(1n << 70n), max: 1n << 70n }).map(String) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)) },
);
/** Numbers a double holds exactly, and that the framer must see so: fewer than 16 digits and dots, no exponent. */
const shortNumberToken = fc.tuple(fc.constantFrom('', '-'), intPart, fraction)
  .map(([sign, int, frac]) => sign + (int + frac).slice(0, 15).replace(/\.$/, ''))
  .filter((t) => /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/.test(t));
const stringText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: fc.constantFrom('\\', '"', '1', '9', '.', 'e', 'E', ':', ',', '[', ' ', '\n', '-'), maxLength: 40 }),
  numberToken,
  numberToken.map((t) => `x:${t}`),
  numberToken.map((t) => `[${t},${t}]`),
  fc.constantFrom('true', 'false', 'null', 'e', '1e', '2001:db8::1e40', '12345678901234567890', 'arn:aws:ec2:us-east-1:123456789012:instance/i-1'),
).map((s) => JSON.stringify(s));
// (No wrapper key: a top-level object that starts with one holding an array is a wrapper, not a record.)
const key = fc.oneof(fc.constantFrom('a', 'n', 'e', 'E', 'true', '1e400', '12345678901234567890'), fc.string({ maxLength: 5 }));
const literal = fc.constantFrom('true', 'false', 'null');

// A line break is followed by indentation before a `{` or `[`: one in column
// 0 is the start of the next document for the framer (a cut), by design.
// Anywhere else a line may start in column 0.
const space = fc.constantFrom('', '', '', ' ', '\n  ', '\t', '\r\n\t', ' \n\t ');
const spaceAny = fc.constantFrom('', '', ' ', '\n', '\r\n', '\n  ', '\t');

interface JsonArbs {
  json: fc.Arbitrary<string>;
  object: fc.Arbitrary<string>;
}

/** JSON values and objects whose numbers come from `numbers`. */
function jsonArbs(numbers: fc.Arbitrary<string>): JsonArbs {
  const { json, object } = fc.letrec<{ json: string; leaf: string; array: string; object: string }>((tie) => ({
    json: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('array'), tie('object')),
    leaf: fc.oneof({ weight: 3, arbitrary: numbers }, { weight: 2, arbitrary: stringText }, { weight: 1, arbitrary: literal }),
    array: fc.array(fc.tuple(tie('json'), spaceAny), { maxLength: 5 }).chain((items) =>
      fc.array(space, { minLength: items.length, maxLength: items.length }).map((before) =>
        `[${items.map(([v, after], i) => before[i]! + v + after).join(',')}]`)),
    object: fc.uniqueArray(fc.tuple(key, spaceAny, space, tie('json'), spaceAny), { maxLength: 5, selector: ([k]) => k })
      .map((members) => `{${members.map(([k, a, b, v, c]) => `${a}${JSON.stringify(k)}${a}:${b}${v}${c}`).join(',')}}`),
  }));
  return { json, object };
}

const anyNumbers = jsonArbs(numberToken);
const shortNumbers = jsonArbs(shortNumberToken);

/** One piece of input and the records the framer makes of it. */
interface Piece {
  text: string;
  records: number;
}

const SIBLING = fc.constantFrom('NextToken', 'nextToken', 'ResponseMetadata', '$metadata');
const WRAPPER = fc.constantFrom('Records', 'Events', 'Findings', 'findings');
const elementSep = fc.constantFrom(',', ', ', ',\n  ', ',\n\t', ' ,\r\n    ');

/** Documents in the shapes the framer knows, from values of `arbs`. */
function pieces(arbs: JsonArbs): fc.Arbitrary<Piece> {
  return fc.oneof(
    // A document on its own line, or several on one line.
    arbs.object.map((o) => ({ text: o + '\n', records: 1 })),
    fc.tuple(arbs.object, arbs.object).map(([a, b]) => ({ text: `${a}${b}\n`, records: 2 })),
    // A trail file / get-findings output: its elements are the records.
    fc.tuple(WRAPPER, fc.array(arbs.json, { minLength: 1, maxLength: 4 }), elementSep, fc.option(fc.tuple(SIBLING, arbs.json), { nil: undefined }))
      .map(([name, items, sep, sibling]) => ({
        text: `{"${name}":[\n  ${items.join(sep)}\n]${sibling === undefined ? '' : `,"${sibling[0]}":${sibling[1]}`}}\n`,
        records: items.length,
      })),
    // A top-level array.
    fc.tuple(fc.array(arbs.json, { minLength: 1, maxLength: 4 }), elementSep)
      .map(([items, sep]) => ({ text: `[${items.join(sep)}]\n`, records: items.length })),
    // An event that carries an empty wrapper array after sibling keys: the whole document is one record.
    fc.tuple(fc.option(fc.tuple(SIBLING, arbs.json), { nil: undefined }), WRAPPER, space, arbs.object)
      .map(([sibling, name, pad, rest]) => ({
        text: `{${sibling === undefined ? '' : `"${sibling[0]}":${sibling[1]},`}"${name}":[${pad}],"eventVersion":"1.08","rest":${rest}}\n`,
        records: 1,
      })),
  );
}

/** An input of several pieces. */
function input(arbs: JsonArbs): fc.Arbitrary<Piece> {
  return fc.array(pieces(arbs), { minLength: 1, maxLength: 4 }).map((ps) => ({
    text: ps.map((p) => p.text).join(''),
    records: ps.reduce((sum, p) => sum + p.records, 0),
  }));
}

// ---- framing ----------------------------------------------------------------

interface Framed {
  text: string;
  short: boolean | undefined;
}

/** The framer's records and notes, with the input pushed in pieces cut at `cuts` (byte offsets). */
function frame(text: string, cuts: readonly number[]): { records: Framed[]; rejects: string[] } {
  const records: Framed[] = [];
  const rejects: string[] = [];
  const framer = new JsonFramer({
    record: (t, _line, short) => { records.push({ text: t, short }); },
    reject: (message) => { rejects.push(message); },
  });
  const buf = Buffer.from(text, 'utf8');
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= at || cut >= buf.length) continue;
    framer.push(buf.subarray(at, cut));
    at = cut;
  }
  framer.push(buf.subarray(at));
  framer.end();
  return { records, rejects };
}

function everyNth(length: number, n: number): number[] {
  const cuts: number[] = [];
  for (let i = n; i < length; i += n) cuts.push(i);
  return cuts;
}

/** Frames the input whole, in 1-, 3- and 7-byte chunks and at `randomCuts`: the same records and notes each time. */
function frameEveryWay(text: string, randomCuts: readonly number[]): Framed[] {
  const whole = frame(text, []);
  assert.deepEqual(whole.rejects, [], 'generated input is valid');
  const length = Buffer.byteLength(text);
  for (const [label, cuts] of [['1-byte', everyNth(length, 1)], ['3-byte', everyNth(length, 3)], ['7-byte', everyNth(length, 7)],
    ['random', randomCuts.map((c) => c % Math.max(length, 1))]] as const) {
    assert.deepEqual(frame(text, cuts), whole, `${label} chunks give the same records and notes`);
  }
  return whole.records;
}

/** The text with every string's content removed (keys too): what lies outside strings. */
function withoutStrings(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') { inString = false; out += c; }
    } else {
      if (c === '"') inString = true;
      out += c;
    }
  }
  return out;
}

function holdsExactNumber(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v instanceof ExactNumber) return true;
    if (Array.isArray(v)) stack.push(...(v as unknown[]));
    else if (typeof v === 'object' && v !== null) stack.push(...Object.values(v));
  }
  return false;
}

const cutsArb = fc.array(fc.nat(), { maxLength: 8 });

test('no false negatives: a record with a candidate outside its strings, or a number a double cannot hold, is never vouched for', () => {
  fc.assert(fc.property(input(anyNumbers), cutsArb, ({ text, records: expected }, cuts) => {
    const records = frameEveryWay(text, cuts);
    assert.equal(records.length, expected, 'every document and element is a record');
    for (const { text: record, short } of records) {
      assert.notEqual(short, undefined, 'the JSON framer always says');
      if (!short) continue;
      // The regex oracle, on what lies outside strings (inside them it may
      // match text such as "x:12345678901234567890", which is no number);
      // in brackets, as it looks for numbers in value positions only.
      assert.equal(mayHoldInexactNumber(`[${withoutStrings(record)}]`), false, `vouched for, yet a candidate: ${record}`);
      // And the exact parse, scanning for itself, keeps no number as text.
      assert.equal(holdsExactNumber(parseJsonExact(`[${record}]`)), false, `vouched for, yet an exact number: ${record}`);
    }
  }), params(400));
});

test('not always off: records whose numbers are all short are vouched for (scalar wrapper elements excepted)', () => {
  fc.assert(fc.property(input(shortNumbers), cutsArb, ({ text }, cuts) => {
    for (const { text: record, short } of frameEveryWay(text, cuts)) {
      const scalar = record[0] !== '{' && record[0] !== '[' && record[0] !== '"';
      assert.equal(short, !scalar, record);
      if (!scalar) assert.equal(mayHoldInexactNumber(withoutStrings(record)), false);
    }
  }), params(300));
});

// ---- through the pipeline: the same output with and without the note --------

const standard = new StandardFields();

/** Normalizes `text` as `logType`, in the given chunks; `withNote: false` drops the framer's note. */
function normalize(logType: string, text: string, cuts: readonly number[], withNote: boolean): { lines: string[]; errors: string[] } {
  const type = findLogType(logType)!;
  const capture = new Capture();
  const processor = new RecordProcessor('prop', type, {}, standard, capture, capture);
  const framer = new JsonFramer(withNote ? processor : {
    record: (t, line) => processor.record(t, line),
    reject: (message, raw, line, length) => processor.reject(message, raw, line, length),
  });
  const buf = Buffer.from(text, 'utf8');
  let at = 0;
  for (const cut of [...cuts].map((c) => c % Math.max(buf.length, 1)).sort((a, b) => a - b)) {
    if (cut <= at) continue;
    framer.push(buf.subarray(at, cut));
    at = cut;
  }
  framer.push(buf.subarray(at));
  framer.end();
  return { lines: maskOutput(capture.lines.join('')), errors: capture.reports.map((r) => `${r.line}: ${r.error}`) };
}

function cloudTrailEvent(request: string, extra: string): string {
  return `{"eventVersion":"1.08","eventTime":"2024-05-01T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"RunInstances",` +
    `"awsRegion":"us-east-1","sourceIPAddress":"192.0.2.10","requestParameters":${request},"eventID":"e-1","extra":${extra}}`;
}

function finding(resource: string, extra: string): string {
  return `{"schemaVersion":"2.0","accountId":"123456789012","region":"us-east-1","partition":"aws","id":"f1",` +
    `"arn":"arn:aws:guardduty:us-east-1:123456789012:detector/d1/finding/f1","type":"Recon:EC2/PortProbeUnprotectedPort",` +
    `"resource":${resource},"service":{"serviceName":"guardduty","detectorId":"d1","additionalInfo":${extra}},` +
    `"severity":5,"createdAt":"2024-05-01T10:00:00Z","updatedAt":"2024-05-01T10:00:00Z","title":"t","description":"d"}`;
}

const pipelineCase = fc.oneof(
  fc.tuple(anyNumbers.object, anyNumbers.json, fc.constantFrom('ndjson', 'records', 'eventbridge', 'holding', 'lookup-events'))
    .map(([request, extra, how]) => {
      const event = cloudTrailEvent(request, extra);
      const text = how === 'ndjson' ? event
        : how === 'records' ? `{"Records":[\n  ${event},\n  ${event}\n]}`
          : how === 'eventbridge' ? `{"detail-type":"AWS API Call via CloudTrail","detail":${event}}`
            : how === 'holding' ? `{"NextToken":${extra},"Records":[],${event.slice(1)}`
              : `{"Events":[{"EventId":"x","CloudTrailEvent":${JSON.stringify(event)}}]}`;
      return { logType: 'AWS.CloudTrail', text: text + '\n' };
    }),
  fc.tuple(anyNumbers.object, anyNumbers.json, fc.constantFrom('ndjson', 'findings', 'eventbridge'))
    .map(([resource, extra, how]) => {
      const f = finding(resource, extra);
      const text = how === 'ndjson' ? f : how === 'findings' ? `{"Findings":[${f}, ${f}]}` : `{"detail-type":"GuardDuty Finding","detail":${f}}`;
      return { logType: 'AWS.GuardDuty', text: text + '\n' };
    }),
);

test('CloudTrail and GuardDuty: the output with the framer\'s note is the output without it, byte for byte', () => {
  fc.assert(fc.property(pipelineCase, cutsArb, ({ logType, text }, cuts) => {
    const withNote = normalize(logType, text, cuts, true);
    const without = normalize(logType, text, [], false);
    assert.deepEqual(withNote, without);
    assert.deepEqual(withNote.errors, []);
    assert.ok(withNote.lines.length >= 1);
  }), params(300));
});
