// Issue 14 ("Safe around evidence"), items 8, 12, 13, 15, 16, 17, 18, through
// the built binary as a user runs it: input text on the terminal is escaped,
// --summary json is JSON on every line, --vpc-format typos and wide headers
// are refused, a failed detection says why, unsupported archives and
// encodings are named, and the figures are true.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BIN, runCli } from './helpers/cli.js';
import { jsonSummary, parseRecords } from './helpers/hostile.js';

const tmp = mkdtempSync(join(tmpdir(), 'awslogs-evidence-msg-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

let dirs = 0;
/** A fresh directory holding the given files. */
function tree(files: Record<string, string | Buffer>): string {
  const dir = join(tmp, `t${dirs++}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const VPC_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const vpcLine = (i: number) => `2 123456789012 eni-0a1b2c3d4e5f60718 192.0.2.${i % 250} 198.51.100.1 ${1024 + (i % 60000)} 443 6 10 840 ${1714557600 + i} ${1714557660 + i} ACCEPT OK`;
const vpcText = (n: number, from = 0) => Array.from({ length: n }, (_, i) => vpcLine(from + i)).join('\n') + '\n';

/** Characters a terminal acts on: C0 (but the line feed ending each line), DEL, C1, line separators, bidi controls. */
const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function assertInert(text: string, what: string): void {
  const m = TERMINAL_CONTROL.exec(text);
  assert.equal(m, null, `${what}: raw U+${m?.[0].charCodeAt(0).toString(16).padStart(4, '0')} in ${JSON.stringify(text)}`);
}

interface Message { kind: string; file?: string; line?: number; message?: string; exitStatus?: number }

/** Every stderr line of a --summary json run, each parsed (a line that is not JSON fails the test). */
function jsonLines(stderr: string): Message[] {
  const lines = stderr.split('\n');
  assert.equal(lines.pop(), '', 'stderr ends with a line end');
  return lines.map((l) => {
    try {
      return JSON.parse(l) as Message;
    } catch {
      assert.fail(`a stderr line is not JSON: ${JSON.stringify(l)}`);
    }
  });
}

// ---- item 8: input text on the terminal ------------------------------------------

const HOSTILE_NAMES = ['a\x1b[2Jb.log', 'c\u009b2Jd.log', 'e\u202egol.txt', 'f\u2066x\u0007.log'];

test('file names with ESC, C1, bidi controls and BEL are shown escaped in every stderr line; --summary json keeps them exact', async () => {
  const dir = tree(Object.fromEntries(HOSTILE_NAMES.map((n) => [n, 'junk\n'])));
  const r = await runCli(['normalize', dir]);
  assert.equal(r.code, 1, r.stderr);
  assertInert(r.stderr, 'text stderr');
  for (const shown of ['a\\x1b[2Jb.log', 'c\\x9b2Jd.log', 'e\\u202egol.txt', 'f\\u2066x\\x07.log']) assert.ok(r.stderr.includes(shown), `${shown} in ${r.stderr}`);

  const j = await runCli(['normalize', '--summary', 'json', dir]);
  assertInert(j.stderr, 'JSON stderr');
  const lines = jsonLines(j.stderr);
  const named = new Set(lines.filter((l) => l.file !== undefined).map((l) => l.file));
  assert.deepEqual([...named].sort(), HOSTILE_NAMES.map((n) => join(dir, n)).sort(), 'JSON gives the names back exactly');
  assert.deepEqual(jsonSummary(j.stderr).inputs.map((i) => i.file).sort(), HOSTILE_NAMES.map((n) => join(dir, n)).sort());
});

test('V8 JSON.parse messages that quote ESC from a record are escaped on stderr; the --errors file keeps the exact text', async () => {
  const dir = tree({
    'esc.json': '{"a": \x1b[2J]}\n',
    'esc2.json': '{"Events":[{"EventId":"x","CloudTrailEvent":"{\\"a\\": \\u001b[1A\\u001b[2K]}"}]}\n',
    'bidi.json': '{"a": \u202e}\n',
  });
  const files = ['esc.json', 'esc2.json', 'bidi.json'].map((f) => join(dir, f));
  const r = await runCli(['normalize', '--type', 'AWS.CloudTrail', ...files]);
  assert.equal(r.code, 1, r.stderr);
  assertInert(r.stderr, 'stderr');
  assert.match(r.stderr, /\\x1b\[2J/);
  assert.match(r.stderr, /\\x1b\[1A/);
  assert.match(r.stderr, /\\u202e/);

  const errors = join(dir, 'errors.ndjson');
  const e = await runCli(['normalize', '--type', 'AWS.CloudTrail', '--errors', errors, ...files]);
  assert.equal(e.code, 1, e.stderr);
  const reports = readFileSync(errors, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { error: string; raw: string });
  assert.ok(reports.some((rep) => rep.error.includes('\x1b')), 'the errors file keeps the message as V8 wrote it');
  assert.equal(reports[0]!.raw, '{"a": \x1b[2J]}');
});

test('notices and input problems escape the file name (a VPC header with an unknown field; a corrupt gzip)', async () => {
  const dir = tree({
    'n\x1b]0;owned\x07.log': `${VPC_HEADER} foo-bar\n${vpcLine(1)} x\n`,
    'g\u009b1m.log.gz': Buffer.concat([gzipSync(vpcText(3)).subarray(0, 40)]),
  });
  const r = await runCli(['normalize', dir]);
  assertInert(r.stderr, 'stderr');
  assert.match(r.stderr, /n\\x1b\]0;owned\\x07\.log: AWS\.VPCFlow: header names fields this version does not know/);
  assert.match(r.stderr, /g\\x9b1m\.log\.gz: corrupt gzip data/);
});

test('detect: a tab or a line end in a file name cannot forge a result line; reasons on stderr are escaped', async () => {
  const dir = tree({ 'x\tAWS.CloudTrail': 'junk\n', 'y\tAWS.VPCFlow\nz.log': 'junk\n', 'q.json': '{"a": \x1b[2J]}\n' });
  const r = await runCli(['detect', dir]);
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l.length > 0);
  assert.deepEqual(lines, [
    `${join(dir, 'q.json')}\tunknown`,
    `${join(dir, 'x\\tAWS.CloudTrail')}\tunknown`,
    `${join(dir, 'y\\tAWS.VPCFlow\\nz.log')}\tunknown`,
  ]);
  for (const l of lines) assert.equal(l.split('\t').length, 2, l);
  assertInert(r.stderr, 'detect stderr');
  assert.match(r.stderr, /q\.json: could not detect .*invalid JSON: .*\\x1b\[2J/);
});

// ---- item 13: --summary json ----------------------------------------------------

test('--summary json: notices, error lines, input problems and the "more errors" count are JSON objects with a kind; the summary is last', async () => {
  const bad = Array.from({ length: 25 }, (_, i) => vpcLine(i).replace(' 840 ', ' eight ')).join('\n');
  const dir = tree({
    'n.log': `${VPC_HEADER} foo-bar\n${vpcLine(1)} x\n${vpcLine(2).replace(' 840 ', ' eight ')} x\n`,
    'many.log': `${bad}\n`,
    'z.log.bz2': Buffer.concat([Buffer.from('BZh91AY&SY'), Buffer.alloc(64, 7)]),
    'ok.log': vpcText(3),
  });
  const r = await runCli(['normalize', '--summary', 'json', '--type', 'AWS.VPCFlow', dir]);
  assert.equal(r.code, 2, r.stderr);
  const lines = jsonLines(r.stderr);
  for (const l of lines) assert.equal(typeof l.kind, 'string', JSON.stringify(l));
  const kinds = new Set(lines.map((l) => l.kind));
  for (const k of ['notice', 'error', 'input-problem', 'more-errors', 'summary']) assert.ok(kinds.has(k), `kind ${k} in ${[...kinds].join(', ')}`);
  assert.equal(lines.at(-1)!.kind, 'summary');
  assert.equal(lines.filter((l) => l.kind === 'summary').length, 1);
  assert.equal(lines.at(-1)!.exitStatus, 2);
  const error = lines.find((l) => l.kind === 'error')!;
  assert.equal(typeof error.line, 'number');
  assert.match(error.message ?? '', /field bytes/);
  assert.deepEqual(lines.filter((l) => l.kind === 'input-problem').map((l) => l.file), [join(dir, 'z.log.bz2')]);
  // `tail -n 1 | jq` and `jq -s` both work: checked by the parse of every line above.
});

test('--summary json: usage errors are one JSON object (kind usage-error, exitStatus 2), whichever option comes first', async () => {
  for (const args of [
    ['normalize', '--summary', 'json', '--type', 'AWS.Nope', '-'],
    ['normalize', '--bogus', '--summary', 'json'],
    ['normalize', '--vpc-format', 'version acount-id', '--summary=json', '-'],
  ]) {
    const r = await runCli(args, { stdin: '' });
    assert.equal(r.code, 2, r.stderr);
    const lines = jsonLines(r.stderr);
    assert.equal(lines.length, 1, r.stderr);
    assert.equal(lines[0]!.kind, 'usage-error');
    assert.equal(lines[0]!.exitStatus, 2);
  }
});

/** Runs the binary with stderr on a pseudo-terminal (script(1)); returns what the terminal showed. */
function onTerminal(args: readonly string[]): string {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ') + ' > /dev/null';
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', env: { ...process.env, TERM: 'xterm', NO_COLOR: '1' }, timeout: 60_000 });
  assert.equal(r.error, undefined, String(r.error));
  return r.stdout;
}

const hasScript = spawnSync('script', ['--version']).status === 0;

test('--summary json on a terminal: no progress line, every line JSON', { skip: !hasScript && 'script(1) is not installed' }, () => {
  const dir = tree({ 'a.log': vpcText(20000), 'b.log': vpcText(20000) });
  const shown = onTerminal(['normalize', '-j', '1', '--summary', 'json', join(dir, 'a.log'), join(dir, 'b.log')]);
  assert.ok(!shown.includes('\x1b'), `no escape code: ${JSON.stringify(shown.slice(0, 200))}`);
  const lines = shown.split(/\r?\n/).filter((l) => l.length > 0);
  for (const l of lines) JSON.parse(l);
  assert.equal((JSON.parse(lines.at(-1)!) as Message).kind, 'summary');
});

// ---- items 12 and 15: --vpc-format and wide headers -----------------------------------

test('--vpc-format with a typo is a usage error naming the closest field, in both spellings; nothing is read', async () => {
  for (const format of ['version acount-id', '${version} ${acount-id}']) {
    for (const command of ['normalize', 'detect']) {
      const args = command === 'normalize' ? ['normalize', '--type', 'AWS.VPCFlow', '--vpc-format', format] : ['detect', '--vpc-format', format];
      const r = await runCli(args, { stdin: `${vpcLine(1)}\n` });
      assert.equal(r.code, 2, `${command} ${format}: ${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, 'awslogs: --vpc-format: unknown field "acount-id": did you mean account-id?\n');
    }
  }
  const far = await runCli(['normalize', '--type', 'AWS.VPCFlow', '--vpc-format', 'version scradr zzzz'], { stdin: '' });
  assert.equal(far.code, 2);
  assert.match(far.stderr, /unknown fields "scradr" \(did you mean srcaddr\?\), "zzzz"; the fields are listed at https:/);
});

