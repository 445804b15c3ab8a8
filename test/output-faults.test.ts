// Output that cannot be written (issue 8): a full disk, a read-only or
// impossible --out-dir, stdout or --errors on /dev/full, an interrupt. Each
// ends with one clear line and status 2 (130 for Ctrl-C), and never leaves a
// partial file that looks complete: no final .ndjson for a failed input, no
// temporary file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, listFiles, runCli } from './helpers/cli.js';
import { assertCleanStderr } from './helpers/hostile.js';

const tmp = mkdtempSync(join(tmpdir(), 'awslogs-faults-'));
const mounts: string[] = [];
process.on('exit', () => {
  for (const m of mounts) spawnSync('umount', [m]);
  rmSync(tmp, { recursive: true, force: true });
});

const VPC_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

/** A VPC input of `lines` records, every `badEvery`th one bad (0: none): ~450 output bytes per record. */
function vpcInput(rel: string, lines: number, badEvery = 0): string {
  const rows = [VPC_HEADER];
  for (let i = 0; i < lines; i++) {
    const port = badEvery > 0 && i % badEvery === 0 ? 'bad' : String(i % 65536);
    rows.push(`2 123456789012 eni-0a1b2c3d4e5f60718 10.0.${i % 250}.1 172.31.0.${i % 200} ${port} 443 6 3 120 ${1700000000 + i} ${1700000060 + i} ACCEPT OK`);
  }
  const path = join(tmp, rel);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, rows.join('\n') + '\n');
  return path;
}


/** Mounts a tmpfs (we run as root in CI); returns why not when that is not allowed. */
function mountTmpfs(dir: string, options: string): string | undefined {
  mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.error !== undefined || r.status !== 0) return `cannot mount a tmpfs here (${(r.error?.message ?? r.stderr).trim() || `status ${r.status}`})`;
  mounts.push(dir);
  return undefined;
}

const probe = join(tmp, 'probe');
const mountRefused = mountTmpfs(probe, 'size=64k');
if (mountRefused === undefined) {
  spawnSync('umount', [probe]);
  mounts.pop();
}
const noDevFull = existsSync('/dev/full') ? undefined : 'no /dev/full here';

test('a full disk under --out-dir: exit 2, one clear line, the run stops, no partial or temporary file', { skip: mountRefused }, async () => {
  const inputs = join(tmp, 'in-full');
  vpcInput('in-full/a-small.log', 20);
  vpcInput('in-full/b-big.log', 3000);
  vpcInput('in-full/c-big.log', 3000);
  for (const jobs of ['1', '2']) {
    const out = join(tmp, `full-${jobs}`);
    const refused = mountTmpfs(out, 'size=64k');
    assert.equal(refused, undefined);
    const r = await runCli(['normalize', '--jobs', jobs, '--type', 'AWS.VPCFlow', '--out-dir', out, inputs]);
    assert.equal(r.code, 2, r.stderr);
    assertCleanStderr(r.stderr);
    assert.match(r.stderr, /awslogs: \S+b-big\.log: cannot write \S+b-big\.ndjson: ENOSPC: no space left on device/);
    // The small input fitted and is complete; the big ones left nothing behind.
    // (With two workers the small one may be written while a big one fills
    // the disk, so it may fail too: then it must leave nothing either.)
    const left = listFiles(out);
    if (jobs === '1') assert.deepEqual(left, ['a-small.ndjson']);
    else assert.ok(left.length === 0 || (left.length === 1 && left[0] === 'a-small.ndjson'), `--jobs 2 left ${left.join(', ')}`);
    if (left.length === 1) assert.equal(readFileSync(join(out, 'a-small.ndjson'), 'utf8').trim().split('\n').length, 20);
    if (jobs === '1') assert.doesNotMatch(r.stderr, /c-big/, 'a full disk stops the run at the first failure');
  }
});

test('--out-dir on a read-only file system: exit 2, one clear line, nothing written', { skip: mountRefused }, async () => {
  vpcInput('in-ro/x.log', 10);
  vpcInput('in-ro/z.log', 10);
  const ro = join(tmp, 'ro');
  assert.equal(mountTmpfs(ro, 'ro,size=64k'), undefined);
  for (const jobs of ['1', '2']) {
    const r = await runCli(['normalize', '--jobs', jobs, '--type', 'AWS.VPCFlow', '--out-dir', ro, join(tmp, 'in-ro')]);
    assert.equal(r.code, 2, r.stderr);
    assertCleanStderr(r.stderr);
    assert.match(r.stderr, /cannot write \S+x\.ndjson: EROFS: read-only file system/);
    assert.deepEqual(listFiles(ro), []);
  }
});

