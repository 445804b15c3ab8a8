// Issue 19 goal 2: --jobs N on one input. A text input cut into chunks for
// worker threads (pipeline/chunks.ts) gives what --jobs 1 gives: the same
// output (row ids and parse times masked), error reports with the same line
// numbers, notices, counts and read problem. In-process through processInput
// (gzip, detection and the sample replay included) with real worker threads,
// on random inputs of each text type: sample lines, bad lines, blank lines,
// over-long lines, CRLF and lone CR endings, invalid UTF-8, BOMs, a missing
// last line end, and VPC headers changing the layout mid-file. Chunks are
// cut small (AWSLOGS_CHUNK_BYTES) so that every input is many chunks.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { AnyErrorReport } from '../src/core/errors.js';
import { ROOT, maskOutput } from './helpers/cli.js';
import { params } from './helpers/property.js';

process.env.AWSLOGS_CHUNK_BYTES = '173';
const { StandardFields } = await import('../src/core/standard.js');
const { LOG_TYPES, findLogType } = await import('../src/logtypes/index.js');
const { BatchedWriter } = await import('../src/pipeline/output.js');
const { processInput } = await import('../src/pipeline/process_input.js');
const { ChunkPool, LineCutter } = await import('../src/pipeline/chunks.js');
type Settings = Parameters<typeof processInput>[1];
type Piece = import('../src/pipeline/chunks.js').Piece;

const dir = mkdtempSync(join(tmpdir(), 'awslogs-jobs-one-'));
const pools = [new ChunkPool(2), new ChunkPool(3)];
after(async () => {
  await Promise.all(pools.map((p) => p.close()));
  rmSync(dir, { recursive: true, force: true });
});

function sampleLines(type: string): string[] {
  return readFileSync(join(ROOT, 'samples', `${type}.log`), 'utf8').split('\n').filter((l) => l.length > 0);
}

/** What one run gave, comparable across runs. */
interface Outcome {
  output: string[];
  reports: AnyErrorReport[];
  notices: string[];
  counts: unknown;
  problem: string | undefined;
  logType: string | undefined;
}

async function normalize(path: string, settings: Settings): Promise<Outcome> {
  const parts: Buffer[] = [];
  const stream = new Writable({ write(chunk: Buffer, _e, cb) { parts.push(chunk); cb(); } });
  const out = new BatchedWriter(stream, 4096);
  const reports: AnyErrorReport[] = [];
  const notices: string[] = [];
  const reporter = {
    error: (r: AnyErrorReport) => { reports.push(r); },
    notice: (_file: string, message: string) => { notices.push(message); },
    flushIfFull: async () => {},
  };
  const result = await processInput(path, settings, new StandardFields(), out, reporter);
  await out.flush();
  // The Reporter keeps one of each notice per input: compared as it would show them.
  return {
    output: maskOutput(withoutClockEventTime(Buffer.concat(parts).toString('utf8'))),
    reports,
    notices: [...new Set(notices)],
    counts: Object.fromEntries(result.counts),
    problem: result.problem,
    logType: result.logType,
  };
}

/** A record without a time of its own takes the parse time as p_event_time: masked with it. */
function withoutClockEventTime(ndjson: string): string {
  return ndjson.split('\n').map((line) => {
    const parse = /"p_parse_time":"([^"]+)"/.exec(line)?.[1];
    return parse === undefined ? line : line.replace(`"p_event_time":"${parse}"`, '"p_event_time":"<parse-time>"');
  }).join('\n');
}

const ENDINGS = ['\n', '\n', '\n', '\r\n', '\r'];
const VPC_HEADERS = [
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
  'version srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status account-id interface-id',
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status traffic-path flow-direction',
  'version account-id interface-id srcaddr log_status',
];

/** A line of the input: a sample line, a damaged one, garbage, blank, over-long, or (VPC) a header. */
function lineArb(samples: string[], vpc: boolean): fc.Arbitrary<string> {
  const choices: Array<fc.WeightedArbitrary<string>> = [
    { weight: 12, arbitrary: fc.constantFrom(...samples) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...samples), fc.nat(200)).map(([l, n]) => l.slice(0, n % (l.length + 1))) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.constantFrom('', '  ', '\t') },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...samples), fc.integer({ min: 1100, max: 3000 })).map(([l, n]) => (l + ' ').repeat(Math.ceil(n / (l.length + 1))).slice(0, n)) },
    { weight: 1, arbitrary: fc.constantFrom(...samples).map((l) => '\uFEFF' + l) },
    { weight: 1, arbitrary: fc.constantFrom(...samples).map((l) => l.replace(' ', ' é€😀 ')) },
  ];
  if (vpc) choices.push({ weight: 3, arbitrary: fc.constantFrom(...VPC_HEADERS) });
  return fc.oneof(...choices);
}

