// Property tests of gzip input (issue 13 item 6), in-process: gzip data made
// of VPC lines in members with any header fields is cut, given a tail, or
// damaged anywhere, then read as a file (Node's gunzip, handed over to the
// member decoder) and as stdin (the member decoder alone), in reads of any
// size, through the pipeline's framing, parsing and counting.
// - Cut at any byte: the records written are exactly the first lines, every
//   line the bytes hold is written (only a half line at the cut is
//   reported), and read = written + failed + skipped.
// - Any tail after complete members: every line of the members is written,
//   and the tail is never a fault.
// - Any byte flipped, or any bytes changed: file and stdin give the same
//   bytes and the same fault; nothing of the members before the damage is
//   lost; a deflate error hands on exactly what zlib inflates before it.
//
// The default budget keeps `npm test` quick; `npm run fuzz` runs the same
// properties with NUM_RUNS=100000 (FUZZ_SEED=n replays a run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { constants, inflateRawSync } from 'node:zlib';
import type { ErrorReport } from '../src/core/errors.js';
import { StandardFields } from '../src/core/standard.js';
import { findLogType } from '../src/logtypes/index.js';
import type { Fields } from '../src/logtypes/types.js';
import { HEADER_BYTES } from '../src/pipeline/gzip_format.js';
import { GzipDataError, gunzip } from '../src/pipeline/gunzip.js';
import { gunzipInput } from '../src/pipeline/input.js';
import { LineFramer } from '../src/pipeline/lines.js';
import { RecordProcessor, frameChunks, type ErrorSink, type OutputSink } from '../src/pipeline/normalize.js';
import { chunksOf, gzipHeaderLength, gzipMember, vpcLine, type MemberOptions } from './helpers/gzip.js';

const NUM_RUNS = Number(process.env.NUM_RUNS ?? '') || undefined;
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : undefined;

function params<T>(defaultRuns: number): fc.Parameters<T> {
  return { numRuns: NUM_RUNS ?? defaultRuns, includeErrorInReport: true, ...(SEED !== undefined ? { seed: SEED } : {}) };
}

const VPC = findLogType('AWS.VPCFlow')!;
const standard = new StandardFields();
type Way = 'file' | 'stdin';

/** Where the pipeline's records, reports and notices go. */
class Capture implements OutputSink, ErrorSink {
  readonly records: Fields[] = [];
  readonly reports: ErrorReport[] = [];
  writeRecord(record: Fields): void {
    this.records.push(record);
  }
  error(report: ErrorReport): void {
    this.reports.push(report);
  }
  notice(): void {}
}

/** One member of a generated file: its lines and where its parts lie in the file. */
interface Member {
  text: string;
  start: number;
  deflateStart: number;
  trailerStart: number;
  end: number;
}

interface GzipFile {
  data: Buffer;
  members: Member[];
  lines: number;
}

const memberOptions: fc.Arbitrary<MemberOptions> = fc.record({
  name: fc.option(fc.stringMatching(/^[a-z0-9.-]{0,12}$/), { nil: undefined }),
  comment: fc.option(fc.stringMatching(/^[ a-z]{0,12}$/), { nil: undefined }),
  extra: fc.option(fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a)), { nil: undefined }),
  headerCrc: fc.boolean(),
  level: fc.constantFrom(0, 1, 6, 9),
}, { requiredKeys: ['headerCrc', 'level'] });

