// Unit tests for issue 13 item 3: what a VPC header line is, a BOM at the
// start of any line, region codes of every partition, Host header ports,
// offsets S3 times may carry, and the --vpc-format notice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IndicatorCollector, hostHeaderHost } from '../src/core/indicators.js';
import { isAwsRegion } from '../src/core/shapes.js';
import { normalizeCommonLogTime } from '../src/core/timestamp.js';
import { DEFAULT_TGW_FORMAT, DEFAULT_VPC_FORMAT, isVpcHeader, vpcFlow } from '../src/logtypes/vpc_flow.js';
import type { Fields, ParseSink } from '../src/logtypes/types.js';
import { LineFramer } from '../src/pipeline/lines.js';

test('isVpcHeader: valid headers, headers with unknown names, and damaged headers are headers', () => {
  for (const header of [
    DEFAULT_VPC_FORMAT, DEFAULT_TGW_FORMAT, 'version', 'srcaddr dstaddr', '${version} ${srcaddr}',
    'traffic-class account-id interface-id srcaddr', 'flow-label traffic-class start', 'version\tsrcaddr\tdstaddr',
    'version account-id log_status', 'VERSION SRCADDR DSTADDR', '"version","srcaddr","dstaddr"', 'version,srcaddr,dstaddr',
    '${version} ${srcaddr} ${log@status}', 'traffic-class version dst_addr', 'Version SrcAddr', 'version srcaddr 10.0.0.1',
    ' version srcaddr', 'src.addr dstaddr',
  ]) assert.ok(isVpcHeader(header), header);
});

test('isVpcHeader: data lines, values and text that name no field are not headers', () => {
  for (const line of [
    '2 123456789012 eni-0123456789abcdef0 192.0.2.1 198.51.100.2 443 49152 6 10 840 1714557600 1714557660 ACCEPT OK',
    'eni-0123456789abcdef0 192.0.2.1 ACCEPT OK', 'ACCEPT OK', 'IPv4 ingress us-east-1', '- - - NODATA',
    '6 TransitGateway 123456789012', 'TransitGateway tgw-0123 use1-az1', 'vpc-0a1b2c3d subnet-0a1b i-0123456789abcdef0',
    'arn:aws:ecs:us-east-1:123456789012:task/x my-service', '2001:db8::1 192.0.2.1', 'hello world', '', '   ',
    'end 10.0.0.1 192.0.2.1 443', // a value that is a field name, among values
  ]) assert.equal(isVpcHeader(line), false, line);
});

/** The outcome of each line through one VPC parser. */
function parseAll(lines: readonly string[], vpcFormat?: string): string[] {
  const parser = vpcFlow.createParser(vpcFormat === undefined ? {} : { vpcFormat });
  const out: string[] = [];
  const sink: ParseSink = {
    event: (f: Fields) => out.push(`event ${JSON.stringify(Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined)))}`),
    skip: (why) => out.push(`skip ${why}`),
    error: (m) => out.push(`error ${m}`),
    notice: (m) => out.push(`notice ${m}`),
  };
  for (const l of lines) parser.parse(l, sink);
  return out;
}

test('VPC: a rejected header stops the old layout until a valid header; a repeated header of text fields is a header', () => {
  const out = parseAll([
    'version srcaddr dstaddr start', '2 192.0.2.1 198.51.100.1 1714557600',
    'version dstaddr srcaddr start log_status', '2 198.51.100.2 192.0.2.2 1714557601 OK',
    'version dstaddr srcaddr start', '2 198.51.100.3 192.0.2.3 1714557602',
  ]);
  assert.equal(out[0], 'skip header');
  assert.match(out[1]!, /^event .*"srcAddr":"192.0.2.1"/);
  assert.match(out[2]!, /^error header line: "log_status" is not a VPC flow log field name/);
  assert.match(out[3]!, /^error no field layout/);
  assert.equal(out[4], 'skip header');
  assert.match(out[5]!, /^event .*"dstAddr":"198.51.100.3","srcAddr":"192.0.2.3"/);
  // Read with the layout, `az-id resource-type` would fit it (two text fields): it is a header first.
  assert.deepEqual(parseAll(['az-id resource-type', 'use1-az1 TransitGateway', 'az-id resource-type']),
    ['skip header', 'event {"azId":"use1-az1","resourceType":"TransitGateway"}', 'skip header']);
});

