// Property (issue 15): any list of inner lines, wrapped in any CloudWatch
// Logs shape and pushed in any chunks, gives the same records and the same
// error reports as the lines themselves, once the p_source_* fields and the
// run's row ids and parse times are set aside. In-process for speed; the
// shapes are built by test/helpers/cwl.ts, independently of src/envelopes/.
//
// The default budget keeps `npm test` quick; `npm run fuzz` runs it with
// NUM_RUNS=100000 (FUZZ_SEED=n replays a run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StandardFields } from '../src/core/standard.js';
import { SOURCE_FIELDS } from '../src/core/source_fields.js';
import { LOG_TYPES, findLogType } from '../src/logtypes/index.js';
import { EnvelopeHandler, envelopeFramer, sniffEnvelope, type EnvelopeSettings } from '../src/pipeline/envelope.js';
import { RecordProcessor } from '../src/pipeline/normalize.js';
import { VALID_RECORDS, mutate, mutation } from './helpers/arbitraries.js';
import { base64Gzip, exportLines, filterLogEvents, firehoseHttpBody, lambdaEvent, payload, type Event } from './helpers/cwl.js';
import { Capture, params } from './helpers/property.js';

const TYPES = ['AWS.VPCFlow', 'AWS.CloudTrail', 'AWS.AuroraMySQLAudit'] as const;
const SHAPES = ['subscription', 'lambda', 'firehose', 'filter-log-events', 'export'] as const;
type Shape = (typeof SHAPES)[number];

interface Outcome {
  records: Record<string, unknown>[];
  reports: Array<[string, string]>;
}

function comparable(capture: Capture): Outcome {
  const records = capture.records.map((r) => {
    const x = { ...r };
    // Both fall back to a time that is not the record's own: the parse time here, the CloudWatch time there.
    if (x.p_event_time === x.p_parse_time || x.p_event_time === x.p_source_time) delete x.p_event_time;
    for (const f of ['p_row_id', 'p_parse_time', ...SOURCE_FIELDS]) delete x[f];
    return x;
  });
  return { records, reports: capture.reports.map((r) => [r.error, r.raw]) };
}

/** The lines as records of their own: each through the type's processor, as a line. */
function reference(type: string, lines: readonly string[]): Outcome {
  const capture = new Capture();
  const p = new RecordProcessor('f', findLogType(type)!, { headerless: true }, new StandardFields(), capture, capture);
  lines.forEach((l, i) => p.record(l, i + 1));
  return comparable(capture);
}

/** Splits `items` into consecutive groups of the given sizes (cycled). */
function groups<T>(items: readonly T[], sizes: readonly number[]): T[][] {
  const out: T[][] = [];
  for (let i = 0, k = 0; i < items.length; k++) {
    const n = sizes[k % sizes.length]!;
    out.push(items.slice(i, i + n));
    i += n;
  }
  return out;
}

function wrap(shape: Shape, events: readonly Event[], sizes: readonly number[], separators: readonly string[], indent: number): string {
  const sep = (i: number) => separators[i % separators.length]!;
  const json = (v: unknown) => (indent > 0 ? JSON.stringify(v, null, indent) : JSON.stringify(v));
  const source = { logGroup: 'group', logStream: 'stream' };
  const parts = groups(events, sizes);
  switch (shape) {
    case 'subscription': return parts.map((g, i) => json(payload(source, g, i)) + sep(i)).join('');
    case 'lambda': return parts.map((g, i) => JSON.stringify(lambdaEvent(payload(source, g, i))) + '\n').join('');
    case 'firehose': return json(firehoseHttpBody(parts.map((g, i) => base64Gzip(payload(source, g, i)))));
    case 'filter-log-events': return parts.map((g, i) => filterLogEvents('stream', g, i, 'token') + sep(i)).join('');
    case 'export': return exportLines(events);
  }
}

function isLine(l: string): boolean {
  return !/[\r\n]/.test(l) && l.trim().length > 0 && Buffer.from(l).toString('utf8') === l;
}

