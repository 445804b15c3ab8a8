// Parquet input (issue 17): VPC flow logs as AWS delivers them in Parquet
// give the same records as the same flows in text. The Parquet files are
// written at test time by DuckDB (test/helpers/parquet.ts) from the text
// files, so the two inputs hold the same flows by construction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync, copyFileSync, statSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskOutput, runCli } from './helpers/cli.js';
import { duckRun, rowGroups, textToParquet, type Codec } from './helpers/parquet.js';
import { pathHint } from '../src/pipeline/detect.js';
import { LOG_TYPES } from '../src/logtypes/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'awslogs-parquet-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

const V2 = ['version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status'];

/** `n` default-format flows: IPv4 and IPv6, ACCEPT and REJECT, and a NODATA row (nulls) every 7th. */
function v2Lines(n: number): string[] {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const start = 1700000000 + i;
    if (i % 7 === 3) {
      lines.push(`2 123456789012 eni-0123456789abcdef0 - - - - - - - ${start} ${start + 60} - NODATA`);
      continue;
    }
    const [src, dst] = i % 5 === 0 ? [`2001:db8::${(i % 65535).toString(16)}`, 'fe80::1'] : [`10.0.${i % 250}.${i % 200}`, '172.31.16.21'];
    const action = i % 3 === 0 ? 'REJECT' : 'ACCEPT';
    lines.push(`2 123456789012 eni-0123456789abcdef0 ${src} ${dst} ${i % 65536} 443 6 ${i % 100 + 1} ${i * 1000 + 40} ${start} ${start + 60} ${action} OK`);
  }
  return lines;
}

/** Every field of versions 2 to 10, in the order of the text vocabulary, with a value of its shape. */
const ALL_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['version', '10'], ['account-id', '123456789012'], ['interface-id', 'eni-0123456789abcdef0'], ['srcaddr', '10.0.0.1'],
  ['dstaddr', '2001:db8::1'], ['srcport', '443'], ['dstport', '49152'], ['protocol', '6'], ['packets', '10'], ['bytes', '8400'],
  ['start', '1700000000'], ['end', '1700000060'], ['action', 'ACCEPT'], ['log-status', 'OK'],
  ['vpc-id', 'vpc-0a1b2c3d'], ['subnet-id', 'subnet-0a1b2c3d'], ['instance-id', 'i-0123456789abcdef0'], ['tcp-flags', '19'],
  ['type', 'IPv6'], ['pkt-srcaddr', '10.0.0.1'], ['pkt-dstaddr', '10.0.0.2'],
  ['region', 'us-east-1'], ['az-id', 'use1-az1'], ['sublocation-type', 'outpost'], ['sublocation-id', 'op-0123456789abcdef0'],
  ['pkt-src-aws-service', 'S3'], ['pkt-dst-aws-service', 'AMAZON'], ['flow-direction', 'ingress'], ['traffic-path', '1'],
  ['resource-type', 'TransitGateway'], ['tgw-id', 'tgw-0123456789abcdef0'], ['tgw-attachment-id', 'tgw-attach-0123456789abcdef0'],
  ['tgw-src-vpc-account-id', '123456789012'], ['tgw-dst-vpc-account-id', '210987654321'],
  ['tgw-src-vpc-id', 'vpc-0a1b2c3d'], ['tgw-dst-vpc-id', 'vpc-0b1b2c3d'], ['tgw-src-subnet-id', 'subnet-0a1b2c3d'], ['tgw-dst-subnet-id', 'subnet-0b1b2c3d'],
  ['tgw-src-eni', 'eni-0a1b2c3d'], ['tgw-dst-eni', 'eni-0b1b2c3d'], ['tgw-src-az-id', 'use1-az1'], ['tgw-dst-az-id', 'use1-az2'],
  ['tgw-pair-attachment-id', 'tgw-attach-0b1b2c3d'],
  ['packets-lost-no-route', '0'], ['packets-lost-blackhole', '1'], ['packets-lost-mtu-exceeded', '2'], ['packets-lost-ttl-expired', '3'],
  ['ecs-cluster-arn', 'arn:aws:ecs:us-east-1:123456789012:cluster/prod'], ['ecs-cluster-name', 'prod'],
  ['ecs-container-instance-arn', 'arn:aws:ecs:us-east-1:123456789012:container-instance/prod/0123'],
  ['ecs-container-instance-id', '0123'], ['ecs-container-id', 'c0ffee'], ['ecs-second-container-id', 'beef'], ['ecs-service-name', 'web'],
  ['ecs-task-definition-arn', 'arn:aws:ecs:us-east-1:123456789012:task-definition/web:3'],
  ['ecs-task-arn', 'arn:aws:ecs:us-east-1:123456789012:task/prod/0123'], ['ecs-task-id', '0123'],
  ['reject-reason', 'BPA'], ['resource-id', 'vpce-0123456789abcdef0'], ['encryption-status', '1'],
];

