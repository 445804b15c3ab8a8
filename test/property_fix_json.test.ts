// Property tests for issue 13 items 4, 5, 6 as an adversarial review found
// them broken:
// - any valid document, pretty-printed with any indentation (0 to 4 spaces,
//   tabs, compact), LF or CRLF, with any of its wrapper's elements placed in
//   column 0, cut into chunks of any size, is read exactly: every element
//   once, with its value, and no report; an event whose wrapper key sorts
//   first (an upper-case key before the event's own) is one record; empty
//   wrappers give nothing;
// - any plain-text tail of records after gzip members, with or without a
//   final line end, LF or CRLF, is handed on whole after the members' text;
//   a next member cut within its 10-byte fixed header is a notice, one byte
//   more a fault.
// The default budget keeps `npm test` quick; `npm run fuzz` runs it with
// NUM_RUNS=100000 (FUZZ_SEED=n replays a run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { GzipDataError, gunzip } from '../src/pipeline/gunzip.js';
import { JsonFramer, WRAPPER_KEYS, WRAPPER_SIBLING_KEYS } from '../src/pipeline/json.js';
import { chunksOf, gzipMember, vpcLine } from './helpers/gzip.js';
import { params } from './helpers/property.js';

// ---- JSON documents ----------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Object keys: event-like names, and wrapper and sibling keys (nested, they are data). */
const key = fc.oneof(
  fc.constantFrom('eventName', 'eventID', 'awsRegion', 'requestParameters', 'x', 'Records', 'findings', 'NextToken'),
  fc.string({ maxLength: 6 }),
);
const text = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('{', '[', '"', '\\', '\n', '},\n{', ']'));
const { value } = fc.letrec<{ value: Json; object: Json }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    fc.constant(null), fc.boolean(), fc.integer(), text,
    fc.array(tie('value'), { maxLength: 3 }), tie('object')),
  object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
}));
const element = fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 });

type Doc =
  | { kind: 'wrapper'; key: string; before: Array<[string, Json]>; elements: Json[]; after: Array<[string, Json]>; own: Array<[string, Json]> }
  | { kind: 'array'; elements: Json[] };

const sibling = fc.tuple(fc.constantFrom(...WRAPPER_SIBLING_KEYS), fc.oneof(fc.string({ maxLength: 6 }), fc.constant({ RequestId: 'x' })))
  .map(([k, v]): [string, Json] => [k, v]);
const doc: fc.Arbitrary<Doc> = fc.oneof(
  fc.record({
    kind: fc.constant<'wrapper'>('wrapper'),
    key: fc.constantFrom(...WRAPPER_KEYS),
    before: fc.array(sibling, { maxLength: 1 }),
    elements: fc.array(element, { maxLength: 4 }),
    after: fc.array(sibling, { maxLength: 1 }),
    // An event's own keys after the array: an event printed with sorted keys.
    own: fc.oneof({ weight: 2, arbitrary: fc.constant<Array<[string, Json]>>([]) },
      { weight: 1, arbitrary: fc.array(fc.tuple(fc.constantFrom('awsRegion', 'eventName', 'eventVersion', 'schemaVersion'), value), { minLength: 1, maxLength: 2 }) }),
  }),
  fc.record({ kind: fc.constant<'array'>('array'), elements: fc.array(element, { maxLength: 4 }) }),
);

interface Style {
  /** Indentation unit; undefined: compact, on one line. */
  unit: string | undefined;
  eol: string;
  /** Which elements start in column 0 (by index, cycled). */
  column0: boolean[];
}

const style: fc.Arbitrary<Style> = fc.record({
  unit: fc.constantFrom(undefined, '', ' ', '  ', '    ', '\t'),
  eol: fc.constantFrom('\n', '\r\n'),
  column0: fc.array(fc.boolean(), { minLength: 1, maxLength: 4 }),
});

/** `value` pretty-printed with `unit`, its nested lines indented by `pad`. */
function pretty(v: Json, unit: string, pad: string): string {
  const printed = unit === '' ? JSON.stringify(v, null, 1).replace(/\n +/g, '\n') : JSON.stringify(v, null, unit);
  return printed.replaceAll('\n', '\n' + pad);
}

function entry(k: string, v: Json, unit: string, pad: string): string {
  return `${pad}${JSON.stringify(k)}: ${pretty(v, unit, pad)}`;
}