test('--vpc-format wider than 256 fields is a usage error', async () => {
  const wide = ['version', ...Array.from({ length: 300 }, (_, i) => `f${i}`)].join(' ');
  const r = await runCli(['normalize', '--type', 'AWS.VPCFlow', '--vpc-format', wide], { stdin: '' });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /--vpc-format: the VPC format names 301 fields, over the limit of 256/);
});

test('a VPC header of 100,000 fields and 1000 lines: rejected with a clear error, well under 10 s (with --type and detected)', async () => {
  let text = 'version srcaddr';
  for (let i = 0; i < 100_000; i++) text += ` f${i}`;
  text += '\n' + '2 192.0.2.1 x\n'.repeat(1000) + `${VPC_HEADER}\n${vpcText(2)}`;
  const dir = tree({ 'AWSLogs/1/vpcflowlogs/wide.log': text });
  const file = join(dir, 'AWSLogs/1/vpcflowlogs/wide.log');
  const run = async (args: readonly string[]) => {
    const started = Date.now();
    const r = await runCli(['normalize', '--summary', 'json', ...args, file], { timeoutMs: 20_000 });
    const seconds = (Date.now() - started) / 1000;
    assert.ok(seconds < 10, `${seconds} s`);
    assert.equal(r.code, 1, r.stderr.slice(0, 2000));
    return r;
  };
  const typed = await run(['--type', 'AWS.VPCFlow']);
  assert.match(jsonLines(typed.stderr)[0]!.message ?? '', /^header line: the VPC format names 100002 fields, over the limit of 256/);
  const s = jsonSummary(typed.stderr);
  assert.equal(s.total.failed, 1001, 'the header and each line after it until the valid header');
  assert.equal(s.total.written, 2, 'a valid header re-arms the layout');
  // Detected: no sampled record parses, and the path's type says why.
  const detected = await run([]);
  assert.match(jsonSummary(detected.stderr).inputs[0]!.problem ?? '',
    /The path suggests AWS\.VPCFlow \(\/vpcflowlogs\/\), but line 1 does not parse as that: header line: the VPC format names 100002 fields/);
});

