import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIPv4 as netIsIPv4 } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_TYPES } from '../src/logtypes/index.js';
import { INDICATOR_CODE_PATH, indicatorExtractorFor } from '../src/pipeline/indicator_code.js';
import { IndicatorCollector, extractorModuleSource, loopExtractor, isArn, isIPv4, isInstanceId, urlHost, splitHostPort, type IndicatorKind } from '../src/core/indicators.js';

function collect(fill: (c: IndicatorCollector) => void): Record<string, unknown> {
  const c = new IndicatorCollector();
  fill(c);
  const out: Record<string, unknown> = {};
  c.writeTo(out);
  return out;
}

test('sorted by code unit order, de-duplicated, trimmed; empty arrays omitted', () => {
  const out = collect((c) => {
    c.addIp('52.119.169.95');
    c.addIp(' 172.31.88.3 ');
    c.addIp('52.119.169.95');
    c.addIp('2001:0db8:85a3:0000:0000:8a2e:0370:7334');
  });
  assert.deepEqual(out, { p_any_ip_addresses: ['172.31.88.3', '2001:0db8:85a3:0000:0000:8a2e:0370:7334', '52.119.169.95'] });
  assert.deepEqual(collect(() => {}), {});
});

test('IP validation uses isIP: no partial or zero-padded addresses, IPv6 kept as written', () => {
  const out = collect((c) => {
    for (const v of ['1.2.3', '01.2.3.4', '-', '', 'unknown', '256.1.1.1', '::1', 'fe80::1ff:fe23:4567:890a']) c.addIp(v);
  });
  assert.deepEqual(out, { p_any_ip_addresses: ['::1', 'fe80::1ff:fe23:4567:890a'] });
});

