// --format parquet --out-dir s3://: each part file is a multipart upload,
// completed with the part; read back by DuckDB from what S3 holds.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, runCli } from './helpers/cli.js';
import { readParquet } from './helpers/parquet.js';
import { startS3Server, type S3TestServer } from './helpers/s3server.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { S3Client, GetObjectCommand, ListObjectsV2Command } = await import('@aws-sdk/client-s3');

let server: S3TestServer;
let client: InstanceType<typeof S3Client>;

before(async () => {
  server = await startS3Server(['parquet-out']);
  client = new S3Client({ endpoint: server.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
});

after(async () => {
  client.destroy();
  await server.stop();
});

test('--format parquet --out-dir s3://: parts of at most --max-file-rows rows per worker, every row once', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'awslogs-pq-s3-'));
  try {
    const inputs = join(tmp, 'in');
    mkdirSync(inputs);
    for (let i = 0; i < 6; i++) copyFileSync(join(ROOT, 'samples', 'AWS.VPCFlow.log'), join(inputs, `flows-${i}.log`));
    const run = await runCli(['normalize', '-q', '--jobs', '2', '--format', 'parquet', '--max-file-rows', '10', '--out-dir', 's3://parquet-out/out/', inputs], { env: server.env });
    assert.equal(run.code, 0, run.stderr);
    const listed = await client.send(new ListObjectsV2Command({ Bucket: 'parquet-out', Prefix: 'out/' }));
    const keys = (listed.Contents ?? []).map((o) => o.Key!).sort();
    assert.ok(keys.length >= 5, keys.join(' '));
    let total = 0;
    for (const key of keys) {
      assert.match(key, /^out\/AWS\.VPCFlow\/part-\d{8}T\d{6}Z-[0-9a-f]{6}-[12]-\d{5}\.parquet$/);
      const body = await client.send(new GetObjectCommand({ Bucket: 'parquet-out', Key: key }));
      const file = join(tmp, key.replaceAll('/', '_'));
      writeFileSync(file, await body.Body!.transformToByteArray());
      const rows = (await readParquet(file)).rows.length;
      assert.ok(rows > 0 && rows <= 10, `${key}: ${rows}`);
      total += rows;
    }
    assert.equal(total, 42);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
