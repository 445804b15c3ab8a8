// The Lambda handler, called in-process, against a real S3 protocol server
// (s3rver behind the test proxy, test/helpers/s3server.ts). Every event
// shape is built from the server's own ObjectCreated notification (its key
// encoded as S3 encodes it), and each run is checked by the objects it
// leaves in the output bucket: the right keys, the right records (the same
// as the CLI makes of the same file, row ids and parse times masked), no
// duplicates on a retry, and exactly the failed message in batchItemFailures.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { handle, type BatchResponse, type HandlerDeps, type ObjectSummary } from '../src/lambda/handler.js';
import { realS3 } from '../src/lambda/s3_io.js';
import { configureS3 } from '../src/s3/client.js';
import { listS3 } from '../src/s3/list.js';
import { openS3Object } from '../src/s3/read.js';
import { deleteS3Object, startS3Upload } from '../src/s3/upload.js';
import { ROOT, runCli } from './helpers/cli.js';
import { textToParquet } from './helpers/parquet.js';
import { VPC_SOURCE, lambdaEvent, payload, vpcEvent } from './helpers/cwl.js';
import { s3EventAsSent, startS3Server, type S3TestServer } from './helpers/s3server.js';

let server: S3TestServer;
const SRC = 'src-logs';
const OUT = 'out-bucket';
const VPC_KEY = 'AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/05/01/flow log+1.log';
const TRAIL_KEY = 'AWSLogs/123456789012/CloudTrail/us-east-1/2024/05/01/trail.json.gz';
const env = { AWSLOGS_OUTPUT: `s3://${OUT}/normalized/` };
let vpcEventRecord: Record<string, unknown>;
let vpcETag: string;
let vpcExpected: string[];
let trailExpected: string[];

/** Puts an object and returns the S3 notification the server sent for it, as S3 would send it. */
async function put(bucket: string, key: string, body: Buffer): Promise<Record<string, unknown>> {
  const before = server.events.length;
  const upload = await startS3Upload({ bucket, key }, 'application/octet-stream');
  upload.stream.end(body);
  await upload.done;
  assert.equal(server.events.length, before + 1, 'the server sends one event per object');
  return s3EventAsSent(server.events[before]) as Record<string, unknown>;
}

async function read(bucket: string, key: string): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of (await openS3Object({ bucket, key })).body) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

async function readBytes(bucket: string, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of (await openS3Object({ bucket, key })).body) chunks.push(c);
  return Buffer.concat(chunks);
}

async function outputKeys(): Promise<string[]> {
  return (await listS3({ bucket: OUT, key: '' }, undefined)).objects.map((o) => o.key);
}

/** Records with what differs from run to run masked. */
function masked(ndjson: string): string[] {
  return ndjson.split('\n').filter((l) => l !== '').map((l) => {
    const r = JSON.parse(l) as Record<string, unknown>;
    r.p_row_id = 'x';
    r.p_parse_time = 'x';
    return JSON.stringify(r);
  });
}

async function cliRecords(file: string): Promise<string[]> {
  const r = await runCli(['normalize', '--quiet', file]);
  assert.equal(r.code, 0, r.stderr);
  return masked(r.stdout);
}

function deps(log: string[] = [], overrides: Partial<HandlerDeps> = {}): HandlerDeps {
  return { env, s3: realS3, log: (line) => log.push(line), ...overrides };
}

async function clearOutputs(): Promise<void> {
  for (const key of await outputKeys()) await deleteS3Object({ bucket: OUT, key });
}

