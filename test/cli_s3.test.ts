// `awslogs normalize` with s3:// inputs and outputs, run as a user runs it
// (the built binary) against a real S3 protocol server (s3rver behind the
// counting proxy of helpers/s3server.ts): a synced-bucket tree read from
// S3 gives the same records as the same tree on disk; a time range lists
// only its day folders; --out-dir and --errors write whole objects, and an
// interrupted run leaves none; S3's errors are one line with the right status.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { BIN, ROOT, maskOutput, runCli } from './helpers/cli.js';
import { startS3Server, type S3TestServer } from './helpers/s3server.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { S3Client, PutObjectCommand, GetObjectCommand, ListObjectsV2Command, DeleteObjectCommand } = await import('@aws-sdk/client-s3');

let server: S3TestServer;
let client: InstanceType<typeof S3Client>;
let disk: string;

/** Where each type's logs sit in a bucket synced from AWS (one day: 2024-05-01). */
const LAYOUT: Record<string, string> = {
  'AWS.VPCFlow': 'AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/05/01/',
  'AWS.CloudTrail': 'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/',
  'AWS.ALB': 'AWSLogs/111122223333/elasticloadbalancing/us-east-1/2024/05/01/',
  'AWS.GuardDuty': 'AWSLogs/111122223333/GuardDuty/us-east-1/2024/05/01/',
  'AWS.S3ServerAccess': 's3-access/111122223333/us-east-1/source-bucket/2024/05/01/',
  'AWS.AuroraMySQLAudit': 'aurora/',
};
/** Golden cases per type in the tree: enough for every framing, few enough for a test of seconds. */
const CASES_PER_TYPE = 5;

async function put(bucket: string, key: string, body: Buffer): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
}

async function getObject(bucket: string, key: string): Promise<Buffer> {
  const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

async function keys(bucket: string, prefix = ''): Promise<string[]> {
  const out = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

/** The tree, written to disk under `disk` and to s3://logs/ alike; every other plain input gzipped. */
async function buildTree(): Promise<number> {
  let n = 0;
  for (const [type, prefix] of Object.entries(LAYOUT)) {
    const cases = readdirSync(join(ROOT, 'test/golden', type)).sort().slice(0, CASES_PER_TYPE);
    for (const c of cases) {
      const dir = join(ROOT, 'test/golden', type, c);
      for (const name of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile() && e.name.startsWith('input')).map((e) => e.name).sort()) {
        let body = readFileSync(join(dir, name));
        let key = `${prefix}${c}-${name}`;
        if (n++ % 2 === 0 && !name.endsWith('.gz')) {
          body = gzipSync(body);
          key += '.gz';
        }
        mkdirSync(dirname(join(disk, key)), { recursive: true });
        writeFileSync(join(disk, key), body);
        await put('logs', key, body);
      }
    }
  }
  return n;
}

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { ...server.env, ...extra };
}

