// Issue 13 items 4, 5, 6: the JSON and gzip faults an adversarial review
// found. Each golden copy of a reproduction runs with --type and detected
// (runBothWays) and gives the values it must: empty wrappers hold no
// records (exit 0 both ways, even under a CloudTrail path); a valid wrapper
// whose elements start in column 0 is read whole; an event printed with
// sorted keys whose Records/Events/findings array is not empty is one
// record; a plain-text record after a gzip member without a final newline
// is read; a next member cut within its 10-byte header is a notice, one cut
// later a fault. Also through stdin and --jobs 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from './helpers/cli.js';
import { runBothWays, type CaseRun } from './helpers/fidelity.js';

const GOLDEN = join(ROOT, 'test', 'golden');
const tmp = mkdtempSync(join(tmpdir(), 'awslogs-fix-json-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function golden(type: string, name: string, ext: string): string {
  return join(GOLDEN, type, name, `input.${ext}`);
}

function ids(run: CaseRun, key = 'eventID'): unknown[] {
  return run.records.map((r) => r[key]);
}

/** The `awslogs: ` lines on stderr but the summary. */
function messages(run: CaseRun): string[] {
  return run.stderr.split('\n').filter((l) => l.startsWith('awslogs: ') && !/ records read: /.test(l));
}

const EVENT = (n: number) => `1111111${n}-2222-3333-4444-555555555555`;

test('empty wrappers (get-findings, lookup-events, a trail file, several at once): 0 records, no report, exit 0 both ways', async () => {
  const cases: Array<[string, string, string]> = [
    ['AWS.GuardDuty', 'empty-get-findings', 'json'],
    ['AWS.CloudTrail', 'lookup-events-empty', 'json'],
    ['AWS.CloudTrail', 'trail-empty', 'json'],
    ['AWS.CloudTrail', 'empty-wrappers-several', 'json'],
  ];
  for (const [type, name, ext] of cases) {
    for (const run of await runBothWays(golden(type, name, ext), type)) {
      const how = `${name}, ${run.label}`;
      assert.equal(run.code, 0, `${how}: ${run.stderr}`);
      assert.deepEqual(run.lines, [], how);
      assert.deepEqual(run.errors, [], how);
      assert.doesNotMatch(run.stderr, /could not detect/, how);
    }
  }
});

test('an empty trail file under an AWSLogs/…/CloudTrail/ path, and `[]`: no records, exit 0, detected too', async () => {
  const dir = join(tmp, 'AWSLogs', '123456789012', 'CloudTrail', 'us-east-1', '2024', '05', '01');
  mkdirSync(dir, { recursive: true });
  const trail = join(dir, '123456789012_CloudTrail_us-east-1_20240501T1000Z_example.json');
  copyFileSync(golden('AWS.CloudTrail', 'trail-empty', 'json'), trail);
  const array = join(tmp, 'array.json');
  writeFileSync(array, '[]');
  for (const input of [trail, array]) {
    const result = await runCli(['normalize', input]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
  }
});

test('a well-formed JSON input of no known type: one report per document, not per line', async () => {
  const input = join(tmp, 'unknown.json');
  writeFileSync(input, '{"foo": 1}\n{\n  "bar": [\n    1,\n    2\n  ]\n}\n');
  const result = await runCli(['normalize', '--errors', join(tmp, 'unknown-errors.ndjson'), input]);
  assert.equal(result.code, 1);
  const errors = readFileSync(join(tmp, 'unknown-errors.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; raw: string; error: string });
  assert.deepEqual(errors.map((e) => e.line), [1, 2]);
  assert.equal(errors[1]!.raw, '{\n  "bar": [\n    1,\n    2\n  ]\n}');
  assert.match(errors[0]!.error, /^could not detect the log type/);
});

test('flush-left-wrapper: 2 records in order, no report, exit 0 both ways', async () => {
  for (const run of await runBothWays(golden('AWS.CloudTrail', 'flush-left-wrapper', 'json'), 'AWS.CloudTrail')) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(ids(run), [EVENT(1), EVENT(2)], run.label);
    assert.deepEqual(run.errors, [], run.label);
    assert.deepEqual(run.records.map((r) => r.p_any_ip_addresses), [['198.51.100.7'], ['198.51.100.7']], run.label);
  }
});

test('column-0 elements in a top-level array (CRLF) and a pretty element in column 0 of a tab-indented wrapper: every record, no report', async () => {
  for (const name of ['top-level-array-column0-elements-crlf', 'wrapper-column0-pretty-element-tabs']) {
    for (const run of await runBothWays(golden('AWS.CloudTrail', name, 'json'), 'AWS.CloudTrail')) {
      const how = `${name}, ${run.label}`;
      assert.equal(run.code, 0, `${how}: ${run.stderr}`);
      assert.deepEqual(ids(run), [EVENT(1), EVENT(2), EVENT(3)], how);
      assert.deepEqual(run.errors, [], how);
    }
  }
  const [typed] = await runBothWays(golden('AWS.CloudTrail', 'wrapper-column0-pretty-element-tabs', 'json'), 'AWS.CloudTrail');
  assert.deepEqual(typed!.records[1]!.p_any_ip_addresses, ['192.0.2.22']);
});

test('an indented wrapper cut right after a ",": its element, one report at line 1, then the documents after it', async () => {
  for (const run of await runBothWays(golden('AWS.CloudTrail', 'indented-wrapper-cut-after-comma', 'json'), 'AWS.CloudTrail')) {
    assert.equal(run.code, 1, `${run.label}: ${run.stderr}`);
    assert.deepEqual(ids(run), [EVENT(1), EVENT(3), EVENT(4)], run.label);
    assert.deepEqual(run.errors.map((e) => [e.line, e.error]), [[1, 'malformed JSON: the "Records" array is not closed before line 26 (cut short?)']], run.label);
  }
});

test('sorted-key events carrying a non-empty Records/Events/findings array: each one record, the array kept as data, nothing invented', async () => {
  for (const run of await runBothWays(golden('AWS.CloudTrail', 'sorted-keys-event-with-records', 'json'), 'AWS.CloudTrail')) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(ids(run), [EVENT(1), EVENT(2), EVENT(3)], run.label);
    assert.ok(Array.isArray(run.records[1]!.Records) && (run.records[1]!.Records as unknown[]).length > 0, run.label);
    assert.deepEqual(run.errors, [], run.label);
  }
  for (const run of await runBothWays(golden('AWS.CloudTrail', 'sorted-keys-pretty-events-with-wrapper-keys', 'json'), 'AWS.CloudTrail')) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(ids(run), [EVENT(1), EVENT(2), EVENT(3)], run.label);
    assert.deepEqual(run.records[0]!.Events, [{ eventName: 'inner', sourceIPAddress: '203.0.113.9' }], run.label);
    assert.deepEqual(run.records[1]!.Records, [{ a: 1 }, { b: [2, 3] }], run.label);
    assert.equal(run.records[1]!.NextToken, 'QUJD', run.label);
    assert.deepEqual(run.errors, [], run.label);
  }
  for (const run of await runBothWays(golden('AWS.GuardDuty', 'sorted-keys-finding-with-findings', 'jsonl'), 'AWS.GuardDuty')) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(ids(run, 'id'), ['a1', 'a2', 'a3'].map((s) => 'a0'.repeat(15) + s), run.label);
    assert.ok(Array.isArray(run.records[1]!.findings), run.label);
    assert.deepEqual(run.errors, [], run.label);
  }
});