const sns = (message: unknown) => ({ Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', Sns: { Type: 'Notification', MessageId: 'sns-1', Message: JSON.stringify(message) } }] });
const snsEnvelope = (message: unknown) => ({ Type: 'Notification', MessageId: 'sns-2', TopicArn: 'arn:aws:sns:us-east-1:123456789012:logs', Message: JSON.stringify(message) });
const sqs = (...bodies: Array<[string, unknown]>) => ({ Records: bodies.map(([messageId, body]) => ({ messageId, receiptHandle: 'rh', eventSource: 'aws:sqs', body: JSON.stringify(body) })) });

/** An EventBridge "Object Created" event for the object the S3 notification names (keys as written). */
function eventBridge(notification: Record<string, unknown>): Record<string, unknown> {
  const s3 = (notification.Records as Array<{ s3: { bucket: { name: string }; object: { key: string; size: number; eTag: string } } }>)[0]!.s3;
  return {
    version: '0', id: 'eb-1', 'detail-type': 'Object Created', source: 'aws.s3', account: '123456789012', region: 'us-east-1', resources: [`arn:aws:s3:::${s3.bucket.name}`],
    detail: { version: '0', bucket: { name: s3.bucket.name }, object: { key: decodeURIComponent(s3.object.key.replace(/\+/g, ' ')), size: s3.object.size, etag: s3.object.eTag }, reason: 'PutObject' },
  };
}

before(async () => {
  server = await startS3Server([SRC, OUT]);
  Object.assign(process.env, server.env);
  configureS3({ endpointUrl: server.endpoint });
  vpcEventRecord = await put(SRC, VPC_KEY, readFileSync(join(ROOT, 'samples/AWS.VPCFlow.log')));
  vpcETag = (vpcEventRecord.Records as Array<{ s3: { object: { eTag: string } } }>)[0]!.s3.object.eTag;
  await put(SRC, TRAIL_KEY, readFileSync(join(ROOT, 'samples/AWS.CloudTrail.json.gz')));
  vpcExpected = await cliRecords('samples/AWS.VPCFlow.log');
  trailExpected = await cliRecords('samples/AWS.CloudTrail.json.gz');
  assert.ok(vpcExpected.length > 0 && trailExpected.length > 0);
});

after(async () => {
  await server.stop();
});

const vpcOutput = () => `normalized/${SRC}/${VPC_KEY}.etag-${vpcETag}.ndjson`;

test('S3 event notification: the object is normalized into <prefix><bucket>/<key>.etag-<ETag>.ndjson, one summary line', async () => {
  await clearOutputs();
  const log: string[] = [];
  const result = await handle(vpcEventRecord, {}, deps(log)) as { objects: ObjectSummary[] };
  assert.deepEqual(await outputKeys(), [vpcOutput()]);
  assert.deepEqual(masked(await read(OUT, vpcOutput())), vpcExpected);
  assert.equal(result.objects.length, 1);
  const summary = JSON.parse(log.at(-1)!) as ObjectSummary;
  assert.equal(summary.kind, 'object');
  assert.equal(summary.status, 'ok');
  assert.equal(summary.input, `s3://${SRC}/${VPC_KEY}`);
  assert.equal(summary.output, `s3://${OUT}/${vpcOutput()}`);
  assert.equal(summary.logType, 'AWS.VPCFlow');
  assert.equal(summary.written, vpcExpected.length);
  assert.equal(summary.bytes, readFileSync(join(ROOT, 'samples/AWS.VPCFlow.log')).length);
  assert.ok(summary.ms >= 0);
});

test('SNS-wrapped, SQS with S3 body, SQS with SNS body and EventBridge all write the same output', async () => {
  for (const [name, event] of [
    ['SNS', sns(vpcEventRecord)],
    ['SQS(S3)', sqs(['m1', vpcEventRecord])],
    ['SQS(SNS)', sqs(['m2', snsEnvelope(vpcEventRecord)])],
    ['EventBridge', eventBridge(vpcEventRecord)],
  ] as const) {
    await clearOutputs();
    const result = await handle(event, {}, deps());
    if (name.startsWith('SQS')) assert.deepEqual(result, { batchItemFailures: [] }, name);
    assert.deepEqual(await outputKeys(), [vpcOutput()], name);
    assert.deepEqual(masked(await read(OUT, vpcOutput())), vpcExpected, name);
  }
});

test('CloudTrail SNS notification: each key is read (gzip by its bytes) into <key>.unversioned.ndjson', async () => {
  await clearOutputs();
  await handle(sns({ s3Bucket: SRC, s3ObjectKey: [TRAIL_KEY] }), {}, deps());
  const key = `normalized/${SRC}/${TRAIL_KEY}.unversioned.ndjson`;
  assert.deepEqual(await outputKeys(), [key]);
  assert.deepEqual(masked(await read(OUT, key)), trailExpected);
});

test('s3:TestEvent is skipped: no output, a skipped line in the log, no failure', async () => {
  await clearOutputs();
  const log: string[] = [];
  const testEvent = { Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2024-05-01T00:00:00.000Z', Bucket: SRC, RequestId: 'r', HostId: 'h' };
  assert.deepEqual(await handle(sqs(['t1', testEvent]), {}, deps(log)), { batchItemFailures: [] });
  assert.deepEqual(await outputKeys(), []);
  assert.match(log.join('\n'), /"kind":"skipped".*s3:TestEvent/);
});

test('CloudWatch Logs subscription event: its records, keyed by owner, group, stream and first event id', async () => {
  await clearOutputs();
  const events = [0, 1, 2].map(vpcEvent);
  const event = lambdaEvent(payload(VPC_SOURCE, events, 7));
  const result = await handle(event, {}, deps([], { env: { ...env, AWSLOGS_TYPE: 'AWS.VPCFlow' } })) as { objects: ObjectSummary[] };
  assert.equal(result.objects[0]!.written, 3);
  const keys = await outputKeys();
  assert.equal(keys.length, 1);
  assert.match(keys[0]!, /^normalized\/CloudWatchLogs\/123456789012\/vpc-flow-logs\/eni-0a1b2c3d4e5f67890-all\/\d{56}\.ndjson$/);
  const records = (await read(OUT, keys[0]!)).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual(records.map((r) => r.srcAddr), ['192.0.2.1', '192.0.2.2', '192.0.2.3']);
  assert.ok(records.every((r) => r.p_log_type === 'AWS.VPCFlow' && r.p_source_log_group === 'vpc-flow-logs'), JSON.stringify(records[0]));
});

test('a retried message overwrites the same output key: no duplicate object, no doubled records', async () => {
  await clearOutputs();
  const event = sqs(['m1', vpcEventRecord]);
  await handle(event, {}, deps());
  await handle(event, {}, deps());
  assert.deepEqual(await outputKeys(), [vpcOutput()]);
  assert.equal(masked(await read(OUT, vpcOutput())).length, vpcExpected.length);
});

test('SQS batch: the object deleted before it was read fails its message alone; the others are written', async () => {
  await clearOutputs();
  const goneKey = 'AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/05/01/gone.log';
  const gone = await put(SRC, goneKey, readFileSync(join(ROOT, 'samples/AWS.VPCFlow.log')));
  await deleteS3Object({ bucket: SRC, key: goneKey });
  const log: string[] = [];
  const result = await handle(sqs(['ok-1', vpcEventRecord], ['gone', gone], ['ok-2', sns({ s3Bucket: SRC, s3ObjectKey: [TRAIL_KEY] })]), {}, deps(log)) as BatchResponse;
  assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: 'gone' }] });
  assert.deepEqual(await outputKeys(), [`normalized/${SRC}/${TRAIL_KEY}.unversioned.ndjson`, vpcOutput()]);
  const failed = log.map((l) => JSON.parse(l) as ObjectSummary).filter((s) => s.status === 'failed');
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.messageId, 'gone');
  assert.match(failed[0]!.problem!, /^NoSuchKey: s3:\/\/src-logs\/AWSLogs\/.*gone\.log does not exist/);
});

