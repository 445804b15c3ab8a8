// src/s3/ against a real S3 protocol server (s3rver behind the test proxy):
// listing in key order with the plan, streaming GetObject and ranged
// rereads, multipart uploads that appear only when complete, and the
// one-line messages for S3's errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { configureS3 } from '../src/s3/client.js';
import { S3Error } from '../src/s3/errors.js';
import { listS3 } from '../src/s3/list.js';
import { openS3Object } from '../src/s3/read.js';
import { s3ObjectExists, startS3Upload } from '../src/s3/upload.js';
import { startS3Server, type S3TestServer } from './helpers/s3server.js';

let server: S3TestServer;

async function put(bucket: string, key: string, body: string | Buffer): Promise<void> {
  const upload = await startS3Upload({ bucket, key }, 'application/octet-stream');
  upload.stream.end(body);
  await upload.done;
}

async function text(iterable: AsyncIterable<Buffer>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of iterable) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
}

before(async () => {
  server = await startS3Server(['logs']);
  Object.assign(process.env, server.env);
  configureS3({ endpointUrl: server.endpoint });
  for (const key of [
    'AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/04/30/a.log',
    'AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/05/01/b.log',
    'AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/05/02/c.log',
    'AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/05/03/d.log',
    'AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/05/04/e.log',
    'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/x.json.gz',
    'other/.hidden',
    'other/z.log',
  ]) await put('logs', key, `${key}\n`);
});

after(async () => {
  await server.stop();
});

test('listS3 lists a prefix whole, in key order, passing over digests and hidden names', async () => {
  const r = await listS3({ bucket: 'logs', key: '' }, undefined);
  assert.deepEqual(r.objects.map((o) => o.key), [
    'AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/04/30/a.log',
    'AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/05/01/b.log',
    'AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/05/02/c.log',
    'AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/05/03/d.log',
    'AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/05/04/e.log',
    'other/z.log',
  ]);
  assert.deepEqual(r.skipped.map((s) => s.reason), ['CloudTrail digest', 'hidden']);
  assert.equal(r.listCalls, 1);
});

test('listS3 with a range lists only the day folders from --since to the day after --until', async () => {
  server.lists.length = 0;
  const r = await listS3({ bucket: 'logs', key: 'AWSLogs/' }, { since: '2024-05-01T00:00:00.000000000Z', until: '2024-05-01T23:59:59.999999999Z' });
  assert.deepEqual(r.objects.map((o) => o.key.split('/').slice(-4).join('/')), ['2024/05/01/b.log', '2024/05/02/c.log']);
  assert.deepEqual(server.lists.map((l) => `${l.prefix}${l.delimiter ? ' /' : ''}`), [
    'AWSLogs/ /',
    'AWSLogs/111122223333/ /',
    // Digests are dated too: listed by day, then passed over by name as on disk.
    'AWSLogs/111122223333/CloudTrail-Digest/ /',
    'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/',
    'AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/02/',
    'AWSLogs/111122223333/vpcflowlogs/ /',
    'AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/05/01/',
    'AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/05/02/',
  ]);
  assert.equal(r.listCalls, 8);
  assert.deepEqual(r.skipped.map((s) => s.reason), ['CloudTrail digest']);
});

test('a key without a trailing slash names that object and the folder of that name, not longer keys', async () => {
  await put('logs', 'other/z.log2', 'x\n');
  const r = await listS3({ bucket: 'logs', key: 'other/z.log' }, undefined);
  assert.deepEqual(r.objects.map((o) => o.key), ['other/z.log']);
});

test('openS3Object streams the body and rereads a byte range', async () => {
  const o = await openS3Object({ bucket: 'logs', key: 'other/z.log' });
  assert.equal(await text(o.body), 'other/z.log\n');
  assert.equal(await text(o.reread(6, 11)), 'z.log');
  assert.equal(await text(o.reread(6)), 'z.log\n');
});

test('S3 errors are one line naming the location: NoSuchBucket, NoSuchKey, AccessDenied', async () => {
  await assert.rejects(listS3({ bucket: 'no-such-bucket', key: '' }, undefined), (err: unknown) => {
    assert.ok(err instanceof S3Error);
    assert.match(err.message, /^NoSuchBucket: s3:\/\/no-such-bucket does not exist/);
    assert.equal(err.problem.runLevel, true);
    return true;
  });
  await assert.rejects(openS3Object({ bucket: 'logs', key: 'gone.log' }), (err: unknown) => {
    assert.ok(err instanceof S3Error);
    assert.match(err.message, /^NoSuchKey: s3:\/\/logs\/gone\.log does not exist/);
    assert.equal(err.problem.runLevel, false);
    return true;
  });
  server.forbidden.add('logs/other/z.log');
  try {
    await assert.rejects(openS3Object({ bucket: 'logs', key: 'other/z.log' }), /^S3Error: AccessDenied on s3:\/\/logs\/other\/z\.log \(check s3:GetObject for the credentials in use\)$/);
  } finally {
    server.forbidden.clear();
  }
});

test('a multipart upload is invisible until complete, and an aborted one leaves nothing', async () => {
  const big = Buffer.alloc(9 * 1024 * 1024, 'a\n');
  const upload = await startS3Upload({ bucket: 'logs', key: 'out/big.ndjson' }, 'application/x-ndjson');
  upload.stream.write(big);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal(await s3ObjectExists({ bucket: 'logs', key: 'out/big.ndjson' }), false);
  upload.stream.end(big);
  await upload.done;
  assert.equal(await s3ObjectExists({ bucket: 'logs', key: 'out/big.ndjson' }), true);
  assert.ok(server.requests.some((r) => /^POST \/logs\/out\/big\.ndjson\?uploads/.test(r)), 'a multipart upload was used');

  const aborted = await startS3Upload({ bucket: 'logs', key: 'out/aborted.ndjson' }, 'application/x-ndjson');
  aborted.stream.write(big);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await aborted.abort();
  await assert.rejects(aborted.done, /aborted/);
  assert.equal(await s3ObjectExists({ bucket: 'logs', key: 'out/aborted.ndjson' }), false);
});
