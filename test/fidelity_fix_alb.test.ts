// Issue 13 items 2–3 applied to AWS.ALB, from an adversarial review: a
// record cut short with the next record joined to its line, and a token
// missing or added after target_group_arn. Each reproduction's golden copy
// (after good lines, so that detection has records to judge by) is run with
// --type and with detection, and must give the good lines' records and one
// error report per bad line naming the field, never a mixed record.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';
import { runBothWays, type CaseRun } from './helpers/fidelity.js';

const ALB_GOLDEN = join(ROOT, 'test', 'golden', 'AWS.ALB');

async function runCase(name: string): Promise<CaseRun[]> {
  return runBothWays(join(ALB_GOLDEN, name, 'input.log'), 'AWS.ALB');
}

/** Exit 1, the good lines' records only (their URLs end in /ok<n>), and the reports' [line, text before the first colon]. */
function assertOnlyGoodLines(run: CaseRun, records: number, errors: Array<[line: number, field: string]>): void {
  assert.equal(run.code, 1, `${run.label}: exit status; stderr: ${run.stderr}`);
  assert.equal(run.records.length, records, `${run.label}: record count`);
  for (const r of run.records) assert.match(String(r.requestUrl), /\/ok\d+$/, `${run.label}: only good lines are written`);
  assert.deepEqual(run.errors.map((e) => [e.line, e.error.split(':')[0]]), errors, `${run.label}: error reports`);
}

test('splice in the request (alb_splice.log): one error report naming request, no mixed record', async () => {
  for (const run of await runCase('splice-in-request')) {
    assertOnlyGoodLines(run, 3, [[3, 'field request']]);
    assert.match(run.errors[0]!.error,
      /^field request: holds another record's time and load balancer id "2024-05-01T10:00:05\.000000Z app\/my-alb\/50dc6c495c0c9188" \(character 169\): a record cut short with the next one joined to its line$/,
      run.label);
    // Neither record's values are written: the first's time and client, the second's agent and client.
    for (const r of run.records) {
      assert.notEqual(r.timestamp, '2024-05-01T10:00:00.000000000Z', run.label);
      assert.notEqual(r.userAgent, 'ExampleApp/3.5.1', run.label);
      assert.ok(!(r.p_any_ip_addresses as string[]).includes('198.51.100.9'), run.label);
      assert.ok(!(r.p_any_ip_addresses as string[]).includes('10.0.0.1'), run.label);
    }
    assert.equal(run.errors[0]!.raw.startsWith('https 2024-05-01T10:00:00.000000Z '), true, `${run.label}: the raw line is reported`);
  }
});

test('splice in conn_trace_id (alb_ctid_splice.log): one error report naming conn_trace_id, nothing in transformedHost', async () => {
  for (const run of await runCase('splice-in-conn-trace-id')) {
    assertOnlyGoodLines(run, 3, [[3, 'field conn_trace_id']]);
    assert.match(run.errors[0]!.error, /holds another record's time and load balancer id "2024-05-01T10:00:05\.000000Z app\//, run.label);
    for (const r of run.records) {
      assert.ok(!Object.hasOwn(r, 'transformedHost') && !Object.hasOwn(r, 'additionalFields'), run.label);
      assert.match(String(r.connTraceId), /^TID_[0-9a-f]{32}$/, run.label);
    }
  }
});

test('a token missing or added before conn_trace_id (alb_drop.log): an error naming the field the TID lands in', async () => {
  for (const run of await runCase('token-dropped-or-added-after-target-group')) {
    assertOnlyGoodLines(run, 3, [[3, 'field classification_reason'], [4, 'field transformed_host']]);
    for (const e of run.errors) assert.match(e.error, /expected a value in double quotes, found "TID_1234abcd5678ef90"/, run.label);
  }
});

test('cuts at every field of a line, joined to lines of six layouts with and without a blank: every one an error', async () => {
  for (const run of await runCase('spliced-records')) {
    const bad = Array.from({ length: 62 }, (_, i) => 2 * (i + 1));
    assert.equal(run.code, 1, run.label);
    assert.equal(run.records.length, 63, `${run.label}: the good lines`);
    for (const r of run.records) assert.match(String(r.requestUrl), /\/ok\d+$/, run.label);
    assert.deepEqual(run.errors.map((e) => e.line), bad, `${run.label}: each spliced line is one report`);
    for (const e of run.errors) {
      assert.match(e.error, /(holds another record's|the type [a-z0-9]+ after letters of its own)/, `${run.label}: line ${e.line}: ${e.error}`);
    }
  }
});

test('a record head in the trailing fields: an error naming the field after the known layout', async () => {
  for (const run of await runCase('spliced-records-in-trailing-fields')) {
    assertOnlyGoodLines(run, 3, [[3, 'field 34 (after the known layout)'], [4, 'field 34 (after the known layout)'], [5, 'the line ends inside a quoted field']]);
    assert.match(run.errors[0]!.error, /holds another record's type and time "h2 2024-05-01T10:00:05\.000000Z"/, run.label);
  }
});

test('quoting after target_group_arn: each field with the wrong quoting, a bad conn_trace_id, a token dropped or added, is an error', async () => {
  for (const run of await runCase('quoting-after-target-group')) {
    assert.equal(run.code, 1, run.label);
    assert.equal(run.records.length, 47, run.label);
    for (const r of run.records) assert.match(String(r.requestUrl), /\/ok\d+$/, run.label);
    const fields = run.errors.map((e) => e.error.split(':')[0]!.replace(/^field /, ''));
    assert.equal(fields.length, 46, run.label);
    // The first 16: each field from trace_id on, in order, with the other quoting.
    assert.deepEqual(fields.slice(0, 16), ['trace_id', 'domain_name', 'chosen_cert_arn', 'matched_rule_priority', 'request_creation_time',
      'actions_executed', 'redirect_url', 'error_reason', 'target', 'target_status_code_list', 'classification', 'classification_reason',
      'conn_trace_id', 'transformed_host', 'transformed_uri', 'request_transform_status'], run.label);
    assert.deepEqual(fields.slice(16, 20), ['conn_trace_id', 'conn_trace_id', 'conn_trace_id', 'conn_trace_id'], run.label);
    for (const e of run.errors.slice(16, 20)) assert.match(e.error, /expected TID_ and hex digits, or -/, run.label);
  }
});

test('timestamps in a URL, a user agent or appended fields: records, as written', async () => {
  for (const run of await runCase('timestamps-in-free-text')) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(run.errors, [], run.label);
    assert.equal(run.records.length, 10, run.label);
    assert.equal(run.records[3]!.requestUrl, 'https://www.example.com:443/a 2024-05-01T10:00:05.000000Z b', run.label);
    assert.equal(run.records[6]!.userAgent, 'h2 2024-05-01T10:00:05.000000Z', run.label);
    assert.deepEqual(run.records[8]!.additionalFields, ['h2', '2024-05-01T10:00:05.000000Z', 'h2', '2024-05-01T10:00:05.000000Z', 'http2',
      '2024-05-01T10:00:05.000000Z'], run.label);
  }
});
