// --jobs: output does not depend on the number of worker threads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, ROOT, maskOutput, runCli } from './helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'awslogs-jobs-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const VPC_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

function vpcFile(name: string, lines: number, badEvery: number): string {
  const rows = [VPC_HEADER];
  for (let i = 0; i < lines; i++) {
    const port = i % badEvery === 0 ? 'bad' : String(1024 + (i % 60000));
    rows.push(`2 123456789012 eni-0a1b2c3d4e5f60718 10.0.${i % 250}.1 172.31.0.${i % 200} ${port} 443 6 3 120 ${1700000000 + i} ${1700000060 + i} ACCEPT OK`);
  }
  const path = join(tmp, name);
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}

test('--jobs 1 and --jobs 2 write the same records in the same order, and the same error reports', async () => {
  const samples = readdirSync(join(ROOT, 'samples')).sort().map((f) => join(ROOT, 'samples', f));
  const inputs = [vpcFile('a.log', 30000, 997), ...samples, vpcFile('b.log', 20000, 1499), vpcFile('c.log', 5, 2)];
  const runs = [];
  for (const jobs of ['1', '2']) {
    const errors = join(tmp, `errors-${jobs}.ndjson`);
    const r = await runCli(['normalize', '--jobs', jobs, '--errors', errors, ...inputs]);
    runs.push({ r, out: maskOutput(r.stdout), errors: readFileSync(errors, 'utf8') });
  }
  const [one, two] = runs as [typeof runs[0], typeof runs[0]];
  assert.equal(one.r.code, 1);
  assert.equal(two.r.code, 1);
  assert.ok(one.out.length > 50000);
  assert.deepEqual(two.out, one.out);
  assert.equal(two.errors, one.errors);
  const withoutTiming = (stderr: string) => stderr.replace(/,? (in )?\d+\.\ds\n/g, '\n');
  assert.equal(withoutTiming(two.r.stderr), withoutTiming(one.r.stderr), 'same summary');
});

test('--jobs 2 with later inputs spilling to disk (a tiny memory budget) keeps the order exactly', async () => {
  const inputs = [vpcFile('s1.log', 20000, 1e9), vpcFile('s2.log', 30000, 701), vpcFile('s3.log', 25000, 1e9), vpcFile('s4.log', 100, 1e9)];
  const one = await runCli(['normalize', '-q', '--jobs', '1', ...inputs]);
  const privateTmp = mkdtempSync(join(tmp, 'spill-'));
  const two = await runCli(['normalize', '-q', '--jobs', '2', ...inputs], { env: { AWSLOGS_ORDER_BUFFER_BYTES: '65536', TMPDIR: privateTmp } });
  assert.equal(two.code, one.code, two.stderr);
  const a = maskOutput(one.stdout);
  const b = maskOutput(two.stdout);
  assert.equal(b.length, a.length);
  assert.deepEqual(b, a);
  assert.deepEqual(readdirSync(privateTmp), [], 'spill files removed');
});

test('--jobs 2 with many inputs spilling: every worker finishes, no listener warnings, same output as --jobs 1', async () => {
  // Each spilled input is copied to stdout in turn; that once left listeners
  // on stdout per input (a warning past ten) and could leave a batch waiting
  // for a 'drain' its ending spill file never emits (a hang, now timed out).
  const inputs = Array.from({ length: 14 }, (_, i) => vpcFile(`m${i}.log`, 4000 + 500 * (i % 3), 1e9));
  const one = await runCli(['normalize', '--jobs', '1', ...inputs]);
  const privateTmp = mkdtempSync(join(tmp, 'spill-many-'));
  const two = await runCli(['normalize', '--jobs', '2', ...inputs], { env: { AWSLOGS_ORDER_BUFFER_BYTES: '1', TMPDIR: privateTmp }, timeoutMs: 60_000 });
  assert.equal(two.signal, null, 'finished (not killed by the timeout)');
  assert.equal(two.code, one.code, two.stderr);
  assert.doesNotMatch(two.stderr, /Warning|listeners/);
  assert.deepEqual(maskOutput(two.stdout), maskOutput(one.stdout));
  assert.deepEqual(readdirSync(privateTmp), [], 'spill files removed');
});

test('--jobs 2 under | head -1 ends quietly with status 0', () => {
  const a = vpcFile('h1.log', 100000, 1e9);
  const b = vpcFile('h2.log', 100000, 1e9);
  const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" normalize -j 2 --type AWS.VPCFlow "${a}" "${b}" | head -1`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  // Line 2 of each file is a bad record (vpcFile: i = 0): its report may come before head closes the pipe (reads of 128 KiB report sooner).
  assert.equal(r.stderr.replace(/^awslogs: \S+:2: AWS\.VPCFlow: field srcport: expected a port number \(0-65535\), found "bad"\n/gm, ''), '');
  assert.equal(r.stdout.trim().split('\n').length, 1);
});

test('--jobs must be a positive integer', async () => {
  const r = await runCli(['normalize', '--jobs', '0', 'samples/AWS.VPCFlow.log']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--jobs: must be an integer from 1 to 256/);
});
