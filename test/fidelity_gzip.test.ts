// Issue 13 item 6, the gzip fidelity cases: each golden copy of a case input
// runs with --type and detected (runBothWays) and gives the values the
// case README names. Then the same kinds at the scale where records were
// lost (250,000 lines), on stdin, with --jobs 2 and with --out-dir.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ROOT, maskOutput, runCli } from './helpers/cli.js';
import { runBothWays, type CaseRun } from './helpers/fidelity.js';
import { gzipMember, vpcLine, vpcText, withBadCrc, withBadLength } from './helpers/gzip.js';
import { assertBalanced, assertCleanStderr, jsonSummary, parseRecords } from './helpers/hostile.js';

const GOLDEN = join(ROOT, 'test', 'golden', 'AWS.VPCFlow');
const tmp = mkdtempSync(join(tmpdir(), 'awslogs-fidelity-gzip-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function caseInput(name: string): string {
  return join(GOLDEN, name, 'input.log.gz');
}

/** 192.0.2.1 … 192.0.2.n, the srcAddr of the case records in order. */
function addresses(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `192.0.2.${i + 1}`);
}

/** The messages on stderr: its `awslogs: ` lines but the summary. */
function messages(run: CaseRun): string[] {
  return run.stderr.split('\n').filter((l) => l.startsWith('awslogs: ') && !/ records read: /.test(l));
}

test('gzip-trailing-garbage: 8 records in order, no error report, exit 0, the 2 bytes a notice', async () => {
  const input = caseInput('gzip-trailing-garbage');
  for (const run of await runBothWays(input, 'AWS.VPCFlow')) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(run.records.map((r) => r.srcAddr), addresses(8), run.label);
    assert.deepEqual(run.errors, [], run.label);
    assert.deepEqual(messages(run), [`awslogs: ${input}: trailing garbage ignored: 2 bytes after the end of the gzip data at compressed byte 208`], run.label);
  }
});

test('gzip-bad-crc: 8 records in order, then the CRC-32 mismatch reported once, exit 2', async () => {
  const input = caseInput('gzip-bad-crc');
  for (const run of await runBothWays(input, 'AWS.VPCFlow', ['--summary', 'json'])) {
    assert.equal(run.code, 2, `${run.label}: ${run.stderr}`);
    assert.deepEqual(run.records.map((r) => r.srcAddr), addresses(8), run.label);
    assert.deepEqual(run.records.map((r) => r.packets), [10, 11, 12, 13, 14, 15, 16, 17], run.label);
    assert.deepEqual(run.errors, [], 'the records are whole: no record is reported');
    // With --summary json (issue 14) every stderr line is a JSON object: the damage is one input-problem.
    const damage = run.stderr.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; file?: string; message?: string })
      .filter((l) => /corrupt gzip data/.test(l.message ?? ''));
    assert.equal(damage.length, 1, run.stderr);
    assert.equal(damage[0]!.kind, 'input-problem');
    assert.equal(damage[0]!.file, input);
    assert.equal(damage[0]!.message, 'corrupt gzip data (CRC-32 mismatch: the trailer says 0x633dd81b, the data gives 0x633dd8e4) at compressed byte 200');
    const summary = jsonSummary(run.stderr);
    assertBalanced(summary);
    assert.equal(summary.total.written, 8);
    assert.match(summary.inputs[0]!.problem ?? '', /CRC-32 mismatch/);
  }
});

test('gzip-member-then-plain: the member\'s 4 records, then the 3 plain-text ones, exit 0, with a notice', async () => {
  const input = caseInput('gzip-member-then-plain');
  for (const run of await runBothWays(input, 'AWS.VPCFlow')) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(run.records.map((r) => r.srcAddr), addresses(7), run.label);
    assert.deepEqual(run.errors, [], run.label);
    assert.deepEqual(messages(run), [`awslogs: ${input}: the gzip data ends at compressed byte 158; the plain text after it is read as text`], run.label);
  }
});

test('the three cases on stdin give what they give as files', async () => {
  for (const name of ['gzip-trailing-garbage', 'gzip-bad-crc', 'gzip-member-then-plain']) {
    const file = await runCli(['normalize', '-q', '--type', 'AWS.VPCFlow', caseInput(name)]);
    const stdin = await runCli(['normalize', '-q', '--type', 'AWS.VPCFlow', '-'], { stdin: readFileSync(caseInput(name)) });
    assert.equal(stdin.code, file.code, name);
    assert.deepEqual(parseRecords(stdin.stdout).map((r) => r.srcAddr), parseRecords(file.stdout).map((r) => r.srcAddr), name);
    assert.equal(stdin.stderr.replaceAll(caseInput(name), '-'), file.stderr.replaceAll(caseInput(name), '-'), name);
  }
});

const LINES = 250_000;

/** 250,000 VPC lines (packets = 1 … 250,000) gzipped, with `damage` applied. */
function bigInput(name: string, damage: (gz: Buffer) => Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, damage(gzipSync(vpcText(LINES))));
  return path;
}

function assertAllLines(stdout: string, what: string): void {
  const records = parseRecords(stdout);
  assert.equal(records.length, LINES, `${what}: every line written`);
  records.forEach((r, i) => {
    if (r.packets !== i + 1) assert.fail(`${what}: record ${i} has packets ${String(r.packets)}`);
  });
}

