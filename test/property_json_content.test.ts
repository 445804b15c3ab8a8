// Property tests for issue 13's JSON content (numbers a double cannot hold,
// GuardDuty member names), in-process except one CLI run with --jobs 2:
// - the pre-check never misses a number whose value JSON.parse would change;
// - a document with any numbers, in any position and layout, comes out with
//   every number of the same value, and with the very same digits wherever a
//   double would have changed it (CloudTrail events, lookup-events strings,
//   EventBridge envelopes, GuardDuty findings; the byte encoder included);
// - the exact parse and the exact writer agree with JSON.parse and
//   JSON.stringify wherever no such number is involved;
// - a finding in the API's member names gives the same record as the same
//   finding in the S3 export's names.
//
// The default budget keeps `npm test` quick; `npm run fuzz` runs the same
// properties with NUM_RUNS=100000 (FUZZ_SEED=n replays a run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { isLosslessNumber, parse as parseLossless } from 'lossless-json';
import { ExactNumber, doubleChangesValue, mayHoldInexactNumber, parseJsonExact } from '../src/core/exact_number.js';
import type { ErrorReport } from '../src/core/errors.js';
import { StandardFields } from '../src/core/standard.js';
import { findLogType } from '../src/logtypes/index.js';
import { toWireNames } from '../src/logtypes/guardduty_names.js';
import type { Fields } from '../src/logtypes/types.js';
import { JsonLineBuffer, stringifyExact } from '../src/pipeline/json_bytes.js';
import { RecordProcessor, createFramer, type ErrorSink, type OutputSink } from '../src/pipeline/normalize.js';
import { runCli } from './helpers/cli.js';
import { SEED, params } from './helpers/property.js';

// ---- Generated JSON text: numbers of every shape, in every position ----

const digitChars = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const intPart = fc.oneof(fc.constant('0'), fc.tuple(fc.constantFrom(...'123456789'), digitChars(0, 30)).map(([a, b]) => a + b));
const fraction = fc.oneof(fc.constant(''), digitChars(1, 30).map((d) => '.' + d));
const exponent = fc.oneof(
  fc.constant(''),
  fc.tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.oneof(digitChars(1, 3), fc.integer({ min: 290, max: 420 }).map(String), digitChars(4, 25)))
    .map((parts) => parts.join('')),
);
/** Any JSON number token, biased towards the ones a double cannot hold. */
const numberToken = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom('', '-'), intPart, fraction, exponent).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.constantFrom('9007199254740993', '-9007199254740993', '9007199254740992', '1e400', '-1e400', '1e-400', '4.9e-324', '5e-324', '1.0', '-0', '0.1', '1E2', '18446744073709551615') },
  { weight: 1, arbitrary: fc.bigInt({ min: -(1n << 80n), max: 1n << 80n }).map(String) },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)) },
);
/** Strings, among them ones that look like numbers or like value positions. */
const stringText = fc.oneof(
  fc.string(),
  numberToken,
  numberToken.map((t) => `x:${t}`),
  numberToken.map((t) => `[${t},${t}]`),
  fc.constantFrom('2001:db8::1e40', '10:00:01Z', 'arn:aws:ec2:us-east-1:123456789012:instance/i-1'),
).map((s) => JSON.stringify(s));
// A line break is always followed by indentation, as pretty printers write
// it: the JSON framer takes a `{` in column 0 after an open one-line record
// for the start of the next document (a cut record), by design.
const space = fc.constantFrom('', '', '', ' ', '\n  ', '\t', '\r\n\t', ' \n\t ');
const key = fc.oneof(fc.constantFrom('a', 'b', 'big', 'list', 'nested', '__proto__', 'text', 'value', 'count', 'n'), fc.string({ maxLength: 6 }));

const { json: jsonText, object: objectText } = fc.letrec<{ json: string; leaf: string; array: string; object: string }>((tie) => ({
  json: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('array'), tie('object')),
  leaf: fc.oneof({ weight: 3, arbitrary: numberToken }, { weight: 2, arbitrary: stringText }, { weight: 1, arbitrary: fc.constantFrom('true', 'false', 'null') }),
  array: fc.array(fc.tuple(space, tie('json'), space), { maxLength: 5 })
    .map((items) => `[${items.map(([a, v, b]) => a + v + b).join(',')}]`),
  object: fc.uniqueArray(fc.tuple(key, space, tie('json'), space), { maxLength: 5, selector: ([k]) => k })
    .map((members) => `{${members.map(([k, a, v, b]) => `${a}${JSON.stringify(k)}${b}:${a}${v}${b}`).join(',')}}`),
}));