/** Input bytes: lines with mixed endings, some invalid UTF-8, the last line end optional. */
function inputArb(samples: string[], vpc: boolean): fc.Arbitrary<Buffer> {
  return fc.tuple(
    fc.array(fc.tuple(lineArb(samples, vpc), fc.constantFrom(...ENDINGS), fc.boolean()), { minLength: 1, maxLength: 60 }),
    fc.boolean(),
  ).map(([lines, lastEnd]) => {
    const bufs: Buffer[] = [];
    lines.forEach(([line, end, bad], i) => {
      bufs.push(Buffer.from(line, 'utf8'));
      // A few bytes that are not UTF-8 (a lone continuation byte, a cut sequence) in some lines.
      if (bad && line.length % 7 === 0) bufs.push(Buffer.from([0x80, 0xe2, 0x82]));
      if (i < lines.length - 1 || lastEnd) bufs.push(Buffer.from(end, 'latin1'));
    });
    return Buffer.concat(bufs);
  });
}

let fileNo = 0;
for (const type of ['AWS.VPCFlow', 'AWS.ALB', 'AWS.S3ServerAccess', 'AWS.AuroraMySQLAudit']) {
  const samples = sampleLines(type);
  const descriptor = findLogType(type)!;
  test(`${type}: --jobs 2 and 3 on one input give what --jobs 1 gives (output, reports, line numbers, counts)`, async () => {
    await fc.assert(fc.asyncProperty(inputArb(samples, type === 'AWS.VPCFlow'), fc.boolean(), fc.boolean(), async (bytes, gzip, named) => {
      const path = join(dir, `in${fileNo++}.log${gzip ? '.gz' : ''}`);
      writeFileSync(path, gzip ? gzipSync(bytes) : bytes);
      const base: Settings = {
        ...(named ? { logType: descriptor } : {}),
        detect: 'input', candidates: LOG_TYPES, parserOptions: {}, maxLineBytes: 1024,
      };
      const one = await normalize(path, base);
      for (const pool of pools) {
        const many = await normalize(path, { ...base, chunkPool: pool });
        assert.deepEqual(many, one);
      }
    }), params(25, 2000));
  });
}

test('a VPC header that changes mid-file while later chunks are in flight: those chunks are read again after it', async () => {
  const [h1, h2] = [VPC_HEADERS[0]!, VPC_HEADERS[1]!];
  const row1 = '2 123456789012 eni-0a1b2c3d4e5f60718 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1718900000 1718900060 ACCEPT OK';
  const row2 = '2 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1718900000 1718900060 ACCEPT OK 123456789012 eni-0a1b2c3d4e5f60718';
  const text = [h1, ...Array(40).fill(row1), h2, ...Array(400).fill(row2), ''].join('\n');
  const path = join(dir, 'two-headers.log');
  writeFileSync(path, text);
  const base: Settings = { logType: findLogType('AWS.VPCFlow')!, detect: 'input', candidates: LOG_TYPES, parserOptions: {}, maxLineBytes: 1024 };
  const one = await normalize(path, base);
  assert.equal(one.reports.length, 0);
  assert.equal(one.output.length, 440);
  assert.deepEqual(await normalize(path, { ...base, chunkPool: pools[0]! }), one);
});

