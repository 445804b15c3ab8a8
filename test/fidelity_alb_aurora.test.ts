// Issue 13, the fidelity cases of AWS.ALB and AWS.AuroraMySQLAudit: each
// case's golden copy of the input, run with --type and with detection, gives
// the values the case's line in ../shared/cases/fidelity/README.md names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';
import { runBothWays, type CaseRun } from './helpers/fidelity.js';

const GOLDEN = join(ROOT, 'test', 'golden');

function assertClean(run: CaseRun, records: number): void {
  assert.equal(run.code, 0, `${run.label}: exit status; stderr: ${run.stderr}`);
  assert.deepEqual(run.errors, [], `${run.label}: no error reports`);
  assert.equal(run.records.length, records, `${run.label}: record count`);
}

function assertFields(run: CaseRun, record: Record<string, unknown>, expected: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(expected)) {
    if (value === undefined) assert.ok(!Object.hasOwn(record, key), `${run.label}: ${key} absent`);
    else assert.deepEqual(record[key], value, `${run.label}: ${key}`);
  }
}

test('AWS.ALB__2017-line-ends-at-trace-id: a line ending at trace_id is one record with the later fields absent', async () => {
  const runs = await runBothWays(join(GOLDEN, 'AWS.ALB', '2017-line-ends-at-trace-id', 'input.log'), 'AWS.ALB');
  for (const run of runs) {
    assertClean(run, 1);
    assertFields(run, run.records[0]!, {
      p_log_type: 'AWS.ALB',
      type: 'h2',
      timestamp: '2017-06-04T10:09:08.594592000Z',
      p_event_time: '2017-06-04T10:09:08.594592000Z',
      clientIp: '203.0.113.7',
      clientPort: 50000,
      targetIp: '192.0.2.77',
      targetPort: 80,
      targetProcessingTime: 0.012,
      elbStatusCode: 200,
      targetStatusCode: 200,
      receivedBytes: 702,
      sentBytes: 1024,
      requestHttpMethod: 'POST',
      requestUrl: 'https://www.example.com:443/event?ts=1496570900',
      requestHttpVersion: 'HTTP/2.0',
      userAgent: 'ExampleApp/3.5.1 (Android 7.0)',
      sslProtocol: 'TLSv1.2',
      targetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/my-targets/73e2d6bc24d8a067',
      traceId: 'Root=1-5933dc44-07d638aa11bb22cc33dd44ee',
      domainName: undefined,
      chosenCertArn: undefined,
      matchedRulePriority: undefined,
      requestCreationTime: undefined,
      actionsExecuted: undefined,
      additionalFields: undefined,
      p_any_ip_addresses: ['192.0.2.77', '203.0.113.7'],
    });
  }
});

test('AWS.AuroraMySQLAudit__empty-trailing-retcode: an empty trailing retcode is absent, not an error', async () => {
  const runs = await runBothWays(join(GOLDEN, 'AWS.AuroraMySQLAudit', 'empty-trailing-retcode', 'input.log'), 'AWS.AuroraMySQLAudit');
  for (const run of runs) {
    assertClean(run, 2);
    assertFields(run, run.records[0]!, {
      p_log_type: 'AWS.AuroraMySQLAudit',
      operation: 'CREATE',
      database: 'appdb',
      object: 'customers',
      retCode: undefined,
      timestamp: '2024-05-01T10:00:09.123456000Z',
    });
    assertFields(run, run.records[1]!, { operation: 'QUERY', object: 'SELECT 1', retCode: 0 });
  }
});

test('AWS.AuroraMySQLAudit__host-ip-port: host keeps ip:port as written, the IP is an indicator', async () => {
  const runs = await runBothWays(join(GOLDEN, 'AWS.AuroraMySQLAudit', 'host-ip-port', 'input.log'), 'AWS.AuroraMySQLAudit');
  for (const run of runs) {
    assertClean(run, 1);
    assertFields(run, run.records[0]!, {
      p_log_type: 'AWS.AuroraMySQLAudit',
      host: '192.0.2.44:53422',
      timestamp: '2025-06-01T10:00:00.000000000Z',
      p_any_ip_addresses: ['192.0.2.44'],
      p_any_domain_names: ['db-host-1'],
    });
  }
});

