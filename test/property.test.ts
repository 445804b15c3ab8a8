// Property tests (issue 8), in-process for speed: for every log type,
// generated valid records round-trip (their values are in the output), and
// randomly broken records and files never throw out of the parser or the
// pipeline, and every record ends as exactly one outcome (a line, an error
// report or a counted skip), with read = written + failed + skipped.
//
// The default budget keeps `npm test` quick; `npm run fuzz` runs the same
// properties with NUM_RUNS=100000 (FUZZ_SEED=n replays a run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { ErrorReport } from '../src/core/errors.js';
import { StandardFields } from '../src/core/standard.js';
import { LOG_TYPES, findLogType } from '../src/logtypes/index.js';
import type { LogTypeDescriptor, ParseSink } from '../src/logtypes/types.js';
import { detectFromSample } from '../src/pipeline/detect.js';
import type { RecordHandler } from '../src/pipeline/lines.js';
import { RecordProcessor, createFramer } from '../src/pipeline/normalize.js';
import type { Counts } from '../src/pipeline/report.js';
import {
  VALID_RECORDS, jsonMutation, lineBreakingMutation, mutate, mutateJson, mutation, separatorFor, type JsonMutation, type Mutation, type ValidRecord,
} from './helpers/arbitraries.js';
import { JSON_TYPES, TYPES, type TypeName } from './helpers/hostile.js';
import { Capture, params } from './helpers/property.js';

const VPC_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const MAX_LINE_CHARS = 1 << 20;
const standard = new StandardFields();
const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

function descriptor(type: TypeName): LogTypeDescriptor {
  return findLogType(type)!;
}

function assertBalanced(c: Counts, what: string): void {
  assert.equal(c.read, c.written + c.failed + c.skipped, `${what}: read = written + failed + skipped`);
}

/** A parser bug caught by the pipeline's safety net is still a bug. */
function assertNoInternalError(reports: readonly ErrorReport[]): void {
  for (const r of reports) assert.doesNotMatch(r.error, /internal error|produced no event/, r.error);
}

function assertOutput(capture: Capture, type: string): Record<string, unknown>[] {
  return capture.lines.map((l) => {
    assert.ok(l.endsWith('\n') && l.indexOf('\n') === l.length - 1, 'one line per record');
    const record = JSON.parse(l) as Record<string, unknown>;
    assert.equal(record.p_log_type, type);
    return record;
  });
}

function assertExpected(out: Record<string, unknown>, rec: ValidRecord): void {
  for (const [key, value] of Object.entries(rec.expect)) {
    if (value === undefined) assert.ok(!Object.hasOwn(out, key), `${key} is absent (was "-") in ${rec.line}`);
    // Compared as JSON: -0 and numbers beyond a double's range are what JSON.stringify makes of them.
    else assert.equal(JSON.stringify(out[key]), JSON.stringify(value), `${key} of ${rec.line}`);
  }
  const ips = (out.p_any_ip_addresses as string[] | undefined) ?? [];
  for (const ip of rec.ips) assert.ok(ips.includes(ip), `${ip} in p_any_ip_addresses of ${rec.line}`);
  const arns = (out.p_any_aws_arns as string[] | undefined) ?? [];
  for (const arn of rec.arns) assert.ok(arns.includes(arn), `${arn} in p_any_aws_arns of ${rec.line}`);
}

function assertPrototypesClean(): void {
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), prototypeKeys, 'Object.prototype untouched');
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
}