// ---- item 16: why detection failed ------------------------------------------------

test('a failed detection names the closest types with their first problem, and what the S3 path suggests', async () => {
  const event = '{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1"}\n';
  const dir = tree({ 'nodate.json': event, 'AWSLogs/123456789012/vpcflowlogs/us-east-1/x.log': event });
  const plain = join(dir, 'nodate.json');
  const r = await runCli(['normalize', '--summary', 'json', plain]);
  assert.equal(r.code, 1);
  const problem = jsonSummary(r.stderr).inputs[0]!.problem ?? '';
  assert.match(problem, /Closest: AWS\.CloudTrail \(line 1: missing required field eventTime\); AWS\.GuardDuty \(line 1: missing required fields: /);
  assert.doesNotMatch(problem, /AWS\.ALB \(/, 'a text type is not close to a JSON record');
  assert.ok(jsonLines(r.stderr).some((l) => l.kind === 'input-problem' && l.message === problem));

  const hinted = join(dir, 'AWSLogs/123456789012/vpcflowlogs/us-east-1/x.log');
  const d = await runCli(['detect', hinted]);
  assert.equal(d.code, 1);
  assert.match(d.stderr, /Closest: AWS\.CloudTrail \(line 1: missing required field eventTime\)/);
  assert.match(d.stderr, /The path suggests AWS\.VPCFlow \(\/vpcflowlogs\/\), but line 1 does not parse as that: expected 14 space-separated fields/);
});

// ---- item 17: archives and encodings ---------------------------------------------

function tarOf(name: string, content: string): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0);
  header.write('ustar\x0000', 257, 'latin1');
  return Buffer.concat([header, Buffer.from(content), Buffer.alloc(512)]);
}

