// CloudWatch Logs input through the built binary: `detect` names the shape
// and the inner type, --jobs 2 gives the output of --jobs 1, stderr shows a
// log event's index, the summary counts CONTROL_MESSAGE as skipped, and an
// export folder is read with its stream and its permission probe passed over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { maskOutput, runCli, stderrAsText } from './helpers/cli.js';
import {
  AURORA_SOURCE, CONTROL_PAYLOAD, TRAIL_SOURCE, VPC_SOURCE, auroraEvent, exportLines, filterLogEvents, gzipJson, lambdaEvent,
  payload, trailEvent, vpcEvent,
} from './helpers/cwl.js';

const tmp = mkdtempSync(join(tmpdir(), 'awslogs-cwl-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(tmp, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return path;
}

const mixed = file('firehose/2023/11/14/22/cwl-to-s3-1-2023-11-14-22-13-20-a188030a', Buffer.concat([
  gzipJson(payload(VPC_SOURCE, [vpcEvent(0), vpcEvent(1)], 1)), gzipJson(CONTROL_PAYLOAD),
  gzipJson(payload(TRAIL_SOURCE, [trailEvent(0)], 2)), gzipJson(payload(AURORA_SOURCE, [auroraEvent(0)], 3)),
]));
const lambda = file('lambda.json', JSON.stringify(lambdaEvent(payload(AURORA_SOURCE, [auroraEvent(0)], 1))));
const events = file('events.json', filterLogEvents(VPC_SOURCE.logStream, [vpcEvent(0), { message: 'oops', timestamp: 1700000000000 }], 1));
const exportDir = join(tmp, 'exportedlogs');
file('exportedlogs/aws-logs-write-test', 'Permission Check Successful');
file(`exportedlogs/0a1b2c3d-task/${VPC_SOURCE.logStream}/000000.gz`, gzipSync(exportLines([vpcEvent(0), vpcEvent(1)])));

test('detect names the shape and the inner types (several when log groups mix)', async () => {
  const r = await runCli(['detect', mixed, lambda, events, exportDir]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.split('\t')[1]), [
    'CloudWatchLogs.Subscription(AWS.VPCFlow,AWS.CloudTrail,AWS.AuroraMySQLAudit)',
    'CloudWatchLogs.Lambda(AWS.AuroraMySQLAudit)',
    'CloudWatchLogs.Events(AWS.VPCFlow)',
    'CloudWatchLogs.Export(AWS.VPCFlow)',
    'CloudWatchLogs.Export(none)',
  ]);
});

test('detect: log events no type parses are unknown, exit 1, with the shape on stderr', async () => {
  const f = file('unknown.json', JSON.stringify(payload({ logGroup: 'team-logs', logStream: 's' }, [{ message: 'hello', timestamp: 1 }])));
  const r = await runCli(['detect', f]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, `${f}\tunknown\n`);
  assert.match(r.stderr, /CloudWatchLogs\.Subscription\(unknown\): could not detect the log type of the log events inside; pass --type/);
});

test('normalize: a mixed Firehose object, summary per inner type, CONTROL_MESSAGE skipped with one notice', async () => {
  const r = await runCli(['normalize', mixed]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => JSON.parse(l).p_log_type), ['AWS.VPCFlow', 'AWS.VPCFlow', 'AWS.CloudTrail', 'AWS.AuroraMySQLAudit']);
  assert.match(r.stderr, /CONTROL_MESSAGE payloads skipped/);
  assert.match(r.stderr, /AWS\.VPCFlow: 1 input, 2 records read: 2 written, 0 failed, 0 skipped/);
  assert.match(r.stderr, /unknown: 1 input, 1 records read: 0 written, 0 failed, 1 skipped/);
});

test('a bad log event: the short stderr line names its logEvent; --summary json keeps read = written + failed + skipped', async () => {
  const r = await runCli(['normalize', '--type', 'AWS.VPCFlow', '--summary', 'json', events]);
  assert.equal(r.code, 1);
  assert.match(stderrAsText(r.stderr), /events\.json:10: logEvent 1: AWS\.VPCFlow: expected 14 space-separated fields/);
  const summary = JSON.parse(r.stderr.trim().split('\n').at(-1)!) as { total: { read: number; written: number; failed: number; skipped: number } };
  assert.deepEqual(summary.total, { read: 2, written: 1, failed: 1, skipped: 0, filtered: 0 });
});

test('an export folder: the stream from the path, the probe passed over with a notice', async () => {
  const r = await runCli(['normalize', exportDir]);
  assert.equal(r.code, 0, r.stderr);
  const records = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(records.map((x) => [x.p_source_log_stream, x.p_source_time]), [
    [VPC_SOURCE.logStream, '2023-11-14T22:13:20.000000000Z'], [VPC_SOURCE.logStream, '2023-11-14T22:13:27.000000000Z'],
  ]);
  assert.match(r.stderr, /aws-logs-write-test: passed over: the permission probe an export task writes/);
});

test('--jobs 2 gives the output and the error reports of --jobs 1', async () => {
  const args = ['normalize', '-q', mixed, lambda, events, exportDir];
  const one = await runCli([...args, '--jobs', '1', '--errors', join(tmp, 'e1.ndjson')]);
  const two = await runCli([...args, '--jobs', '2', '--errors', join(tmp, 'e2.ndjson')]);
  assert.equal(one.code, 1);
  assert.equal(two.code, one.code);
  assert.deepEqual(maskOutput(two.stdout), maskOutput(one.stdout));
  assert.ok(maskOutput(one.stdout).length >= 8);
  assert.equal(readFileSync(join(tmp, 'e2.ndjson'), 'utf8'), readFileSync(join(tmp, 'e1.ndjson'), 'utf8'));
});

test('stdin: a Lambda event piped in is read like a file', async () => {
  const r = await runCli(['normalize', '-q', '--type', 'AWS.AuroraMySQLAudit', '-'], { stdin: JSON.stringify(lambdaEvent(payload(AURORA_SOURCE, [auroraEvent(1)], 1))) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).p_source_log_group, AURORA_SOURCE.logGroup);
});

test('the bench\'s CloudWatch Logs generator: gzip payloads whose every record normalizes', async () => {
  const { StringSink } = await import('../bench/generate/common.js');
  const { cloudWatchVpcGenerator } = await import('../bench/generate/cloudwatch.js');
  const { Rng } = await import('../bench/prng.js');
  const sink = new StringSink();
  const generated = cloudWatchVpcGenerator.generate(new Rng(1), sink, { events: 2_000 });
  const f = file('bench.firehose', Buffer.from(sink.text(), 'latin1'));
  const r = await runCli(['normalize', '--type', 'AWS.VPCFlow', f]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`AWS\\.VPCFlow: 1 input, ${generated.events} records read: ${generated.events} written, 0 failed, 0 skipped`));
  assert.ok(generated.plainBytes! > sink.bytes * 2, 'decompressed size counted');
});