/** 1 to 40 VPC lines (packets = 1 … n) in 1 to 6 members split at line ends (as AWS writes them). */
const gzipFile: fc.Arbitrary<GzipFile> = fc.integer({ min: 1, max: 40 }).chain((lines) =>
  fc.tuple(fc.uniqueArray(fc.integer({ min: 1, max: lines }), { maxLength: 5 }), fc.array(memberOptions, { minLength: 6, maxLength: 6 }))
    .map(([cuts, options]) => {
      const bounds = [0, ...cuts.filter((c) => c < lines).sort((a, b) => a - b), lines];
      const members: Member[] = [];
      const parts: Buffer[] = [];
      let at = 0;
      for (let m = 0; m + 1 < bounds.length; m++) {
        const text = Array.from({ length: bounds[m + 1]! - bounds[m]! }, (_, i) => vpcLine(bounds[m]! + i) + '\n').join('');
        const member = gzipMember(text, options[m]);
        members.push({ text, start: at, deflateStart: at + gzipHeaderLength(options[m]!), trailerStart: at + member.length - 8, end: at + member.length });
        parts.push(member);
        at += member.length;
      }
      return { data: Buffer.concat(parts), members, lines };
    }));

const way = fc.constantFrom<Way>('file', 'stdin');
const readSize = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 64, max: 8192 }));

interface Run {
  records: Fields[];
  reports: ErrorReport[];
  /** The input's problem (the InputError message), if any. */
  problem?: string;
  notices: string[];
  read: number;
  written: number;
  failed: number;
  skipped: number;
}

/** `data` through gunzip, line framing, the VPC parser and the counts, as the pipeline runs an input. */
async function normalize(data: Buffer, as: Way, size: number): Promise<Run> {
  const capture = new Capture();
  const processor = new RecordProcessor('fuzz.log.gz', VPC, {}, standard, capture, capture);
  const notices: string[] = [];
  const options = {
    notice: (m: string) => notices.push(m),
    ...(as === 'file' ? { reread: (start: number, end?: number) => chunksOf(data.subarray(start, end), 1 << 20) } : {}),
  };
  const problem = await frameChunks(gunzipInput(chunksOf(data, size), options), new LineFramer(processor, 1 << 20), async () => {});
  return { records: capture.records, reports: capture.reports, ...(problem !== undefined ? { problem } : {}), notices, ...processor.counts };
}

/** Decodes to bytes only (no framing): output, fault message, notices. */
async function decodeBytes(data: Buffer, as: Way, size: number): Promise<{ output: Buffer; fault?: string; notices: string[] }> {
  const notices: string[] = [];
  const parts: Buffer[] = [];
  const options = {
    notice: (m: string) => notices.push(m),
    ...(as === 'file' ? { reread: (start: number, end?: number) => chunksOf(data.subarray(start, end), 4096) } : {}),
  };
  try {
    for await (const b of gunzip(chunksOf(data, size), options)) parts.push(Buffer.from(b));
  } catch (err) {
    if (!(err instanceof GzipDataError)) throw err;
    return { output: Buffer.concat(parts), fault: err.message, notices };
  }
  return { output: Buffer.concat(parts), notices };
}

function assertBalanced(run: Run): void {
  assert.equal(run.read, run.written + run.failed + run.skipped, 'read = written + failed + skipped');
  assert.equal(run.records.length, run.written);
  assert.equal(run.reports.length, run.failed);
}