/** Writes a text flow log (header + lines) and its Parquet twin; returns both paths. */
async function pair(name: string, header: readonly string[], lines: readonly string[], codec: Codec = 'gzip', rowGroupSize?: number): Promise<{ text: string; parquet: string }> {
  const text = join(tmp, `${name}.log`);
  const parquet = join(tmp, `${name}.parquet`);
  writeFileSync(text, [header.join(' '), ...lines].join('\n') + '\n');
  await textToParquet(text, header, parquet, { codec, ...(rowGroupSize !== undefined ? { rowGroupSize } : {}) });
  return { text, parquet };
}

async function normalize(...args: string[]): Promise<{ code: number | null; lines: string[]; stderr: string; reports: Array<Record<string, unknown>> }> {
  const errors = join(tmp, `errors-${Math.random().toString(36).slice(2)}.ndjson`);
  const r = await runCli(['normalize', '--errors', errors, ...args]);
  let reports: Array<Record<string, unknown>> = [];
  try {
    reports = readFileSync(errors, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Record<string, unknown>);
  } catch { /* no --errors file when nothing failed */ }
  return { code: r.code, lines: maskOutput(r.stdout), stderr: r.stderr, reports };
}

for (const codec of ['gzip', 'snappy', 'zstd'] as const) {
  test(`${codec} pages, several row groups: the same records as the text file (IPv6, NODATA, nulls)`, async () => {
    const { text, parquet } = await pair(`v2-${codec}`, V2, v2Lines(5000), codec, 2048);
    assert.ok(await rowGroups(parquet) >= 3, 'the file has several row groups');
    const fromText = await normalize('-q', text);
    const fromParquet = await normalize('-q', parquet);
    assert.equal(fromText.code, 0);
    assert.equal(fromParquet.code, 0, fromParquet.stderr);
    assert.equal(fromParquet.lines.length, 5000);
    assert.deepEqual(fromParquet.lines, fromText.lines);
    const nodata = JSON.parse(fromParquet.lines[3]!) as Record<string, unknown>;
    assert.equal(nodata.status, 'NODATA');
    assert.equal('srcAddr' in nodata, false, 'a null is an absent field');
  });
}

test('every field of versions 2 to 10: the same records as the text file, a row of nulls included', async () => {
  const header = ALL_FIELDS.map(([f]) => f);
  const full = ALL_FIELDS.map(([, v]) => v).join(' ');
  const sparse = ALL_FIELDS.map(([f, v]) => (['version', 'start', 'end', 'log-status'].includes(f) ? v : '-')).join(' ');
  const { text, parquet } = await pair('all-fields', header, [full, sparse], 'zstd');
  const fromText = await normalize('-q', text);
  const fromParquet = await normalize('-q', parquet);
  assert.equal(fromParquet.code, 0, fromParquet.stderr);
  assert.deepEqual(fromParquet.lines, fromText.lines);
  const record = JSON.parse(fromParquet.lines[0]!) as Record<string, unknown>;
  assert.equal(record.encryptionStatus, 1);
  assert.equal(record.bytes, 8400);
  assert.equal(record.p_event_time, '2023-11-14T22:13:20.000000000Z');
  assert.deepEqual(record.p_any_aws_account_ids, ['123456789012', '210987654321']);
  assert.equal(Object.keys(record).filter((k) => !k.startsWith('p_')).length, ALL_FIELDS.length);
});