/** The document as a printer would write it, elements placed as `s.column0` says. */
function printDoc(d: Doc, s: Style): string {
  const entries = d.kind === 'wrapper' ? [...d.before, [d.key, d.elements] as [string, Json], ...d.after, ...d.own] : [];
  if (s.unit === undefined) {
    return d.kind === 'array' ? JSON.stringify(d.elements) : `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
  }
  const unit = s.unit;
  const level = d.kind === 'wrapper' ? unit : '';
  const elementPad = level + unit;
  const array = (elements: Json[]): string => {
    if (elements.length === 0) return '[]';
    const lines = elements.map((e, i) => {
      const pad = s.column0[i % s.column0.length] === true ? '' : elementPad;
      return pad + pretty(e, unit, pad) + (i < elements.length - 1 ? ',' : '');
    });
    return ['[', ...lines, level + ']'].join('\n');
  };
  if (d.kind === 'array') return array(d.elements).replaceAll('\n', s.eol);
  const body = entries.map(([k, v]) => (k === d.key && v === d.elements ? `${level}${JSON.stringify(k)}: ${array(d.elements)}` : entry(k, v, unit, level)));
  return ['{', body.join(',\n'), '}'].join('\n').replaceAll('\n', s.eol);
}

/** What the framer must hand on for the document: its elements, or itself when an event's own keys follow the array. */
function expectedRecords(d: Doc): Json[] {
  if (d.kind === 'wrapper' && d.own.length > 0) {
    const whole: { [key: string]: Json } = {};
    for (const [k, v] of [...d.before, [d.key, d.elements] as [string, Json], ...d.after, ...d.own]) whole[k] = v;
    return [whole];
  }
  return d.elements;
}

function frame(input: Buffer, size: number): { records: unknown[]; rejects: string[] } {
  const records: unknown[] = [];
  const rejects: string[] = [];
  const framer = new JsonFramer({
    record: (t) => { records.push(JSON.parse(t)); },
    reject: (message, raw, line) => { rejects.push(`line ${line}: ${message}: ${raw.slice(0, 80)}`); },
  });
  for (let i = 0; i < input.length; i += size) framer.push(input.subarray(i, i + size));
  framer.end();
  return { records, rejects };
}

test('any valid document, any indentation, elements in column 0 or not, LF or CRLF, any chunking: read exactly, no report', () => {
  fc.assert(fc.property(fc.array(fc.tuple(doc, style), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 200 }), (docs, size) => {
    const input = Buffer.from(docs.map(([d, s]) => printDoc(d, s)).join('\n') + '\n');
    const expected = JSON.parse(JSON.stringify(docs.flatMap(([d]) => expectedRecords(d)))) as unknown[];
    const whole = frame(input, input.length);
    assert.deepEqual(whole.rejects, [], input.toString());
    assert.deepEqual(whole.records, expected, input.toString());
    assert.deepEqual(frame(input, size), whole, `chunks of ${size}`);
  }), params(300));
});

test('the breaker\'s layouts: a wrapper indented with its elements in column 0; a top-level array so; nested objects in column 0 after a key\'s line', () => {
  const e = (n: number) => JSON.stringify({ eventID: `e${n}`, nested: { a: [1, { b: 2 }] } });
  const inputs = [
    `{\n  "Records": [\n${e(1)},\n${e(2)}\n  ]\n}\n`,
    `[\n  ${e(1)},\n${e(2)}\n]\n`,
    `{\r\n\t"Events": [\r\n\t\t${e(1)},\r\n${e(2)}\r\n\t],\r\n\t"NextToken": "QUJD"\r\n}\r\n`,
    `{\n  "Records": [\n{\n  "eventID": "e1",\n  "nested": {\n    "a": [1, {"b": 2}]\n  }\n},\n    ${e(2)}\n  ]\n}\n`,
  ];
  for (const input of inputs) {
    for (const size of [1, 3, 7, 4096]) {
      const out = frame(Buffer.from(input), size);
      assert.deepEqual(out.rejects, [], input);
      assert.deepEqual(out.records.map((r) => (r as { eventID: string }).eventID), ['e1', 'e2'], input);
    }
  }
});

// ---- gzip tails -----------------------------------------------------------------

async function decode(data: Buffer, size: number): Promise<{ output: string; fault?: string; notices: string[] }> {
  const notices: string[] = [];
  const parts: Buffer[] = [];
  try {
    for await (const b of gunzip(chunksOf(data, size), { notice: (m) => notices.push(m) })) parts.push(Buffer.from(b));
  } catch (err) {
    if (!(err instanceof GzipDataError)) throw err;
    return { output: Buffer.concat(parts).toString(), fault: err.message, notices };
  }
  return { output: Buffer.concat(parts).toString(), notices };
}

test('any plain-text tail of records after gzip members, with or without a final line end: handed on whole, a notice only', async () => {
  await fc.assert(fc.asyncProperty(
    fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.constantFrom('\n', '\r\n'), fc.boolean(), fc.integer({ min: 1, max: 300 }),
    async (members, tailLines, finalEol, eol, memberEndsLine, size) => {
      const texts = Array.from({ length: members }, (_, m) => vpcLine(m + 1) + (memberEndsLine || m < members - 1 ? '\n' : ''));
      const tail = Array.from({ length: tailLines }, (_, i) => vpcLine(100 + i)).join(eol) + (finalEol ? eol : '');
      const data = Buffer.concat([...texts.map((t) => gzipMember(t)), Buffer.from(tail)]);
      const d = await decode(data, size);
      const joined = texts.join('');
      assert.equal(d.fault, undefined);
      assert.equal(d.output, joined + (memberEndsLine ? '' : '\n') + tail, 'the members, a line end when needed, the tail whole');
      assert.equal(d.notices.length, 1);
      assert.match(d.notices[0]!, /the plain text after it is read as text$/);
    }), params(100));
});

test('a next member cut after n bytes: a notice for n <= 10 (no byte of data), a fault beyond, the first member whole', async () => {
  await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 40 }), fc.boolean(), fc.integer({ min: 1, max: 64 }), async (n, named, size) => {
    const first = gzipMember(vpcLine(1) + '\n');
    const second = gzipMember(vpcLine(2) + '\n', named ? { name: 'second.log' } : {});
    if (n >= second.length) return;
    const d = await decode(Buffer.concat([first, second.subarray(0, n)]), size);
    assert.ok(d.output.startsWith(vpcLine(1) + '\n'), 'the first member whole');
    if (n <= 10) {
      assert.equal(d.fault, undefined, `cut at ${n}`);
      assert.deepEqual(d.notices, [`trailing garbage ignored: ${n} byte${n === 1 ? '' : 's'} after the end of the gzip data at compressed byte ${first.length}: a gzip member header cut short`]);
    } else {
      assert.match(d.fault ?? '', /^corrupt gzip data \(unexpected end of file\)/, `cut at ${n}`);
    }
  }), params(200));
});
