// Issue 13, items 4 and 5 (the JSON framer): the values the fidelity cases'
// README names, asserted on the golden copies of their inputs, run with
// `--type` and with detection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JsonFramer } from '../src/pipeline/json.js';
import { ROOT } from './helpers/cli.js';
import { runBothWays, type CaseRun } from './helpers/fidelity.js';

const golden = (type: string, name: string, file: string) => join(ROOT, 'test', 'golden', type, name, file);

function ids(run: CaseRun, field: string): unknown[] {
  return run.records.map((r) => r[field]);
}

test('AWS.CloudTrail__event-with-records-key: 3 records in input order, exit 0; the second keeps "Records": [] as data', async () => {
  for (const run of await runBothWays(golden('AWS.CloudTrail', 'event-with-records-key', 'input.json'), 'AWS.CloudTrail')) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(run.errors, [], run.label);
    assert.deepEqual(ids(run, 'eventID'), [
      '11111111-2222-3333-4444-555555555555',
      '11111112-2222-3333-4444-555555555555',
      '11111113-2222-3333-4444-555555555555',
    ], run.label);
    assert.deepEqual(run.records[1]!.Records, [], run.label);
    assert.ok(!Object.hasOwn(run.records[0]!, 'Records') && !Object.hasOwn(run.records[2]!, 'Records'), run.label);
    assert.match(run.lines[1]!, /"Records":\[\]/, run.label);
    assert.equal(run.records[1]!.eventName, 'StopLogging', run.label);
    assert.deepEqual(run.records[1]!.p_any_ip_addresses, ['198.51.100.7'], run.label);
  }
});

test('AWS.GuardDuty__finding-with-findings-key: 3 records in input order, exit 0; the second keeps "findings": [] as data', async () => {
  for (const run of await runBothWays(golden('AWS.GuardDuty', 'finding-with-findings-key', 'input.jsonl'), 'AWS.GuardDuty')) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(run.errors, [], run.label);
    const found = ids(run, 'id') as string[];
    assert.equal(found.length, 3, run.label);
    assert.deepEqual(found.map((id) => id.slice(-2)), ['a1', 'a2', 'a3'], run.label);
    assert.deepEqual(run.records[1]!.findings, [], run.label);
    assert.ok(!Object.hasOwn(run.records[0]!, 'findings') && !Object.hasOwn(run.records[2]!, 'findings'), run.label);
    assert.equal(run.records[1]!.updatedAt, '2024-05-01T11:02:00.000000000Z', run.label);
  }
});

test('AWS.CloudTrail__pretty-stream-first-cut: 3 records from lines 9, 37, 65 and one report at line 1, exit 1', async () => {
  for (const run of await runBothWays(golden('AWS.CloudTrail', 'pretty-stream-first-cut', 'input.json'), 'AWS.CloudTrail')) {
    assert.equal(run.code, 1, `${run.label}: ${run.stderr}`);
    assert.deepEqual(ids(run, 'eventID'), [
      '11111112-2222-3333-4444-555555555555',
      '11111113-2222-3333-4444-555555555555',
      '11111114-2222-3333-4444-555555555555',
    ], run.label);
    // Each record is the document that starts on line 9, 37 and 65 (their event times 10:00:02, :03, :04).
    assert.deepEqual(ids(run, 'eventTime'), ['2024-05-01T10:00:02.000000000Z', '2024-05-01T10:00:03.000000000Z', '2024-05-01T10:00:04.000000000Z'], run.label);
    assert.equal(run.errors.length, 1, run.label);
    const [report] = run.errors;
    assert.equal(report!.line, 1, run.label);
    assert.match(report!.error, /not closed before line 9, where a new document starts/, run.label);
    assert.ok(report!.raw.startsWith('{\n  "eventVersion": "1.08",'), run.label);
    assert.ok(report!.raw.endsWith('"accessKeyId": "AKIAEXAMPLEKEYID0001",'), `${run.label}: the cut document only, ${report!.raw.slice(-40)}`);
    assert.match(run.stderr, /4 records read: 3 written, 1 failed, 0 skipped/, run.label);
  }
});

test('AWS.CloudTrail__pretty-stream-first-cut, framed: the records start on lines 9, 37 and 65, the report on line 1, at any chunking', () => {
  const input = readFileSync(golden('AWS.CloudTrail', 'pretty-stream-first-cut', 'input.json'));
  for (const size of [1, 3, 7, 64, input.length]) {
    const lines: Array<[string, number]> = [];
    const framer = new JsonFramer({
      record: (_text, line) => { lines.push(['record', line]); },
      reject: (_message, _raw, line) => { lines.push(['reject', line]); },
    });
    for (let at = 0; at < input.length; at += size) framer.push(input.subarray(at, at + size));
    framer.end();
    assert.deepEqual(lines, [['reject', 1], ['record', 9], ['record', 37], ['record', 65]], `chunks of ${size}`);
  }
});