test('a column this version does not know is kept as a string, told once; an INT64 over 2^53 in it keeps its digits', async () => {
  const header = ['version', 'srcaddr', 'start', 'log-status', 'future-field'];
  const text = join(tmp, 'unknown.log');
  const parquet = join(tmp, 'unknown.parquet');
  writeFileSync(text, `${header.join(' ')}\n2 10.0.0.1 1700000000 OK 9007199254740993\n2 10.0.0.2 1700000001 OK -\n`);
  await textToParquet(text, header, parquet, { types: { 'future-field': 'BIGINT' } });
  const fromText = await normalize(text);
  const fromParquet = await normalize(parquet);
  assert.equal(fromParquet.code, 0, fromParquet.stderr);
  assert.deepEqual(fromParquet.lines, fromText.lines);
  assert.equal((JSON.parse(fromParquet.lines[0]!) as Record<string, unknown>).futureField, '9007199254740993');
  assert.equal(fromParquet.stderr.match(/future_field \(as "futureField"\)/g)?.length, 1, fromParquet.stderr);
});

test('bad values: error reports name the file and the 1-based row, with the text path\'s messages', async () => {
  const lines = [
    '2 123456789012 eni-0123456789abcdef0 10.0.0.1 10.0.0.2 70000 443 6 1 40 1700000000 1700000060 ACCEPT OK',
    '2 123456789012 eni-0123456789abcdef0 10.0.0.1 10.0.0.2 80 443 6 1 40 1700000000 1700000060 ACCEPT OK',
    '2 123456789012 eni-0123456789abcdef0 10.0.0.1 10.0.0.2 80 443 6 1 9007199254740993 1700000000 1700000060 ACCEPT OK',
    '2 123456789012 eni-0123456789abcdef0 10.0.0.1 10.0.0.2 80 443 6 -1 40 1700000000 1700000060 ACCEPT OK',
  ];
  const { text, parquet } = await pair('bad', V2, lines);
  // Most of these lines fail: detection would (rightly) not choose a type for the text file.
  const fromText = await normalize('-q', '--type', 'AWS.VPCFlow', text);
  const fromParquet = await normalize('-q', parquet);
  assert.equal(fromParquet.code, 1);
  assert.deepEqual(fromParquet.lines, fromText.lines);
  assert.equal(fromParquet.reports.length, 3);
  assert.deepEqual(fromParquet.reports.map((r) => [r.row, r.error, r.logType, r.file]),
    fromText.reports.map((r) => [(r.line as number) - 1, r.error, r.logType, parquet]));
  assert.deepEqual(Object.keys(fromParquet.reports[0]!), ['file', 'row', 'logType', 'error', 'raw']);
  assert.match(fromParquet.reports[1]!.raw as string, /"bytes":9007199254740993/);
  assert.deepEqual(JSON.parse(fromParquet.reports[0]!.raw as string).srcport, 70000);
});

test('detection by bytes: Parquet named .log is read as Parquet, text named .parquet as text', async () => {
  const { text, parquet } = await pair('named', V2, v2Lines(20));
  const parquetAsLog = join(tmp, 'really-parquet.log');
  const textAsParquet = join(tmp, 'really-text.parquet');
  copyFileSync(parquet, parquetAsLog);
  copyFileSync(text, textAsParquet);
  const a = await normalize('-q', parquetAsLog);
  const b = await normalize('-q', textAsParquet);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(a.lines.length, 20);
  assert.deepEqual(a.lines, b.lines);
});

test('a corrupt Parquet file is one clear error, exit 2: truncated, bad footer length, PAR1 only at the start', async () => {
  const { parquet } = await pair('corrupt', V2, v2Lines(50));
  const truncated = join(tmp, 'truncated.parquet');
  copyFileSync(parquet, truncated);
  truncateSync(truncated, statSync(parquet).size - 100);
  const badLength = join(tmp, 'bad-length.parquet');
  copyFileSync(parquet, badLength);
  const fd = openSync(badLength, 'r+');
  const huge = Buffer.alloc(4);
  huge.writeUInt32LE(0xfffffff0);
  writeSync(fd, huge, 0, 4, statSync(badLength).size - 8);
  closeSync(fd);
  const onlyStart = join(tmp, 'only-start.parquet');
  writeFileSync(onlyStart, 'PAR1 and then text\n2 123456789012 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1700000000 1700000060 ACCEPT OK\n');
  const cases: Array<[string, RegExp]> = [
    [truncated, /does not end with it: a truncated or damaged Parquet file/],
    [badLength, /footer claims 4294967280 bytes of metadata/],
    [onlyStart, /does not end with it/],
  ];
  for (const [file, message] of cases) {
    const r = await normalize(file);
    assert.equal(r.code, 2, `${file}: ${r.stderr}`);
    assert.deepEqual(r.lines, []);
    assert.deepEqual(r.reports, []);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.split('\n').filter((l) => message.test(l)).length, 1, r.stderr);
  }
});