test('isIPv4 agrees with node:net isIPv4 on valid, odd and random strings', () => {
  const fixed = ['0.0.0.0', '255.255.255.255', '1.2.3.4', '01.2.3.4', '1.2.3', '1.2.3.4.', '.1.2.3.4', '1..2.3', '256.0.0.1',
    '1.2.3.04', '1.2.3.4 ', '1.2.3.-4', '192.168.0.1', '1.2.3.4.5', '00.0.0.0', '0.0.0.00', '999.1.1.1', ''];
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const alphabet = '0123456789.0123456789.25';
  const random = Array.from({ length: 20000 }, () =>
    Array.from({ length: 1 + Math.floor(rand() * 16) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join(''));
  for (const s of [...fixed, ...random]) assert.equal(isIPv4(s), netIsIPv4(s), JSON.stringify(s));
});

test('hostname rule: IPs to IPs, names to domains, junk to neither', () => {
  const out = collect((c) => {
    for (const v of ['10.0.0.1', 'www.example.com', '-', 'AWS Internal', '', '%', 'GeneratedFindingDomainName']) c.addHostname(v);
  });
  assert.deepEqual(out, { p_any_ip_addresses: ['10.0.0.1'], p_any_domain_names: ['GeneratedFindingDomainName', 'www.example.com'] });
});

test('URL hosts go through the hostname rule', () => {
  assert.equal(urlHost('https://10.0.2.105:773/'), '10.0.2.105');
  assert.equal(urlHost('http://www.example.com:80/hello world'), 'www.example.com');
  assert.equal(urlHost('https://user:pw@example.com/x'), 'example.com');
  assert.equal(urlHost('http://[2001:db8::1]:8080/'), '2001:db8::1');
  assert.equal(urlHost('https://example.com?q=1'), 'example.com');
  assert.equal(urlHost('/relative/path'), undefined);
  assert.equal(urlHost('-'), undefined);
  const out = collect((c) => { c.addUrl('https://10.0.2.105:773/'); c.addUrl('https://example.com:80/'); });
  assert.deepEqual(out, { p_any_ip_addresses: ['10.0.2.105'], p_any_domain_names: ['example.com'] });
});

test('account ids are exactly 12 ASCII digits', () => {
  const out = collect((c) => { for (const v of ['123456789012', '12345678901', '1234567890123', 'unknown', '12345678901a', '１２３４５６７８９０１２']) c.addAccountId(v); });
  assert.deepEqual(out, { p_any_aws_account_ids: ['123456789012'] });
});

test('instance ids: i- and 8 or 17 hex digits', () => {
  assert.ok(isInstanceId('i-99999999'));
  assert.ok(isInstanceId('i-038407d32b0f38c60'));
  assert.ok(!isInstanceId('i-038407d32b0f38c6'));
  assert.ok(!isInstanceId('i-0384zzzz'));
  assert.ok(!isInstanceId('ami-99999999'));
});

test('ARNs need six sections; they give their account and an ec2 instance id', () => {
  assert.ok(isArn('arn:aws:s3:::bucket/key'));
  assert.ok(!isArn('arn:BUT-I-AM-NOT-REALLY-AN-ARN'));
  assert.ok(!isArn('session-reused'));
  const out = collect((c) => {
    c.addArn('arn:aws:ec2:region:111122223333:instance/i-0072230f74b3a798e');
    c.addArn('arn:aws:ec2:region:111122223333:instance/');
    c.addArn('arn:aws:s3:::panther-lab-cloudtrail/AWSLogs/888888888888/x.json.gz');
    c.addArn('session-reused');
  });
  assert.deepEqual(out, {
    p_any_aws_account_ids: ['111122223333'],
    p_any_aws_instance_ids: ['i-0072230f74b3a798e'],
    p_any_aws_arns: [
      'arn:aws:ec2:region:111122223333:instance/',
      'arn:aws:ec2:region:111122223333:instance/i-0072230f74b3a798e',
      'arn:aws:s3:::panther-lab-cloudtrail/AWSLogs/888888888888/x.json.gz',
    ],
  });
});

test('tags are key:value; ip:port splits on the last colon', () => {
  assert.deepEqual(splitHostPort('2a02:a33c:4538:1:bcf4:5264:e01c:f215:50718'), ['2a02:a33c:4538:1:bcf4:5264:e01c:f215', '50718']);
  assert.deepEqual(splitHostPort('[2001:db8::1]:443'), ['2001:db8::1', '443']);
  assert.deepEqual(splitHostPort('10.0.0.1:80'), ['10.0.0.1', '80']);
  const out = collect((c) => { c.addTag('tag1', 'val1'); c.addTag('', 'x'); c.addIpPort('10.0.0.1:80'); c.addAs('ip_port', ['[::1]:22', 'nope']); });
  assert.deepEqual(out, { p_any_ip_addresses: ['10.0.0.1', '::1'], p_any_aws_tags: ['tag1:val1'] });
});

test('a collector is empty again after writeTo and after clear', () => {
  const c = new IndicatorCollector();
  c.addIp('10.0.0.1');
  const first: Record<string, unknown> = {};
  c.writeTo(first);
  c.addAccountId('123456789012');
  c.clear();
  const second: Record<string, unknown> = {};
  c.writeTo(second);
  assert.deepEqual(first, { p_any_ip_addresses: ['10.0.0.1'] });
  assert.deepEqual(second, {});
});

test('sorting and de-duplication agree with Array#sort for small and large sets', () => {
  let seed = 3;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let round = 0; round < 300; round++) {
    const n = 1 + Math.floor(rand() * 20);
    const values = Array.from({ length: n }, () => `10.0.${Math.floor(rand() * 4)}.${Math.floor(rand() * 12)}`);
    const c = new IndicatorCollector();
    for (const v of values) c.addIp(v);
    const out: Record<string, unknown> = {};
    c.writeTo(out);
    assert.deepEqual(out.p_any_ip_addresses, [...new Set(values)].sort());
  }
});

test('generated indicator code (build step): the same indicators as a loop over the pairs, for any field name', () => {
  const table: [string, IndicatorKind][] = [
    ['ip', 'ip'], ['a"b\\c', 'ip'], ['__proto__', 'domain'], ['x.y', 'aws_account_id'], ['line\u2028sep', 'url'],
    ['arns', 'aws_arn'], ['absent', 'ip'], ['ip', 'hostname'], ["it's", 'aws_tag'],
  ];
  const record: Record<string, unknown> = {};
  const values: unknown[] = ['10.0.0.1', '192.0.2.7', 'example.com', '123456789012', 'https://h.example.org/p',
    ['arn:aws:iam::210987654321:role/r', 'nope'], undefined, undefined, 'k:v'];
  table.forEach(([field], i) => {
    if (values[i] !== undefined) Object.defineProperty(record, field, { value: values[i], enumerable: true, writable: true });
  });
  const byLoop = new IndicatorCollector();
  for (const [field, kind] of table) {
    const v = record[field];
    if (v !== undefined) byLoop.addAs(kind, v);
  }
  const compiled = new IndicatorCollector();
  const dir = mkdtempSync(join(tmpdir(), 'awslogs-indicators-'));
  const file = join(dir, 'indicators.cjs');
  writeFileSync(file, extractorModuleSource({ 'AWS.Odd': table }));
  const generated = createRequire(import.meta.url)(file) as Record<string, { fields: string; extract: (r: Record<string, unknown>, c: IndicatorCollector) => void }>;
  rmSync(dir, { recursive: true });
  assert.equal(generated['AWS.Odd']!.fields, JSON.stringify(table));
  generated['AWS.Odd']!.extract(record, compiled);
  const looped = new IndicatorCollector();
  loopExtractor(table)(record, looped);
  const c: Record<string, unknown> = {};
  looped.writeTo(c);
  const a: Record<string, unknown> = {};
  const b: Record<string, unknown> = {};
  byLoop.writeTo(a);
  compiled.writeTo(b);
  assert.deepEqual(b, a);
  assert.deepEqual(b.p_any_ip_addresses, ['10.0.0.1', '192.0.2.7']);
  assert.deepEqual(b.p_any_domain_names, ['example.com', 'h.example.org']);
  assert.deepEqual(b.p_any_aws_account_ids, ['123456789012', '210987654321']);
  assert.deepEqual(b.p_any_aws_tags, ['k:v']);
  assert.deepEqual(c, a);
});

test('every log type reads its indicators through the build step\'s generated code, made from its current fields', () => {
  const generated = createRequire(import.meta.url)(INDICATOR_CODE_PATH) as Record<string, { fields: string; extract: unknown }>;
  for (const t of LOG_TYPES) {
    assert.equal(generated[t.name]?.fields, JSON.stringify(t.indicators), t.name);
    assert.equal(indicatorExtractorFor(t.name, t.indicators), generated[t.name]!.extract, t.name);
  }
  // Fields other than the ones it was built from: the loop, never stale code.
  const other = [['srcaddr', 'ip']] as const;
  assert.notEqual(indicatorExtractorFor('AWS.NotBuilt', other), undefined);
});
