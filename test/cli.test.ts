// The built binary, run as a user would: exit codes, stderr, pipes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BIN, ROOT, runCli } from './helpers/cli.js';

const HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const GOOD = '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK';
const BAD = '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 http 22 6 20 4249 1418530010 1418530070 ACCEPT OK';

const tmp = mkdtempSync(join(tmpdir(), 'awslogs-cli-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

test('the README sample normalizes with exit 0 and a summary on stderr', async () => {
  const r = await runCli(['normalize', '--type', 'AWS.VPCFlow', 'samples/AWS.VPCFlow.log']);
  assert.equal(r.code, 0);
  const lines = r.stdout.trim().split('\n');
  assert.ok(lines.length >= 5);
  for (const l of lines) assert.equal(JSON.parse(l).p_log_type, 'AWS.VPCFlow');
  assert.match(r.stderr, /AWS\.VPCFlow: 1 input, \d+ records read: \d+ written, 0 failed, 1 skipped/);
});

test('--quiet prints nothing on stderr for a clean run', async () => {
  const r = await runCli(['normalize', '--quiet', '--type', 'AWS.VPCFlow', 'samples/AWS.VPCFlow.log']);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '');
});

test('files are read in order; stdin when the file is -', async () => {
  const a = file('a.log', `${HEADER}\n${GOOD}\n`);
  const b = file('b.log', `${GOOD.replace('20641', '1111')}\n`);
  const r = await runCli(['normalize', '-q', '--type', 'AWS.VPCFlow', a, '-', b], { stdin: GOOD.replace('20641', '2222') + '\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => JSON.parse(l).srcPort), [20641, 2222, 1111]);
});

test('a bad record: exit 1, one short stderr line with file:line and the field, neighbours written', async () => {
  const f = file('bad.log', `${HEADER}\n${GOOD}\n${BAD}\n${GOOD}\n`);
  const r = await runCli(['normalize', '--type', 'AWS.VPCFlow', f]);
  assert.equal(r.code, 1);
  assert.equal(r.stdout.trim().split('\n').length, 2);
  assert.match(r.stderr, new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: AWS.VPCFlow: field srcport: expected a port number \\(0-65535\\), found "http"`));
  assert.match(r.stderr, /4 records read: 2 written, 1 failed, 1 skipped/);
});

test('--errors FILE receives the reports as NDJSON with file, line, logType, error, raw', async () => {
  const f = file('bad2.log', `${GOOD}\n${BAD}\n`);
  const errors = join(tmp, 'errors.ndjson');
  const r = await runCli(['normalize', '-q', '--type', 'AWS.VPCFlow', '--errors', errors, f]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, '');
  const reports = readFileSync(errors, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(reports, [{ file: f, line: 2, logType: 'AWS.VPCFlow', error: 'field srcport: expected a port number (0-65535), found "http"', raw: BAD }]);
});

test('after 20 error lines on stderr only a count is printed', async () => {
  const f = file('many-bad.log', Array.from({ length: 25 }, () => BAD).join('\n') + '\n');
  const r = await runCli(['normalize', '-q', '--type', 'AWS.VPCFlow', f]);
  assert.equal(r.code, 1);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 21);
  assert.match(lines[20]!, /and 5 more errors \(use --errors FILE/);
});

test('usage errors exit 2 with one line: unknown type lists the valid ones', async () => {
  const r = await runCli(['normalize', '--type', 'AWS.Nope', 'samples/AWS.VPCFlow.log']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^awslogs: unknown log type "AWS\.Nope"; valid types: .*AWS\.VPCFlow/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.equal(r.stdout, '');
});

test('usage errors exit 2: unknown option, --type with --detect, bad --detect, bad --vpc-format, bad --max-line-bytes', async () => {
  for (const args of [
    ['normalize', '--bogus'],
    ['normalize', '--type', 'AWS.VPCFlow', '--detect', 'per-line', 'samples/AWS.VPCFlow.log'],
    ['normalize', '--detect', 'sometimes', 'samples/AWS.VPCFlow.log'],
    ['normalize', '--type', 'AWS.VPCFlow', '--vpc-format', 'srcaddr SRC', 'samples/AWS.VPCFlow.log'],
    ['normalize', '--type', 'AWS.VPCFlow', '--max-line-bytes', 'lots', 'samples/AWS.VPCFlow.log'],
    ['frobnicate'],
  ]) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^awslogs: /, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.equal(r.stdout, '');
  }
});

test('a missing file is an error for it alone: one clear line naming it, the other input written, exit 2', async () => {
  const r = await runCli(['normalize', '--quiet', '--type', 'AWS.VPCFlow', 'samples/AWS.VPCFlow.log', 'nope/missing.log']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'awslogs: nope/missing.log: no such file or directory\n');
  assert.ok(r.stdout.split('\n').filter((l) => l.length > 0).length > 0, 'the readable input is written');
});

test('corrupt gzip: exit 2, the message names the file; records before the fault are written', async () => {
  const body = gzipSync(Buffer.from(Array.from({ length: 2000 }, () => GOOD).join('\n') + '\n'));
  const cut = file('cut.log.gz', body.subarray(0, Math.floor(body.length / 2)));
  const r = await runCli(['normalize', '--type', 'AWS.VPCFlow', cut]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`cut\\.log\\.gz: corrupt gzip data \\(unexpected end of file\\) at or before compressed byte \\d+`));
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  const written = r.stdout.trim().split('\n').filter((l) => l.length > 0);
  for (const l of written) assert.equal(JSON.parse(l).srcPort, 20641);
});

test('gzip is recognised by its bytes, not its name', async () => {
  const f = file('looks-plain.log', gzipSync(Buffer.from(`${HEADER}\n${GOOD}\n`)));
  const r = await runCli(['normalize', '-q', '--type', 'AWS.VPCFlow', f]);
  assert.equal(r.code, 0);
  assert.equal(JSON.parse(r.stdout).srcAddr, '172.31.16.139');
});

test('| head -1 ends quietly with status 0 and no stack trace', () => {
  const big = file('big.log', `${HEADER}\n` + `${GOOD}\n`.repeat(200000));
  const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" normalize --type AWS.VPCFlow "${big}" | head -1`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 1);
  assert.equal(JSON.parse(r.stdout).srcPort, 20641);
  assert.equal(r.stderr, '');
});

test('awslogs types lists one type per line; awslogs schema prints a schema', async () => {
  const t = await runCli(['types']);
  assert.equal(t.code, 0);
  assert.match(t.stdout, /^AWS\.VPCFlow\s+VPC Flow Logs/m);
  const s = await runCli(['schema', 'AWS.VPCFlow']);
  assert.equal(s.code, 0);
  assert.equal(JSON.parse(s.stdout).title, 'AWS.VPCFlow');
  const bad = await runCli(['schema', 'AWS.Nope']);
  assert.equal(bad.code, 2);
});

test('--help has examples; --version prints the package version', async () => {
  const h = await runCli(['normalize', '--help']);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /Examples:\n\s+awslogs normalize/);
  const v = await runCli(['--version']);
  assert.equal(v.code, 0);
  assert.equal(v.stdout.trim(), JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
});