test('a damaged page: the rows before it are written, then one problem naming the row group, exit 2', async () => {
  const { parquet } = await pair('damaged', V2, v2Lines(5000), 'gzip', 2048);
  const damaged = join(tmp, 'damaged-page.parquet');
  const bytes = readFileSync(parquet);
  // Zero a run of bytes in the middle of the file: inside the data of a later row group.
  bytes.fill(0, Math.floor(bytes.length * 0.7), Math.floor(bytes.length * 0.7) + 400);
  writeFileSync(damaged, bytes);
  const r = await normalize('-q', damaged);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /row group \d \(rows \d+-\d+\)/);
  assert.ok(r.lines.length < 5000);
});

test('Parquet on stdin is refused with a message saying to pass the path (exit 2)', async () => {
  const { parquet } = await pair('stdin', V2, v2Lines(5));
  const r = await runCli(['normalize', '-'], { stdin: readFileSync(parquet) });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /Parquet data on stdin or a pipe: not read/);
});

test('--type naming a type AWS does not deliver as Parquet, and columns of no VPC layout: exit 2', async () => {
  const { parquet } = await pair('typed', V2, v2Lines(5));
  const r = await runCli(['normalize', '--type', 'AWS.ALB', parquet]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /AWS\.ALB is not delivered as Parquet/);
  const other = join(tmp, 'other.parquet');
  await duckRun(`COPY (SELECT 1 AS a, 'x' AS b) TO '${other}' (FORMAT parquet)`);
  const o = await runCli(['normalize', other]);
  assert.equal(o.code, 2);
  assert.equal(o.stderr.match(/columns \(a, b\) are no VPC flow log layout/g)?.length, 1, o.stderr);
  const typed = await runCli(['normalize', '--type', 'AWS.VPCFlow', other]);
  assert.equal(typed.code, 2);
  assert.equal(typed.stdout, '');
  assert.match(typed.stderr, /columns \(a, b\) are no VPC flow log layout/);
  const nested = join(tmp, 'nested.parquet');
  await duckRun(`COPY (SELECT 2 AS version, {'x': 1, 'y': 'z'} AS srcaddr) TO '${nested}' (FORMAT parquet)`);
  const n = await runCli(['normalize', nested]);
  assert.equal(n.code, 2);
  assert.match(n.stderr, /nested/);
});

test('a TIMESTAMP where AWS writes Unix seconds: that row is an error report, not a guess', async () => {
  const file = join(tmp, 'timestamp.parquet');
  await duckRun(`COPY (SELECT 2 AS version, '10.0.0.1' AS srcaddr, TIMESTAMP '2024-01-01 00:00:00' AS start, 'OK' AS log_status) TO '${file}' (FORMAT parquet)`);
  const r = await normalize(file);
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.reports.length, 1);
  assert.equal(r.reports[0]!.row, 1);
  assert.match(r.reports[0]!.error as string, /column "start": a date or timestamp/);
  // Without --errors: one human line naming the row; with --summary json: a `row` key.
  const human = await runCli(['normalize', file]);
  assert.match(human.stderr, /timestamp\.parquet row 1: AWS\.VPCFlow: column "start": a date or timestamp/);
  const json = await runCli(['normalize', '--summary', 'json', file]);
  const error = json.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).find((o) => o.kind === 'error');
  assert.equal(error?.row, 1);
  assert.equal('line' in (error ?? {}), false);
});

test('the Hive-compatible S3 layout is a path hint, as /vpcflowlogs/ is', () => {
  const hive = 'bucket/AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2024/month=01/day=02/hour=03/f.log.gz';
  assert.equal(pathHint(hive, LOG_TYPES)?.name, 'AWS.VPCFlow');
  assert.equal(pathHint('bucket/aws-service=other/f.log', LOG_TYPES), undefined);
});

