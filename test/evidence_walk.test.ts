// Walking trees of evidence as find and ripgrep do (issue 14 items 3, 5, 6, 7
// and the file-name half of 8), through the built binary on real trees:
// symbolic links and loops, FIFOs, sockets, devices, names that are not
// UTF-8 or hold a tab, an unreadable directory (run as a non-root user), a
// missing argument, and the --out-dir inside the walked tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, listFiles, runCli, type RunResult, stderrAsText } from './helpers/cli.js';
import { assertCleanStderr, jsonSummary, parseRecords } from './helpers/hostile.js';
import { describeSkip, expandInputs, showPathBytes, skippedCounts } from '../src/pipeline/inputs.js';

const tmp = mkdtempSync(join(tmpdir(), 'awslogs-walk-'));
process.on('exit', () => {
  spawnSync('chmod', ['-R', 'u+rwx', tmp]);
  rmSync(tmp, { recursive: true, force: true });
});

const vpcLine = (i: number) => `2 123456789012 eni-0a1b2c3d4e5f60718 192.0.2.${i} 198.51.100.1 49152 443 6 10 840 ${1714557600 + i} ${1714557660 + i} ACCEPT OK`;

/** Writes `content` at `parts` under the scratch folder (a Buffer part keeps bytes that are not UTF-8); returns the path. */
function put(parts: Array<string | Buffer>, content: string): Buffer {
  const path = Buffer.concat([Buffer.from(tmp), ...parts.map((p) => Buffer.concat([Buffer.from('/'), Buffer.from(p)]))]);
  const dir = path.subarray(0, path.lastIndexOf(0x2f));
  mkdirSync(dir, { recursive: true });
  writeFileSync(path, content);
  return path;
}

const at = (...parts: string[]) => join(tmp, ...parts);

type Skipped = { file: string; reason: string; sameAs?: string };
const skippedOf = (r: RunResult) => (jsonSummary(r.stderr) as unknown as { skippedFiles: Skipped[] }).skippedFiles;

/** Runs normalize with --summary json; every run must end cleanly. */
async function normalize(args: string[], timeoutMs = 20_000): Promise<RunResult> {
  const r = await runCli(['normalize', '--summary', 'json', ...args], { timeoutMs });
  assert.equal(r.signal, null, `killed after ${timeoutMs} ms (a hang): ${r.stderr.slice(0, 500)}`);
  assertCleanStderr(r.stderr);
  return r;
}

// Item 5: links in a tree.

