// Detection without --type: one input of each registered type (from
// samples/), gzip and plain, with and without S3-style paths; mixed runs;
// garbage and empty input; --detect per-line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { LOG_TYPES } from '../src/logtypes/index.js';
import { ROOT, runCli } from './helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'awslogs-detect-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

/** The sample of each registered type, decompressed. */
const SAMPLES = new Map<string, Buffer>();
for (const f of readdirSync(join(ROOT, 'samples'))) {
  const type = LOG_TYPES.find((t) => f.startsWith(t.name + '.'));
  if (type === undefined) continue;
  const raw = readFileSync(join(ROOT, 'samples', f));
  SAMPLES.set(type.name, raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw);
}

const S3_PATHS: Record<string, string> = {
  'AWS.VPCFlow': 'AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/01/01/123456789012_vpcflowlogs_us-east-1_fl-1_20240101T0000Z_abc.log.gz',
  'AWS.ALB': 'AWSLogs/123456789012/elasticloadbalancing/us-east-1/2024/01/01/123456789012_elasticloadbalancing_us-east-1_app.web.1_20240101T0000Z_10.0.0.1_abc.log.gz',
  'AWS.CloudTrail': 'AWSLogs/123456789012/CloudTrail/us-east-1/2024/01/01/123456789012_CloudTrail_us-east-1_20240101T0000Z_abc.json.gz',
  'AWS.GuardDuty': 'AWSLogs/123456789012/GuardDuty/us-east-1/2024/01/01/finding.jsonl.gz',
};

function write(rel: string, content: Buffer | string): string {
  const path = join(tmp, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

test('every registered type has a sample to detect', () => {
  assert.deepEqual([...SAMPLES.keys()].sort(), LOG_TYPES.map((t) => t.name).sort());
});

for (const [type, content] of SAMPLES) {
  test(`detect ${type}: plain, gzip, and under its S3 path`, async () => {
    const files = [write(`plain/${type}-sample`, content), write(`gz/${type}-sample`, gzipSync(content))];
    if (S3_PATHS[type] !== undefined) files.push(write(`s3/${S3_PATHS[type]}`, gzipSync(content)));
    const r = await runCli(['detect', ...files]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n'), files.map((f) => `${f}\t${type}`));
  });
}

test('normalize without --type: one file per type in one run, every record with its p_log_type', async () => {
  const files = [...SAMPLES.values()].map((content, i) => write(`mixed/${i}-input${i % 2 ? '.gz' : ''}`, i % 2 ? gzipSync(content) : content));
  const withTypes = await Promise.all([...SAMPLES.keys()].map(async (type, i) => {
    const r = await runCli(['normalize', '-q', '--type', type, files[i]!]);
    return { type, count: r.stdout.trim().split('\n').length };
  }));
  const r = await runCli(['normalize', ...files]);
  assert.equal(r.code, 0, r.stderr);
  const seen = new Map<string, number>();
  for (const l of r.stdout.trim().split('\n')) {
    const t = JSON.parse(l).p_log_type as string;
    seen.set(t, (seen.get(t) ?? 0) + 1);
  }
  for (const { type, count } of withTypes) assert.equal(seen.get(type), count, type);
  for (const type of SAMPLES.keys()) assert.match(r.stderr, new RegExp(`${type.replace('.', '\\.')}: 1 input`));
});

test('non-AWS text: every record an error report naming the types tried and suggesting --type; no crash', async () => {
  const junk = write('junk.txt', 'hello world\nthis is not a log at all\n{"json": "but not AWS"}\n');
  const errors = join(tmp, 'junk-errors.ndjson');
  const r = await runCli(['normalize', '--errors', errors, junk]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  const reports = readFileSync(errors, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(reports.map((x) => x.line), [1, 2, 3]);
  for (const rep of reports) {
    assert.match(rep.error, /could not detect the log type/);
    assert.match(rep.error, /pass --type/);
    for (const t of LOG_TYPES) assert.ok(rep.error.includes(t.name), `mentions ${t.name}`);
    assert.equal(rep.logType, undefined);
  }
  assert.match(r.stderr, /junk\.txt: could not detect the log type/);
  const d = await runCli(['detect', junk]);
  assert.equal(d.code, 1);
  assert.equal(d.stdout, `${junk}\tunknown\n`);
});

test('empty input: nothing to write, exit 0; detect says unknown', async () => {
  const empty = write('empty.log', '');
  const r = await runCli(['normalize', empty]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  const d = await runCli(['detect', empty]);
  assert.equal(d.code, 1);
  assert.equal(d.stdout, `${empty}\tunknown\n`);
});

test('content beats a misleading path hint', async () => {
  const aurora = SAMPLES.get('AWS.AuroraMySQLAudit')!;
  const f = write('hint/AWSLogs/1/vpcflowlogs/x.log', aurora);
  const d = await runCli(['detect', f]);
  assert.equal(d.stdout, `${f}\tAWS.AuroraMySQLAudit\n`);
});

test('stdin is detected too', async () => {
  const vpc = SAMPLES.get('AWS.VPCFlow')!;
  const r = await runCli(['normalize', '-q'], { stdin: gzipSync(vpc) });
  assert.equal(r.code, 0, r.stderr);
  for (const l of r.stdout.trim().split('\n')) assert.equal(JSON.parse(l).p_log_type, 'AWS.VPCFlow');
});

test('--detect per-line: interleaved lines of two types, each parsed as its own; junk lines are errors', async () => {
  const vpc = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
  const vpcLine = '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK';
  const aurora = "1572546356975302,db-instance-name,someuser,10.0.143.147,1688069,168876953,QUERY,testdb,'select 1',0";
  const input = [vpc, vpcLine, aurora, vpcLine, 'garbage line', aurora, aurora].join('\n') + '\n';
  const errors = join(tmp, 'perline-errors.ndjson');
  const r = await runCli(['normalize', '--detect', 'per-line', '--errors', errors], { stdin: input });
  assert.equal(r.code, 1);
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => JSON.parse(l).p_log_type),
    ['AWS.VPCFlow', 'AWS.AuroraMySQLAudit', 'AWS.VPCFlow', 'AWS.AuroraMySQLAudit', 'AWS.AuroraMySQLAudit']);
  const reports = readFileSync(errors, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(reports.length, 1);
  assert.equal(reports[0].line, 5);
  assert.match(reports[0].error, /no log type parses this line/);
  assert.match(r.stderr, /AWS\.VPCFlow: 1 input, 3 records read: 2 written, 0 failed, 1 skipped/);
});

test('awslogs detect walks a directory like normalize does, file by file', async () => {
  const dir = join(tmp, 'detect-dir');
  const vpc = write('detect-dir/b/flow.log', SAMPLES.get('AWS.VPCFlow')!);
  const aurora = write('detect-dir/a/audit.log', SAMPLES.get('AWS.AuroraMySQLAudit')!);
  write('detect-dir/.hidden', 'x');
  const r = await runCli(['detect', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${aurora}\tAWS.AuroraMySQLAudit\n${vpc}\tAWS.VPCFlow\n`);
  const missing = await runCli(['detect', join(tmp, 'nope')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file or directory/);
});