test('--jobs 2 over a folder of text and Parquet files: every record once, exit 0', async () => {
  const dir = join(tmp, 'mixed');
  mkdirSync(dir);
  const lines = v2Lines(3000);
  for (let i = 0; i < 3; i++) {
    const part = lines.slice(i * 1000, (i + 1) * 1000);
    writeFileSync(join(dir, `t${i}.log`), [V2.join(' '), ...part].join('\n') + '\n');
    await textToParquet(join(dir, `t${i}.log`), V2, join(dir, `p${i}.parquet`), { codec: i === 0 ? 'snappy' : 'zstd', rowGroupSize: 2048 });
  }
  const r = await runCli(['normalize', '--jobs', '2', dir]);
  assert.equal(r.code, 0, r.stderr);
  const out = maskOutput(r.stdout).map((l) => l).sort();
  const single = maskOutput((await runCli(['normalize', '-q', ...[0, 1, 2].map((i) => join(dir, `t${i}.log`))])).stdout);
  assert.deepEqual(out, [...single, ...single].sort());
});

test('cells of other types than AWS writes read as their text would: "-" absent, a port as a string, an account id as a number', async () => {
  const text = join(tmp, 'typed-cells.log');
  writeFileSync(text, 'version account-id srcaddr srcport start log-status\n2 123456789012 - 443 1700000000 OK\n');
  const parquet = join(tmp, 'typed-cells.parquet');
  await duckRun(`COPY (SELECT 2::INTEGER AS version, 123456789012::BIGINT AS account_id, '-' AS srcaddr, '443' AS srcport, 1700000000::BIGINT AS start, 'OK' AS log_status) TO '${parquet}' (FORMAT parquet)`);
  const fromText = await normalize('-q', text);
  const fromParquet = await normalize('-q', parquet);
  assert.equal(fromParquet.code, 0, fromParquet.stderr);
  assert.equal(fromParquet.lines.length, 1);
  assert.deepEqual(fromParquet.lines, fromText.lines);
});

test('awslogs detect names a Parquet file\'s type from its columns, and a corrupt one as a problem (exit 2)', async () => {
  const { parquet } = await pair('detect', V2, v2Lines(3));
  const r = await runCli(['detect', parquet]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${parquet}\tAWS.VPCFlow\n`);
  const bad = join(tmp, 'detect-bad.parquet');
  writeFileSync(bad, 'PAR1 and no footer');
  const b = await runCli(['detect', bad]);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /does not end with it/);
});

test('--out-dir: x.parquet is written as x.ndjson, as x.log is', async () => {
  const { parquet } = await pair('outdir-src', V2, v2Lines(4));
  const dir = join(tmp, 'outdir-in');
  mkdirSync(dir);
  copyFileSync(parquet, join(dir, 'flows.parquet'));
  const out = join(tmp, 'outdir-out');
  const r = await runCli(['normalize', '-q', '--out-dir', out, dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(out, 'flows.ndjson'), 'utf8').split('\n').filter((l) => l.length > 0).length, 4);
});

test('damaged bytes anywhere in a Parquet file (fixed seed, footer and pages): exit 0, 1 or 2 with a message, never a crash', async () => {
  const { parquet } = await pair('fuzz', V2, v2Lines(3000), 'snappy', 2048);
  const base = readFileSync(parquet);
  let seed = 12345;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const mutated = join(tmp, 'fuzz-mutated.parquet');
  for (let k = 0; k < 16; k++) {
    const bytes = Buffer.from(base);
    for (let j = 0, flips = 1 + next(4); j < flips; j++) {
      // Half the flips in the footer's last 600 bytes, where a damaged length or count matters most.
      const at = next(2) === 1 ? bytes.length - 1 - next(600) : next(bytes.length);
      bytes[at] = next(256);
    }
    writeFileSync(mutated, bytes);
    const r = await runCli(['normalize', '-q', mutated]);
    assert.ok(r.code === 0 || r.code === 1 || r.code === 2, `mutation ${k}: exit ${String(r.code)} ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at |internal error/, `mutation ${k}`);
    if (r.code === 2) assert.match(r.stderr, /fuzz-mutated\.parquet: /, `mutation ${k}`);
  }
});