/** The packets values 1 … n: the first n lines. */
function firstLines(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

/**
 * What a decoder that loses nothing gives for `file` cut at `cut`: every
 * whole member before the cut, and what zlib inflates of the member cut
 * in its deflate data (all of it when the cut is in its trailer).
 */
function expectedBeforeCut(file: GzipFile, cut: number): { text: string; fault: boolean } {
  let text = '';
  for (const [i, m] of file.members.entries()) {
    if (cut >= m.end) {
      text += m.text;
      continue;
    }
    // A next member cut within its 10-byte fixed header (or right after it) holds no data: trailing garbage; one byte more, a cut member.
    if (cut <= m.deflateStart) return { text, fault: i === 0 || cut - m.start > HEADER_BYTES };
    if (cut >= m.trailerStart) return { text: text + m.text, fault: true };
    const part = inflateRawSync(file.data.subarray(m.deflateStart, cut), { finishFlush: constants.Z_SYNC_FLUSH });
    return { text: text + part.toString(), fault: true };
  }
  return { text, fault: false };
}

test('gzip cut at any byte: the first lines written, none lost but the half at the cut, counts balanced', async () => {
  await fc.assert(fc.asyncProperty(gzipFile, fc.double({ min: 0, max: 1, noNaN: true }), way, readSize, async (file, where, as, size) => {
    const cut = 1 + Math.floor(where * (file.data.length - 1));
    const run = await normalize(file.data.subarray(0, cut), as, size);
    const expected = expectedBeforeCut(file, cut);
    const whole = expected.text.split('\n').length - 1;
    assertBalanced(run);
    assert.deepEqual(run.records.map((r) => r.packets), firstLines(whole), 'the whole lines the bytes hold, in order');
    assert.equal(run.problem !== undefined, expected.fault, `a fault exactly when the cut loses data: ${run.problem}`);
    if (expected.fault) assert.match(run.problem!, new RegExp(`^corrupt gzip data \\(unexpected end of file\\) at or before compressed byte ${cut}$`));
    const half = expected.text.slice(expected.text.lastIndexOf('\n') + 1);
    if (half.length > 0) {
      assert.equal(run.reports.length, 1, 'the half line at the cut is reported');
      assert.equal(run.reports[0]!.raw, half);
      assert.match(run.reports[0]!.error, /^incomplete record/);
    } else {
      assert.equal(run.reports.length, 0);
    }
  }), params(150));
});

/** What may follow the gzip data. */
const tail: fc.Arbitrary<Buffer> = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 3000 }).map((a) => Buffer.from(a)),
  fc.integer({ min: 1, max: 5000 }).map((n) => Buffer.alloc(n)),
  fc.stringMatching(/^[ -~]{1,60}$/).map((s) => Buffer.from(s)),
  fc.array(fc.stringMatching(/^[ -~]{0,200}$/), { minLength: 1, maxLength: 30 }).map((ls) => Buffer.from(ls.join('\n') + '\n')),
  // The first bytes of a member header (at most its fixed 10 bytes: more are a cut member).
  fc.tuple(memberOptions, fc.integer({ min: 1, max: HEADER_BYTES })).map(([o, n]) => gzipMember('x\n', o).subarray(0, Math.min(n, gzipHeaderLength(o) - 1))),
);

test('any tail after complete members: every line of the members written, never a fault, at most one notice', async () => {
  await fc.assert(fc.asyncProperty(gzipFile, tail, way, readSize, async (file, extra, as, size) => {
    const data = Buffer.concat([file.data, extra]);
    const decoded = await decodeBytes(data, as, size);
    const text = file.members.map((m) => m.text).join('');
    assert.equal(decoded.fault, undefined, 'a tail is never a fault');
    assert.ok(decoded.notices.length <= 1);
    assert.equal(decoded.output.subarray(0, text.length).toString(), text, 'the members whole');
    const rest = decoded.output.subarray(text.length);
    if (decoded.notices[0]?.endsWith('read as text') === true) {
      const withoutBom = extra.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])) ? extra.subarray(3) : extra;
      assert.ok(rest.equals(withoutBom), 'a text tail is handed on as it is');
    } else {
      assert.equal(rest.length, 0, 'garbage is not handed on');
      assert.equal(decoded.notices.length === 0, extra.every((b) => b === 0), 'only zero padding is silent');
    }
    const run = await normalize(data, as, size);
    assertBalanced(run);
    assert.deepEqual(run.records.slice(0, file.lines).map((r) => r.packets), firstLines(file.lines));
    assert.equal(run.problem, undefined);
  }), params(150));
});

/**
 * The longest prefix of deflate data zlib inflates without an error
 * (failing prefixes only grow: binary search) and its output.
 */
function longestGoodPrefix(deflate: Buffer): { length: number; output: Buffer } {
  const inflate = (n: number) => inflateRawSync(deflate.subarray(0, n), { finishFlush: constants.Z_SYNC_FLUSH });
  let lo = 0;
  let hi = deflate.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    try {
      inflate(mid);
      lo = mid;
    } catch {
      hi = mid - 1;
    }
  }
  return { length: lo, output: inflate(lo) };
}