/** Every number token of a JSON text, in document order (lossless-json as the oracle). */
function numberTokens(text: string): string[] {
  const tokens: string[] = [];
  const stack: unknown[] = [parseLossless(text)];
  while (stack.length > 0) {
    const v = stack.pop();
    if (isLosslessNumber(v)) tokens.push(v.value);
    else if (Array.isArray(v)) stack.push(...v);
    else if (typeof v === 'object' && v !== null) stack.push(...Object.values(v));
  }
  return tokens;
}

/** What a number must come out as: its own text where a double would change it, JSON.stringify's form elsewhere. */
function expectedNumberText(token: string): string {
  return doubleChangesValue(token) ? token : JSON.stringify(Number(token));
}

/**
 * Walks input and output (both read by lossless-json, every number as its
 * text) side by side: the same structure, keys in the same order, the same
 * strings, and each number written as expectedNumberText says.
 */
function assertSameValues(input: unknown, output: unknown, path: string): void {
  if (isLosslessNumber(input)) {
    assert.ok(isLosslessNumber(output), `${path}: a number, found ${JSON.stringify(output)}`);
    assert.equal(output.value, expectedNumberText(input.value), `${path}: number ${input.value}`);
    return;
  }
  if (Array.isArray(input)) {
    assert.ok(Array.isArray(output) && output.length === input.length, `${path}: an array of ${input.length}`);
    input.forEach((item, i) => assertSameValues(item, (output as unknown[])[i], `${path}[${i}]`));
    return;
  }
  if (typeof input === 'object' && input !== null) {
    assert.ok(typeof output === 'object' && output !== null, `${path}: an object`);
    assert.deepEqual(Object.keys(output), Object.keys(input), `${path}: keys`);
    for (const k of Object.keys(input)) assertSameValues((input as Fields)[k], (output as Fields)[k], `${path}.${k}`);
    return;
  }
  assert.equal(output, input, path);
}

function readExact(text: string): Fields {
  return parseLossless(text) as Fields;
}

// ---- The pipeline, in process ----

class Capture implements OutputSink, ErrorSink {
  readonly lines: string[] = [];
  readonly reports: ErrorReport[] = [];
  private readonly encoder = new JsonLineBuffer(64);
  writeRecord(record: Fields): void {
    this.encoder.appendRecord(record);
    this.lines.push(this.encoder.take().toString('utf8').slice(0, -1));
  }
  error(report: ErrorReport): void {
    this.reports.push(report);
  }
  notice(): void {}
}

const standard = new StandardFields();

/** Frames `text` as the CLI does (JSON framing) and normalizes it as `logType`. */
function normalize(logType: string, text: string): Capture {
  const type = findLogType(logType)!;
  const capture = new Capture();
  const processor = new RecordProcessor('prop', type, {}, standard, capture, capture);
  const framer = createFramer(type.framing, processor, 1 << 20);
  framer.push(Buffer.from(text, 'utf8'));
  framer.end();
  return capture;
}

/** A CloudTrail event whose free-form blobs and one top-level field hold the generated JSON. */
function cloudTrailEvent(i: number, request: string, response: string, extra: string): string {
  return `{"eventVersion":"1.08","eventTime":"2024-05-01T10:00:00Z","eventSource":"ec2.amazonaws.com","eventName":"RunInstances",` +
    `"awsRegion":"us-east-1","requestParameters":${request},"responseElements":${response},"eventID":"e-${i}","extra":${extra}}`;
}

type Shape = 'ndjson' | 'records' | 'eventbridge' | 'lookup-events';
const shape = fc.constantFrom<Shape>('ndjson', 'records', 'eventbridge', 'lookup-events');

/** The event in one of the shapes CloudTrail arrives in. */
function inShape(event: string, how: Shape): string {
  switch (how) {
    case 'ndjson': return event + '\n';
    case 'records': return `{"Records":[\n${event}\n]}\n`;
    case 'eventbridge': return `{"detail-type":"AWS API Call via CloudTrail","source":"aws.cloudtrail","detail":${event}}\n`;
    case 'lookup-events': return `{"Events":[{"EventId":"x","CloudTrailEvent":${JSON.stringify(event)}}]}\n`;
  }
}

function assertCloudTrailOutput(capture: Capture, request: string, response: string, extra: string): void {
  assert.deepEqual(capture.reports.map((r) => r.error), []);
  assert.equal(capture.lines.length, 1);
  const out = readExact(capture.lines[0]!);
  assertSameValues(readExact(request), out.requestParameters, 'requestParameters');
  assertSameValues(readExact(response), out.responseElements, 'responseElements');
  assertSameValues(parseLossless(extra), out.extra, 'extra');
}