const junk = Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 0xff));
const ARCHIVES: Array<[name: string, bytes: Buffer, named: RegExp]> = [
  ['x.bz2', Buffer.concat([Buffer.from('BZh91AY&SY'), junk]), /bzip2-compressed data: .*bunzip2/],
  ['x.xz', Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), junk]), /xz-compressed data/],
  ['x.zst', Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), junk]), /zstd-compressed data/],
  ['x.zip', Buffer.concat([Buffer.from('PK\x03\x04'), junk]), /a zip archive: .*unzip/],
  ['x.7z', Buffer.concat([Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), junk]), /a 7z archive/],
  ['x.lz4', Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18]), junk]), /lz4-compressed data/],
  ['x.tar', tarOf('flow.log', vpcText(3)), /a tar archive: .*tar -xf/],
  ['x.tar.gz', gzipSync(tarOf('flow.log', vpcText(3))), /a tar archive inside gzip: .*tar -xzf/],
  ['x.zip.gz', gzipSync(Buffer.concat([Buffer.from('PK\x03\x04'), junk])), /a zip archive inside gzip/],
  ['x16.log', Buffer.from(vpcText(3), 'utf16le'), /UTF-16LE text without a byte order mark: .*iconv -f UTF-16LE/],
];

test('bzip2, xz, zstd, zip, 7z, lz4, tar (also inside gzip) and BOM-less UTF-16: one error naming the format, exit 2, the other inputs read', async () => {
  const dir = tree({ ...Object.fromEntries(ARCHIVES.map(([n, b]) => [n, b])), 'ok.log': vpcText(3) });
  for (const args of [['--type', 'AWS.VPCFlow'], []]) {
    const r = await runCli(['normalize', '--summary', 'json', ...args, ...ARCHIVES.map(([n]) => join(dir, n)), join(dir, 'ok.log')]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(parseRecords(r.stdout).length, 3, 'ok.log is read');
    const lines = jsonLines(r.stderr);
    for (const [name, , named] of ARCHIVES) {
      const about = lines.filter((l) => l.file === join(dir, name));
      assert.equal(about.length, 1, `${name}: one line, no field errors: ${JSON.stringify(about)}`);
      assert.equal(about[0]!.kind, 'input-problem');
      assert.match(about[0]!.message ?? '', named, name);
    }
    const s = jsonSummary(r.stderr);
    assert.equal(s.total.failed, 0, 'no record errors');
  }
  const d = await runCli(['detect', join(dir, 'x.bz2'), join(dir, 'ok.log')]);
  assert.equal(d.code, 2);
  assert.equal(d.stdout, `${join(dir, 'x.bz2')}\tunknown\n${join(dir, 'ok.log')}\tAWS.VPCFlow\n`);
  assert.match(d.stderr, /x\.bz2: bzip2-compressed data/);
});

test('UTF-16 with a byte order mark (LE and BE, plain and gzip) is decoded: the same records as UTF-8', async () => {
  const text = `${VPC_HEADER}\n${vpcText(5)}`;
  const be = Buffer.from(text, 'utf16le').swap16();
  const dir = tree({
    'le.log': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    'be.log': Buffer.concat([Buffer.from([0xfe, 0xff]), be]),
    'le.log.gz': gzipSync(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])),
    'utf8.log': text,
  });
  const expected = parseRecords((await runCli(['normalize', join(dir, 'utf8.log')])).stdout).map((r) => r.srcAddr);
  assert.equal(expected.length, 5);
  for (const name of ['le.log', 'be.log', 'le.log.gz']) {
    for (const args of [['--type', 'AWS.VPCFlow'], []]) {
      const r = await runCli(['normalize', ...args, join(dir, name)]);
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.deepEqual(parseRecords(r.stdout).map((rec) => rec.srcAddr), expected, name);
    }
  }
});

