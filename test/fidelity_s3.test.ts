// Issue 13, S3 server access: each fidelity case of ../shared/cases/fidelity
// (copied into test/golden/AWS.S3ServerAccess/<case>/input.log) run with
// `--type` and with detection, asserting the values the cases' README names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT } from './helpers/cli.js';
import { runBothWays, type CaseRun } from './helpers/fidelity.js';

const TYPE = 'AWS.S3ServerAccess';
const HOST_ID_1 = 'ZXhhbXBsZSBob3N0IGlkIGZvciB0aGUgYXdzbG9ncyBmaWRlbGl0eSBjYXNlcywgbm8gMQ==';
const HOST_ID_2 = 'ZXhhbXBsZSBob3N0IGlkIGZvciB0aGUgYXdzbG9ncyBmaWRlbGl0eSBjYXNlcywgbm8gMg==';

function input(caseName: string): string {
  return join(ROOT, 'test', 'golden', TYPE, caseName, 'input.log');
}

/** The run wrote exactly one record, no error report, and exited 0; returns the record. */
function onlyRecord(run: CaseRun): Record<string, unknown> {
  assert.equal(run.code, 0, `${run.label}: exit status; stderr: ${run.stderr}`);
  assert.deepEqual(run.errors, [], `${run.label}: no error report`);
  assert.equal(run.records.length, 1, `${run.label}: one record`);
  return run.records[0]!;
}

function assertAbsent(record: Record<string, unknown>, keys: readonly string[], label: string): void {
  for (const key of keys) assert.ok(!(key in record), `${label}: ${key} is absent, found ${JSON.stringify(record[key])}`);
}

test('S3 fidelity: a user agent with unescaped inner quotes keeps them, and no field after it shifts', async () => {
  for (const run of await runBothWays(input('useragent-unescaped-inner-quotes'), TYPE)) {
    const r = onlyRecord(run);
    assert.equal(r.useragent, '"linux64" example-toolkit fetch.3.0.0 (phid=example,libc=2.17)', run.label);
    assert.equal(r.hostid, HOST_ID_1, run.label);
    assert.equal(r.signatureversion, 'SigV4', run.label);
    assert.equal(r.ciphersuite, 'ECDHE-RSA-AES128-GCM-SHA256', run.label);
    assert.equal(r.authenticationtype, 'AuthHeader', run.label);
    assert.equal(r.hostheader, 'amzn-s3-demo-bucket.s3.us-east-1.amazonaws.com', run.label);
    assert.equal(r.tlsVersion, 'TLSv1.2', run.label);
    assert.equal(r.sourceRegion, 'us-east-1', run.label);
    assertAbsent(r, ['referrer', 'versionid', 'accessPointArn', 'aclRequired', 'additionalFields'], run.label);
    assert.deepEqual(r.p_any_domain_names, ['amzn-s3-demo-bucket.s3.us-east-1.amazonaws.com'], run.label);
  }
});

test('S3 fidelity: a referrer with unescaped inner quotes keeps them, and the user agent and tail are in place', async () => {
  for (const run of await runBothWays(input('referer-unescaped-inner-quotes'), TYPE)) {
    const r = onlyRecord(run);
    assert.equal(r.referrer, 'foo "bar" baz', run.label);
    assert.equal(r.useragent, 'curl/7.38.0', run.label);
    assert.equal(r.hostid, HOST_ID_1, run.label);
    assert.equal(r.ciphersuite, 'ECDHE-RSA-AES128-GCM-SHA256', run.label);
    assert.equal(r.hostheader, 'amzn-s3-demo-bucket.s3.amazonaws.com', run.label);
    assert.equal(r.tlsVersion, 'TLSv1.2', run.label);
    assertAbsent(r, ['versionid', 'signatureversion', 'authenticationtype', 'accessPointArn', 'additionalFields'], run.label);
  }
});

test('S3 fidelity: a host id written as two tokens is kept whole, with one space', async () => {
  for (const run of await runBothWays(input('hostid-two-tokens'), TYPE)) {
    const r = onlyRecord(run);
    assert.equal(r.hostid, `AIDAEXAMPLEUSERID0001 ${HOST_ID_2}`, run.label);
    assert.equal(r.signatureversion, 'SigV4', run.label);
    assert.equal(r.ciphersuite, 'ECDHE-RSA-AES128-SHA', run.label);
    assert.equal(r.authenticationtype, 'AuthHeader', run.label);
    assert.equal(r.hostheader, 's3.amazonaws.com', run.label);
    assert.equal(r.tlsVersion, 'TLSv1.2', run.label);
    assert.equal(r.useragent, 'S3Console/0.4, aws-internal/3 aws-sdk-java/1.11.500', run.label);
    assertAbsent(r, ['versionid', 'accessPointArn', 'additionalFields'], run.label);
    assert.deepEqual(r.p_any_domain_names, ['s3.amazonaws.com'], run.label);
  }
});

test('S3 fidelity: a record cut in its requester with the next record spliced on is one error report, nothing written', async () => {
  const runs = await runBothWays(input('spliced-truncated-line'), TYPE);
  for (const run of runs) {
    assert.equal(run.code, 1, `${run.label}: exit status; stderr: ${run.stderr}`);
    assert.deepEqual(run.records, [], `${run.label}: no record`);
    assert.equal(run.errors.length, 1, `${run.label}: one error report`);
    assert.equal(run.errors[0]!.line, 1, run.label);
  }
  // With --type the report names the field the splice broke (detection, with
  // no line of the file parsing, reports that it could not tell the type).
  assert.match(runs[0]!.errors[0]!.error, /^field requestid: /);
});

test('S3 fidelity: a 2015 line that ends at the version id is a record, the later fields absent', async () => {
  for (const run of await runBothWays(input('legacy-2015-ends-at-versionid'), TYPE)) {
    const r = onlyRecord(run);
    assert.equal(r.time, '2015-05-15T00:52:49.000000000Z', run.label);
    assert.equal(r.operation, 'REST.GET.VERSIONING', run.label);
    assert.equal(r.requesturi, 'GET /?versioning HTTP/1.1', run.label);
    assert.equal(r.httpstatus, 200, run.label);
    assert.equal(r.bytessent, 162, run.label);
    assert.equal(r.totaltime, 9, run.label);
    assert.equal(r.useragent, 'aws-sdk-java/1.9.0 Linux/3.10.0', run.label);
    assertAbsent(r, ['objectsize', 'versionid', 'hostid', 'signatureversion', 'tlsVersion', 'hostheader'], run.label);
  }
});

test('S3 fidelity: a 2020 lifecycle line that ends at the host id is a record, the later fields absent', async () => {
  for (const run of await runBothWays(input('lifecycle-2020-ends-at-hostid'), TYPE)) {
    const r = onlyRecord(run);
    assert.equal(r.requester, 'AmazonS3', run.label);
    assert.equal(r.operation, 'S3.EXPIRE.OBJECT', run.label);
    assert.equal(r.key, 'logs/file.zip', run.label);
    assert.equal(r.objectsize, 440561, run.label);
    assert.equal(r.hostid, HOST_ID_2, run.label);
    assertAbsent(r, ['remoteip', 'requesturi', 'httpstatus', 'signatureversion', 'tlsVersion', 'p_any_ip_addresses'], run.label);
  }
});
