// Parquet objects read from s3:// (issue 17): by ranged GetObject requests
// pinned with If-Match, never the whole object once per row group. Run as a
// user runs it (the built binary) against s3rver behind the test proxy,
// which records every GET with its Range and If-Match headers
// (test/helpers/s3server.ts). The files are written by DuckDB
// (test/helpers/parquet.ts), an independent writer.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { maskOutput, runCli } from './helpers/cli.js';
import { rowGroups, textToParquet } from './helpers/parquet.js';
import { startS3Server, type GetRequest, type S3TestServer } from './helpers/s3server.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');

const BUCKET = 'flows';
/** AWS's Hive-compatible layout for Parquet flow logs (flow-logs-s3-path.html). */
const PREFIX = 'AWSLogs/aws-account-id=123456789012/aws-service=vpcflowlogs/aws-region=us-east-1/year=2024/month=05/day=01/hour=10/';
const V2 = ['version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status'];
const ROWS = 40_000;
const GROUP_ROWS = 10_240;

let server: S3TestServer;
let client: InstanceType<typeof S3Client>;
let tmp: string;
let parquetPath: string;
let parquetBytes: Buffer;
let textPath: string;
let expected: string[];

/** Distinct flows (so the pages do not shrink to nothing), with IPv6 and NODATA rows. */
function lines(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const start = 1714557600 + i;
    if (i % 97 === 5) {
      out.push(`2 123456789012 eni-0123456789abcdef0 - - - - - - - ${start} ${start + 60} - NODATA`);
      continue;
    }
    const src = i % 11 === 0 ? `2001:db8::${(i % 65535).toString(16)}` : `10.${i % 200}.${(i >> 8) % 250}.${i % 251}`;
    out.push(`2 123456789012 eni-0${(i % 4096).toString(16).padStart(16, '0')} ${src} 172.31.${i % 255}.${(i * 7) % 255} ${(i * 13) % 65536} 443 6 ${i % 100 + 1} ${i * 1000 + 40} ${start} ${start + 60} ${i % 3 === 0 ? 'REJECT' : 'ACCEPT'} OK`);
  }
  return out;
}