test('a failed object in a non-SQS event throws, so Lambda retries the event', async () => {
  await clearOutputs();
  const missing = JSON.parse(JSON.stringify(vpcEventRecord)) as { Records: Array<{ s3: { object: { key: string } } }> };
  missing.Records[0]!.s3.object.key = 'AWSLogs/never-there.log';
  await assert.rejects(handle(missing, {}, deps()), /1 of 1 objects failed: s3:\/\/src-logs\/AWSLogs\/never-there\.log/);
  assert.deepEqual(await outputKeys(), []);
});

test('records that do not normalize go to an errors object under <output>errors/; the message succeeds', async () => {
  await clearOutputs();
  const key = 'AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/05/01/bad.log';
  const sample = readFileSync(join(ROOT, 'samples/AWS.VPCFlow.log'), 'utf8');
  const event = await put(SRC, key, Buffer.from(`${sample}this is not a flow record\n`));
  const result = await handle(sqs(['b1', event]), {}, deps([], { env: { ...env, AWSLOGS_TYPE: 'AWS.VPCFlow' } })) as BatchResponse;
  assert.deepEqual(result, { batchItemFailures: [] });
  const keys = await outputKeys();
  const errorsKey = keys.find((k) => k.startsWith('normalized/errors/'));
  assert.ok(errorsKey !== undefined && errorsKey.endsWith('.errors.ndjson'), keys.join(', '));
  const reports = (await read(OUT, errorsKey)).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(reports.length, 1);
  assert.equal(reports[0]!.file, `s3://${SRC}/${key}`);
  assert.equal(reports[0]!.raw, 'this is not a flow record');
});

test('a malformed configuration fails the invocation at start with one clear line, before any S3 call', async () => {
  const log: string[] = [];
  const before = server.requests.length;
  await assert.rejects(handle(vpcEventRecord, {}, deps(log, { env: { AWSLOGS_OUTPUT: 'out-bucket/x', AWSLOGS_TYPE: 'AWS.Nope' } })),
    (err: Error) => /^awslogs: bad configuration: AWSLOGS_OUTPUT: expected s3:\/\/bucket\/prefix\/.*; AWSLOGS_TYPE: unknown log type "AWS.Nope"/.test(err.message) && !err.message.includes('\n'));
  await assert.rejects(handle(vpcEventRecord, {}, deps(log, { env: {} })), /AWSLOGS_OUTPUT: required/);
  assert.match(log[0]!, /"kind":"config-error"/);
  assert.equal(server.requests.length, before);
});