for (const type of TYPES) {
  const lt = descriptor(type);
  const separator = separatorFor(type);
  const isJson = JSON_TYPES.has(type);
  /** Text mutations; for JSON types also structural ones (valid JSON, wrong fields), which text mutations rarely leave. */
  const brokenArb = (textual: fc.Arbitrary<Mutation>) => isJson
    ? fc.tuple(fc.array(textual, { maxLength: 3 }), fc.array(jsonMutation, { maxLength: 3 })).filter(([t, j]) => t.length + j.length > 0)
    : fc.tuple(fc.array(textual, { minLength: 1, maxLength: 4 }), fc.constant<JsonMutation[]>([]));
  const broken = (line: string, [textual, structural]: [Mutation[], JsonMutation[]]) =>
    mutate(structural.length > 0 ? mutateJson(line, structural) : line, textual, separator);

  test(`${type}: generated valid records round-trip (their values and indicators are in the output)`, () => {
    fc.assert(fc.property(VALID_RECORDS[type], (rec) => {
      const capture = new Capture();
      const processor = new RecordProcessor('fuzz', lt, {}, standard, capture, capture);
      processor.record(rec.line, 1);
      assert.deepEqual(capture.reports.map((r) => r.error), [], rec.line);
      const [out, ...more] = assertOutput(capture, type);
      assert.equal(more.length, 0);
      assertExpected(out!, rec);
      assert.equal(out![rec.idField], rec.id);
      assertPrototypesClean();
    }), params(1000));
  });

  test(`${type}: a mutated record never throws and ends as exactly one outcome (parser, pipeline, detection attempt)`, () => {
    fc.assert(fc.property(VALID_RECORDS[type], brokenArb(mutation), (rec, mutations) => {
      const text = broken(rec.line, mutations);
      if (text.trim().length === 0) return; // a blank line is not a record (the framer drops it)
      // The parser on its own: no throw, one call to the sink.
      let outcomes = 0;
      const sink: ParseSink = { event: () => outcomes++, skip: () => outcomes++, error: () => outcomes++, notice: () => {} };
      lt.createParser({}).parse(text, sink);
      assert.equal(outcomes, 1, `one outcome for ${JSON.stringify(text)}`);
      // Through the pipeline: counted once, reported with its own text.
      const capture = new Capture();
      const processor = new RecordProcessor('fuzz', lt, {}, standard, capture, capture);
      processor.record(text, 7);
      assert.equal(processor.counts.read, 1);
      assertBalanced(processor.counts, text);
      assert.equal(assertOutput(capture, type).length, processor.counts.written);
      assert.equal(capture.reports.length, processor.counts.failed);
      assertNoInternalError(capture.reports);
      for (const r of capture.reports) {
        assert.deepEqual([r.file, r.line, r.logType, r.raw], ['fuzz', 7, type, text]);
        assert.ok(r.error.length > 0);
      }
      // As detection and --detect per-line try it: a failure leaves no trace.
      const quiet = new Capture();
      const attempt = new RecordProcessor('fuzz', lt, {}, standard, quiet, quiet);
      const failure = attempt.attempt(text, 7);
      if (failure === undefined) {
        assert.equal(processor.counts.failed, 0, 'the attempt agrees with the real run');
        assert.equal(attempt.counts.read, 1);
        assertBalanced(attempt.counts, text);
      } else {
        assert.equal(processor.counts.failed, 1, `the attempt agrees with the real run: ${failure}`);
        assert.deepEqual(attempt.counts, { read: 0, written: 0, failed: 0, skipped: 0, filtered: 0 });
        assert.deepEqual([quiet.lines, quiet.reports], [[], []]);
      }
      assertPrototypesClean();
    }), params(2000));
  });

  test(`${type}: a file of good and broken records, any line endings and chunking: nothing thrown, nothing lost`, () => {
    const fileArb = fc.record({
      records: fc.uniqueArray(VALID_RECORDS[type], { selector: (r) => r.id, minLength: 1, maxLength: 8 }),
      mutations: fc.array(fc.option(brokenArb(lineBreakingMutation), { nil: undefined, freq: 2 }), { minLength: 8, maxLength: 8 }),
      crlf: fc.boolean(),
      bom: fc.boolean(),
      blankAfter: fc.array(fc.constantFrom('', ' ', '\t', '\r', '  \t'), { maxLength: 3 }),
      finalNewline: fc.boolean(),
      wrapper: fc.boolean(),
      chunks: fc.array(fc.integer({ min: 1, max: 97 }), { maxLength: 6 }),
    });
    fc.assert(fc.property(fileArb, (f) => {
      const mutated = f.records.map((r, i) => (f.mutations[i] === undefined ? undefined : broken(r.line, f.mutations[i]!)));
      const lines = f.records.map((r, i) => mutated[i] ?? r.line);
      const eol = f.crlf ? '\r\n' : '\n';
      const wrapped = JSON_TYPES.has(type) && f.wrapper;
      let text: string;
      if (wrapped) {
        // A trail file / get-findings output: the records as elements of one wrapper array.
        text = `{"${type === 'AWS.CloudTrail' ? 'Records' : 'Findings'}":[${lines.join(',' + (f.crlf ? eol : ''))}]}`;
      } else {
        const body: string[] = type === 'AWS.VPCFlow' ? [VPC_HEADER] : [];
        lines.forEach((l, i) => {
          body.push(l);
          if (i === 0) body.push(...f.blankAfter);
        });
        text = body.join(eol) + (f.finalNewline ? eol : '');
      }
      if (f.bom) text = '\ufeff' + text;
      const bytes = Buffer.from(text, 'utf8');

      const capture = new Capture();
      const processor = new RecordProcessor('fuzz', lt, {}, standard, capture, capture);
      let handled = 0;
      const counting: RecordHandler = {
        record(t, line) { handled++; processor.record(t, line); },
        reject(message, raw, line, length) { handled++; processor.reject(message, raw, line, length); },
      };
      const framer = createFramer(lt.framing, counting, MAX_LINE_CHARS);
      const pieces = chunk(bytes, f.chunks);
      for (const piece of pieces) framer.push(piece);
      framer.end();

      // Exactly one outcome per framed record; the counts add up.
      assert.equal(processor.counts.read, handled);
      assertBalanced(processor.counts, 'file');
      const out = assertOutput(capture, type);
      assert.equal(out.length, processor.counts.written);
      assert.equal(capture.reports.length, processor.counts.failed);
      assertNoInternalError(capture.reports);
      // Text formats end a line at \n, \r\n or a lone \r; JSON counts \n only (\r is white space there).
      const lineBreak = lt.framing === 'lines' ? /\r\n|\r|\n/ : '\n';
      const lineCount = text.split(lineBreak).length;
      for (const r of capture.reports) assert.ok(r.line >= 1 && r.line <= lineCount, `report line ${r.line} of ${lineCount}`);

      if (lt.framing === 'lines') {
        // Every non-blank line is one record, reported with its own text and line.
        // As decoded: a lone surrogate went out as U+FFFD.
        // A byte order mark at the start of any line is dropped (issue 13: `cat a.log b.log`).
        const physical = bytes.toString('utf8').split(lineBreak).map((l) => l.replace(/^\ufeff/, ''));
        if (f.finalNewline || physical.at(-1) === '') physical.pop();
        const nonBlank = physical.filter((l) => !/^[ \t]*$/.test(l)).length;
        assert.equal(handled, nonBlank, 'one record per non-blank line');
        for (const r of capture.reports) assert.equal(r.raw, physical[r.line - 1], `raw of line ${r.line}`);
      }
      // Every record left intact is written, whatever broke around it. JSON
      // framing cannot promise it after a broken line that ends with an open
      // `{` (indistinguishable from a pretty-printed document's first line)
      // or inside a wrapper whose structure a mutation broke.
      const jsonAmbiguous = JSON_TYPES.has(type) && (wrapped
        ? mutated.some((m) => m !== undefined)
        : mutated.some((m) => m !== undefined && (m.includes('\n') || /\{[\s,[]*$/.test(m))));
      if (!jsonAmbiguous) {
        const ids = new Set(out.map((o) => JSON.stringify(o[f.records[0]!.idField])));
        f.records.forEach((r, i) => {
          if (mutated[i] === undefined) assert.ok(ids.has(JSON.stringify(r.id)), `intact record ${i} (${r.idField} ${String(r.id)}) is written`);
        });
      }
      // A file of valid records only is detected as its type.
      if (mutated.every((m) => m === undefined)) {
        const detected = detectFromSample(pieces, true, 'fuzz', LOG_TYPES, {}, MAX_LINE_CHARS);
        assert.equal(detected.type?.name, type, detected.reason);
        assert.equal(processor.counts.failed, 0);
      }
      assertPrototypesClean();
    }), params(300));
  });
}

/** Cuts bytes at the given sizes, round and round (splitting UTF-8 sequences and CRLF pairs); no sizes: one chunk. */
function chunk(bytes: Buffer, sizes: readonly number[]): Buffer[] {
  if (sizes.length === 0) return [bytes];
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const n = sizes[i % sizes.length]!;
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

export type { Mutation };
