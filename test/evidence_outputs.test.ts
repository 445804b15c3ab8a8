// Safe around evidence, outputs side (issue 14 items 1, 2, 4, 9, 10, 11, 14),
// through the built binary as a user runs it: an output that is an input is
// refused before anything is written; no input on a terminal is a usage
// error; output clashes and per-output failures are that input's; signals
// and a closed stdout leave no temporary file; memory is bounded whatever
// --jobs says; an input that did not complete leaves a `.partial` output
// that --skip-existing redoes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync, cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { outputNameProblem, temporaryPathFor } from '../src/pipeline/outdir.js';
import { findOutputClashes, resolvedPath } from '../src/pipeline/output_safety.js';
import { BIN, ROOT, listFiles, runCli, type RunResult, stderrAsText } from './helpers/cli.js';
import { assertCleanStderr, jsonSummary } from './helpers/hostile.js';

const tmp = mkdtempSync(join(tmpdir(), 'awslogs-evidence-out-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const VPC_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

/** `lines` VPC records without a header (~450 output bytes each). */
function vpcText(lines: number): string {
  let s = '';
  for (let i = 0; i < lines; i++) {
    s += `2 123456789012 eni-0a1b2c3d4e5f60718 192.0.2.${i % 250} 198.51.100.1 ${1024 + (i % 60000)} 443 6 10 840 ${1714557600 + i} ${1714557660 + i} ACCEPT OK\n`;
  }
  return s;
}

/** Writes a file under the test folder (parents made); returns its path. */
function put(rel: string, content: string | Buffer): string {
  const path = join(tmp, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

const CLOUDTRAIL_LINE = '{"eventVersion":"1.08","eventTime":"2024-05-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"us-east-1","eventID":"e1","eventType":"AwsApiCall"}\n';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A usage error: exit 2, one line naming both paths, no stack trace. */
function assertRefused(r: RunResult, ...paths: string[]): void {
  assert.equal(r.code, 2, r.stderr);
  assertCleanStderr(r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  for (const p of paths) assert.match(stderrAsText(r.stderr), new RegExp(escapeRe(p)), `names ${p}: ${r.stderr}`);
}

/** Runs a shell command line (for redirections the test runner cannot express). */
function sh(command: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-c', command], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const node = JSON.stringify(process.execPath);
const bin = JSON.stringify(BIN);

// ---------------------------------------------------------------- item 1

test('--errors naming an input (itself, a symlink to it, a hard link to it) is refused before it is opened: exit 2, input unchanged', async () => {
  const flow = put('e1/flow.log', vpcText(50));
  const before = readFileSync(flow);
  symlinkSync('flow.log', join(tmp, 'e1/alias.log'));
  linkSync(flow, join(tmp, 'e1/hard.log'));
  const other = put('e1-other/x.log', vpcText(3));
  const forms = [flow, join(tmp, 'e1/alias.log'), join(tmp, 'e1/hard.log'), join(tmp, 'e1/../e1/./flow.log')];
  for (const [errors, jobs] of [...forms.map((f) => [f, '1'] as const), [join(tmp, 'e1/alias.log'), '2'] as const]) {
    const r = await runCli(['normalize', '-j', jobs, '--errors', errors, other, flow]);
    assertRefused(r, errors, flow);
    assert.match(stderrAsText(r.stderr), /is the same file as the input/);
    assert.deepEqual(readFileSync(flow), before, `${errors}: the input is byte for byte unchanged`);
  }
  // -e x.log x.log, as the issue has it (relative names).
  const r = await runCli(['normalize', '-e', 'flow.log', 'flow.log'], { cwd: join(tmp, 'e1') });
  assertRefused(r, 'flow.log');
  assert.deepEqual(readFileSync(flow), before);
});

test('--errors inside an input folder, or equal to an --out-dir output, is refused and not even created', async () => {
  const dir = join(tmp, 'e2/in');
  put('e2/in/a.log', vpcText(4));
  put('e2/in/sub/b.log', vpcText(4));
  for (const errors of [join(dir, 'errors.ndjson'), join(dir, 'sub/errors.ndjson'), join(dir, 'not-yet/errors.ndjson')]) {
    const r = await runCli(['normalize', '--errors', errors, dir]);
    assertRefused(r, errors, dir);
    assert.match(stderrAsText(r.stderr), /inside the input folder/);
    assert.equal(existsSync(errors), false, 'the --errors file was not created');
  }
  const out = join(tmp, 'e2/out');
  for (const [errors, input] of [[join(out, 'a.ndjson'), 'in/a.log'], [join(out, 'sub/b.ndjson'), 'in/sub/b.log'], [join(tmp, 'e2/./out/../out/a.ndjson'), 'in/a.log']] as const) {
    const r = await runCli(['normalize', '--errors', errors, '-o', out, dir]);
    assertRefused(r, errors, input);
    assert.match(stderrAsText(r.stderr), /also the --out-dir output/);
    assert.equal(existsSync(out), false, 'nothing written under --out-dir');
  }
});

test('--out-dir . with an input that is its own output: refused, the input unchanged (-j 1 and -j 2)', async () => {
  const dir = join(tmp, 'o1');
  const events = put('o1/events.ndjson', CLOUDTRAIL_LINE);
  put('o1/other.log', vpcText(3));
  for (const jobs of ['1', '2']) {
    const r = await runCli(['normalize', '-j', jobs, '--out-dir', '.', 'other.log', 'events.ndjson'], { cwd: dir });
    assertRefused(r, 'events.ndjson');
    assert.match(stderrAsText(r.stderr), /would be overwritten by its own output/);
    assert.equal(readFileSync(events, 'utf8'), CLOUDTRAIL_LINE);
    assert.deepEqual(readdirSync(dir).sort(), ['events.ndjson', 'other.log'], 'other.ndjson was not written either');
  }
});

test('--out-dir out out/ after a first run: the earlier outputs are not rewritten', async () => {
  const dir = join(tmp, 'o2');
  put('o2/in/flow.log', vpcText(7));
  const first = await runCli(['normalize', '-q', '-o', 'out', 'in/'], { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  const output = join(dir, 'out/flow.ndjson');
  const before = readFileSync(output);
  assert.equal(before.toString().trim().split('\n').length, 7);
  for (const args of [['-o', 'out', 'out/'], ['-o', 'out', 'out/flow.ndjson'], ['-o', './out/', 'in', 'out']]) {
    const r = await runCli(['normalize', ...args], { cwd: dir });
    assertRefused(r, 'out/flow.ndjson');
    assert.deepEqual(readFileSync(output), before, `${args.join(' ')}: out/flow.ndjson unchanged`);
    assert.deepEqual(listFiles(join(dir, 'out')), ['flow.ndjson']);
  }
});

test('--out-dir equal to an input folder (by another spelling or a symlink) is refused: nothing is written next to the evidence', async () => {
  const dir = join(tmp, 'o3/evidence');
  put('o3/evidence/flow.log', vpcText(3));
  symlinkSync('evidence', join(tmp, 'o3/link'));
  for (const outDir of [dir, join(tmp, 'o3/link'), join(tmp, 'o3/evidence/../evidence/')]) {
    const r = await runCli(['normalize', '-o', outDir, dir]);
    assertRefused(r, outDir, dir);
    assert.match(stderrAsText(r.stderr), /is the input folder/);
    assert.deepEqual(readdirSync(dir), ['flow.log']);
  }
});

test('stdin or stdout redirected to the same file as an input or the --errors file is refused', () => {
  const flow = put('s1/flow.log', vpcText(5));
  const before = readFileSync(flow);
  const errorsOnStdin = sh(`${node} ${bin} normalize -e ${JSON.stringify(flow)} - < ${JSON.stringify(flow)}`);
  assert.equal(errorsOnStdin.status, 2, errorsOnStdin.stderr);
  assert.match(stderrAsText(errorsOnStdin.stderr), /--errors \S+flow\.log is the same file as the input - \(stdin\)/);
  const appended = sh(`${node} ${bin} normalize ${JSON.stringify(flow)} >> ${JSON.stringify(flow)}`);
  assert.equal(appended.status, 2, appended.stderr);
  assert.match(stderrAsText(appended.stderr), /stdout is the same file as the input \S+flow\.log/);
  assert.deepEqual(readFileSync(flow), before);
});

// ---------------------------------------------------------------- item 2

const noScript = spawnSync('script', ['--version']).status === 0 ? undefined : 'no script(1) here to give the program a terminal';

test('no input and stdin a terminal: a usage error, nothing opened (normalize, normalize -, detect)', { skip: noScript }, () => {
  const keep = put('t1/keep.log', vpcText(5));
  const before = readFileSync(keep);
  for (const args of [`normalize --errors ${JSON.stringify(keep)}`, `normalize -q --errors ${JSON.stringify(keep)} -`, 'detect']) {
    // script(1) gives the program a terminal as stdin; its own stdin is empty, so a program that reads it would get EOF and exit 0.
    const r = spawnSync('script', ['-qec', `${node} ${bin} ${args}`, '/dev/null'], { encoding: 'utf8', input: '', env: { ...process.env, NO_COLOR: '1' }, timeout: 30_000 });
    assert.equal(r.status, 2, `${args}: ${r.stdout}`);
    assert.match(r.stdout, /awslogs: no input: give files or directories, or pipe data in/);
    assert.deepEqual(readFileSync(keep), before, 'the --errors file was not opened');
  }
});

// ---------------------------------------------------------------- item 4

test('an input `a` next to a folder `a.ndjson/`: the clash is found before anything is written, an error for the later input only (-j 1 and -j 2)', async () => {
  put('c1/in/a', vpcText(10));
  put('c1/in/a.ndjson/b.log', vpcText(10));
  put('c1/in/a.ndjson/c.log', vpcText(10));
  put('c1/in/z/f.log', vpcText(10));
  for (const jobs of ['1', '2']) {
    const out = join(tmp, `c1/out-${jobs}`);
    const r = await runCli(['normalize', '-j', jobs, '--summary', 'json', '-o', out, join(tmp, 'c1/in')]);
    assert.equal(r.code, 2, r.stderr);
    assertCleanStderr(r.stderr);
    for (const name of ['b', 'c']) {
      assert.match(stderrAsText(r.stderr), new RegExp(`c1/in/a\\.ndjson/${name}\\.log: cannot write \\S+/a\\.ndjson/${name}\\.ndjson: \\S+/a\\.ndjson is the output file of \\S+c1/in/a, so it cannot be a folder too`));
    }
    // Reported first (found before anything was written); the others are complete.
    assert.match(stderrAsText(r.stderr).split('\n')[0]!, /cannot be a folder too/);
    assert.deepEqual(listFiles(out), ['a.ndjson', 'z/f.ndjson'], `-j ${jobs}`);
    assert.equal(readFileSync(join(out, 'a.ndjson'), 'utf8').trim().split('\n').length, 10);
    assert.equal(jsonSummary(r.stderr).inputs.length, 4, 'every input accounted for');
  }
});

test('a folder or a file already in the way of an output: an error for that input, the others written, exit 2, no temporary file', async () => {
  put('c2/in/a.log', vpcText(3));
  put('c2/in/b.log', vpcText(3));
  put('c2/in/c/d.log', vpcText(3));
  for (const jobs of ['1', '2']) {
    const out = join(tmp, `c2/out-${jobs}`);
    mkdirSync(join(out, 'a.ndjson'), { recursive: true });
    writeFileSync(join(out, 'c'), 'a file where a folder is needed');
    const r = await runCli(['normalize', '-j', jobs, '--summary', 'json', '-o', out, join(tmp, 'c2/in')]);
    assert.equal(r.code, 2, r.stderr);
    assertCleanStderr(r.stderr);
    assert.match(stderrAsText(r.stderr), /c2\/in\/a\.log: cannot write \S+a\.ndjson: a folder of that name is in the way/);
    assert.match(stderrAsText(r.stderr), /c2\/in\/c\/d\.log: cannot create \S+\/c: EEXIST: file already exists \(\S+\/c is a file, not a folder\)/);
    assert.deepEqual(listFiles(out), ['b.ndjson', 'c'], `-j ${jobs}: b written, nothing else`);
    assert.equal(readFileSync(join(out, 'b.ndjson'), 'utf8').trim().split('\n').length, 3);
    assert.equal(jsonSummary(r.stderr).inputs.length, 3, 'every input accounted for');
  }
});

test('an output name too long for the file system (ENAMETOOLONG): an error for that input, the others written, exit 2, no temporary file', async () => {
  const long = 'a'.repeat(250);
  put(`n1/in/${long}.log`, vpcText(10));
  put('n1/in/z1.log', vpcText(10));
  // 247 bytes + .ndjson fits, but not with .partial: refused before reading too, so that a failed read cannot lose its records.
  put(`n1/in/${'b'.repeat(247)}.ndjson`, CLOUDTRAIL_LINE);
  for (const jobs of ['1', '2']) {
    const out = join(tmp, `n1/out-${jobs}`);
    const r = await runCli(['normalize', '-j', jobs, '-o', out, join(tmp, 'n1/in')]);
    assert.equal(r.code, 2, r.stderr);
    assertCleanStderr(r.stderr);
    assert.match(stderrAsText(r.stderr), new RegExp(`${long}\\.log: cannot write \\S+${long}\\.ndjson: the name is 257 bytes long; file systems allow 255 \\(ENAMETOOLONG\\)`));
    assert.match(stderrAsText(r.stderr), /b{247}\.ndjson: cannot write \S+: the name is 254 bytes long; with the \.partial suffix/);
    assert.deepEqual(listFiles(out), ['z1.ndjson'], `-j ${jobs}: z1 written, no temporary file`);
  }
});

test('an output path longer than the system allows (PATH_MAX): an error for that input, the short one written, no temporary file', async () => {
  // A deep --out-dir (~4,000 bytes) fits; below it a 200-byte name passes the 4,096 of PATH_MAX.
  const deep = `o/${`${'d'.repeat(200)}/`.repeat(20)}`;
  mkdirSync(join(tmp, 'p1', deep), { recursive: true });
  put(`p1/in/${'x'.repeat(200)}.log`, vpcText(5));
  put('p1/in/z.log', vpcText(5));
  for (const jobs of ['1', '2']) {
    const r = await runCli(['normalize', '-j', jobs, '-o', deep, 'in'], { cwd: join(tmp, 'p1') });
    assert.equal(r.code, 2, r.stderr);
    assertCleanStderr(r.stderr);
    assert.match(stderrAsText(r.stderr), /x{200}\.log: cannot write .*ENAMETOOLONG/);
    const written = readdirSync(join(tmp, 'p1', deep));
    assert.deepEqual(written, ['z.ndjson'], `-j ${jobs}`);
    rmSync(join(tmp, 'p1', deep, 'z.ndjson'));
  }
});

/** `setpriv` to run as nobody; undefined (with a reason to skip) when that cannot be done here. */
function nobodyRunner(): { prefix: string[]; bin: string } | string {
  if (process.getuid?.() !== 0) return 'not root: a folder this user cannot write is tested by running as another user';
  const prefix = ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups'];
  if (spawnSync(prefix[0]!, ['--version']).status !== 0) return 'no setpriv here';
  const tryBin = (b: string) => spawnSync(prefix[0]!, [...prefix.slice(1), process.execPath, b, 'types']).status === 0;
  if (tryBin(BIN)) return { prefix, bin: BIN };
  // The checkout is not readable by nobody: run a copy of the build from a folder it can read.
  const copy = mkdtempSync(join(tmpdir(), 'awslogs-nobody-build-'));
  process.on('exit', () => rmSync(copy, { recursive: true, force: true }));
  for (const part of ['bin', 'dist', 'node_modules', 'package.json', 'schemas']) cpSync(join(ROOT, part), join(copy, part), { recursive: true });
  spawnSync('chmod', ['-R', 'a+rX', copy]);
  chmodSync(copy, 0o755);
  const copied = join(copy, 'bin', 'awslogs.js');
  return tryBin(copied) ? { prefix, bin: copied } : 'nobody cannot run a copy of the build here';
}

const asNobody = nobodyRunner();

test('an --out-dir subfolder the user cannot write (EACCES): an error for that input only, the run goes on, exit 2, no temporary file', { skip: typeof asNobody === 'string' ? asNobody : undefined }, () => {
  const runner = asNobody as { prefix: string[]; bin: string };
  const base = mkdtempSync(join(tmpdir(), 'awslogs-eacces-'));
  process.on('exit', () => rmSync(base, { recursive: true, force: true }));
  chmodSync(base, 0o755);
  for (const rel of ['in/a.log', 'in/locked/b.log', 'in/z.log']) {
    mkdirSync(dirname(join(base, rel)), { recursive: true });
    writeFileSync(join(base, rel), vpcText(3));
  }
  spawnSync('chmod', ['-R', 'a+rX', join(base, 'in')]);
  for (const jobs of ['1', '2']) {
    const out = join(base, `out-${jobs}`);
    mkdirSync(join(out, 'locked'), { recursive: true });
    chmodSync(out, 0o777);
    chmodSync(join(out, 'locked'), 0o555);
    const r = spawnSync(runner.prefix[0]!, [...runner.prefix.slice(1), process.execPath, runner.bin, 'normalize', '-j', jobs, '-o', out, join(base, 'in')], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(r.status, 2, r.stderr);
    assertCleanStderr(r.stderr);
    assert.match(stderrAsText(r.stderr), /in\/locked\/b\.log: cannot write \S+locked\/b\.ndjson: EACCES: permission denied/);
    assert.deepEqual(listFiles(out), ['a.ndjson', 'z.ndjson'], `-j ${jobs}: the others written, no temporary file`);
  }
});

// ---------------------------------------------------------------- items 9 and 10

/** Waits until `ready()` holds (polling every 25 ms, up to 20 s). */
async function until(ready: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 800; i++) {
    if (ready()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for ${what}`);
}

function bigInputs(dir: string, count: number, lines: number): string[] {
  const text = VPC_HEADER + '\n' + vpcText(lines);
  return Array.from({ length: count }, (_, i) => put(`${dir}/v${i}.log`, text));
}

const temporaryFiles = (dir: string) => listFiles(dir).filter((f) => /\.tmp-/.test(f));

test('SIGHUP (a dropped SSH session), SIGINT and SIGTERM during --out-dir runs: no .tmp-* left, exit 129, 130, 143 (-j 1 and -j 2)', async () => {
  const inputs = bigInputs('sig-in', 2, 200_000);
  const runs = [['SIGHUP', 129, '1'], ['SIGHUP', 129, '2'], ['SIGINT', 130, '2'], ['SIGTERM', 143, '1']] as const;
  for (const [signal, status, jobs] of runs) {
    const out = join(tmp, `sig-out-${signal}-${jobs}`);
    const child = spawn(process.execPath, [BIN, 'normalize', '-q', '-j', jobs, '--type', 'AWS.VPCFlow', '-o', out, ...inputs], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await until(() => temporaryFiles(out).length === Number(jobs), `${jobs} temporary file(s) being written`);
    child.kill(signal);
    assert.equal(await closed, status, `${signal} -j ${jobs}: ${stderr}`);
    assertCleanStderr(stderr);
    assert.match(stderr, new RegExp(`interrupted \\(${signal}\\); no partial output files left`));
    assert.deepEqual(temporaryFiles(out), [], `${signal} -j ${jobs}: no temporary file left`);
    assert.deepEqual(listFiles(out).filter((f) => !f.endsWith('.ndjson')), []);
  }
});

test('SIGHUP while --jobs output waits on stdout: the spill folder is removed, exit 129', async () => {
  const inputs = bigInputs('spill-in', 4, 20_000);
  for (const [signal, status] of [['SIGHUP', 129], ['SIGTERM', 143]] as const) {
    const spillTmp = mkdtempSync(join(tmp, 'spill-tmp-'));
    // stdout is a pipe nobody reads: the first input blocks, the later ones spill to TMPDIR.
    const child = spawn(process.execPath, [BIN, 'normalize', '-q', '-j', '2', ...inputs], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TMPDIR: spillTmp, AWSLOGS_ORDER_BUFFER_BYTES: '65536' },
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await until(() => listFiles(spillTmp).length > 0, 'a spill file');
    child.kill(signal);
    child.stdout.resume();
    assert.equal(await closed, status, stderr);
    assert.deepEqual(readdirSync(spillTmp), [], `${signal}: no awslogs-order-* left`);
  }
});

test('a closed stdout with --jobs ends quietly (exit 0) and removes its spill files', () => {
  const inputs = bigInputs('epipe-in', 4, 20_000).map((p) => JSON.stringify(p)).join(' ');
  const spillTmp = mkdtempSync(join(tmp, 'epipe-tmp-'));
  // The reader waits until a later input has spilled, takes 100 kB and closes the pipe.
  const reader = `{ for i in $(seq 400); do [ -n "$(ls -A ${JSON.stringify(spillTmp)})" ] && break; sleep 0.05; done; head -c 100000 > /dev/null; }`;
  const r = sh(`set -o pipefail; ${node} ${bin} normalize -q -j 2 ${inputs} | ${reader}`, { TMPDIR: spillTmp, AWSLOGS_ORDER_BUFFER_BYTES: '65536' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(readdirSync(spillTmp), [], 'no awslogs-order-* left');
});

// ---------------------------------------------------------------- item 11

const noTime = existsSync('/usr/bin/time') ? undefined : 'no /usr/bin/time to measure peak memory';

test('--jobs 256 on 400 small files: workers capped with a notice, peak memory under 1 GB', { skip: noTime }, () => {
  const dir = join(tmp, 'many');
  const text = vpcText(30);
  for (let i = 0; i < 400; i++) put(`many/f${i}.log`, text);
  const r = spawnSync('/usr/bin/time', ['-f', 'peak %M KB', process.execPath, BIN, 'normalize', '-j', '256', '--type', 'AWS.VPCFlow', dir], {
    encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 << 20, timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 400 * 30, 'every record written');
  assert.match(stderrAsText(r.stderr), /awslogs: --jobs 256 lowered to \d+ \(4 per core\)/);
  const peak = Number(/peak (\d+) KB/.exec(r.stderr)?.[1]);
  assert.ok(peak > 0 && peak < 1024 * 1024, `peak RSS ${peak} KB`);
});

// ---------------------------------------------------------------- item 14

test('--skip-existing redoes an input whose read failed: its output is kept as .partial, never as a complete-looking .ndjson (-j 1 and -j 2)', async () => {
  const whole = gzipSync(vpcText(8_000));
  for (const jobs of ['1', '2']) {
    const dir = join(tmp, `se-${jobs}`);
    put(`se-${jobs}/in/t.log.gz`, whole.subarray(0, whole.length >> 1));
    put(`se-${jobs}/in/ok.log`, vpcText(3));
    const out = join(dir, 'out');
    const first = await runCli(['normalize', '-j', jobs, '--summary', 'json', '-o', out, '--skip-existing', join(dir, 'in')]);
    assert.equal(first.code, 2, first.stderr);
    assert.deepEqual(listFiles(out), ['ok.ndjson', 't.ndjson.partial']);
    const kept = readFileSync(join(out, 't.ndjson.partial'), 'utf8').trim().split('\n').length;
    assert.ok(kept > 1000, `the records read before the cut are kept (${kept})`);
    const cut = jsonSummary(first.stderr).inputs.find((i) => i.file.endsWith('t.log.gz')) as { partial?: boolean; output?: string };
    assert.equal(cut.partial, true);
    assert.ok(cut.output?.endsWith('t.ndjson.partial'), cut.output);
    if (jobs === '1') {
      const text = await runCli(['normalize', '-o', out, '--skip-existing', join(dir, 'in')]);
      assert.match(stderrAsText(text.stderr), /1 input did not complete: their records are kept under a \.partial name/);
    }

    writeFileSync(join(dir, 'in/t.log.gz'), whole);
    const second = await runCli(['normalize', '-q', '-j', jobs, '-o', out, '--skip-existing', join(dir, 'in')]);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(listFiles(out), ['ok.ndjson', 't.ndjson'], 'the .partial is gone once the input completes');
    assert.equal(readFileSync(join(out, 't.ndjson'), 'utf8').trim().split('\n').length, 8_000);
  }
});

test('an input of no detectable type is partial too (also with --gzip); a complete output of an earlier run no longer stands for it', async () => {
  const dir = join(tmp, 'se-type');
  const input = put('se-type/in/x.log', vpcText(5));
  const out = join(dir, 'out');
  for (const gzip of [[], ['--gzip']]) {
    const name = gzip.length > 0 ? 'x.ndjson.gz' : 'x.ndjson';
    writeFileSync(input, vpcText(5));
    const good = await runCli(['normalize', '-q', ...gzip, '-o', out, join(dir, 'in')]);
    assert.equal(good.code, 0, good.stderr);
    assert.deepEqual(listFiles(out), [name]);
    writeFileSync(input, 'this is not a log of any type\n');
    const bad = await runCli(['normalize', '-q', ...gzip, '-o', out, join(dir, 'in')]);
    assert.equal(bad.code, 1, bad.stderr);
    assert.deepEqual(listFiles(out), [`${name}.partial`], 'the stale complete output is replaced by the partial one');
    const skipped = await runCli(['normalize', '-q', ...gzip, '--skip-existing', '-o', out, join(dir, 'in')]);
    assert.equal(skipped.code, 1, 'a rerun with --skip-existing reads it again');
    rmSync(out, { recursive: true });
  }
});

// ---------------------------------------------------------------- units

test('temporaryPathFor: <output>.tmp-<pid> in the same folder; a long name is cut to 255 bytes and kept distinct', () => {
  assert.equal(temporaryPathFor('out/a/x.ndjson'), `out/a/x.ndjson.tmp-${process.pid}`);
  const a = temporaryPathFor(`out/${'é'.repeat(120)}a.ndjson`);
  const b = temporaryPathFor(`out/${'é'.repeat(120)}b.ndjson`);
  assert.notEqual(a, b);
  for (const t of [a, b]) {
    assert.ok(Buffer.byteLength(basename(t)) <= 255, `${Buffer.byteLength(basename(t))} bytes`);
    assert.ok(t.startsWith('out/é') && t.endsWith(`.tmp-${process.pid}`), t);
    assert.doesNotMatch(t, /\uFFFD/, 'cut on a character boundary');
  }
});

test('outputNameProblem: a component over 255 bytes, or a name that would pass it with .partial', () => {
  assert.equal(outputNameProblem(`out/${'a'.repeat(240)}.ndjson`), undefined);
  assert.match(outputNameProblem(`out/${'a'.repeat(241)}.ndjson`) ?? '', /248 bytes long; with the \.partial suffix/);
  assert.match(outputNameProblem(`out/${'a'.repeat(256)}/x.ndjson`) ?? '', /folder name a+… is 256 bytes long/);
});

test('findOutputClashes: the first output keeps its name; a later one where a file needs a folder (or the reverse) clashes, at any depth', () => {
  assert.deepEqual(findOutputClashes('out', [{ input: 'a', output: 'out/a.ndjson' }, { input: 'b/c', output: 'out/b/c.ndjson' }]), new Map());
  const fileFirst = findOutputClashes('out/', [{ input: 'a', output: 'out/a.ndjson' }, { input: 'a.ndjson/x/y', output: 'out/a.ndjson/x/y.ndjson' }]);
  assert.deepEqual([...fileFirst.keys()], [1]);
  assert.match(fileFirst.get(1)!, /^cannot write out\/a\.ndjson\/x\/y\.ndjson: out\/a\.ndjson is the output file of a, so it cannot be a folder too/);
  const folderFirst = findOutputClashes('.', [{ input: 'p.ndjson.partial/q', output: 'p.ndjson.partial/q.ndjson' }, { input: 'p', output: 'p.ndjson' }]);
  assert.deepEqual([...folderFirst.keys()], [1]);
  assert.match(folderFirst.get(1)!, /^cannot write p\.ndjson: p\.ndjson\.partial is a folder holding the output of p\.ndjson\.partial\/q/);
});

test('resolvedPath: links resolved in the part that exists, the rest kept', () => {
  const real = join(tmp, 'rp/real');
  mkdirSync(real, { recursive: true });
  symlinkSync('real', join(tmp, 'rp/link'));
  const realTmp = resolvedPath(tmp);
  assert.equal(resolvedPath(join(tmp, 'rp/link/not/yet.ndjson')), join(realTmp, 'rp/real/not/yet.ndjson'));
  assert.equal(resolvedPath(join(tmp, 'rp/link/../real')), join(realTmp, 'rp/real'));
});
