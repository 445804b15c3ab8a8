// Issue 13, JSON content: the values the fidelity cases' README names, for
// the golden copies of the four case inputs, each run with --type and
// detected (runBothWays).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ROOT, runCli } from './helpers/cli.js';
import { runBothWays, type CaseRun } from './helpers/fidelity.js';

const GOLDEN = join(ROOT, 'test', 'golden');

function input(logType: string, name: string): string {
  return join(GOLDEN, logType, name, 'input.json');
}

/** A nested field of a parsed record (`service.action.actionType`). */
function at(record: Record<string, unknown>, path: string): unknown {
  let value: unknown = record;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function assertClean(run: CaseRun, records: number): void {
  assert.equal(run.code, 0, `${run.label}: exit status; stderr: ${run.stderr}`);
  assert.deepEqual(run.errors, [], `${run.label}: no error reports`);
  assert.equal(run.lines.length, records, `${run.label}: record count`);
  assert.match(run.stderr, new RegExp(`${records} records read: ${records} written, 0 failed, 0 skipped`), `${run.label}: nothing skipped`);
}

describe('fidelity: JSON content', { concurrency: 2 }, () => {
  test('AWS.CloudTrail__big-integer-and-1e400: the numbers keep their digits', async () => {
    for (const run of await runBothWays(input('AWS.CloudTrail', 'big-integer-and-1e400'), 'AWS.CloudTrail')) {
      assertClean(run, 2);
      const first = run.lines[0]!;
      // As JSON numbers with exactly these digits: not …992, not null, not strings.
      assert.ok(first.includes('"big":9007199254740993,'), `${run.label}: ${first}`);
      assert.ok(first.includes('"huge":1e400}'), `${run.label}: ${first}`);
      assert.ok(!first.includes('9007199254740992') && !first.includes('"huge":null'), run.label);
      assert.equal(at(run.records[0]!, 'requestParameters.name'), 'example-trail', run.label);
      assert.equal(at(run.records[1]!, 'requestParameters.name'), 'example-trail', run.label);
      assert.equal(run.records[1]!.eventID, '11111112-2222-3333-4444-555555555555', run.label);
    }
  });

  test('AWS.CloudTrail__eventversion-1.01-no-eventType: an old record is a record', async () => {
    for (const run of await runBothWays(input('AWS.CloudTrail', 'eventversion-1.01-no-eventType'), 'AWS.CloudTrail')) {
      assertClean(run, 1);
      const r = run.records[0]!;
      assert.equal(r.eventVersion, '1.01', run.label);
      assert.equal(r.eventID, '55555555-6666-7777-8888-999999999999', run.label);
      assert.ok(!Object.hasOwn(r, 'eventType'), `${run.label}: eventType absent`);
      assert.equal(r.eventTime, '2014-03-31T17:59:21.000000000Z', run.label);
      assert.equal(r.p_event_time, '2014-03-31T17:59:21.000000000Z', run.label);
      assert.equal(r.eventName, 'DescribeInstances', run.label);
      assert.deepEqual(r.p_any_ip_addresses, ['192.0.2.1'], run.label);
      assert.deepEqual(r.p_any_aws_account_ids, ['123456789012'], run.label);
      assert.deepEqual(r.p_any_aws_arns, ['arn:aws:iam::123456789012:user/alice'], run.label);
    }
  });

  test('AWS.CloudTrail__event-with-digest-keys: an event with digest-like keys is an event', async () => {
    for (const run of await runBothWays(input('AWS.CloudTrail', 'event-with-digest-keys'), 'AWS.CloudTrail')) {
      assertClean(run, 2);
      assert.deepEqual(run.records.map((r) => r.eventID), ['11111111-2222-3333-4444-555555555555', '11111112-2222-3333-4444-555555555555'], run.label);
      assert.equal(run.records[1]!.digestStartTime, '2024-05-01T09:00:00Z', run.label);
      assert.equal(run.records[1]!.digestEndTime, '2024-05-01T10:00:00Z', run.label);
      assert.doesNotMatch(run.stderr, /digest/i, `${run.label}: no digest notice`);
    }
  });

  test('AWS.GuardDuty__cli-get-findings-pascalcase: written with the S3 export\'s names', async () => {
    for (const run of await runBothWays(input('AWS.GuardDuty', 'cli-get-findings-pascalcase'), 'AWS.GuardDuty')) {
      assertClean(run, 1);
      const r = run.records[0]!;
      const expected: Record<string, unknown> = {
        schemaVersion: '2.0',
        accountId: '123456789012',
        region: 'us-east-1',
        partition: 'aws',
        id: 'fedcba9876543210fedcba9876543210',
        type: 'Recon:IAMUser/MaliciousIPCaller',
        severity: 5,
        createdAt: '2024-05-01T09:21:48.385000000Z',
        updatedAt: '2024-05-01T09:55:21.703000000Z',
        p_event_time: '2024-05-01T09:55:21.703000000Z',
        'resource.resourceType': 'AccessKey',
        'resource.accessKeyDetails.userName': 'alice',
        'service.serviceName': 'guardduty',
        'service.detectorId': '0123456789abcdef0123456789abcdef',
        'service.count': 5,
        'service.archived': false,
        'service.eventFirstSeen': '2024-05-01T09:02:24.000000000Z',
        'service.eventLastSeen': '2024-05-01T09:33:55.000000000Z',
        'service.action.actionType': 'AWS_API_CALL',
        'service.action.awsApiCallAction.api': 'ListPolicyVersions',
        'service.action.awsApiCallAction.remoteIpDetails.ipAddressV4': '203.0.113.7',
      };
      for (const [path, value] of Object.entries(expected)) assert.deepEqual(at(r, path), value, `${run.label}: ${path}`);
      for (const key of ['AccountId', 'Findings', 'Service']) assert.ok(!Object.hasOwn(r, key), `${run.label}: no ${key}`);
      assert.deepEqual(r.p_any_ip_addresses, ['203.0.113.7'], run.label);
      assert.deepEqual(r.p_any_aws_account_ids, ['123456789012'], run.label);
      assert.deepEqual(r.p_any_aws_arns, [
        'arn:aws:guardduty:us-east-1:123456789012:detector/0123456789abcdef0123456789abcdef/finding/fedcba9876543210fedcba9876543210',
      ], run.label);
      // No PascalCase key is left anywhere in the record.
      assert.doesNotMatch(run.lines[0]!, /"[A-Z][A-Za-z0-9]*":/, run.label);
    }
  });

  test('AWS.CloudTrail__big-integer-and-1e400: the digits survive --out-dir (plain and gzip) with --jobs 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awslogs-exact-outdir-'));
    try {
      const file = input('AWS.CloudTrail', 'big-integer-and-1e400');
      for (const gzip of [false, true]) {
        const out = join(dir, gzip ? 'gz' : 'plain');
        const result = await runCli(['normalize', '--type', 'AWS.CloudTrail', '--jobs', '2', '--out-dir', out, ...(gzip ? ['--gzip'] : []), file]);
        assert.equal(result.code, 0, result.stderr);
        const written = join(out, gzip ? 'input.ndjson.gz' : 'input.ndjson');
        const bytes = readFileSync(written);
        const text = (gzip ? gunzipSync(bytes) : bytes).toString('utf8');
        assert.ok(text.includes('"requestParameters":{"name":"example-trail","big":9007199254740993,"huge":1e400}'), text);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
