// --format parquet (issue 17, output): files written by the product are read
// back by an independent reader (DuckDB) and compared, value for value, with
// the NDJSON output of the same inputs: every golden input of every log
// type, plus the CLI's packing (--max-file-rows, --jobs), stdout, and the
// options that do not apply.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseLossless } from 'lossless-json';
import { BIN, ROOT, runCli } from './helpers/cli.js';
import { readParquet, type ReadValue } from './helpers/parquet.js';

const GOLDEN = join(ROOT, 'test', 'golden');
const LOG_TYPES = readdirSync(GOLDEN).sort();

/** A JSON number as its text, so that exact numbers (9007199254740993, 1e400) compare exactly. */
interface NumberText { n: string }

/** JSON text → values with every number as `{ n: text }` (lossless-json keeps the text). */
function parseExact(text: string): unknown {
  return parseLossless(text, null, (s: string): NumberText => ({ n: s }));
}

/** Microseconds since the epoch → the nine-digit RFC3339 form of the NDJSON output (written here, not by the product). */
function nineDigits(micros: bigint): string {
  const subSecond = ((micros % 1_000_000n) + 1_000_000n) % 1_000_000n;
  const seconds = (micros - subSecond) / 1_000_000n;
  const date = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${date}.${String(subSecond).padStart(6, '0')}000Z`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A value read from Parquet back in the NDJSON's terms: nulls are absent
 * fields, `unknownFields` merges into its object, JSON text is parsed where
 * the NDJSON holds something else than that string, timestamps become the
 * nine-digit form, numbers `{ n }`. Guided by `expected` only to know which
 * strings are JSON text.
 */
function back(value: ReadValue, expected: unknown): unknown {
  if (typeof value === 'bigint') return { n: String(value) };
  if (typeof value === 'number') return { n: String(value) };
  // A string stays one where the NDJSON has a string (or nothing); elsewhere it is JSON text (a free-form value).
  if (typeof value === 'string') return expected === undefined || typeof expected === 'string' ? value : parseExact(value);
  if (value === null || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((item, i) => back(item, Array.isArray(expected) ? expected[i] : undefined));
  if ('micros' in value && typeof value.micros === 'bigint') return nineDigits(value.micros);
  const out: Record<string, unknown> = {};
  const wanted = isObject(expected) ? expected : {};
  for (const [key, v] of Object.entries(value as Record<string, ReadValue>)) {
    if (v === null) continue;
    if (key === 'unknownFields' && !Object.hasOwn(wanted, 'unknownFields')) {
      // defineProperty: a key `__proto__` is an own field of the record, as in the NDJSON, not a prototype.
      for (const [k, item] of Object.entries(parseExact(v as string) as object)) {
        Object.defineProperty(out, k, { value: item, enumerable: true, writable: true, configurable: true });
      }
      continue;
    }
    out[key] = back(v, wanted[key]);
  }
  return out;
}

/** Run-dependent fields, checked for form and removed. */
function withoutRunFields(record: Record<string, unknown>): Record<string, unknown> {
  const { p_row_id: rowId, p_parse_time: parseTime, ...rest } = record;
  assert.match(String(rowId), /^[0-9a-f]{28,40}$/);
  assert.match(String(parseTime), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/);
  return rest;
}

interface GoldenCase { args?: string[]; stdin?: boolean }

/** Copies the inputs of a type's golden cases that take no extra arguments into `dir`; returns how many. */
function gatherInputs(logType: string, dir: string): number {
  let n = 0;
  for (const name of readdirSync(join(GOLDEN, logType)).sort()) {
    const caseDir = join(GOLDEN, logType, name);
    const argsPath = join(caseDir, 'args.json');
    const spec: GoldenCase = existsSync(argsPath) ? JSON.parse(readFileSync(argsPath, 'utf8')) as GoldenCase : {};
    if (spec.args !== undefined && spec.args.length > 0) continue;
    const input = readdirSync(caseDir).find((f) => f.startsWith('input'));
    if (input === undefined) continue;
    cpSync(join(caseDir, input), join(dir, `${name}-${input}`), { recursive: true });
    n++;
  }
  return n;
}

function ndjsonRecords(stdout: string): Array<Record<string, unknown>> {
  return stdout.split('\n').filter((l) => l.length > 0).map((l) => parseExact(l) as Record<string, unknown>);
}

function lines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0) : [];
}

/** Runs the CLI with stdout to a file (binary output), as `awslogs … > file` does. */
function runToFile(args: readonly string[], outFile: string): Promise<{ code: number | null; stderr: string }> {
  const fd = openSync(outFile, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, TZ: 'UTC', NO_COLOR: '1' }, stdio: ['ignore', fd, 'pipe'] });
    const err: Buffer[] = [];
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      closeSync(fd);
      resolve({ code, stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

describe('--format parquet: every log type read back by DuckDB equals the NDJSON output', { concurrency: 2 }, () => {
  for (const logType of LOG_TYPES) {
    test(`${logType}: the golden inputs`, async () => {
      const tmp = mkdtempSync(join(tmpdir(), 'awslogs-pq-'));
      try {
        const inputs = join(tmp, 'in');
        mkdirSync(inputs);
        assert.ok(gatherInputs(logType, inputs) > 0);
        const common = ['normalize', '--type', logType, '--jobs', '1', '-q'];
        const ndjson = await runCli([...common, '--errors', join(tmp, 'e1.ndjson'), inputs]);
        const pq = await runCli([...common, '--errors', join(tmp, 'e2.ndjson'), '--format', 'parquet', '--out-dir', join(tmp, 'out'), inputs]);
        assert.equal(pq.code, ndjson.code, pq.stderr);
        // The same records fail, for the same reasons, except those with a timestamp finer than a
        // microsecond (the documented limit of TIMESTAMP(MICROS)): Parquet hides no error.
        const finer = (r: string) => /is finer than the microseconds a Parquet TIMESTAMP\(MICROS\) column holds/.test(r);
        const pqErrors = lines(join(tmp, 'e2.ndjson'));
        assert.deepEqual(pqErrors.filter((r) => !finer(r)), lines(join(tmp, 'e1.ndjson')));
        const all = ndjsonRecords(ndjson.stdout);
        const expected = all.filter((r) => !Object.values(r).some((v) => typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(?!000)\d{3}Z$/.test(v)));
        assert.equal(all.length - expected.length, pqErrors.filter(finer).length, 'each finer timestamp is one error report');
        assert.ok(expected.length > 0);
        const parts = readdirSync(join(tmp, 'out', logType));
        assert.equal(parts.length, 1, 'one thread, fewer rows than --max-file-rows: one part');
        assert.match(parts[0]!, /^part-\d{8}T\d{6}Z-[0-9a-f]{6}-0-00000\.parquet$/);
        const { rows } = await readParquet(join(tmp, 'out', logType, '*.parquet'));
        assert.equal(rows.length, expected.length, 'row count');
        for (let i = 0; i < rows.length; i++) {
          const want = withoutRunFields(expected[i]!);
          const got = withoutRunFields(back(rows[i]!, expected[i]) as Record<string, unknown>);
          assert.deepStrictEqual(got, want, `row ${i + 1}`);
        }
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }

  test('column types as DuckDB reads them: timestamps, integers, structs, lists, JSON text', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'awslogs-pq-'));
    try {
      const run = await runCli(['normalize', '-q', '--jobs', '1', '--format', 'parquet', '--out-dir', tmp, join(ROOT, 'samples')]);
      assert.equal(run.code, 0, run.stderr);
      const vpc = (await readParquet(join(tmp, 'AWS.VPCFlow', '*.parquet'))).types;
      assert.equal(vpc.p_event_time, 'TIMESTAMP WITH TIME ZONE');
      assert.equal(vpc.start, 'TIMESTAMP WITH TIME ZONE');
      assert.equal(vpc.srcPort, 'INTEGER', 'a port is bounded (0–65535) by the schema: INT32');
      assert.equal(vpc.protocol, 'INTEGER');
      assert.equal(vpc.bytes, 'BIGINT');
      assert.equal(vpc.p_any_ip_addresses, 'VARCHAR[]');
      assert.equal(vpc.additionalFields, 'VARCHAR[]');
      assert.equal(vpc.unknownFields, 'VARCHAR', 'VPC allows fields the schema does not list: kept as JSON text');
      const ct = (await readParquet(join(tmp, 'AWS.CloudTrail', '*.parquet'))).types;
      assert.match(ct.userIdentity!, /^STRUCT\("type" VARCHAR, principalId VARCHAR, arn VARCHAR, .*sessionContext STRUCT\(sessionIssuer STRUCT\(/);
      assert.match(ct.resources!, /^STRUCT\(ARN VARCHAR, accountId VARCHAR, "type" VARCHAR, unknownFields VARCHAR\)\[\]$/);
      assert.equal(ct.requestParameters, 'VARCHAR');
      assert.equal(ct.readOnly, 'BOOLEAN');
      assert.equal(ct.eventTime, 'TIMESTAMP WITH TIME ZONE');
      const gd = (await readParquet(join(tmp, 'AWS.GuardDuty', '*.parquet'))).types;
      assert.equal(gd.severity, 'DOUBLE');
      assert.equal(gd.resource, 'VARCHAR');
      assert.match(gd.service!, /eventFirstSeen TIMESTAMP WITH TIME ZONE/);
      assert.match(gd.service!, /count BIGINT/);
      const alb = (await readParquet(join(tmp, 'AWS.ALB', '*.parquet'))).types;
      assert.equal(alb.requestProcessingTime, 'DOUBLE');
      assert.equal(alb.unknownFields, undefined, 'ALB lists every field (additionalProperties false): no unknownFields column');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('--format parquet: the CLI', () => {
  test('stdout that is no terminal gets one valid Parquet file', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'awslogs-pq-'));
    try {
      const file = join(tmp, 'flows.parquet');
      const run = await runToFile(['normalize', '-q', '--format', 'parquet', join(ROOT, 'samples', 'AWS.VPCFlow.log')], file);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(readFileSync(file).subarray(0, 4).toString(), 'PAR1');
      const { rows } = await readParquet(file);
      assert.equal(rows.length, 7);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('stdout holds one log type: records of a second type are error reports, never dropped', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'awslogs-pq-'));
    try {
      const file = join(tmp, 'out.parquet');
      const errors = join(tmp, 'errors.ndjson');
      const run = await runToFile(['normalize', '-q', '--jobs', '1', '--errors', errors, '--format', 'parquet',
        join(ROOT, 'samples', 'AWS.ALB.log'), join(ROOT, 'samples', 'AWS.VPCFlow.log')], file);
      assert.equal(run.code, 1, run.stderr);
      assert.equal((await readParquet(file)).rows.length, 13);
      const reports = lines(errors).map((l) => JSON.parse(l) as { logType: string; error: string });
      assert.equal(reports.length, 7);
      for (const r of reports) {
        assert.equal(r.logType, 'AWS.VPCFlow');
        assert.match(r.error, /one Parquet stream holds one log type \(AWS\.ALB\).*use --out-dir/);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('--type and no record: an empty file with the schema', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'awslogs-pq-'));
    try {
      const file = join(tmp, 'empty.parquet');
      const run = await runToFile(['normalize', '-q', '--type', 'AWS.CloudTrail', '--format', 'parquet', '/dev/null'], file);
      assert.equal(run.code, 0, run.stderr);
      const { rows, types } = await readParquet(file);
      assert.equal(rows.length, 0);
      assert.equal(types.eventTime, 'TIMESTAMP WITH TIME ZONE');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  /** 12 copies of the VPC sample (7 records each: 84 rows) under `dir`. */
  function vpcCopies(dir: string): void {
    mkdirSync(dir);
    for (let i = 0; i < 12; i++) copyFileSync(join(ROOT, 'samples', 'AWS.VPCFlow.log'), join(dir, `flows-${String(i).padStart(2, '0')}.log`));
  }

  /** The records without their run fields, as sorted JSON texts (a multiset to compare). */
  function recordSet(records: Array<Record<string, unknown>>): string[] {
    return records.map((r) => JSON.stringify(withoutRunFields(r))).sort();
  }

  for (const jobs of [1, 2]) {
    test(`--max-file-rows splits many inputs of one type into parts, no row lost or doubled (--jobs ${jobs})`, async () => {
      const tmp = mkdtempSync(join(tmpdir(), 'awslogs-pq-'));
      try {
        const inputs = join(tmp, 'in');
        vpcCopies(inputs);
        const out = join(tmp, 'out');
        const run = await runCli(['normalize', '-q', '--jobs', String(jobs), '--format', 'parquet', '--max-file-rows', '20', '--out-dir', out, inputs]);
        assert.equal(run.code, 0, run.stderr);
        const ndjson = await runCli(['normalize', '-q', '--jobs', '1', inputs]);
        const expected = ndjsonRecords(ndjson.stdout);
        assert.equal(expected.length, 84);
        const parts = readdirSync(join(out, 'AWS.VPCFlow')).sort();
        const threads = new Set(parts.map((p) => /-(\d+)-\d{5}\.parquet$/.exec(p)![1]));
        assert.deepEqual([...threads].sort(), jobs === 1 ? ['0'] : ['1', '2']);
        let total = 0;
        for (const part of parts) {
          const n = (await readParquet(join(out, 'AWS.VPCFlow', part))).rows.length;
          assert.ok(n > 0 && n <= 20, `${part}: ${n} rows`);
          total += n;
        }
        assert.equal(total, 84);
        if (jobs === 1) assert.equal(parts.length, 5, '84 rows in parts of 20: 20, 20, 20, 20, 4');
        const { rows } = await readParquet(join(out, '**', '*.parquet'));
        const got = rows.map((r) => back(r, expected[0]) as Record<string, unknown>);
        assert.equal(new Set(got.map((r) => r.p_row_id)).size, 84, 'row ids unique');
        assert.deepEqual(recordSet(got), recordSet(expected));
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }

  test('options that do not apply to Parquet are usage errors (exit 2)', async () => {
    const input = join(ROOT, 'samples', 'AWS.VPCFlow.log');
    const cases: Array<[string[], RegExp]> = [
      [['--format', 'parquet', '--out-dir', '/tmp/x', '--gzip'], /--gzip does not apply to --format parquet/],
      [['--format', 'parquet', '--out-dir', '/tmp/x', '--skip-existing'], /--skip-existing does not apply to --format parquet/],
      [['--format', 'parquet', '--max-file-rows', '10'], /--max-file-rows needs --out-dir/],
      [['--max-file-rows', '10', '--out-dir', '/tmp/x'], /--max-file-rows applies to --format parquet/],
      [['--format', 'parquet', '--out-dir', '/tmp/x', '--max-file-rows', '0'], /--max-file-rows: must be an integer from 1/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['normalize', ...args, input]);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, message);
    }
  });

  test('a timestamp finer than a microsecond is an error report, not a rounded value', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'awslogs-pq-'));
    try {
      const input = join(tmp, 'trail.json');
      const event = (t: string) => ({ eventVersion: '1.08', eventTime: t, awsRegion: 'us-east-1', eventSource: 's3.amazonaws.com', eventName: 'GetObject' });
      writeFileSync(input, JSON.stringify({ Records: [event('2024-05-01T09:55:02.123456789Z'), event('2024-05-01T09:55:02.123456Z')] }));
      const errors = join(tmp, 'errors.ndjson');
      const run = await runCli(['normalize', '-q', '--errors', errors, '--format', 'parquet', '--out-dir', join(tmp, 'out'), input]);
      assert.equal(run.code, 1, run.stderr);
      const reports = lines(errors).map((l) => JSON.parse(l) as { error: string });
      assert.equal(reports.length, 1);
      assert.match(reports[0]!.error, /eventTime: 2024-05-01T09:55:02\.123456789Z is finer than the microseconds/);
      const { rows } = await readParquet(join(tmp, 'out', '**', '*.parquet'));
      assert.equal(rows.length, 1);
      assert.deepEqual(rows[0]!.eventTime, { micros: 1714557302123456n });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('a string with a lone UTF-16 surrogate is an error report (UTF-8 cannot hold it), not a U+FFFD; in a JSON text column it stays an escape', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'awslogs-pq-'));
    try {
      const input = join(tmp, 'trail.json');
      const event = (agent: string, params: unknown) => ({ eventVersion: '1.08', eventTime: '2024-05-01T09:55:02Z', awsRegion: 'us-east-1', eventSource: 's3.amazonaws.com', eventName: 'GetObject', userAgent: agent, requestParameters: params });
      // JSON.stringify writes a lone surrogate as the escape \ud83d, as AWS's JSON would carry it.
      writeFileSync(input, JSON.stringify({ Records: [event('agent\ud83d', null), event('agent \ud83d\ude00', { k: '\ud800' })] }));
      const errors = join(tmp, 'errors.ndjson');
      const run = await runCli(['normalize', '-q', '--errors', errors, '--format', 'parquet', '--out-dir', join(tmp, 'out'), input]);
      assert.equal(run.code, 1, run.stderr);
      const reports = lines(errors).map((l) => JSON.parse(l) as { error: string });
      assert.equal(reports.length, 1);
      assert.match(reports[0]!.error, /userAgent: holds a lone UTF-16 surrogate/);
      const { rows } = await readParquet(join(tmp, 'out', '**', '*.parquet'));
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.userAgent, 'agent \ud83d\ude00');
      assert.deepEqual(JSON.parse(String(rows[0]!.requestParameters)), { k: '\ud800' });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