test('an event of no known shape throws naming what was found', async () => {
  await assert.rejects(handle({ hello: 'world' }, {}, deps()), /cannot read the event: event: expected an S3 event notification.*found an object with keys "hello"/);
});

test('AWSLOGS_GZIP=true writes <key>.<tag>.ndjson.gz holding the same records', async () => {
  await clearOutputs();
  await handle(sqs(['g1', vpcEventRecord]), {}, deps([], { env: { ...env, AWSLOGS_GZIP: 'true' } }));
  const key = `${vpcOutput()}.gz`;
  assert.deepEqual(await outputKeys(), [key]);
  assert.deepEqual(masked(gunzipSync(await readBytes(OUT, key)).toString('utf8')), vpcExpected);
});

test('AWSLOGS_FORMAT=ocsf writes <key>.<tag>.ocsf.ndjson holding one OCSF Network Activity event per record', async () => {
  await clearOutputs();
  await handle(sqs(['o1', vpcEventRecord]), {}, deps([], { env: { ...env, AWSLOGS_FORMAT: 'ocsf' } }));
  const key = vpcOutput().replace(/\.ndjson$/, '.ocsf.ndjson');
  assert.deepEqual(await outputKeys(), [key]);
  const events = (await read(OUT, key)).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(events.length, vpcExpected.length);
  for (const e of events) {
    assert.equal(e.class_uid, 4001);
    assert.equal((e.metadata as { version: string }).version, '1.1.0');
  }
});

test('an output that cannot be written (no such bucket) fails its message, naming the bucket', async () => {
  const log: string[] = [];
  const result = await handle(sqs(['w1', vpcEventRecord]), {}, deps(log, { env: { AWSLOGS_OUTPUT: 's3://no-such-bucket/n/' } }));
  assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: 'w1' }] });
  const summary = JSON.parse(log.at(-1)!) as ObjectSummary;
  assert.equal(summary.status, 'failed');
  assert.match(summary.problem!, /NoSuchBucket.*no-such-bucket/);
});

test('a Parquet VPC object under the Hive-style prefix: read by ranged GETs, the same records as the CLI makes of the file', async () => {
  await clearOutputs();
  const dir = mkdtempSync(join(tmpdir(), 'awslogs-lambda-parquet-'));
  try {
    // The sample's flows (header line included) as DuckDB writes them in Parquet, in row groups of 2,048.
    const sample = readFileSync(join(ROOT, 'samples/AWS.VPCFlow.log'), 'utf8').split('\n').filter((l) => l !== '');
    const header = sample[0]!.split(' ');
    const text = join(dir, 'flows.log');
    const parquet = join(dir, 'flows.parquet');
    writeFileSync(text, Array.from({ length: 3000 }, (_, i) => sample[1 + (i % (sample.length - 1))]!).reduce((t, l) => `${t}${l}\n`, `${sample[0]!}\n`));
    await textToParquet(text, header, parquet, { rowGroupSize: 2048 });
    const expected = await cliRecords(parquet);
    assert.equal(expected.length, 3000);
    const key = 'AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2024/month=05/day=01/hour=10/123456789012_vpcflowlogs_us-east-1_fl-0a1b_20240501T1000Z_1a2b3c4d.log.parquet';
    const from = server.gets.length;
    const notification = await put(SRC, key, readFileSync(parquet));
    const eTag = (notification.Records as Array<{ s3: { object: { eTag: string } } }>)[0]!.s3.object.eTag;
    const log: string[] = [];
    const result = await handle(sqs(['pq-1', notification]), {}, deps(log));
    assert.deepEqual(result, { batchItemFailures: [] }, log.join('\n'));
    const output = `normalized/${SRC}/${key}.etag-${eTag}.ndjson`;
    assert.deepEqual(await outputKeys(), [output]);
    assert.deepEqual(masked(await read(OUT, output)), expected);
    const summary = JSON.parse(log.at(-1)!) as ObjectSummary;
    assert.equal(summary.logType, 'AWS.VPCFlow');
    assert.equal(summary.written, 3000);
    const ranged = server.gets.slice(from).filter((g) => g.path === `${SRC}/${key}` && g.range !== undefined);
    assert.ok(ranged.length >= 2, 'the footer and the row groups by ranges');
    assert.ok(ranged.every((g) => g.ifMatch === `"${eTag}"`), 'pinned to the announced version');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