test('--out-dir below a regular file (mkdir fails with ENOTDIR): exit 2, one clear line', async () => {
  const input = vpcInput('in-notdir/y.log', 10);
  const plainFile = join(tmp, 'a-file');
  writeFileSync(plainFile, 'not a directory');
  const r = await runCli(['normalize', '--type', 'AWS.VPCFlow', '--out-dir', join(plainFile, 'out'), input]);
  assert.equal(r.code, 2, r.stderr);
  assertCleanStderr(r.stderr);
  assert.match(r.stderr, /cannot create \S+a-file\/out: ENOTDIR: not a directory/);
  assert.equal(r.stderr.trim().split('\n').filter((l) => /ENOTDIR/.test(l)).length, 1);
});

/** Runs the CLI with stdout on /dev/full. */
function toDevFull(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  const fd = openSync('/dev/full', 'w');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', fd, 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    closeSync(fd);
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => { stderr += b.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

test('stdout on a full device (> /dev/full): exit 2 and one clear line, with --jobs 1 and 2', { skip: noDevFull }, async () => {
  const small = vpcInput('devfull/small.log', 5);
  const big = vpcInput('devfull/big.log', 5000);
  for (const args of [['--jobs', '1', small], ['--jobs', '1', big], ['--jobs', '2', big, small]]) {
    const r = await toDevFull(['normalize', '--type', 'AWS.VPCFlow', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assertCleanStderr(r.stderr);
    assert.match(r.stderr, /^awslogs: cannot write to stdout: ENOSPC: no space left on device/m);
  }
});

test('--errors on a full device: exit 2 and one clear line naming it; no temporary file left', { skip: noDevFull }, async () => {
  const bad = vpcInput('errfull/bad.log', 200, 10);
  // ~1 MB of reports: the --errors file is written (and fails) in the middle of the input.
  const many = vpcInput('errfull/many.log', 4000, 1);
  for (const args of [['--jobs', '1', bad], ['--jobs', '1', many, bad], ['--jobs', '2', bad, many]]) {
    const r = await runCli(['normalize', '-q', '--type', 'AWS.VPCFlow', '--errors', '/dev/full', ...args]);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assertCleanStderr(r.stderr);
    assert.match(r.stderr, /^awslogs: --errors \/dev\/full: cannot write \(ENOSPC: no space left on device, write\)$/m);
  }
  const out = join(tmp, 'errfull-out');
  const r = await runCli(['normalize', '-q', '--jobs', '1', '--type', 'AWS.VPCFlow', '--errors', '/dev/full', '--out-dir', out, many]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--errors \/dev\/full: cannot write/);
  assert.deepEqual(listFiles(out).filter((f) => /\.tmp-/.test(f)), []);
});

test('Ctrl-C during a --jobs 2 batch: temporary files removed, exit 130', async () => {
  const header = `${VPC_HEADER}\n`;
  const line = '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n';
  const dir = join(tmp, 'sigint');
  mkdirSync(dir, { recursive: true });
  for (const name of ['a.log', 'b.log']) writeFileSync(join(dir, name), header + line.repeat(250000));
  const out = join(tmp, 'sigint-out');
  const child = spawn(process.execPath, [BIN, 'normalize', '-q', '--jobs', '2', '--type', 'AWS.VPCFlow', '--out-dir', out, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  for (let i = 0; i < 400 && listFiles(out).filter((f) => /\.tmp-/.test(f)).length < 2; i++) await new Promise((r) => setTimeout(r, 25));
  assert.equal(listFiles(out).filter((f) => /\.tmp-/.test(f)).length, 2, 'both workers are writing');
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 130);
  assert.match(stderr, /interrupted \(SIGINT\); no partial output files left/);
  assertCleanStderr(stderr);
  assert.deepEqual(listFiles(out), [], 'no temporary file left, no final .ndjson');
});
