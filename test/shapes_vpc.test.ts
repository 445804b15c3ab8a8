// Unit tests of the value-shape checks in src/core/shapes.ts (issue 13,
// item 3), of the 'checked_ip' indicator kind, and of the VPC header rules:
// the output key of each header name, and what a rejected header leaves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIPv4 } from 'node:net';
import fc from 'fast-check';
import { IndicatorCollector } from '../src/core/indicators.js';
import { dottedQuadEnd, isAwsRegion, isAwsResourceId, isPortNumber, isUpperSnakeName, looksLikeAwsResourceId } from '../src/core/shapes.js';
import type { Fields, ParseSink } from '../src/logtypes/types.js';
import { DEFAULT_TGW_FORMAT, isVpcHeader, parseVpcFormat, vpcFlow, type VpcFormat } from '../src/logtypes/vpc_flow.js';

test('dottedQuadEnd: the end of a dotted quad where node:net isIPv4 accepts it, -1 otherwise', () => {
  assert.equal(dottedQuadEnd('192.0.2.1', 0), 9);
  assert.equal(dottedQuadEnd('x 192.0.2.1 y', 2), 11);
  assert.equal(dottedQuadEnd('203.0.113.255:443', 0), 13); // the caller sees the ':'
  for (const bad of ['192.0.2', '192.0.2.256', '01.2.3.4', '1.2.3.4.5', '1..2.3', '.1.2.3', '1.2.3.', '1234.1.1.1', 'a.b.c.d', '', '2001:db8::1']) {
    assert.equal(dottedQuadEnd(bad, 0), -1, bad);
  }
  // Differential: on any text of digits and dots, it agrees with node:net.
  fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'0123456789.'), maxLength: 18 }), (s) => {
    const end = dottedQuadEnd(s + ' ', 0);
    assert.equal(end === s.length, isIPv4(s), s);
    if (end !== s.length) assert.equal(end, -1, s);
  }), { numRuns: 5000 });
  fc.assert(fc.property(fc.ipV4(), (ip) => assert.equal(dottedQuadEnd(ip, 0), ip.length)), { numRuns: 2000 });
});

test('isAwsResourceId: the given prefix, a dash, then letters and digits only', () => {
  assert.ok(isAwsResourceId('vpc-0a1b2c3d', 'vpc'));
  assert.ok(isAwsResourceId('tgw-attach-0123456789abcdef0', 'tgw-attach'));
  assert.ok(isAwsResourceId('i-0123456789abcdef0', 'i'));
  for (const bad of ['vpc-', 'vpc', 'vpc_0a1b', 'subnet-0a1b', 'vpc-0a1b-2c', 'vpc-0a1b ', 'avpc-0a1b', 'vpc-0a1b\ufffd']) {
    assert.equal(isAwsResourceId(bad, 'vpc'), false, bad);
  }
  assert.equal(isAwsResourceId('tgw-attach-0123', 'tgw'), false, 'tgw- is followed by letters, a dash and digits');
});

test('looksLikeAwsResourceId: lower-case letters, a dash and more; not an IP, a number or an enumeration value', () => {
  for (const ok of ['eni-0123456789abcdef0', 'nat-0a1b', 'tgw-attach-0a', 'eni-0a1b\ufffd']) assert.ok(looksLikeAwsResourceId(ok), ok);
  for (const bad of ['192.0.2.1', '2001:db8::1', '123456789012', 'ACCEPT', 'eni-', '-', 'eni', 'Eni-0a1b', '-0a1b', '']) {
    assert.equal(looksLikeAwsResourceId(bad), false, bad);
  }
});

test('isAwsRegion: letter groups joined by dashes, then a number', () => {
  for (const ok of ['us-east-1', 'us-gov-west-1', 'cn-northwest-1', 'us-isob-east-1', 'ap-southeast-4', 'eu-central-12']) assert.ok(isAwsRegion(ok), ok);
  for (const bad of ['us-east', 'us-1', 'useast-1', 'us-east-1a', 'US-EAST-1', 'us--east-1', '-us-east-1', 'us-east-', 'ingress', '']) {
    assert.equal(isAwsRegion(bad), false, bad);
  }
});

test('isUpperSnakeName and isPortNumber', () => {
  for (const ok of ['S3', 'AMAZON', 'AMAZON_APPFLOW', 'ROUTE53_HEALTHCHECKS_PUBLISHING']) assert.ok(isUpperSnakeName(ok), ok);
  for (const bad of ['', 's3', '3S', '_S3', 'AMAZON-APPFLOW', 'Amazon']) assert.equal(isUpperSnakeName(bad), false, bad);
  for (const ok of [0, 1, 443, 65535]) assert.ok(isPortNumber(ok), String(ok));
  for (const bad of [-1, 65536, 1.5, Number.NaN]) assert.equal(isPortNumber(bad), false, String(bad));
});

test("'checked_ip' indicators are added as they are; 'ip' ones are still checked", () => {
  const c = new IndicatorCollector();
  c.addAs('checked_ip', '2001:db8::1');
  c.addAs('checked_ip', '');
  c.addAs('ip', 'not-an-ip');
  c.addAs('ip', '192.0.2.1');
  const record: Record<string, unknown> = {};
  c.writeTo(record);
  assert.deepEqual(record.p_any_ip_addresses, ['192.0.2.1', '2001:db8::1']);
});