test('250,000 lines with trailing garbage, a bad CRC or a bad length: none lost (file and stdin)', async () => {
  const inputs: Array<[string, string, number, readonly ('file' | 'stdin')[]]> = [
    ['garbage', bigInput('garbage.log.gz', (gz) => Buffer.concat([gz, Buffer.from('ab')])), 0, ['file', 'stdin']],
    ['crc', bigInput('crc.log.gz', withBadCrc), 2, ['file', 'stdin']],
    ['length', bigInput('length.log.gz', withBadLength), 2, ['file']],
  ];
  for (const [what, path, exit, ways] of inputs) {
    for (const via of ways) {
      const args = ['normalize', '--summary', 'json', '--type', 'AWS.VPCFlow', via === 'file' ? path : '-'];
      const r = await runCli(args, via === 'stdin' ? { stdin: readFileSync(path) } : {});
      assert.equal(r.code, exit, `${what}, ${via}: ${r.stderr}`);
      assertCleanStderr(r.stderr);
      assertAllLines(r.stdout, `${what}, ${via}`);
      const s = jsonSummary(r.stderr);
      assertBalanced(s);
      assert.equal(s.total.read, LINES);
    }
  }
});

test('a truncated multi-member file: the records before the cut in order, the half line reported, counted, exit 2', async () => {
  const members: Buffer[] = [];
  for (let i = 0; i < 50; i++) members.push(gzipMember(vpcText(1000, i * 1000)));
  const whole = Buffer.concat(members);
  for (const fraction of [0.3, 0.77]) {
    const path = join(tmp, `cut-${fraction}.log.gz`);
    const cutAt = Math.floor(whole.length * fraction);
    writeFileSync(path, whole.subarray(0, cutAt));
    const errors = join(tmp, `cut-${fraction}.errors.ndjson`);
    for (const args of [['--type', 'AWS.VPCFlow'], []]) {
      const r = await runCli(['normalize', '--summary', 'json', '--errors', errors, ...args, path]);
      assert.equal(r.code, 2, r.stderr);
      const records = parseRecords(r.stdout);
      records.forEach((rec, i) => assert.equal(rec.packets, i + 1));
      const reports = readFileSync(errors, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as { line: number; raw: string; error: string });
      assert.ok(reports.length <= 1);
      for (const rep of reports) {
        assert.match(rep.error, /incomplete record/);
        assert.equal(rep.line, records.length + 1);
        assert.ok(vpcLine(records.length).startsWith(rep.raw), 'the half line is the start of the next line');
      }
      assert.match(r.stderr, new RegExp(`"corrupt gzip data \\(unexpected end of file\\) at or before compressed byte ${cutAt}"`));
      const s = jsonSummary(r.stderr);
      assertBalanced(s);
      assert.equal(s.total.written, records.length);
      assert.ok(records.length > fraction * 50_000 - 2000, `${records.length} records before a cut at ${fraction}`);
    }
  }
});

test('--jobs 2 and --out-dir: the same records, notices and faults as one by one', async () => {
  const names = ['gzip-trailing-garbage', 'gzip-bad-crc', 'gzip-member-then-plain', 'gzip-corrupt-block-header', 'gzip-truncated-second-member'];
  const inputs = names.map(caseInput);
  const single = await runCli(['normalize', '--type', 'AWS.VPCFlow', ...inputs]);
  const parallel = await runCli(['normalize', '--jobs', '2', '--type', 'AWS.VPCFlow', ...inputs]);
  assert.equal(parallel.code, 2);
  assert.equal(single.code, 2);
  assert.deepEqual(parseRecords(parallel.stdout).map((r) => [r.srcAddr, r.packets]), parseRecords(single.stdout).map((r) => [r.srcAddr, r.packets]));
  const problems = (stderr: string) => stderr.split('\n').filter((l) => /corrupt gzip|trailing garbage|plain text/.test(l)).sort();
  assert.deepEqual(problems(parallel.stderr), problems(single.stderr));
  assert.equal(problems(single.stderr).length, names.length);

  // --out-dir: one file per input, holding what the golden case expects.
  const dir = join(tmp, 'cases');
  mkdirSync(dir);
  for (const name of names) copyFileSync(caseInput(name), join(dir, `${name}.log.gz`));
  const out = join(tmp, 'out');
  const r = await runCli(['normalize', '--summary', 'json', '--jobs', '2', '--out-dir', out, '--type', 'AWS.VPCFlow', dir]);
  assert.equal(r.code, 2, r.stderr);
  const summary = JSON.parse(r.stderr.trim().split('\n').at(-1)!) as { inputs: Array<{ file: string; output: string; problem?: string; partial?: boolean }> };
  for (const name of names) {
    const expected = readFileSync(join(GOLDEN, name, 'expected.ndjson'), 'utf8').split('\n').filter((l) => l.length > 0);
    // An input with a fault did not complete: its records are kept as <name>.ndjson.partial (issue 14 item 14).
    const input = summary.inputs.find((i) => i.file.endsWith(`${name}.log.gz`))!;
    assert.equal(input.output, join(out, `${name}.ndjson${input.problem !== undefined ? '.partial' : ''}`), name);
    assert.equal(input.partial === true, input.problem !== undefined, name);
    const actual = maskOutput(readFileSync(input.output, 'utf8'));
    assert.deepEqual(actual, expected, name);
  }
});