test('a link up the tree (up -> ..) is not followed: 1 record, not 41; listed as a skipped link', async () => {
  put(['loop1', 'd', 'f.log'], vpcLine(1) + '\n');
  symlinkSync('..', at('loop1', 'd', 'up'));
  const r = await normalize([at('loop1')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(parseRecords(r.stdout).length, 1);
  assert.deepEqual(skippedOf(r), [{ file: at('loop1', 'd', 'up'), reason: 'link' }]);
});

test('two loops (up -> .., self -> .) end at once in normalize and detect, with and without --follow', async () => {
  put(['loop2', 'd', 'f.log'], vpcLine(2) + '\n');
  symlinkSync('..', at('loop2', 'd', 'up'));
  symlinkSync('.', at('loop2', 'd', 'self'));
  for (const follow of [[], ['--follow']]) {
    const r = await normalize([...follow, at('loop2')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(parseRecords(r.stdout).length, 1, `each file read once ${follow.join('')}`);
    const reasons = skippedOf(r).map((s) => `${s.file} ${s.reason}`).sort();
    const expected = follow.length === 0 ? 'link' : 'link loop';
    assert.deepEqual(reasons, [`${at('loop2', 'd', 'self')} ${expected}`, `${at('loop2', 'd', 'up')} ${expected}`]);
    const d = await runCli(['detect', ...follow, at('loop2')], { timeoutMs: 20_000 });
    assert.equal(d.signal, null, 'detect hangs');
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout, `${at('loop2', 'd', 'f.log')}\tAWS.VPCFlow\n`);
  }
});

test('--follow reads each file once: two links and the real path to one file, a link to a directory walked elsewhere, a hard link', async () => {
  put(['fol', 'real', 'a.log'], vpcLine(3) + '\n');
  put(['fol', 'real', 'b.log'], vpcLine(4) + '\n');
  symlinkSync('real/a.log', at('fol', 'link1.log'));
  symlinkSync('real/a.log', at('fol', 'link2.log'));
  symlinkSync('real', at('fol', 'zdir'));
  linkSync(at('fol', 'real', 'b.log'), at('fol', 'hard.log'));
  const r = await normalize(['--follow', at('fol')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(parseRecords(r.stdout).length, 2, 'two files, two records');
  const s = jsonSummary(r.stderr);
  assert.deepEqual(s.inputs.map((i) => i.file), [at('fol', 'hard.log'), at('fol', 'link1.log')]);
  const skipped = skippedOf(r);
  // The first path in byte order is the one read: link1.log before real/a.log.
  assert.deepEqual(skipped.map((x) => x.file), [at('fol', 'link2.log'), at('fol', 'real', 'a.log'), at('fol', 'real', 'b.log'), at('fol', 'zdir')]);
  assert.ok(skipped.every((x) => x.reason === 'duplicate'));
  assert.ok(skipped.some((x) => x.file === at('fol', 'zdir') && x.sameAs === at('fol', 'real')), JSON.stringify(skipped));
  // Without --follow the links are passed over, the hard link is still one file.
  const plain = await normalize([at('fol')]);
  assert.equal(parseRecords(plain.stdout).length, 2);
  assert.deepEqual(skippedOf(plain).map((x) => x.reason).sort(), ['duplicate', 'link', 'link', 'link']);
});

test('overlapping arguments (dir dir/a.log, a file named twice) read each file once', async () => {
  const a = put(['over', 'a.log'], vpcLine(5) + '\n').toString();
  put(['over', 'b.log'], vpcLine(6) + '\n');
  for (const args of [[at('over'), a], [a, a]]) {
    const r = await normalize(args);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(parseRecords(r.stdout).length, args[0] === args[1] && args[0] === a ? 1 : 2, args.join(' '));
    assert.ok(skippedOf(r).every((s) => s.reason === 'duplicate'));
  }
});

test('a link that points outside the tree is not read by default, is read with --follow, and a link named as an argument is read', async () => {
  put(['secret', 'credentials'], '[default]\naws_secret_access_key = fakeSECRET\n');
  mkdirSync(at('leak'), { recursive: true });
  symlinkSync('../secret/credentials', at('leak', 'b.log'));
  const errors = at('leak-errors.ndjson');
  const r = await normalize(['--errors', errors, at('leak')]);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(readFileSync(errors, 'utf8'), /fakeSECRET/);
  assert.deepEqual(skippedOf(r), [{ file: at('leak', 'b.log'), reason: 'link' }]);
  const followed = await normalize(['--follow', '--errors', errors, at('leak')]);
  assert.equal(followed.code, 1, followed.stderr);
  assert.match(readFileSync(errors, 'utf8'), /fakeSECRET/);
  // A link named on the command line is the user's choice: followed, file or directory.
  put(['argdir', 'x.log'], vpcLine(7) + '\n');
  symlinkSync('argdir/x.log', at('arglink.log'));
  symlinkSync('argdir', at('argdirlink'));
  const direct = await normalize([at('arglink.log'), at('argdirlink')]);
  assert.equal(direct.code, 0, direct.stderr);
  assert.equal(parseRecords(direct.stdout).length, 1, 'one file, reached twice');
  assert.deepEqual(skippedOf(direct), [{ file: at('argdirlink', 'x.log'), reason: 'duplicate', sameAs: at('arglink.log') }]);
});

// Item 6: nothing passed over without a word.

test('dangling links, FIFOs, sockets and devices are listed as skipped with their reason, never opened', async () => {
  put(['sk', 'ok.log'], vpcLine(8) + '\n');
  symlinkSync('missing.log', at('sk', 'dangling.log'));
  assert.equal(spawnSync('mkfifo', [at('sk', 'fifo.log')]).status, 0, 'mkfifo');
  symlinkSync('/dev/null', at('sk', 'null.log'));
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(at('sk', 'sock.log'), resolve));
  try {
    for (const follow of [false, true]) {
      const r = await normalize([...(follow ? ['--follow'] : []), at('sk')]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(parseRecords(r.stdout).length, 1);
      assert.deepEqual(skippedOf(r), [
        { file: at('sk', 'dangling.log'), reason: 'dangling link' },
        { file: at('sk', 'fifo.log'), reason: 'FIFO' },
        { file: at('sk', 'null.log'), reason: follow ? 'device' : 'link' },
        { file: at('sk', 'sock.log'), reason: 'socket' },
      ]);
      // Four, so each is named on stderr with why, and the summary counts them by reason.
      const text = await runCli(['normalize', ...(follow ? ['--follow'] : []), at('sk')], { timeoutMs: 20_000 });
      assert.match(stderrAsText(text.stderr), new RegExp(`${at('sk', 'fifo.log')}: passed over: a FIFO`));
      assert.match(stderrAsText(text.stderr), new RegExp(`${at('sk', 'dangling.log')}: passed over: a symbolic link to nothing`));
      assert.match(stderrAsText(text.stderr), /4 files passed over \(.*dangling link: 1.*\)/);
    }
    const d = await runCli(['detect', at('sk')], { timeoutMs: 20_000 });
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout, `${at('sk', 'ok.log')}\tAWS.VPCFlow\n`);
    assert.match(stderrAsText(d.stderr), /fifo\.log: passed over: a FIFO/);
  } finally {
    server.close();
  }
});

test('a name that is not valid UTF-8 is read by its bytes (also on a worker thread), shown as \\xNN, mirrored by --out-dir', async () => {
  put(['u8', 'ok.log'], vpcLine(9) + '\n');
  put(['u8', Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x2e, 0x6c, 0x6f, 0x67])], vpcLine(10) + '\nnot a flow record\n');
  put(['u8', Buffer.from([0x64, 0xff]), 'in.log'], vpcLine(11) + '\n');
  const shown = at('u8', 'caf\\xe9.log');
  for (const jobs of ['1', '2']) {
    const r = await normalize(['--jobs', jobs, '--type', 'AWS.VPCFlow', at('u8')]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(parseRecords(r.stdout).length, 3, `every file read (--jobs ${jobs})`);
    assert.deepEqual(jsonSummary(r.stderr).inputs.map((i) => i.file), [shown, at('u8', 'd\\xff', 'in.log'), at('u8', 'ok.log')]);
    assert.ok(stderrAsText(r.stderr).includes(`awslogs: ${shown}:2: AWS.VPCFlow:`), r.stderr);
    assert.deepEqual(skippedOf(r), []);
  }
  const out = at('u8-out');
  const o = await normalize(['-o', out, '--type', 'AWS.VPCFlow', at('u8')]);
  assert.equal(o.code, 1, o.stderr);
  assert.deepEqual(listFiles(out), ['caf\\xe9.ndjson', 'd\\xff/in.ndjson', 'ok.ndjson']);
  const d = await runCli(['detect', at('u8')]);
  assert.ok(d.stdout.includes(`${shown}\tAWS.VPCFlow\n`), d.stdout);
});

test('detect prints one line per file whatever the names hold (tab, line feed, escape): they are escaped', async () => {
  put(['tab', 'x\tAWS.CloudTrail'], 'junk\n');
  put(['tab', 'y\tAWS.VPCFlow\nz.log'], 'junk\n');
  put(['tab', 'e\x1b[2Jf.log'], vpcLine(12) + '\n');
  const d = await runCli(['detect', at('tab')]);
  assert.equal(d.code, 1, d.stderr);
  assert.equal(d.stdout, [
    `${at('tab', 'e\\x1b[2Jf.log')}\tAWS.VPCFlow`,
    `${at('tab', 'x\\tAWS.CloudTrail')}\tunknown`,
    `${at('tab', 'y\\tAWS.VPCFlow\\nz.log')}\tunknown`,
  ].join('\n') + '\n');
  assert.doesNotMatch(d.stderr, /\x1b/);
});

// Item 7: what cannot be read is an error for that path alone.

/**
 * Runs the binary as user nobody (tests run as root in CI, and root reads
 * everything): a copy of the build in a folder nobody can read, `setpriv`
 * to drop to uid/gid 65534. As a non-root user, runs it directly.
 */
function runUnprivileged(args: string[], cwd: string): Promise<RunResult> {
  if (process.getuid?.() !== 0) return runCli(args, { cwd, timeoutMs: 20_000 });
  const app = join(tmp, 'app');
  if (!existsSync(app)) {
    chmodSync(tmp, 0o755);
    for (const part of ['bin', 'package.json', 'schemas', join('dist', 'src')]) cpSync(join(ROOT, part), join(app, part), { recursive: true });
    const devOnly = new Set(['typescript', 'fast-check', '@types', '.bin']);
    for (const dep of readdirSync(join(ROOT, 'node_modules'))) {
      if (!devOnly.has(dep)) cpSync(join(ROOT, 'node_modules', dep), join(app, 'node_modules', dep), { recursive: true });
    }
    spawnSync('chmod', ['-R', 'a+rX', app]);
  }
  return new Promise((resolve, reject) => {
    const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(app, 'bin', 'awslogs.js'), ...args], {
      cwd, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

const canDropPrivileges = process.getuid?.() !== 0 || spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--version']).status === 0;

test('an unreadable subdirectory or file: everything readable written, the right path named, exit 2 (normalize and detect)', { skip: !canDropPrivileges && 'setpriv cannot run node as uid 65534 here' }, async () => {
  put(['perm', 'a', 'x.log'], vpcLine(13) + '\n');
  put(['perm', 'b', 'c', 'y.log'], vpcLine(14) + '\n');
  put(['perm', 'z.log'], vpcLine(15) + '\n');
  put(['perm', 'secret.log'], vpcLine(16) + '\n');
  spawnSync('chmod', ['-R', 'a+rX', at('perm')]);
  chmodSync(at('perm', 'b', 'c'), 0o700);
  chmodSync(at('perm', 'secret.log'), 0o600);
  if (process.getuid?.() !== 0) chmodSync(at('perm', 'b', 'c'), 0o000);
  if (process.getuid?.() !== 0) chmodSync(at('perm', 'secret.log'), 0o000);
  {
    // --jobs 2: the unreadable file fails on a worker thread.
    const r = await runUnprivileged(['normalize', '--jobs', '2', '--summary', 'json', 'perm'], tmp);
    assert.equal(r.code, 2, r.stderr);
    assertCleanStderr(r.stderr);
    assert.equal(parseRecords(r.stdout).length, 2, 'x.log and z.log written');
    assert.match(stderrAsText(r.stderr), /^awslogs: perm\/b\/c: cannot read the directory \(permission denied\)$/m);
    assert.match(stderrAsText(r.stderr), /^awslogs: perm\/secret\.log: permission denied$/m);
    const s = jsonSummary(r.stderr);
    assert.equal(s.exitStatus, 2);
    assert.deepEqual(s.inputs.filter((i) => i.problem !== undefined).map((i) => i.file).sort(), ['perm/b/c', 'perm/secret.log']);
  }
  const d = await runUnprivileged(['detect', 'perm'], tmp);
  assert.equal(d.code, 2, d.stderr);
  assert.equal(d.stdout, 'perm/a/x.log\tAWS.VPCFlow\nperm/secret.log\tunknown\nperm/z.log\tAWS.VPCFlow\n');
  assert.match(stderrAsText(d.stderr), /^awslogs: perm\/secret\.log: permission denied$/m);
  {
    // --out-dir: an input not a byte of which could be read leaves no output at all (not an empty .partial).
    mkdirSync(at('permout'), { recursive: true });
    chmodSync(at('permout'), 0o777);
    const r = await runUnprivileged(['normalize', '-q', '-o', 'permout', 'perm'], tmp);
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(listFiles(at('permout')), ['a/x.ndjson', 'z.ndjson']);
  }
  assert.match(stderrAsText(d.stderr), /^awslogs: perm\/b\/c: cannot read the directory \(permission denied\)$/m);
});

test('a missing file argument next to a good one: the good one written, the missing one named, exit 2 (normalize, --jobs, detect)', async () => {
  const good = put(['miss', 'good.log'], vpcLine(17) + '\n').toString();
  const missing = at('miss', 'nope.log');
  {
    const r = await normalize([missing, good]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(parseRecords(r.stdout).length, 1);
    assert.ok(stderrAsText(r.stderr).includes(`awslogs: ${missing}: no such file or directory\n`), r.stderr);
    const s = jsonSummary(r.stderr);
    assert.deepEqual(s.inputs.map((i) => [i.file, i.problem]), [[missing, 'no such file or directory'], [good, undefined]]);
  }
  const text = await runCli(['normalize', missing, good]);
  assert.match(stderrAsText(text.stderr), /1 input with a problem \(named above\): .*nope\.log/);
  const out = at('miss-out');
  const o = await normalize(['-o', out, good, missing]);
  assert.equal(o.code, 2, o.stderr);
  assert.deepEqual(listFiles(out), ['good.ndjson']);
  const d = await runCli(['detect', missing, good]);
  assert.equal(d.code, 2, d.stderr);
  assert.equal(d.stdout, `${good}\tAWS.VPCFlow\n`);
  assert.ok(stderrAsText(d.stderr).includes(`awslogs: ${missing}: no such file or directory\n`), d.stderr);
});

// Item 3: the out-dir is never read as input.

test('an --out-dir inside the walked tree is passed over: a second run writes one output file, not out/out/…', async () => {
  put(['tree', 'a.log'], vpcLine(18) + '\n');
  const out = at('tree', 'out');
  for (let run = 0; run < 2; run++) {
    const r = await normalize(['-o', out, at('tree')]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(listFiles(out), ['a.ndjson'], `run ${run + 1}`);
    assert.deepEqual(skippedOf(r), run === 0 ? [] : [{ file: out, reason: 'the --out-dir' }]);
  }
  // Reached through a link with --follow, or named another way, it is still the out-dir.
  symlinkSync('out', at('tree', 'outlink'));
  const r = await normalize(['--follow', '-o', join(tmp, 'tree', '..', 'tree', 'out'), at('tree')]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(listFiles(out), ['a.ndjson']);
  assert.deepEqual(skippedOf(r).map((s) => s.reason), ['the --out-dir', 'the --out-dir']);
});

// Unit tests of the walk's pieces.

test('showPathBytes: valid UTF-8 unchanged, each byte of an invalid sequence as \\xNN', () => {
  assert.equal(showPathBytes(Buffer.from('café/日本.log')), 'café/日本.log');
  assert.equal(showPathBytes(Buffer.from([0x63, 0xe9, 0x2e])), 'c\\xe9.');
  assert.equal(showPathBytes(Buffer.from([0xc3, 0xa9, 0xff, 0xe6, 0x97])), 'é\\xff\\xe6\\x97');
  assert.equal(showPathBytes(Buffer.from([0xed, 0xa0, 0x80])), '\\xed\\xa0\\x80', 'an encoded surrogate is not UTF-8');
  assert.equal(showPathBytes(Buffer.from([0xc0, 0xaf])), '\\xc0\\xaf', 'an overlong slash is not UTF-8');
});

test('skippedCounts and describeSkip name every reason', () => {
  assert.equal(skippedCounts([{ file: 'a', reason: 'link' }, { file: 'b', reason: 'FIFO' }, { file: 'c', reason: 'link' }]), '3 files passed over (link: 2, FIFO: 1)');
  assert.match(describeSkip({ file: 'a', reason: 'duplicate', sameAs: 'b' }), /same file as b/);
  assert.match(describeSkip({ file: 'a', reason: 'link' }), /--follow/);
});

test('expandInputs walks a deep tree without recursion and never throws for what it cannot read', async () => {
  const parts = Array.from({ length: 300 }, () => 'd');
  put(['deep', ...parts, 'f.log'], 'x\n');
  const e = await expandInputs([at('deep'), at('nope')]);
  assert.equal(e.files.length, 1);
  assert.deepEqual(e.unreadable, [{ file: at('nope'), problem: 'no such file or directory' }]);
});