test('gzip member then one plain record without a final newline: both read (file, stdin, --jobs 2), a notice only', async () => {
  const input = golden('AWS.VPCFlow', 'gzip-plain-tail-no-newline', 'log.gz');
  for (const run of await runBothWays(input, 'AWS.VPCFlow')) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(run.records.map((r) => r.srcAddr), ['192.0.2.1', '192.0.2.2'], run.label);
    assert.deepEqual(run.errors, [], run.label);
    assert.deepEqual(messages(run), [`awslogs: ${input}: the gzip data ends at compressed byte 108; the plain text after it is read as text`], run.label);
  }
  const stdin = await runCli(['normalize', '--type', 'AWS.VPCFlow', '-'], { stdin: readFileSync(input) });
  assert.equal(stdin.code, 0, stdin.stderr);
  assert.equal(stdin.stdout.trim().split('\n').length, 2);
  for (const run of await runBothWays(golden('AWS.VPCFlow', 'gzip-plain-tail-no-newline-jobs2', 'log.gz'), 'AWS.VPCFlow', ['--jobs', '2'])) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(run.records.map((r) => r.srcAddr), ['192.0.2.1', '192.0.2.2', '192.0.2.3'], run.label);
  }
  for (const run of await runBothWays(golden('AWS.GuardDuty', 'gzip-plain-finding-no-newline', 'json.gz'), 'AWS.GuardDuty')) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(ids(run, 'id'), ['a1', 'a2'].map((s) => 'a0'.repeat(15) + s), run.label);
    assert.deepEqual(run.errors, [], run.label);
  }
});

test('one word after a gzip member is trailing garbage: a notice, exit 0', async () => {
  const input = golden('AWS.VPCFlow', 'gzip-tail-one-word', 'log.gz');
  for (const run of await runBothWays(input, 'AWS.VPCFlow')) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(run.records.map((r) => r.srcAddr), ['192.0.2.1', '192.0.2.2'], run.label);
    assert.equal(messages(run).length, 1, run.label);
    assert.match(messages(run)[0]!, /trailing garbage ignored: 7 bytes after the end of the gzip data/, run.label);
  }
});

test('a next gzip member cut within its 10-byte header (9, 10 bytes): a notice, exit 0; 11 or 17 bytes: a fault, exit 2, the records before written', async () => {
  for (const [name, code, count] of [['gzip-member-header-cut-9', 0, 1], ['gzip-member-header-cut-10', 0, 1], ['gzip-member-header-cut-11', 2, 2], ['gzip-member-header-cut-17', 2, 2]] as const) {
    for (const run of await runBothWays(golden('AWS.VPCFlow', name, 'log.gz'), 'AWS.VPCFlow')) {
      const how = `${name}, ${run.label}`;
      assert.equal(run.code, code, `${how}: ${run.stderr}`);
      assert.equal(run.records.length, count, how);
      assert.deepEqual(run.errors, [], how);
      if (code === 0) assert.match(messages(run)[0] ?? '', /a gzip member header cut short$/, how);
      else assert.match(run.stderr, /corrupt gzip data \(unexpected end of file\)/, how);
    }
  }
});