test('LineCutter never splits a CRLF, cuts after a lone CR only when the next byte is known, and measures an over-long line without holding it', () => {
  const pieces: Piece[] = [];
  const cutter = new LineCutter(4, 1024);
  cutter.push(Buffer.from('ab\r'), pieces);
  assert.equal(pieces.length, 0, 'a \\r at the end of the bytes so far may be half a CRLF');
  cutter.push(Buffer.from('\ncd\re'), pieces);
  assert.deepEqual(pieces.map((p) => p.bytes?.toString('latin1')), ['ab\r\n'], 'the first line end past 4 bytes ends the chunk');
  pieces.length = 0;
  const long = Buffer.alloc(5000, 'x');
  for (let i = 0; i < long.length; i += 100) cutter.push(long.subarray(i, i + 100), pieces);
  assert.deepEqual(pieces.map((p) => p.bytes?.toString('latin1')), ['cd\r'], 'a \r followed by another byte ends a line; nothing of the long line is handed on before its end');
  pieces.length = 0;
  cutter.push(Buffer.from('\r'), pieces);
  cutter.push(Buffer.from('\nnext\n'), pieces);
  cutter.end(false, pieces);
  assert.equal(pieces.length, 2);
  assert.equal(pieces[0]!.longLine?.length, 5001);
  assert.match(pieces[0]!.longLine!.message, /5001 bytes long, over the limit of 1024/);
  assert.equal(pieces[1]!.bytes?.toString('latin1'), 'next\n');
});

// ---- the built binary, as a user runs it ------------------------------------------

const { runCli } = await import('./helpers/cli.js');

/** A VPC input with a header, records, bad lines, an over-long line and a header changing mid-way: a few hundred lines. */
function mixedVpc(): Buffer {
  const samples = sampleLines('AWS.VPCFlow').filter((l) => !l.startsWith('version'));
  const lines: string[] = [VPC_HEADERS[0]!];
  for (let i = 0; i < 300; i++) {
    if (i === 150) lines.push(VPC_HEADERS[2]!);
    if (i % 37 === 5) lines.push('not a flow at all');
    if (i === 3) lines.push('x'.repeat(3000));
    lines.push(samples[i % samples.length]!);
  }
  return Buffer.from(lines.join('\r\n'));
}

/** stderr without the run's duration (`…, 0.1s`), which differs from run to run. */
const timeless = (stderr: string) => stderr.replace(/, \d+(\.\d+)?s$/gm, ', <seconds>');

test('CLI: stdin, plain and gzip, with --jobs 2 gives the output, reports, summary and exit status of --jobs 1', async () => {
  const env = { AWSLOGS_CHUNK_BYTES: '500' };
  for (const stdin of [mixedVpc(), gzipSync(mixedVpc())]) {
    const args = ['normalize', '--type', 'AWS.VPCFlow', '--max-line-bytes', '2048'];
    const one = await runCli(args, { stdin, env });
    const two = await runCli([...args, '--jobs', '2'], { stdin, env });
    assert.equal(one.code, 1, one.stderr);
    assert.equal(two.code, one.code);
    assert.deepEqual(maskOutput(withoutClockEventTime(two.stdout)), maskOutput(withoutClockEventTime(one.stdout)));
    assert.equal(timeless(two.stderr), timeless(one.stderr));
    assert.match(one.stderr, /-:5: AWS\.VPCFlow: line is 3000 bytes long, over the limit of 2048/);
  }
});

test('CLI: one file with --jobs 3, --out-dir and --errors: the same output file and error file as --jobs 1', async () => {
  const input = join(dir, 'cli-in.log');
  writeFileSync(input, mixedVpc());
  const env = { AWSLOGS_CHUNK_BYTES: '700' };
  const results = [];
  for (const jobs of ['1', '3']) {
    const outDir = join(dir, `out-${jobs}`);
    const errors = join(dir, `errors-${jobs}.ndjson`);
    const r = await runCli(['normalize', '--type', 'AWS.VPCFlow', '--max-line-bytes', '2048', '--jobs', jobs, '--out-dir', outDir, '--errors', errors, input], { env });
    results.push({ code: r.code, stderr: timeless(r.stderr).replaceAll(outDir, '<out>').replaceAll(errors, '<errors>'), out: maskOutput(withoutClockEventTime(readFileSync(join(outDir, 'cli-in.ndjson'), 'utf8'))), errors: readFileSync(errors, 'utf8') });
  }
  assert.equal(results[0]!.code, 1);
  assert.ok(results[0]!.errors.split('\n').length > 5);
  assert.deepEqual(results[1], results[0]);
});

test('a chunk a worker cannot read fails with the worker error, never a silent gap', async () => {
  const pool = new ChunkPool(1);
  try {
    const task = { id: 0, file: 'x.log', logType: 'AWS.NoSuchType', parserOptions: {}, maxLineBytes: 1024, bytes: Buffer.from('a line\n') };
    await assert.rejects(pool.run(task), /a worker thread of --jobs failed: unknown log type AWS\.NoSuchType/);
  } finally {
    await pool.close();
  }
});