test('pre-check: every number whose value JSON.parse would change is found (no false negatives)', () => {
  fc.assert(fc.property(jsonText, space, (text, pad) => {
    const doc = `{"k":${pad}${text}${pad}}`;
    const tokens = numberTokens(doc);
    const changed = tokens.filter(doubleChangesValue);
    if (changed.length > 0) assert.equal(mayHoldInexactNumber(doc), true, `misses ${changed.join(', ')}`);
    // And the exact parse keeps exactly those as text.
    const exact: string[] = [];
    const stack: unknown[] = [parseJsonExact(doc)];
    while (stack.length > 0) {
      const v = stack.pop();
      if (v instanceof ExactNumber) exact.push(v.text);
      else if (Array.isArray(v)) stack.push(...v);
      else if (typeof v === 'object' && v !== null) stack.push(...Object.values(v));
    }
    assert.deepEqual(exact.sort(), changed.sort());
  }), params(2000));
});

test('pre-check: numbers of at most 15 digits without an exponent never need their text', () => {
  const short = fc.tuple(
    fc.constantFrom('', '-'),
    fc.oneof(fc.constant('0'), fc.tuple(fc.constantFrom(...'123456789'), digitChars(0, 14)).map(([a, b]) => a + b)),
    fc.oneof(fc.constant(''), digitChars(1, 14).map((d) => '.' + d)),
  ).map((parts) => parts.join('')).filter((t) => t.replace(/[^0-9]/g, '').length <= 15);
  fc.assert(fc.property(short, (t) => {
    assert.equal(doubleChangesValue(t), false, t);
    assert.equal(mayHoldInexactNumber(`{"a":${t}}`), false, t);
  }), params(2000));
});

test('exact parse and writer: the same as JSON.parse and JSON.stringify wherever no such number is involved', () => {
  fc.assert(fc.property(fc.json(), (text) => {
    const plain = JSON.parse(text) as unknown;
    assert.ok(isDeepStrictEqual(parseJsonExact(text), plain));
    assert.equal(stringifyExact(plain), JSON.stringify(plain));
    // Forced onto the exact path by one more member: everything else is JSON.parse's.
    if (typeof plain === 'object' && plain !== null && !Array.isArray(plain)) {
      const forced = parseJsonExact(`{"zz_exact":1e400,"rest":${text}}`) as Fields;
      assert.ok(forced.zz_exact instanceof ExactNumber);
      assert.ok(isDeepStrictEqual(forced.rest, plain));
      assert.equal(stringifyExact(forced), `{"zz_exact":1e400,"rest":${JSON.stringify(plain)}}`);
    }
  }), params(1000));
});

test('CloudTrail: every number comes out with the same value, and its own digits where a double would change it', () => {
  fc.assert(fc.property(objectText, jsonText, jsonText, shape, (request, response, extra, how) => {
    const capture = normalize('AWS.CloudTrail', inShape(cloudTrailEvent(1, request, response, extra), how));
    assertCloudTrailOutput(capture, request, response, extra);
  }), params(300));
});

/** A finding whose resource and service hold the generated JSON, in the S3 export's names. */
function finding(resource: string, extra: string): string {
  return `{"schemaVersion":"2.0","accountId":"123456789012","region":"us-east-1","partition":"aws","id":"f1",` +
    `"arn":"arn:aws:guardduty:us-east-1:123456789012:detector/d1/finding/f1","type":"Recon:EC2/PortProbeUnprotectedPort",` +
    `"resource":${resource},"service":{"serviceName":"guardduty","detectorId":"d1","additionalInfo":${extra}},` +
    `"severity":5,"createdAt":"2024-05-01T10:00:00Z","updatedAt":"2024-05-01T10:00:00Z","title":"t","description":"d"}`;
}

test('GuardDuty: numbers keep their value and digits in findings, EventBridge-wrapped and in get-findings output', () => {
  fc.assert(fc.property(objectText, jsonText, fc.constantFrom('ndjson', 'eventbridge', 'findings'), (resource, extra, how) => {
    const f = finding(resource, extra);
    const text = how === 'ndjson' ? f : how === 'eventbridge' ? `{"detail-type":"GuardDuty Finding","detail":${f}}` : `{"Findings":[${f}]}`;
    const capture = normalize('AWS.GuardDuty', text + '\n');
    assert.deepEqual(capture.reports.map((r) => r.error), []);
    const out = readExact(capture.lines[0]!);
    assertSameValues(readExact(resource), out.resource, 'resource');
    assertSameValues(parseLossless(extra), (out.service as Fields).additionalInfo, 'service.additionalInfo');
  }), params(300));
});

