// Issue 14, found by a review after the first round: UTF-32 without a byte
// order mark is named; a closed stderr keeps the true exit status; every
// `--summary json` run ends with a line that carries `exitStatus`, also when
// it stops before its summary (a usage error, an interrupt).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BIN, runCli } from './helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'awslogs-evidence-followup-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const vpcLine = (i: number) => `2 123456789012 eni-0a1b2c3d4e5f60718 192.0.2.${i % 250} 198.51.100.1 ${1024 + i} 443 6 10 840 ${1714557600 + i} ${1714557660 + i} ACCEPT OK`;
const vpcText = (n: number) => Array.from({ length: n }, (_, i) => vpcLine(i)).join('\n') + '\n';

function put(name: string, content: string | Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

/** UTF-32 text without a byte order mark: four bytes a character, the zeros on one side. */
function utf32(text: string, bigEndian: boolean): Buffer {
  const out = Buffer.alloc(text.length * 4);
  for (let i = 0; i < text.length; i++) {
    if (bigEndian) out.writeUInt32BE(text.charCodeAt(i), 4 * i);
    else out.writeUInt32LE(text.charCodeAt(i), 4 * i);
  }
  return out;
}

function lastJsonLine(stderr: string): Record<string, unknown> {
  const lines = stderr.trimEnd().split('\n');
  for (const l of lines) JSON.parse(l); // every line is one JSON object
  return JSON.parse(lines.at(-1)!) as Record<string, unknown>;
}

test('UTF-32 without a byte order mark (LE and BE, plain and inside gzip) is named, exit 2, with --type and detected', async () => {
  const text = vpcText(5);
  const files = [
    put('u32le', utf32(text, false)), put('u32be', utf32(text, true)),
    put('u32le.gz', gzipSync(utf32(text, false))), put('u32be.gz', gzipSync(utf32(text, true))),
  ];
  for (const file of files) {
    for (const type of [['--type', 'AWS.VPCFlow'], []]) {
      const r = await runCli(['normalize', ...type, file]);
      assert.equal(r.code, 2, `${file} ${type.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /UTF-32(LE|BE) text without a byte order mark( inside gzip)?: not a format awslogs reads/, file);
      assert.doesNotMatch(r.stderr, /field version/);
    }
  }
  // Plain UTF-8 and UTF-16 with a BOM are still read.
  assert.equal((await runCli(['normalize', '--type', 'AWS.VPCFlow', put('plain.log', text)])).code, 0);
});

/** Runs the binary with stderr a pipe that the reader closes at once (`2>&1 | true`). */
function runWithClosedStderr(args: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.destroy();
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}

test('a closed stderr: the run ends quietly with its true status (0, 1 or 2), never an uncaught EPIPE', async () => {
  const good = put('good.log', vpcText(50));
  const bad = put('bad.log', vpcText(3) + '2 not a flow\n');
  const sevenZip = put('x.7z', Buffer.concat([Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), Buffer.alloc(64, 1)]));
  for (let i = 0; i < 3; i++) {
    assert.equal(await runWithClosedStderr(['normalize', good]), 0, 'all records normalized');
    assert.equal(await runWithClosedStderr(['normalize', bad]), 1, 'some records failed');
    assert.equal(await runWithClosedStderr(['normalize', sevenZip]), 2, 'an input in a format awslogs does not read');
  }
});

test('--summary json: an output that is an input is a usage-error line with exitStatus 2, the last line', async () => {
  const input = put('s1.log', vpcText(5));
  const r = await runCli(['normalize', '--summary', 'json', '-e', input, input]);
  assert.equal(r.code, 2);
  const last = lastJsonLine(r.stderr);
  assert.equal(last.kind, 'usage-error');
  assert.equal(last.exitStatus, 2);
  assert.match(String(last.message), /is the same file as the input/);
});

test('--summary json: an interrupted run ends with an interrupted line that carries the exit status (130)', async () => {
  // Reading a pipe that never ends: the run waits until it is interrupted.
  const child = spawn(process.execPath, [BIN, 'normalize', '--type', 'AWS.VPCFlow', '--summary', 'json', '-'], { stdio: ['pipe', 'ignore', 'pipe'] });
  const err: Buffer[] = [];
  child.stderr.on('data', (b: Buffer) => err.push(b));
  child.stdin.write(vpcText(3));
  await new Promise((r) => setTimeout(r, 700));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(code, 130);
  const last = lastJsonLine(Buffer.concat(err).toString('utf8'));
  assert.equal(last.kind, 'interrupted');
  assert.equal(last.exitStatus, 130);
});