test('a byte flipped anywhere: file and stdin agree, members before it are whole, a deflate error hands on all zlib inflates before it', async () => {
  await fc.assert(fc.asyncProperty(gzipFile, fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 255 }), readSize, async (file, where, mask, size) => {
    const at = Math.floor(where * (file.data.length - 1));
    const damaged = Buffer.from(file.data);
    damaged[at] = damaged[at]! ^ mask;
    const fromFile = await decodeBytes(damaged, 'file', size);
    const fromStdin = await decodeBytes(damaged, 'stdin', size);
    assert.ok(fromFile.output.equals(fromStdin.output), 'file and stdin give the same bytes');
    assert.equal(fromFile.fault, fromStdin.fault);
    assert.deepEqual(fromFile.notices, fromStdin.notices);
    const hit = file.members.findIndex((m) => at < m.end);
    const before = file.members.slice(0, hit).map((m) => m.text).join('');
    assert.equal(fromFile.output.subarray(0, before.length).toString(), before, 'the members before the damage whole');
    const m = file.members[hit]!;
    if (at >= m.deflateStart && at < m.trailerStart) {
      const good = longestGoodPrefix(damaged.subarray(m.deflateStart, m.trailerStart));
      if (good.length < m.trailerStart - m.deflateStart) {
        const head = Buffer.concat([Buffer.from(before), good.output]);
        assert.ok(fromFile.output.subarray(0, head.length).equals(head), 'everything zlib inflates before the error');
        // Decoding may go on at a later member header (issue 15: one damaged
        // member of a Firehose object must not lose the ones after it): what
        // follows is whole later members, never part of one.
        const rest = fromFile.output.subarray(head.length).toString();
        const wholeLater = file.members.slice(hit + 1).map((_, k) => file.members.slice(hit + 1 + k).map((x) => x.text).join(''));
        assert.ok(rest === '' || wholeLater.includes(rest), `after the damage only whole later members (got ${rest.length} bytes)`);
        assert.match(fromFile.fault ?? '', new RegExp(`^corrupt gzip data \\(.+\\) at or before compressed byte ${m.deflateStart + good.length}(; decoding went on at the next gzip member)?$`));
        return;
      }
    }
    // Otherwise the flip changed nothing (a header time, unused bits), or it is a fault: never a silent loss.
    const unchanged = fromFile.output.equals(Buffer.from(file.members.map((x) => x.text).join('')));
    assert.ok(fromFile.fault !== undefined || unchanged, `flip at ${at}: the output changed without a fault (notices: ${fromFile.notices.join('; ')})`);
  }), params(150));
});

test('any bytes changed, inserted or removed: file and stdin give the same bytes, notices and fault', async () => {
  const edit = fc.record({ where: fc.double({ min: 0, max: 1, noNaN: true }), remove: fc.integer({ min: 0, max: 40 }), insert: fc.uint8Array({ maxLength: 40 }) });
  await fc.assert(fc.asyncProperty(gzipFile, fc.array(edit, { minLength: 1, maxLength: 3 }), readSize, async (file, edits, size) => {
    let data = file.data;
    for (const e of edits) {
      const at = Math.floor(e.where * data.length);
      data = Buffer.concat([data.subarray(0, at), Buffer.from(e.insert), data.subarray(at + e.remove)]);
    }
    const fromFile = await decodeBytes(data, 'file', size);
    const fromStdin = await decodeBytes(data, 'stdin', size);
    assert.ok(fromFile.output.equals(fromStdin.output), 'the same bytes');
    assert.equal(fromFile.fault, fromStdin.fault);
    assert.deepEqual(fromFile.notices, fromStdin.notices);
    const run = await normalize(data, size % 2 === 0 ? 'file' : 'stdin', size);
    assertBalanced(run);
  }), params(150));
});