// ---- VPC header rules ------------------------------------------------------------------

function keys(format: string): string[] {
  const f = parseVpcFormat(format);
  assert.notEqual(typeof f, 'string', String(f));
  return (f as VpcFormat).columns.map((c) => c.key);
}

test('VPC header: a name this tool does not know never takes another field\'s key', () => {
  // Known fields keep their keys wherever the unknown name stands.
  assert.deepEqual(keys('src-addr srcaddr'), ['src-addr', 'srcAddr']);
  assert.deepEqual(keys('srcaddr src-addr'), ['srcAddr', 'src-addr']);
  // Even when the known field is not in the header: srcAddr always means srcaddr.
  assert.deepEqual(keys('version src-addr'), ['version', 'src-addr']);
  // A name without a dash is its own camelCase: it gets its column number.
  assert.deepEqual(keys('version account status log-status'), ['version', 'account#2', 'status#3', 'status']);
  assert.deepEqual(keys('version additional-fields traffic-type sub-net-id'), ['version', 'additional-fields', 'traffic-type', 'sub-net-id']);
  // Unknown names that camel-case alike: the first keeps the camelCase.
  assert.deepEqual(keys('version a1b a-1b'), ['version', 'a1b', 'a-1b']);
  assert.deepEqual(keys('version a-1b a1b'), ['version', 'a1b', 'a1b#3']);
  // New names keep their camelCase.
  assert.deepEqual(keys('version future-field'), ['version', 'futureField']);
  assert.deepEqual(keys('${version} ${src-addr} ${srcaddr}'), ['version', 'src-addr', 'srcAddr']);
});

test('VPC header: a name given twice, or a token that is no field name, rejects the format', () => {
  assert.equal(parseVpcFormat('version srcaddr srcaddr'), 'the VPC format names "srcaddr" twice');
  assert.match(String(parseVpcFormat('version Src')), /"Src" is not a VPC flow log field name/);
  assert.equal(parseVpcFormat('   '), 'the VPC format names no fields');
});

test('VPC header: every Transit Gateway field is known; a TGW header is a header', () => {
  const f = parseVpcFormat(DEFAULT_TGW_FORMAT) as VpcFormat;
  assert.deepEqual(f.unknown, []);
  assert.equal(f.columns.length, 36);
  assert.ok(isVpcHeader(DEFAULT_TGW_FORMAT));
  assert.ok(isVpcHeader('resource-type tgw-id'));
  assert.equal(isVpcHeader('6 TransitGateway 123456789012'), false);
});

/** Runs lines through one VPC parser: each line's outcome. */
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

test('VPC: after a rejected header, lines are reported until a valid header re-arms the layout', () => {
  const out = parseAll(['version srcaddr srcaddr start', '2 192.0.2.1 192.0.2.2 1714557600', 'version srcaddr start', '2 192.0.2.3 1714557600']);
  assert.match(out[0]!, /^error header line: the VPC format names "srcaddr" twice/);
  assert.match(out[1]!, /^error no field layout: the header line before this line was rejected/);
  assert.equal(out[2], 'skip header');
  assert.equal(out[3], 'event {"version":2,"srcAddr":"192.0.2.3","start":"2024-05-01T10:00:00.000000000Z"}');
});

test('VPC: the notice says where a colliding name went', () => {
  const out = parseAll(['version srcaddr src-addr future-x']);
  assert.deepEqual(out, [
    'notice header names fields this version does not know; kept as strings: src-addr (as "src-addr": srcAddr is another field\'s key), future-x',
    'skip header',
  ]);
});

const TGW_LINE = '6 TransitGateway 123456789012 tgw-0123456789abcdef0 tgw-attach-0123456789abcdef0 123456789012 111122223333 '
  + 'vpc-0123456789abcdef0 vpc-0fedcba9876543210 subnet-0123456789abcdef0 subnet-0fedcba9876543210 eni-0123456789abcdef0 '
  + 'eni-0fedcba9876543210 use1-az1 use1-az2 tgw-attach-0fedcba9876543210 192.0.2.10 198.51.100.20 49152 443 6 10 840 '
  + '1714557600 1714557660 OK IPv4 0 1 2 3 2 us-east-1 ingress - -';

test('VPC: header-less TransitGateway lines are read with the TGW default layout, unless --vpc-format or a header says otherwise', () => {
  const [event] = parseAll([TGW_LINE]);
  assert.match(event!, /^event \{"version":6,"resourceType":"TransitGateway",/);
  assert.match(event!, /"packetsLostTtlExpired":3,/);
  // With a layout named by the user, a line that does not fit it is an error, not read another way.
  assert.match(parseAll([TGW_LINE], 'version resource-type account-id')[0]!, /^event .*"additionalFields":\["tgw-0123456789abcdef0"/);
  assert.match(parseAll([TGW_LINE], DEFAULT_TGW_FORMAT.replace('resource-type ', ''))[0]!, /^error field account-id: /);
  assert.match(parseAll(['version account-id interface-id', TGW_LINE])[1]!, /^error field account-id: /);
  // A v2 line that does not fit stays a v2 error.
  assert.match(parseAll(['2 123456789012 eni-0a1b 192.0.2.1 198.51.100.1 443 x 6 1 1 1714557600 1714557660 ACCEPT OK'])[0]!, /^error field dstport: /);
});
