// Issue 13 fidelity cases for AWS.VPCFlow and text line endings: each case's
// input (the golden copy) run with --type and detected, and the values its
// README line in ../shared/cases/fidelity/README.md names asserted on both runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';
import { runBothWays } from './helpers/fidelity.js';

const TYPE = 'AWS.VPCFlow';
const input = (name: string) => join(ROOT, 'test', 'golden', TYPE, name, 'input.log');

test('fidelity: a header naming srcaddr and src-addr never lets 203.0.113.9 into srcAddr', async () => {
  for (const run of await runBothWays(input('header-srcaddr-and-src-addr'), TYPE)) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.equal(run.records.length, 1, run.label);
    assert.deepEqual(run.errors, [], run.label);
    const r = run.records[0]!;
    assert.equal(r.srcAddr, '192.0.2.1', run.label);
    assert.equal(r.dstAddr, '198.51.100.2', run.label);
    // 203.0.113.9 keeps a key of its own: the header's name as written.
    assert.equal(r['src-addr'], '203.0.113.9', run.label);
    assert.equal(Object.values(r).filter((v) => v === '203.0.113.9').length, 1, `${run.label}: written once`);
    assert.deepEqual(r.p_any_ip_addresses, ['192.0.2.1', '198.51.100.2'], run.label);
    assert.match(run.stderr, /src-addr \(as "src-addr": srcAddr is another field's key\)/, run.label);
  }
});

test('fidelity: a Transit Gateway version 6 header gives named, typed fields and both VPC accounts as indicators', async () => {
  for (const run of await runBothWays(input('tgw-v6-header'), TYPE)) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(run.errors, [], run.label);
    assert.equal(run.records.length, 1, run.label);
    const r = run.records[0]!;
    const expected: Record<string, unknown> = {
      version: 6, resourceType: 'TransitGateway', account: '123456789012', tgwId: 'tgw-0123456789abcdef0',
      tgwAttachmentId: 'tgw-attach-0123456789abcdef0', tgwSrcVpcAccountId: '123456789012', tgwDstVpcAccountId: '111122223333',
      tgwSrcVpcId: 'vpc-0123456789abcdef0', tgwDstVpcId: 'vpc-0fedcba9876543210',
      tgwSrcSubnetId: 'subnet-0123456789abcdef0', tgwDstSubnetId: 'subnet-0fedcba9876543210',
      tgwSrcEni: 'eni-0123456789abcdef0', tgwDstEni: 'eni-0fedcba9876543210', tgwSrcAzId: 'use1-az1', tgwDstAzId: 'use1-az2',
      tgwPairAttachmentId: 'tgw-attach-0fedcba9876543210', srcAddr: '192.0.2.10', dstAddr: '198.51.100.20', srcPort: 49152,
      dstPort: 443, packets: 10, bytes: 840, start: '2024-05-01T10:00:00.000000000Z', status: 'OK', trafficType: 'IPv4',
      packetsLostNoRoute: 0, packetsLostBlackhole: 1, packetsLostMtuExceeded: 2, packetsLostTtlExpired: 3, tcpFlags: 2,
      region: 'us-east-1', flowDirection: 'ingress', p_any_aws_account_ids: ['111122223333', '123456789012'],
    };
    for (const [key, value] of Object.entries(expected)) assert.deepEqual(r[key], value, `${run.label}: ${key}`);
    for (const counter of ['packetsLostNoRoute', 'packetsLostBlackhole', 'packetsLostMtuExceeded', 'packetsLostTtlExpired']) {
      assert.ok(Number.isInteger(r[counter]), `${run.label}: ${counter} is an integer`);
    }
    assert.ok(!('pktSrcAwsService' in r) && !('pktDstAwsService' in r), `${run.label}: - is absent`);
    assert.ok(!('additionalFields' in r), run.label);
  }
});

test('fidelity: lone \\r line ends give three records, not one with the others in additionalFields', async () => {
  for (const run of await runBothWays(input('cr-only-line-endings'), TYPE)) {
    assert.equal(run.code, 0, `${run.label}: ${run.stderr}`);
    assert.deepEqual(run.errors, [], run.label);
    assert.deepEqual(run.records.map((r) => r.srcAddr), ['192.0.2.1', '192.0.2.2', '192.0.2.3'], run.label);
    assert.deepEqual(run.records.map((r) => r.srcPort), [49151, 49152, 49153], run.label);
    assert.deepEqual(run.records.map((r) => r.start), [
      '2024-05-01T10:00:01.000000000Z', '2024-05-01T10:00:02.000000000Z', '2024-05-01T10:00:03.000000000Z',
    ], run.label);
    for (const r of run.records) {
      assert.equal(r.status, 'OK', run.label);
      assert.ok(!('additionalFields' in r), run.label);
    }
  }
});

test('fidelity: \\n, \\r\\n and lone \\r mixed: one record per line, a bad line reported with its own line number', async () => {
  for (const run of await runBothWays(input('mixed-line-endings'), TYPE)) {
    assert.equal(run.code, 1, `${run.label}: ${run.stderr}`);
    assert.deepEqual(run.records.map((r) => r.srcAddr), ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4', '192.0.2.5'], run.label);
    assert.equal(run.errors.length, 1, run.label);
    assert.equal(run.errors[0]!.line, 6, run.label);
    assert.match(run.errors[0]!.error, /^field srcport: /, run.label);
    assert.doesNotMatch(run.errors[0]!.raw, /[\r\n]/, run.label);
  }
});

test('fidelity: a value shifted into another field is an error naming the field, never a record', async () => {
  for (const run of await runBothWays(input('shifted-values'), TYPE)) {
    assert.equal(run.code, 1, `${run.label}: ${run.stderr}`);
    const fields = run.errors.map((e) => [e.line, /^field ([a-z-]+):/.exec(e.error)?.[1]]);
    assert.deepEqual(fields, [
      [11, 'srcaddr'], [12, 'interface-id'], [13, 'account-id'], [14, 'end'], [15, 'action'], [16, 'protocol'],
      [17, 'dstport'], [18, 'account-id'], [19, 'srcaddr'], [20, 'action'], [21, 'log-status'],
    ], run.label);
    // No record holds a value that is not of its field's shape.
    for (const r of run.records) {
      assert.match(String(r.interfaceId), /^eni-/, run.label);
      assert.ok(r.action === undefined || r.action === 'ACCEPT' || r.action === 'REJECT', run.label);
    }
  }
});