// ---- item 18: true figures --------------------------------------------------------

test('--max-line-bytes counts bytes: a line of 702 characters and 1,402 bytes is over a limit of 1024', async () => {
  const r = await runCli(['normalize', '--type', 'AWS.VPCFlow', '--max-line-bytes', '1024'], { stdin: `2 ${'\u00e9'.repeat(700)}\n${vpcLine(1)}\n` });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /-:1: AWS\.VPCFlow: line is 1402 bytes long, over the limit of 1024 \(--max-line-bytes\)/);
  assert.equal(parseRecords(r.stdout).length, 1);
  const fits = await runCli(['normalize', '--type', 'AWS.VPCFlow', '--max-line-bytes', '1402'], { stdin: `2 ${'\u00e9'.repeat(700)}\n` });
  assert.doesNotMatch(fits.stderr, /over the limit/);
});

test('--jobs 2: a type\'s seconds never exceed the run\'s', async () => {
  const dir = tree(Object.fromEntries([0, 1, 2, 3].map((k) => [`v${k}.log`, vpcText(25000, k * 25000)])));
  const r = await runCli(['normalize', '-q', '-j', '2', '--summary', 'json', ...[0, 1, 2, 3].map((k) => join(dir, `v${k}.log`))]);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stderr.trim().split('\n').at(-1)!) as { seconds: number; types: Record<string, { seconds: number }> };
  const vpc = s.types['AWS.VPCFlow']!;
  assert.ok(vpc.seconds <= s.seconds, `type ${vpc.seconds} s, run ${s.seconds} s`);
  assert.ok(vpc.seconds > 0);
});

test('the progress line\'s MB/s counts decompressed bytes (gzip input)', { skip: !hasScript && 'script(1) is not installed' }, () => {
  const text = vpcText(60000);
  const dir = tree({ 'big.log.gz': gzipSync(text, { level: 9 }) });
  const started = Date.now();
  const shown = onTerminal(['normalize', '-j', '1', join(dir, 'big.log.gz')]);
  const wall = (Date.now() - started) / 1000;
  const rates = [...shown.matchAll(/1\/1 files · \d+ records · ([\d.]+) MB\/s/g)].map((m) => Number(m[1]));
  assert.ok(rates.length > 0, JSON.stringify(shown.slice(-500)));
  // The last draw's rate is the text read over the time since the progress
  // line began, which is within the test's wall time: at least text / wall.
  // Counting compressed bytes (about a tenth here) falls far below.
  const lowest = Buffer.byteLength(text) / 1e6 / wall;
  assert.ok(rates.at(-1)! >= lowest * 0.9, `${rates.at(-1)} MB/s shown, at least ${lowest.toFixed(2)} MB/s of text`);
});