test('VPC: a line of prose that holds a field name is a rejected header, never a layout of invented names', () => {
  assert.match(parseAll(['this is not a log of any type'])[0]!, /^error header line: most of its names are no VPC field \("this", "is"/);
  for (const prose of ['this is not a log of any type', 'Flow log export, action required: start over']) {
    const out = parseAll(['version srcaddr dstaddr', '2 192.0.2.1 198.51.100.1', prose, '2 192.0.2.2 198.51.100.2']);
    assert.equal(out[0], 'skip header');
    assert.match(out[1]!, /^event /);
    assert.match(out[2]!, /^error header line: /, prose);
    assert.match(out[3]!, /^error no field layout/, 'the lines after it are reported, not read with invented names');
    assert.equal(out.length, 4);
  }
  // A header whose names are mostly known keeps its unknown ones (AWS adds a few at a time).
  assert.deepEqual(parseAll(['version traffic-class srcaddr', '2 5 192.0.2.1']).slice(0, 3),
    ['notice header names fields this version does not know; kept as strings: traffic-class', 'skip header', 'event {"version":2,"trafficClass":"5","srcAddr":"192.0.2.1"}']);
});

test('VPC: --vpc-format with unknown names gives one notice, with the first line', () => {
  const out = parseAll(['2 192.0.2.1 5', '2 192.0.2.2 6'], 'version srcaddr traffic-class');
  assert.deepEqual(out.slice(0, 1), ['notice --vpc-format names fields this version does not know; kept as strings: traffic-class']);
  assert.equal(out.filter((o) => o.startsWith('notice')).length, 1);
  assert.equal(out.filter((o) => o.startsWith('event')).length, 2);
  assert.equal(parseAll(['2 192.0.2.1'], 'version srcaddr').filter((o) => o.startsWith('notice')).length, 0, 'no notice when all names are known');
});

function frame(chunks: readonly Buffer[], max = 1000): string[] {
  const out: string[] = [];
  const framer = new LineFramer({
    record: (text, line) => out.push(`${line} ${text}`),
    reject: (_message, raw, line) => out.push(`${line} reject ${raw}`),
  }, max);
  for (const c of chunks) framer.push(c);
  framer.end();
  return out;
}

test('LineFramer: a BOM at the start of any line is dropped, wherever the chunks are cut', () => {
  const bytes = Buffer.from('\uFEFFa b\n\uFEFFc d\r\n\uFEFF\n\uFEFFe\uFEFFf\r\uFEFFg', 'utf8');
  const expected = ['1 a b', '2 c d', '4 e\uFEFFf', '5 g'];
  assert.deepEqual(frame([bytes]), expected);
  for (let cut = 1; cut < bytes.length; cut++) assert.deepEqual(frame([bytes.subarray(0, cut), bytes.subarray(cut)]), expected, `cut at ${cut}`);
  // The BOM is not part of the line: it does not count toward the limit.
  assert.deepEqual(frame([Buffer.from('\uFEFFabcd\n\uFEFFabcd')], 4), ['1 abcd', '2 abcd']);
  assert.deepEqual(frame([Buffer.from('\uFEFFab'), Buffer.from('cd')], 4), ['1 abcd']);
});

test('isAwsRegion: the region codes of every partition, and no other value', () => {
  for (const ok of ['us-east-1', 'us-gov-west-1', 'us-iso-east-1', 'us-isob-east-1', 'us-isof-south-1', 'eu-isoe-west-1', 'cn-northwest-1',
    'eusc-de-east-1', 'mx-central-1', 'ap-southeast-7']) assert.ok(isAwsRegion(ok), ok);
  for (const bad of ['eusc-de-east-1a', 'eusce-de-east-1', 'e-east-1', 'EUSC-DE-EAST-1', 'eusc-1', 'eusc--east-1', 'use1-az1', 'us-east-1a',
    'europe-west-1', 'eusc_de_east_1']) assert.ok(!isAwsRegion(bad), bad);
});

test('hostHeaderHost: the host of a Host header, with or without a port', () => {
  const cases: Array<[string, string | undefined]> = [
    ['192.0.2.10:8080', '192.0.2.10'], ['192.0.2.10', '192.0.2.10'],
    ['amzn-s3-demo-bucket.s3.amazonaws.com:443', 'amzn-s3-demo-bucket.s3.amazonaws.com'], ['example.com', 'example.com'],
    ['[2001:db8::1]:443', '2001:db8::1'], ['[2001:db8::1]', '2001:db8::1'], ['2001:db8::1', '2001:db8::1'],
    ['2001:db8::1:443', '2001:db8::1:443'], // an address as a whole: never cut
    ['example.com:', undefined], ['example.com:http', undefined], ['example.com:65536', undefined], [':443', undefined],
    ['[2001:db8::1]x', undefined], ['[2001:db8::1]:', undefined], ['[]:443', undefined], ['a:b:c', undefined],
  ];
  for (const [value, host] of cases) assert.equal(hostHeaderHost(value), host, value);
});

test('IndicatorCollector host_header: the host by the hostname rule', () => {
  const record: Record<string, unknown> = {};
  const c = new IndicatorCollector();
  for (const v of ['192.0.2.10:8080', '[2001:db8::1]:443', 'amzn-s3-demo-bucket.s3.amazonaws.com:443', 'example.com:http', '-']) c.addAs('host_header', v);
  c.writeTo(record);
  assert.deepEqual(record, {
    p_any_ip_addresses: ['192.0.2.10', '2001:db8::1'],
    p_any_domain_names: ['amzn-s3-demo-bucket.s3.amazonaws.com'],
  });
});

test('normalizeCommonLogTime: offsets up to ±2359 are applied; hours over 23 or minutes over 59 are no time', () => {
  assert.equal(normalizeCommonLogTime('06/Feb/2019:00:00:38 +2359'), '2019-02-05T00:01:38.000000000Z');
  assert.equal(normalizeCommonLogTime('06/Feb/2019:00:00:38 -2359'), '2019-02-06T23:59:38.000000000Z');
  assert.equal(normalizeCommonLogTime('06/Feb/2019:00:00:38 +1400'), '2019-02-05T10:00:38.000000000Z');
  for (const offset of ['+2400', '-2400', '+0060', '-0099', '+9999', '+2500']) {
    assert.equal(normalizeCommonLogTime(`06/Feb/2019:00:00:38 ${offset}`), undefined, offset);
  }
});