// The same kinds of fault, inputs of our own (golden copies next to the cases).

test('ALB historic layouts: every line from the 2016 layout on is a record, both ways', async () => {
  const runs = await runBothWays(join(GOLDEN, 'AWS.ALB', 'historic-layouts', 'input.log'), 'AWS.ALB');
  for (const run of runs) {
    assertClean(run, 9);
    assertFields(run, run.records[0]!, { timestamp: '2016-08-10T22:08:42.945958000Z', traceId: undefined, sslCipher: undefined });
    assertFields(run, run.records[3]!, { domainName: 'www.example.com', chosenCertArn: 'session-reused', matchedRulePriority: undefined });
    assertFields(run, run.records[6]!, { errorReason: 'LambdaUnhandled', targetIp: undefined, targetPortList: undefined });
    assertFields(run, run.records[8]!, { connTraceId: 'TID_0123456789abcdef0123456789abcdef', transformedHost: undefined });
  }
});

test('ALB shifted fields: each line whose tokens do not fit the layout is an error naming the field', async () => {
  const runs = await runBothWays(join(GOLDEN, 'AWS.ALB', 'shifted-fields', 'input.log'), 'AWS.ALB');
  for (const run of runs) {
    assert.equal(run.code, 1, run.label);
    assert.equal(run.records.length, 10, `${run.label}: the good lines`);
    for (const r of run.records) assert.match(String(r.requestUrl), /\/ok\d$/, `${run.label}: only good lines are written`);
    assert.deepEqual(run.errors.map((e) => [e.line, e.error.split(':')[0]]), [
      [2, 'field ssl_cipher'], [4, 'field user_agent'], [6, 'field target'], [8, 'field elb'], [10, 'field target_group_arn'],
      [12, 'field ssl_cipher'], [14, 'field domain_name'], [16, 'field domain_name'], [18, 'field target_status_code'],
    ], run.label);
  }
});

test('Aurora host forms, empty retcodes and shifted SQL, both ways', async () => {
  for (const run of await runBothWays(join(GOLDEN, 'AWS.AuroraMySQLAudit', 'host-forms', 'input.log'), 'AWS.AuroraMySQLAudit')) {
    assertClean(run, 9);
    const ips = run.records.map((r) => r.p_any_ip_addresses);
    assert.deepEqual(ips, [['192.0.2.44'], ['2001:db8::44'], ['2001:db8::45'], ['2001:db8::46'], ['2001:db8::47:3306'], undefined, undefined,
      ['198.51.100.9'], undefined], run.label);
    assert.deepEqual(run.records[5]!.p_any_domain_names, ['db-client.example.com', 'db-host-1'], run.label);
  }
  for (const run of await runBothWays(join(GOLDEN, 'AWS.AuroraMySQLAudit', 'empty-retcode', 'input.log'), 'AWS.AuroraMySQLAudit')) {
    assert.equal(run.code, 1, run.label);
    assert.deepEqual(run.records.map((r) => r.retCode), [undefined, undefined, undefined, undefined, undefined, 0], run.label);
    assert.equal(run.records[3]!.connectionType, 'SSL', run.label);
    assert.deepEqual(run.errors.map((e) => [e.line, e.error]), [[7, 'field retCode: expected an integer, found "x"']], run.label);
  }
  for (const run of await runBothWays(join(GOLDEN, 'AWS.AuroraMySQLAudit', 'shifted-sql', 'input.log'), 'AWS.AuroraMySQLAudit')) {
    assert.equal(run.code, 1, run.label);
    assert.deepEqual(run.records.map((r) => r.queryId), [7001, 7003, 7005, 7007, 7010], run.label);
    assert.deepEqual(run.errors.map((e) => e.line), [2, 4, 6, 8, 9], run.label);
  }
});