async function put(key: string, body: Buffer): Promise<void> {
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

/** The GETs of one key since `from`, split into the streamed first read and the ranged reads (as [start, end] inclusive). */
function getsOf(key: string, from = 0): { whole: GetRequest[]; ranges: Array<{ start: number; end: number; ifMatch?: string }> } {
  const mine = server.gets.slice(from).filter((g) => g.path === `${BUCKET}/${key}`);
  const ranges = mine.filter((g) => g.range !== undefined).map((g) => {
    const m = /^bytes=(\d+)-(\d+)$/.exec(g.range!);
    assert.ok(m !== null, `a closed range: ${g.range}`);
    return { start: Number(m[1]), end: Number(m[2]), ...(g.ifMatch !== undefined ? { ifMatch: g.ifMatch } : {}) };
  });
  return { whole: mine.filter((g) => g.range === undefined), ranges };
}

before(async () => {
  server = await startS3Server([BUCKET]);
  client = new S3Client({ endpoint: server.endpoint, forcePathStyle: true, region: 'us-east-1', credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  tmp = mkdtempSync(join(tmpdir(), 'awslogs-parquet-s3-'));
  textPath = join(tmp, 'flows.log');
  parquetPath = join(tmp, 'flows.parquet');
  writeFileSync(textPath, [V2.join(' '), ...lines(ROWS)].join('\n') + '\n');
  // Uncompressed pages: each row group's chunks are far larger than the footer read, so ranges show.
  await textToParquet(textPath, V2, parquetPath, { codec: 'uncompressed', rowGroupSize: GROUP_ROWS });
  assert.equal(await rowGroups(parquetPath), Math.ceil(ROWS / GROUP_ROWS));
  parquetBytes = readFileSync(parquetPath);
  const local = await runCli(['normalize', '--quiet', parquetPath]);
  assert.equal(local.code, 0, local.stderr);
  expected = maskOutput(local.stdout);
  assert.equal(expected.length, ROWS);
});

after(async () => {
  client.destroy();
  await server.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('an s3:// Parquet object gives the records of the same file on disk, read by ranges pinned to its ETag', async () => {
  const key = `${PREFIX}123456789012_vpcflowlogs_us-east-1_fl-1_20240501T1000Z_hash.log.parquet`;
  await put(key, parquetBytes);
  const from = server.gets.length;
  const r = await runCli(['normalize', `s3://${BUCKET}/${key}`], { env: server.env });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(maskOutput(r.stdout), expected);

  const size = parquetBytes.length;
  const { whole, ranges } = getsOf(key, from);
  // The one streamed GET saw PAR1 and was closed; everything after is ranged.
  assert.equal(whole.length, 1);
  const footer = ranges[0]!;
  assert.equal(footer.end, size - 1, 'the first ranged read is the tail (the footer)');
  assert.ok(footer.end - footer.start + 1 <= 64 << 10, 'the footer is read with a small range');
  const groups = Math.ceil(ROWS / GROUP_ROWS);
  assert.ok(ranges.length >= 1 + groups, `a read (at least) per row group: ${ranges.length}`);
  let fetched = 0;
  for (const g of ranges) {
    const length = g.end - g.start + 1;
    assert.ok(length < size / 2, `no ranged read of most of the object (${length} of ${size} bytes)`);
    fetched += length;
    assert.ok(g.ifMatch !== undefined && g.ifMatch.startsWith('"'), 'every ranged read is pinned with If-Match');
  }
  // Each byte is fetched about once (the footer twice at most): not the whole object per row group.
  assert.ok(fetched <= size + (64 << 10), `${fetched} bytes fetched for an object of ${size}`);
  assert.equal(new Set(ranges.map((g) => g.ifMatch)).size, 1);
});

test('awslogs detect names a Parquet object on S3 from its footer', async () => {
  const key = `${PREFIX}detect.parquet`;
  await put(key, parquetBytes);
  const r = await runCli(['detect', `s3://${BUCKET}/${key}`], { env: server.env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /AWS\.VPCFlow/);
});

test('an object overwritten while its row groups are read: one PreconditionFailed error naming it, exit 2, rows before it kept', async () => {
  const key = `${PREFIX}overwritten.parquet`;
  await put(key, parquetBytes);
  const from = server.gets.length;
  let replaced = false;
  server.beforeGet = async (get) => {
    // After the footer and the first row group: the third ranged read of this key meets the new version.
    if (replaced || get.path !== `${BUCKET}/${key}` || getsOf(key, from).ranges.length < 3) return;
    replaced = true;
    await put(key, Buffer.concat([parquetBytes, Buffer.from('x')]));
  };
  try {
    const r = await runCli(['normalize', `s3://${BUCKET}/${key}`], { env: server.env });
    assert.equal(r.code, 2, r.stderr);
    assert.ok(replaced);
    assert.match(r.stderr, /PreconditionFailed: s3:\/\/flows\/AWSLogs\/.*overwritten\.parquet changed while it was read/);
    assert.equal(r.stderr.split('\n').filter((l) => l.includes('PreconditionFailed')).length, 1, r.stderr);
    const written = maskOutput(r.stdout);
    assert.ok(written.length > 0 && written.length < ROWS, `${written.length} rows before the change`);
    assert.deepEqual(written, expected.slice(0, written.length));
  } finally {
    server.beforeGet = undefined;
  }
});

test('a damaged Parquet object on S3 is one error naming its s3:// URL, escaped (exit 2)', async () => {
  const key = `${PREFIX}bad\x1b[31mname.parquet`;
  // PAR1 at the start, not at the end: truncated.
  await put(key, parquetBytes.subarray(0, parquetBytes.length - 100));
  const errors = join(tmp, 'damaged-errors.ndjson');
  const r = await runCli(['normalize', '--errors', errors, `s3://${BUCKET}/${key}`], { env: server.env });
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.ok(!r.stderr.includes('\x1b'), 'no raw escape on stderr');
  const lines = r.stderr.split('\n').filter((l) => l.includes('does not end with it'));
  assert.equal(lines.length, 1, r.stderr);
  assert.ok(lines[0]!.includes('s3://flows/AWSLogs/') && lines[0]!.includes('bad\\x1b[31mname.parquet'), lines[0]);
});

test('Parquet inside gzip on S3, and on stdin, is refused with one message (exit 2)', async () => {
  const key = `${PREFIX}zipped.parquet.gz`;
  await put(key, gzipSync(parquetBytes));
  const r = await runCli(['normalize', `s3://${BUCKET}/${key}`], { env: server.env });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Parquet data inside gzip: not read/);
  const s = await runCli(['normalize', '-'], { stdin: parquetBytes });
  assert.equal(s.code, 2);
  assert.match(s.stderr, /Parquet data on stdin or a pipe: not read/);
});

test('--jobs 2 over local and s3:// Parquet and text: every input gives its records', async () => {
  const a = `${PREFIX}jobs-a.parquet`;
  const b = `${PREFIX}jobs-b.parquet`;
  await put(a, parquetBytes);
  await put(b, parquetBytes);
  const r = await runCli(['normalize', '--jobs', '2', '--summary', 'json', `s3://${BUCKET}/${a}`, parquetPath, `s3://${BUCKET}/${b}`, textPath], { env: server.env });
  assert.equal(r.code, 0, r.stderr);
  const got = maskOutput(r.stdout);
  assert.equal(got.length, 4 * ROWS);
  // The text file holds the same flows: four copies of the same records, in whatever order the inputs finished.
  assert.deepEqual([...got].sort(), [...expected, ...expected, ...expected, ...expected].sort());
});
