// Nothing is lost (issue 8): on mixed good and bad input of every type, the
// summary says read = written + failed + skipped per input, per type and in
// total, and each count is what the input holds: one stdout line per written
// record, one error report (with the record's own text) per failed one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './helpers/cli.js';
import { BAD_LINES, TYPES, assertBalanced, assertCleanStderr, jsonSummary, parseRecords, sampleLines, type TypeName } from './helpers/hostile.js';

const tmp = mkdtempSync(join(tmpdir(), 'awslogs-accounting-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

/** Lines that are neither events nor errors: counted as skipped. */
const SKIPPED_LINES: Partial<Record<TypeName, string>> = {
  'AWS.ALB': 'Enable AccessLog for ELB: app/web-prod/50dc6c495c0c9188 at 2024-06-20T15:59:00.000Z',
  'AWS.CloudTrail': '{"awsAccountId":"123456789012","digestStartTime":"2024-05-01T09:00:00Z","digestEndTime":"2024-05-01T10:00:00Z","digestPublicKeyFingerprint":"abc"}',
};

interface Mixed {
  type: TypeName;
  path: string;
  lines: string[];
  good: number;
  bad: number;
  skipped: number;
}

/** Good records with the bad ones, a skipped line and blank lines mixed in (blank lines are not records). */
function mixedInput(type: TypeName): Mixed {
  const good = sampleLines(type);
  const lines: string[] = [];
  let skipped = 0;
  if (type === 'AWS.VPCFlow') {
    lines.push(good.shift()!); // the header
    skipped++;
  }
  const bad = BAD_LINES[type];
  const half = Math.ceil(good.length / 2);
  lines.push(...good.slice(0, half), bad[0]!, '', ...good.slice(half), '  ', bad[1]!);
  const skip = SKIPPED_LINES[type];
  if (skip !== undefined) {
    lines.splice(3, 0, skip);
    skipped++;
  }
  lines.push(good[0]!);
  const path = join(tmp, 'mixed', type.replace('AWS.', '').toLowerCase() + '.log');
  mkdirSync(join(tmp, 'mixed'), { recursive: true });
  writeFileSync(path, lines.join('\n') + '\n');
  return { type, path, lines, good: good.length + 1, bad: bad.length, skipped };
}

const inputs = TYPES.map(mixedInput);

test('every type, mixed good and bad input: read = written + failed + skipped per input and in total; counts match the input', async () => {
  const errors = join(tmp, 'errors.ndjson');
  const r = await runCli(['normalize', '--summary', 'json', '--errors', errors, '--jobs', '1', ...inputs.map((i) => i.path)]);
  assert.equal(r.code, 1, r.stderr);
  assertCleanStderr(r.stderr);
  const s = jsonSummary(r.stderr);
  assertBalanced(s);
  assert.equal(s.exitStatus, 1);
  const records = parseRecords(r.stdout);
  const reports = readFileSync(errors, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(records.length, s.total.written);
  assert.equal(reports.length, s.total.failed);
  for (const input of inputs) {
    const summary = s.inputs.find((i) => i.file === input.path)!;
    assert.equal(summary.logType, input.type, 'detected despite the bad records');
    assert.deepEqual(
      { read: summary.read, written: summary.written, failed: summary.failed, skipped: summary.skipped },
      { read: input.good + input.bad + input.skipped, written: input.good, failed: input.bad, skipped: input.skipped },
      input.type,
    );
    assert.equal(records.filter((rec) => rec.p_log_type === input.type).length, input.good, input.type);
    const mine = reports.filter((rep) => rep.file === input.path);
    assert.equal(mine.length, input.bad, input.type);
    for (const rep of mine) {
      assert.equal(rep.logType, input.type);
      assert.equal(typeof rep.error, 'string');
      // The report's line and raw point at the bad record itself.
      assert.equal(rep.raw, input.lines[(rep.line as number) - 1], `${input.type} line ${rep.line}`);
      assert.ok(BAD_LINES[input.type].includes(rep.raw as string));
    }
  }
});

test('the text summary, --jobs 2, --out-dir and --filter-ip keep the same accounting', async () => {
  const text = await runCli(['normalize', '--jobs', '2', ...inputs.map((i) => i.path)]);
  assert.equal(text.code, 1);
  for (const input of inputs) {
    const m = new RegExp(`${input.type.replace('.', '\\.')}: 1 input, (\\d+) records read: (\\d+) written, (\\d+) failed, (\\d+) skipped`).exec(text.stderr);
    assert.ok(m, `${input.type} in ${text.stderr}`);
    const [read, written, failed, skipped] = m.slice(1).map(Number) as [number, number, number, number];
    assert.equal(read, written + failed + skipped, input.type);
    assert.deepEqual([written, failed, skipped], [input.good, input.bad, input.skipped], input.type);
  }

  const out = join(tmp, 'out');
  const dir = await runCli(['normalize', '--summary', 'json', '--jobs', '2', '--out-dir', out, join(tmp, 'mixed')]);
  assert.equal(dir.code, 1, dir.stderr);
  const s = jsonSummary(dir.stderr);
  assertBalanced(s);
  for (const input of s.inputs) {
    assert.equal(readFileSync(input.output!, 'utf8').trim().split('\n').length, input.written, input.file);
  }

  const filtered = await runCli(['normalize', '--summary', 'json', '--filter-ip', '10.0.12.34', '--filter-ip', '172.31.16.139', ...inputs.map((i) => i.path)]);
  const f = jsonSummary(filtered.stderr);
  assertBalanced(f);
  assert.ok(f.total.filtered > 0 && f.total.written > 0);
  assert.equal(f.total.read, inputs.reduce((n, i) => n + i.good + i.bad + i.skipped, 0));
  assert.equal(parseRecords(filtered.stdout).length, f.total.written);
});