function throughEnvelope(type: string, input: Buffer, cuts: readonly number[]): Outcome | undefined {
  const settings: EnvelopeSettings = { logType: findLogType(type)!, candidates: LOG_TYPES, parserOptions: {}, maxLineBytes: 1 << 24 };
  const sniffed = sniffEnvelope([input], true, 'f', settings);
  if (sniffed === undefined) return undefined;
  const capture = new Capture();
  const standard = new StandardFields();
  const handler = new EnvelopeHandler('f', settings, (t, o) => new RecordProcessor('f', t, o, standard, capture, capture), capture, sniffed);
  const framer = envelopeFramer(sniffed, handler, settings.maxLineBytes);
  let at = 0;
  for (const cut of [...cuts].map((c) => c % (input.length + 1)).sort((a, b) => a - b)) {
    framer.push(input.subarray(at, cut));
    at = cut;
  }
  framer.push(input.subarray(at));
  framer.end();
  return comparable(capture);
}

for (const type of TYPES) {
  test(`property: ${type} lines wrapped in any CloudWatch Logs shape give the records of the lines`, () => {
    // A message is a line: no line break inside, not blank, and text a file can hold (no lone
    // surrogate: UTF-8 has none), or an export line could not carry it.
    const line = fc.oneof(
      { weight: 4, arbitrary: VALID_RECORDS[type].map((r) => r.line) },
      { weight: 1, arbitrary: fc.tuple(VALID_RECORDS[type], fc.array(mutation, { minLength: 1, maxLength: 2 })).map(([r, m]) => mutate(r.line, m, type === 'AWS.AuroraMySQLAudit' ? ',' : ' ')) },
    ).filter(isLine);
    fc.assert(fc.property(
      VALID_RECORDS[type].map((r) => r.line).filter(isLine),
      fc.array(line, { maxLength: 12 }),
      fc.constantFrom(...SHAPES),
      fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
      fc.array(fc.constantFrom('', '\n', '\r\n', ' \n'), { minLength: 1, maxLength: 3 }),
      fc.constantFrom(0, 2, 4),
      fc.array(fc.nat(), { maxLength: 6 }),
      (first, rest, shape, sizes, separators, indent, cuts) => {
        const lines = [first, ...rest];
        const events = lines.map((message, i) => ({ message, timestamp: 1700000000000 + i }));
        const input = Buffer.from(wrap(shape, events, sizes, separators, indent));
        const actual = throughEnvelope(type, input, cuts);
        assert.ok(actual !== undefined, `${shape} input is recognised as enveloped`);
        assert.deepEqual(actual, reference(type, lines));
      },
    ), params(40));
  });
}

/** Ways a payload in a Firehose object or a glued file is damaged: cut at `at`, garbage before it, an extra `}`, replaced. */
const DAMAGES = ['cut', 'garbage-before', 'extra-brace', 'replaced'] as const;

function damage(text: string, how: (typeof DAMAGES)[number], at: number): string {
  switch (how) {
    case 'cut': return text.slice(0, 1 + (at % (text.length - 1)));
    case 'garbage-before': return `not json${text}`;
    case 'extra-brace': return `${text}}`;
    case 'replaced': return 'this is not json';
  }
}

test('property: one damaged payload among glued payloads is one report; every other payload is read', () => {
  const type = 'AWS.VPCFlow';
  fc.assert(fc.property(
    fc.array(fc.array(VALID_RECORDS[type].map((r) => r.line).filter(isLine), { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 6 }),
    fc.nat(),
    fc.constantFrom(...DAMAGES),
    fc.nat(),
    fc.constantFrom('', '\n'),
    fc.array(fc.nat(), { maxLength: 6 }),
    (payloads, badIndex, how, at, sep, cuts) => {
      const bad = badIndex % payloads.length;
      const source = { logGroup: 'group', logStream: 'stream' };
      let t = 0;
      const texts = payloads.map((lines, i) => JSON.stringify(payload(source, lines.map((message) => ({ message, timestamp: 1700000000000 + t++ })), i)));
      texts[bad] = damage(texts[bad]!, how, at);
      // The first payload names the envelope (sniffing is not under test here).
      if (bad === 0 && how !== 'extra-brace') return;
      const actual = throughEnvelope(type, Buffer.from(texts.join(sep)), cuts)!;
      // Garbage before a payload or an extra `}` after it leaves the payload whole: that text is the bad input.
      const whole = how === 'extra-brace' || how === 'garbage-before';
      const good = payloads.filter((_, i) => i !== bad || whole).flat();
      const expected = reference(type, good);
      assert.equal(actual.reports.length, 1, `one report: ${JSON.stringify(actual.reports)}`);
      assert.deepEqual(actual.records, expected.records);
    },
  ), params(200));
});
