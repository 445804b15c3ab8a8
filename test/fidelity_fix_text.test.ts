// Issue 13 item 3: the adversarial review's reproductions (VPC headers, a BOM
// mid-input, eusc regions, S3 Host header ports and offsets, Aurora table
// names with commas), each run from its golden copy with --type and
// detected, and the values that show the fault is gone asserted on both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runCli } from './helpers/cli.js';
import { runBothWays, type CaseRun } from './helpers/fidelity.js';

const VPC = 'AWS.VPCFlow';
const S3 = 'AWS.S3ServerAccess';
const AURORA = 'AWS.AuroraMySQLAudit';
const input = (type: string, name: string) => join(ROOT, 'test', 'golden', type, name, 'input.log');

/** A run of an input whose every line is an error: nothing written, every line reported, exit 1. */
function assertAllReported(run: CaseRun, lines: number): void {
  assert.equal(run.code, 1, `${run.label}: ${run.stderr}`);
  assert.deepEqual(run.lines, [], `${run.label}: nothing written`);
  assert.deepEqual(run.errors.map((e) => e.line), Array.from({ length: lines }, (_, i) => i + 1), run.label);
}

test('fidelity: a VPC header with one misspelt name (log_status) is rejected, and the line after it is not read with the default layout', async () => {
  for (const run of await runBothWays(input(VPC, 'hdr-badtoken'), VPC)) {
    assertAllReported(run, 2);
    assert.ok(!run.lines.join('\n').includes('198.51.100.2'), run.label);
    if (run.label !== 'detected') {
      assert.match(run.errors[0]!.error, /^header line: "log_status" is not a VPC flow log field name/);
      assert.match(run.errors[1]!.error, /^no field layout: the header line before this line was rejected/);
    }
  }
});

test('fidelity: a VPC header whose first name is unknown (traffic-class) is a header: the unknown name kept, the others in their place', async () => {
  for (const run of await runBothWays(input(VPC, 'hdr-unknown-first'), VPC)) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(run.errors, [], run.label);
    assert.equal(run.records.length, 1, run.label);
    const r = run.records[0]!;
    assert.equal(r.trafficClass, '5', run.label);
    assert.ok(!('version' in r), `${run.label}: 5 is no version`);
    assert.equal(r.srcAddr, '192.0.2.1', run.label);
    assert.equal(r.dstAddr, '198.51.100.2', run.label);
    assert.equal(r.srcPort, 49152, run.label);
    assert.equal(r.dstPort, 443, run.label);
    assert.deepEqual(r.p_any_ip_addresses, ['192.0.2.1', '198.51.100.2'], run.label);
    assert.match(run.stderr, /header names fields this version does not know; kept as strings: traffic-class/, run.label);
  }
});

test('fidelity: a second header starting with a BOM (cat a.log b.log) re-arms the layout: source and destination not swapped', async () => {
  for (const run of await runBothWays(input(VPC, 'hdr-bom-second'), VPC)) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(run.errors, [], run.label);
    assert.deepEqual(run.records.map((r) => [r.srcAddr, r.dstAddr]), [['192.0.2.1', '198.51.100.2'], ['192.0.2.9', '198.51.100.9']], run.label);
    assert.match(run.stderr, /4 records read: 2 written, 0 failed, 2 skipped/, run.label);
  }
});

test('fidelity: the European Sovereign Cloud region eusc-de-east-1 is a region (VPC region, S3 sourceRegion)', async () => {
  for (const run of await runBothWays(input(VPC, 'eusc'), VPC)) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(run.errors, [], run.label);
    assert.deepEqual(run.records.map((r) => r.region), ['eusc-de-east-1'], run.label);
  }
  for (const run of await runBothWays(input(S3, 'eusc'), S3)) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(run.errors, [], run.label);
    assert.equal(run.records.length, 1, run.label);
    assert.equal(run.records[0]!.sourceRegion, 'eusc-de-east-1', run.label);
    assert.deepEqual(run.records[0]!.p_any_domain_names, ['amzn-s3-demo-bucket.s3.eusc-de-east-1.amazonaws.eu'], run.label);
  }
});

test('fidelity: an S3 hostheader with a port gives its host as an indicator, so --filter-ip keeps the record', async () => {
  for (const run of await runBothWays(input(S3, 'hostport'), S3)) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(run.errors, [], run.label);
    assert.deepEqual(run.records.map((r) => r.hostheader), ['192.0.2.10:8080', '192.0.2.10'], `${run.label}: the field keeps what was written`);
    for (const r of run.records) assert.deepEqual(r.p_any_ip_addresses, ['192.0.2.10', '203.0.113.7'], run.label);
  }
  for (const run of await runBothWays(input(S3, 'hostport'), S3, ['--filter-ip', '192.0.2.10'])) {
    assert.equal(run.records.length, 2, `${run.label}: --filter-ip 192.0.2.10 keeps both`);
  }
});

test('fidelity: an S3 time offset of +2400 is an error naming time, not a time moved by a day', async () => {
  for (const run of await runBothWays(input(S3, 'offset'), S3)) {
    assertAllReported(run, 1);
    if (run.label !== 'detected') assert.match(run.errors[0]!.error, /^field time: .*found "\[06\/Feb\/2019:00:00:38 \+2400\]"/);
  }
});

test('fidelity: an Aurora table event whose name may hold a comma is an error naming object, not object customers with retCode 0', async () => {
  for (const run of await runBothWays(input(AURORA, 'table-comma'), AURORA)) {
    assertAllReported(run, 1);
    if (run.label !== 'detected') {
      assert.match(run.errors[0]!.error, /^field object: .* reads as "customers" or as "customers,0"/);
    }
  }
});

test('fidelity: unknown names in --vpc-format are a usage error naming them (issue 14 overrides the notice), nothing read', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'awslogs-vpcfmt-'));
  try {
    const file = join(dir, 'flow.log');
    writeFileSync(file, '2 192.0.2.1 5 198.51.100.1 1714557600 7\n');
    const r = await runCli(['normalize', '--type', VPC, '--vpc-format', 'version srcaddr traffic-class dstaddr start flow-label', file]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /--vpc-format: unknown fields "traffic-class", "flow-label"/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