before(async () => {
  server = await startS3Server(['logs', 'out']);
  client = new S3Client({ endpoint: server.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  disk = mkdtempSync(join(tmpdir(), 'awslogs-s3-tree-'));
  await buildTree();
});

after(async () => {
  client.destroy();
  await server.stop();
  rmSync(disk, { recursive: true, force: true });
});

/** Error reports with the input's location written relative to the tree, so disk and S3 reports compare. */
function reportsRelative(ndjson: string, root: string): string[] {
  return ndjson.split('\n').filter((l) => l.length > 0).map((l) => {
    const r = JSON.parse(l) as { file: string };
    assert.ok(r.file.startsWith(root), `${r.file} is under ${root}`);
    return JSON.stringify({ ...r, file: r.file.slice(root.length) });
  });
}

test('a synced-bucket tree read with s3:// gives the records of the same tree on disk (--jobs 1 and 2), reports to --errors s3://', async () => {
  const errorsFile = join(disk, '..', `awslogs-s3-errors-${process.pid}.ndjson`);
  try {
    const fromDisk = await runCli(['normalize', '--jobs', '1', '--errors', errorsFile, '--summary', 'json', disk + '/'], { env: env() });
    const fromS3 = await runCli(['normalize', '--jobs', '1', '--errors', 's3://out/errors/run1.ndjson', '--summary', 'json', 's3://logs/'], { env: env() });
    assert.equal(fromS3.code, fromDisk.code, fromS3.stderr);
    assert.ok(maskOutput(fromDisk.stdout).length > 50, 'the tree gives records');
    assert.deepEqual(maskOutput(fromS3.stdout), maskOutput(fromDisk.stdout));
    const diskReports = reportsRelative(readFileSync(errorsFile, 'utf8'), disk + '/');
    const s3Reports = reportsRelative((await getObject('out', 'errors/run1.ndjson')).toString('utf8'), 's3://logs/');
    assert.ok(diskReports.length > 0, 'the tree has bad records');
    assert.deepEqual(s3Reports, diskReports);
    const summary = JSON.parse(fromS3.stderr.trim().split('\n').at(-1)!) as { s3: { listed: number; read: number; listCalls: number } };
    assert.equal(summary.s3.listed, summary.s3.read);
    assert.equal(summary.s3.read, readdirRecursive(disk).length);
    assert.equal(summary.s3.listCalls, 1, 'no range: one listing of the whole bucket');

    const twoJobs = await runCli(['normalize', '--jobs', '2', 's3://logs/'], { env: env() });
    assert.equal(twoJobs.code, fromDisk.code);
    assert.deepEqual(maskOutput(twoJobs.stdout), maskOutput(fromDisk.stdout));
  } finally {
    rmSync(errorsFile, { force: true });
  }
});

function readdirRecursive(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

test('--since/--until lists only the day folders from the first day to the day after the last, and says how many objects it listed', async () => {
  const flow = readFileSync(join(ROOT, 'samples/AWS.VPCFlow.log'));
  for (const day of ['2024/04/29', '2024/04/30', '2024/05/02', '2024/05/03', '2025/01/01']) {
    await put('logs', `AWSLogs/111122223333/vpcflowlogs/eu-west-1/${day}/flow.log`, flow);
  }
  server.lists.length = 0;
  const r = await runCli(['normalize', '--since', '2024-04-30', '--until', '2024-04-30', '--summary', 'json', 's3://logs/AWSLogs/'], { env: env() });
  const planned = server.lists.map((l) => `${l.prefix}${l.delimiter ? ' (one level)' : ''}`);
  assert.deepEqual(planned, [
    'AWSLogs/ (one level)',
    'AWSLogs/111122223333/ (one level)',
    'AWSLogs/111122223333/CloudTrail/ (one level)',
    'AWSLogs/111122223333/CloudTrail/us-east-1/2024/04/30/',
    'AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/',
    'AWSLogs/111122223333/GuardDuty/ (one level)',
    'AWSLogs/111122223333/GuardDuty/us-east-1/2024/04/30/',
    'AWSLogs/111122223333/GuardDuty/us-east-1/2024/05/01/',
    'AWSLogs/111122223333/elasticloadbalancing/ (one level)',
    'AWSLogs/111122223333/elasticloadbalancing/us-east-1/2024/04/30/',
    'AWSLogs/111122223333/elasticloadbalancing/us-east-1/2024/05/01/',
    'AWSLogs/111122223333/vpcflowlogs/ (one level)',
    'AWSLogs/111122223333/vpcflowlogs/eu-west-1/2024/04/30/',
    'AWSLogs/111122223333/vpcflowlogs/eu-west-1/2024/05/01/',
    'AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/04/30/',
    'AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/05/01/',
  ]);
  const summary = JSON.parse(r.stderr.trim().split('\n').at(-1)!) as { s3: { listed: number; read: number; listCalls: number }; inputs: Array<{ file: string }> };
  assert.equal(summary.s3.listCalls, planned.length);
  // The eu-west-1 day 2024/04/30 and everything filed on 2024/05/01 (late deliveries): nothing from 04/29, 05/02 or later.
  assert.ok(summary.inputs.some((i) => i.file === 's3://logs/AWSLogs/111122223333/vpcflowlogs/eu-west-1/2024/04/30/flow.log'));
  assert.ok(summary.inputs.every((i) => !/\/(2024\/04\/29|2024\/05\/0[23]|2025)\//.test(i.file)), JSON.stringify(summary.inputs.map((i) => i.file)));
  assert.equal(summary.s3.read, summary.inputs.length);
  assert.equal(summary.s3.listed, summary.s3.read);
  // The text summary says the same.
  const text = await runCli(['normalize', '--since', '2024-04-30', '--until', '2024-04-30', 's3://logs/AWSLogs/111122223333/vpcflowlogs/'], { env: env() });
  assert.match(text.stderr, /awslogs: S3: \d+ objects listed \(5 list requests\), \d+ read/);
});

test('--out-dir s3:// writes one complete object per input, mirroring the keys, as --out-dir on disk writes files; --gzip and --skip-existing too', async () => {
  const input = 's3://logs/AWSLogs/111122223333/vpcflowlogs/us-east-1/';
  const outDisk = mkdtempSync(join(tmpdir(), 'awslogs-s3-out-'));
  try {
    const local = await runCli(['normalize', '--jobs', '1', '--out-dir', outDisk, join(disk, 'AWSLogs/111122223333/vpcflowlogs/us-east-1/')], { env: env() });
    const remote = await runCli(['normalize', '--jobs', '2', '--out-dir', 's3://out/normalized/', input], { env: env() });
    assert.equal(remote.code, local.code, remote.stderr);
    const files = readdirRecursive(outDisk).map((f) => f.slice(outDisk.length + 1)).sort();
    assert.ok(files.length >= 4);
    assert.deepEqual(await keys('out', 'normalized/'), files.map((f) => `normalized/${f}`));
    for (const f of files) {
      assert.deepEqual(maskOutput((await getObject('out', `normalized/${f}`)).toString('utf8')), maskOutput(readFileSync(join(outDisk, f), 'utf8')), f);
    }

    const gz = await runCli(['normalize', '--out-dir', 's3://out/gz', '--gzip', input], { env: env() });
    assert.equal(gz.code, local.code);
    const gzKeys = await keys('out', 'gz/');
    assert.deepEqual(gzKeys, files.map((f) => `gz/${f.replace(/\.ndjson(\.partial)?$/, '.ndjson.gz$1')}`).sort());
    const complete = files.find((f) => f.endsWith('.ndjson'))!;
    assert.deepEqual(maskOutput(gunzipSync(await getObject('out', `gz/${complete}.gz`)).toString('utf8')), maskOutput(readFileSync(join(outDisk, complete), 'utf8')));

    server.requests.length = 0;
    const again = await runCli(['normalize', '--out-dir', 's3://out/normalized/', '--skip-existing', '--summary', 'json', input], { env: env() });
    const summary = JSON.parse(again.stderr.trim().split('\n').at(-1)!) as { inputs: Array<{ skippedExisting?: boolean }> };
    const skipped = summary.inputs.filter((i) => i.skippedExisting === true).length;
    assert.equal(skipped, files.filter((f) => !f.endsWith('.partial')).length, 'every complete output is skipped');
    assert.ok(server.requests.some((r) => r.startsWith('HEAD /out/normalized/')), 'checked with HeadObject');
  } finally {
    rmSync(outDisk, { recursive: true, force: true });
  }
});

test('an interrupted --out-dir s3:// run (SIGTERM mid-upload) aborts its multipart upload and leaves no object', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'awslogs-s3-fifo-'));
  const fifo = join(dir, 'slow.log');
  execFileSync('mkfifo', [fifo]);
  try {
    server.requests.length = 0;
    const child = spawn(process.execPath, [BIN, 'normalize', '--type', 'AWS.VPCFlow', '--out-dir', 's3://out/interrupted/', fifo], {
      env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...env() },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Whatever fails below, the child must not outlive the test (it would hold the test file open).
    const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
    exited.finally(() => clearTimeout(guard)).catch(() => {});
    // Enough records for a first 8 MiB part: the multipart upload has begun, and the FIFO stays open.
    // Written without blocking: the proxy serving the upload runs in this very process.
    const writer = createWriteStream(fifo);
    const line = '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n';
    const block = Buffer.from(line.repeat(10_000));
    const deadline = Date.now() + 30_000;
    while (!server.requests.some((r) => r.includes('/out/interrupted/slow.ndjson?uploads')) && Date.now() < deadline) {
      if (!writer.write(block)) await Promise.race([once(writer, 'drain'), new Promise((resolve) => setTimeout(resolve, 200))]);
    }
    assert.ok(server.requests.some((r) => r.includes('?uploads')), 'the multipart upload started');
    child.kill('SIGTERM');
    // Node's process.exit waits for its thread pool, where the child's read of
    // this FIFO is blocked until data or EOF comes: once the child has aborted
    // and said so, the FIFO is closed so that its exit can finish (a writer
    // that stalls for ever would hold any Node program's exit the same way).
    const deadlineStop = Date.now() + 30_000;
    while (!stderr.includes('interrupted (SIGTERM)') && Date.now() < deadlineStop) await new Promise((resolve) => setTimeout(resolve, 50));
    writer.end();
    const code = await exited;
    assert.equal(code, 143, stderr);
    assert.match(stderr, /interrupted \(SIGTERM\)/);
    assert.deepEqual(await keys('out', 'interrupted/'), []);
    assert.ok(server.requests.some((r) => /^DELETE \/out\/interrupted\/slow\.ndjson\?uploadId=/.test(r)), `the upload was aborted: ${server.requests.filter((r) => r.includes('interrupted')).join(', ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing bucket, bad credentials or a malformed URL: one line, status 2', async () => {
  const noBucket = await runCli(['normalize', 's3://no-such-bucket/AWSLogs/'], { env: env() });
  assert.equal(noBucket.code, 2);
  assert.equal(noBucket.stderr, 'awslogs: NoSuchBucket: s3://no-such-bucket does not exist (check the bucket name, and the endpoint if one is set)\n');

  const badKey = await runCli(['normalize', 's3://logs/'], { env: env({ AWS_ACCESS_KEY_ID: 'NOT-A-KEY' }) });
  assert.equal(badKey.code, 2);
  assert.match(badKey.stderr, /^awslogs: InvalidAccessKeyId on s3:\/\/logs: the access key is not valid here: check AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY or AWS_PROFILE \(and the endpoint, if one is set\)\n$/);

  for (const bad of ['s3://', 's3:///key', 's3://a/x', 's3://Bad_Bucket!/x']) {
    const r = await runCli(['normalize', bad], { env: env() });
    assert.equal(r.code, 2, bad);
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    assert.match(r.stderr, /^awslogs: .*(no bucket name|not a valid bucket name)/, bad);
  }
  const badOut = await runCli(['normalize', '--out-dir', 's3://no-such-bucket/x/', join(disk, 'aurora')], { env: env() });
  assert.equal(badOut.code, 2);
  assert.match(badOut.stderr, /^awslogs: --out-dir s3:\/\/no-such-bucket\/x\/: NoSuchBucket: s3:\/\/no-such-bucket does not exist/);
  const overlap = await runCli(['normalize', '--out-dir', 's3://logs/AWSLogs/out/', 's3://logs/AWSLogs/'], { env: env() });
  assert.equal(overlap.code, 2);
  assert.match(overlap.stderr, /overlaps the input/);
});

test('an object deleted after the listing or forbidden to read is an error for that input alone: the others are read, status 2', async () => {
  const prefix = 'AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/05/01/';
  const all = await keys('logs', prefix);
  assert.ok(all.length >= 3);
  server.gone.add(`logs/${all[0]}`);
  server.forbidden.add(`logs/${all[1]}`);
  try {
    const r = await runCli(['normalize', '--summary', 'json', `s3://logs/${prefix}`], { env: env() });
    assert.equal(r.code, 2);
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; file?: string; message?: string; inputs?: Array<{ file: string; problem?: string; written: number }> });
    const problems = lines.filter((l) => l.kind === 'input-problem');
    // The first two inputs; later ones may have problems of their own (the golden tree holds undetectable inputs).
    assert.deepEqual(problems.slice(0, 2).map((p) => [p.file, p.message]), [
      [`s3://logs/${all[0]}`, `NoSuchKey: s3://logs/${all[0]} does not exist (deleted since it was listed or announced?)`],
      [`s3://logs/${all[1]}`, `AccessDenied on s3://logs/${all[1]} (check s3:GetObject for the credentials in use)`],
    ]);
    const summary = lines.at(-1)!;
    assert.ok(summary.inputs!.slice(2).some((i) => i.written > 0), 'the other objects were read');
  } finally {
    server.gone.clear();
    server.forbidden.clear();
  }
  await client.send(new DeleteObjectCommand({ Bucket: 'logs', Key: 'nothing-here' }));
  const missing = await runCli(['normalize', 's3://logs/no/such/key.log'], { env: env() });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^awslogs: s3:\/\/logs\/no\/such\/key\.log: no such object, and no objects below it\n/);
});