// ---- Member names (get-findings) and wire names (S3 export) ----

/** Keys that follow the general rule: a lower-case letter first, so the member name is its upper-case form. */
const wireKey = fc.oneof(
  fc.stringMatching(/^x[A-Za-z0-9]{0,6}$/),
  fc.constantFrom('ipAddressV4', 'ipv6Addresses', 's3BucketDetails', 'publicIp', 'privateIpAddress', 'instanceId', 'tags', 'key', 'value', 'eTag', '_id', '9a'),
);
const { node: wireNode } = fc.letrec<{ node: unknown; leaf: unknown; list: unknown[]; struct: Fields }>((tie) => ({
  node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, tie('leaf'), tie('list'), tie('struct')),
  leaf: fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constantFrom('203.0.113.9', '2001:db8::9', 'i-0123456789abcdef0', 'arn:aws:s3:::amzn-s3-demo-bucket')),
  list: fc.array(tie('node'), { maxLength: 4 }),
  struct: fc.uniqueArray(fc.tuple(wireKey, tie('node')), { maxLength: 5, selector: ([k]) => k }).map((members) => Object.fromEntries(members)),
}));

function upper(name: string): string {
  return /^[a-z]/.test(name) ? name[0]!.toUpperCase() + name.slice(1) : name;
}

/** The same value with member names, as the AWS CLI prints it. */
function toMemberNames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toMemberNames);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [upper(k), toMemberNames(v)]));
}

function masked(line: string): Fields {
  const r = JSON.parse(line) as Fields;
  delete r.p_row_id;
  delete r.p_parse_time;
  return r;
}

test('GuardDuty: a finding in member names gives the same record as in wire names; wire names are never converted', () => {
  fc.assert(fc.property(wireNode, wireNode, (resource, extra) => {
    const wire = JSON.parse(finding(JSON.stringify({ resourceType: 'Instance', details: resource }), JSON.stringify(extra))) as Fields;
    assert.ok(isDeepStrictEqual(toWireNames(toMemberNames(wire) as Fields), wire));
    const fromWire = normalize('AWS.GuardDuty', JSON.stringify(wire) + '\n');
    const fromMembers = normalize('AWS.GuardDuty', JSON.stringify({ Findings: [toMemberNames(wire)] }, null, 2) + '\n');
    assert.deepEqual(fromWire.reports, []);
    assert.deepEqual(fromMembers.reports, []);
    const a = masked(fromWire.lines[0]!);
    assert.deepEqual(masked(fromMembers.lines[0]!), a);
    // The wire-named finding is written as it came (timestamps aside).
    assert.deepEqual(a.resource, wire.resource);
    assert.deepEqual(a.service, wire.service);
    // And member-named keys inside a wire-named finding stay as written.
    const mixed = { ...wire, resource: toMemberNames(wire.resource) };
    assert.deepEqual(masked(normalize('AWS.GuardDuty', JSON.stringify(mixed) + '\n').lines[0]!).resource, mixed.resource);
  }), params(300));
});

test('CLI --jobs 2: numbers keep their digits through worker threads', async () => {
  const seed = SEED ?? 20240501;
  const samples = fc.sample(fc.tuple(objectText, jsonText, jsonText), { numRuns: 60, seed });
  const dir = mkdtempSync(join(tmpdir(), 'awslogs-exact-'));
  try {
    const files = [join(dir, 'a.json'), join(dir, 'b.json')];
    const halves = [samples.slice(0, 30), samples.slice(30)];
    halves.forEach((half, f) => writeFileSync(files[f]!, half.map(([req, res, extra], i) => cloudTrailEvent(i, req, res, extra)).join('\n') + '\n'));
    const result = await runCli(['normalize', '--type', 'AWS.CloudTrail', '--jobs', '2', ...files]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n').filter((l) => l.length > 0);
    assert.equal(lines.length, samples.length);
    samples.forEach(([request, response, extra], i) => {
      const out = readExact(lines[i]!);
      assertSameValues(readExact(request), out.requestParameters, `record ${i} requestParameters`);
      assertSameValues(readExact(response), out.responseElements, `record ${i} responseElements`);
      assertSameValues(parseLossless(extra), out.extra, `record ${i} extra`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
