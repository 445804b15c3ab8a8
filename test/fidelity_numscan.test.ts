// Issue 13 item 8, the fast path: numbers keep their digits in every place
// the JSON framer's note (shortNumbersOnly) decides whether the parser
// looks for them: each element of a trail file on its own, an event that
// carries an empty wrapper array (the note spans the text before and after
// the array), get-findings output, and JSON framed as lines (no note). Each
// input is a golden case's, run with --type and detected (runBothWays),
// except --detect per-line, which excludes --type.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, runCli } from './helpers/cli.js';
import { runBothWays, type CaseRun } from './helpers/fidelity.js';

const GOLDEN = join(ROOT, 'test', 'golden');

function input(logType: string, name: string, file = 'input.json'): string {
  return join(GOLDEN, logType, name, file);
}

/** A nested field of a parsed record (`service.count`). */
function at(record: Record<string, unknown>, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function assertCounts(run: CaseRun, written: number, failed: number, exit: number): void {
  assert.equal(run.code, exit, `${run.label}: exit status; stderr: ${run.stderr}`);
  assert.equal(run.lines.length, written, `${run.label}: records written`);
  assert.equal(run.errors.length, failed, `${run.label}: error reports`);
  const read = written + failed;
  assert.match(run.stderr, new RegExp(`${read} records read: ${written} written, ${failed} failed, 0 skipped`), `${run.label}: counts`);
}

/** The line holds `"key":digits` as a JSON number (followed by `,`, `}` or `]`). */
function assertNumber(run: CaseRun, line: number, key: string, digits: string): void {
  const text = run.lines[line]!;
  assert.ok(new RegExp(`"${key}":${digits.replace(/[.+]/g, '\\$&')}[,}\\]]`).test(text), `${run.label}: line ${line} holds "${key}":${digits}: ${text}`);
}

describe('fidelity: exact numbers on the framer\'s fast path', { concurrency: 2 }, () => {
  test('CloudTrail trail file: each element keeps its digits; elements without such numbers are unchanged', async () => {
    for (const run of await runBothWays(input('AWS.CloudTrail', 'exact-numbers-trail-elements'), 'AWS.CloudTrail')) {
      assertCounts(run, 4, 0, 0);
      assertNumber(run, 0, 'count', '9007199254740993');
      assertNumber(run, 0, 'maxResults', '123456789012345');
      assertNumber(run, 0, 'ratio', '1234567890123.45');
      assert.ok(run.lines[0]!.includes('"list":[1,2.5,0,-123456789012345678901234]'), run.label);
      // Digit runs and exponents inside strings are text, and stay so.
      const second = run.records[1]!;
      assert.equal(at(second, 'requestParameters.key'), 'logs/12345678901234567890.json', run.label);
      assert.equal(at(second, 'requestParameters.note'), '1e400 and 9007199254740993 are text here', run.label);
      assert.equal(at(second, 'requestParameters.versionId'), '2001:db8::1e40', run.label);
      assert.equal(at(second, 'requestParameters.partNumber'), 42, run.label);
      assert.equal(at(second, 'requestParameters.acl'), true, run.label);
      assert.equal(at(second, 'requestParameters.tagging'), false, run.label);
      assert.equal(at(second, 'requestParameters.range'), null, run.label);
      // Exponents: the same value in the shortest form, or the text where a double cannot hold it.
      assertNumber(run, 2, 'scale', '6.02214076e+23');
      assertNumber(run, 2, 'tiny', '1e-400');
      assertNumber(run, 2, 'hundred', '100');
      assertNumber(run, 2, 'huge', '2.5E+308');
      assertNumber(run, 2, 'third', '0.333333333333333333333');
      assert.ok(run.lines[3]!.includes('"responseElements":{"ids":[[12345678901234567890]],"ok":true}'), run.label);
      run.records.forEach((r, i) => {
        assert.equal(r.eventID, `0000000${i + 1}-2222-3333-4444-555555555555`, run.label);
        assert.deepEqual(r.p_any_ip_addresses, [`192.0.2.${11 + i}`], run.label);
        assert.deepEqual(r.p_any_aws_account_ids, ['123456789012'], run.label);
        assert.deepEqual(r.p_any_aws_arns, ['arn:aws:iam::123456789012:user/alice'], run.label);
      });
    }
  });

  test('CloudTrail: an event carrying an empty Records array keeps the digits before and after the array', async () => {
    for (const run of await runBothWays(input('AWS.CloudTrail', 'exact-numbers-event-with-empty-records'), 'AWS.CloudTrail')) {
      assertCounts(run, 3, 0, 0);
      assertNumber(run, 0, 'Sequence', '98765432109876543210');
      assert.deepEqual(run.records[0]!.Records, [], run.label);
      assertNumber(run, 1, 'max', '18446744073709551615');
      assertNumber(run, 1, 'offset', '1500');
      assert.equal(run.records[1]!.NextToken, 't-1', run.label);
      assert.equal(at(run.records[2]!, 'requestParameters.id'), '12345678901234567890', run.label);
      run.records.forEach((r, i) => {
        assert.equal(r.eventTime, `2024-05-01T10:00:0${i + 5}.000000000Z`, run.label);
        assert.deepEqual(r.p_any_ip_addresses, [`198.51.100.${i + 5}`], run.label);
      });
    }
  });

  test('GuardDuty get-findings (member names): digits kept under the wire names; a count no double holds is reported', async () => {
    for (const run of await runBothWays(input('AWS.GuardDuty', 'exact-numbers-get-findings-pascalcase'), 'AWS.GuardDuty')) {
      assertCounts(run, 2, 1, 1);
      assertNumber(run, 0, 'volumeSizeInGB', '9007199254740993');
      assertNumber(run, 0, 'totalGb', '12345678901234567890');
      assertNumber(run, 0, 'files', '1500');
      assertNumber(run, 0, 'severity', '8');
      assert.ok(!run.lines[0]!.includes('VolumeSizeInGB') && !run.lines[0]!.includes('TotalGb'), `${run.label}: member names converted`);
      const first = run.records[0]!;
      assert.equal(at(first, 'service.count'), 2, run.label);
      assert.equal(at(first, 'description'), 'Malicious file found on volume 12345678901234567890.', run.label);
      assert.deepEqual(first.p_any_ip_addresses, ['192.0.2.20', '198.51.100.20'], run.label);
      assert.deepEqual(first.p_any_aws_instance_ids, ['i-0123456789abcdef0'], run.label);
      const third = run.records[1]!;
      assert.equal(third.id, '33333333333333333333333333333333', run.label);
      assert.equal(at(third, 'service.count'), 3, `${run.label}: 3E0 is 3`);
      assert.equal(third.severity, 2, run.label);
      const report = run.errors[0]!;
      assert.equal(report.line, 75, run.label);
      assert.equal(report.error, 'schema: field service.count must be integer (found 12345678901234567890, a number no double can hold exactly)', run.label);
    }
  });

  test('--detect per-line: JSON framed as lines keeps its digits (the parser scans it itself)', async () => {
    const result = await runCli(['normalize', '--detect', 'per-line', input('AWS.CloudTrail', 'exact-numbers-per-line', 'input.ndjson')]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.split('\n').filter((l) => l.length > 0);
    assert.equal(lines.length, 2);
    assert.ok(lines[0]!.includes('"requestParameters":{"big":9007199254740993,"huge":1e400}'), lines[0]);
    assert.ok(lines[1]!.includes('"requestParameters":{"small":42,"text":"12345678901234567890"}'), lines[1]);
    assert.match(result.stderr, /2 records read: 2 written, 0 failed, 0 skipped/);
  });
});
