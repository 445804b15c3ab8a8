import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizeRFC3339 } from '../src/core/timestamp.js';
import {
  ALB_MIN_FIELDS, TimeCache, alb, isActionList, isArnText, parseSeconds, isCodeWord, isConnTraceId, isLoadBalancerId, isLowerWord, isSniHost, isTraceHeader, parseIpPort, splitRequest,
} from '../src/logtypes/alb.js';
import type { Fields, ParseSink } from '../src/logtypes/types.js';

function split(request: string): Fields {
  const out: Fields = {};
  splitRequest(request, out);
  return out;
}

test('alb request: method, URL and version', () => {
  assert.deepEqual(split('GET http://www.example.com:80/ HTTP/1.1'),
    { requestHttpMethod: 'GET', requestUrl: 'http://www.example.com:80/', requestHttpVersion: 'HTTP/1.1' });
});

test('alb request: the URL keeps unescaped spaces', () => {
  assert.deepEqual(split('GET http://h:80/hello big world HTTP/1.1'),
    { requestHttpMethod: 'GET', requestUrl: 'http://h:80/hello big world', requestHttpVersion: 'HTTP/1.1' });
});

test('alb request: the malformed-request form keeps the URL as written', () => {
  assert.deepEqual(split('- http://www.example.com:80- -'), { requestUrl: 'http://www.example.com:80-' });
});

test('alb request: two tokens are a method and a URL', () => {
  assert.deepEqual(split('GET http://example.com:80/hello'), { requestHttpMethod: 'GET', requestUrl: 'http://example.com:80/hello' });
});

test('alb request: one token is a method; nothing is invented', () => {
  assert.deepEqual(split('GARBAGE'), { requestHttpMethod: 'GARBAGE' });
  assert.deepEqual(split(''), {});
});

type Outcome = { event: Fields } | { error: string } | { skip: string };

function parse(line: string): Outcome {
  const outcomes: Outcome[] = [];
  const sink: ParseSink = {
    event: (fields) => outcomes.push({ event: fields }),
    error: (message) => outcomes.push({ error: message }),
    skip: (reason) => outcomes.push({ skip: reason }),
    notice: () => assert.fail('no notices in ALB logs'),
  };
  alb.createParser({}).parse(line, sink);
  assert.equal(outcomes.length, 1, 'exactly one outcome per line');
  return outcomes[0]!;
}

function event(line: string): Fields {
  const o = parse(line);
  if (!('event' in o)) throw new Error(`expected a record for ${line}, got ${JSON.stringify(o)}`);
  // The parser's record holds every key (absent ones undefined): compare what would be written.
  return JSON.parse(JSON.stringify(o.event)) as Fields;
}

function error(line: string): string {
  const o = parse(line);
  if (!('error' in o)) throw new Error(`expected an error for ${line}, got ${JSON.stringify(o)}`);
  return o.error;
}

/** A current (33-field) entry, as tokens, every field with a value. */
const CURRENT = [
  'https', '2024-05-01T10:00:00.123456Z', 'app/my-alb/50dc6c495c0c9188', '203.0.113.7:50000', '192.0.2.77:80',
  '0.001', '0.012', '0.000', '200', '200', '702', '1024', '"GET https://www.example.com:443/a?b=c HTTP/1.1"', '"curl/8.5.0"',
  'ECDHE-RSA-AES128-GCM-SHA256', 'TLSv1.2', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/my-targets/73e2d6bc24d8a067',
  '"Root=1-6632136c-0123456789abcdef01234567"', '"www.example.com"',
  '"arn:aws:acm:us-east-1:123456789012:certificate/12345678-1234-1234-1234-123456789012"', '1', '2024-05-01T10:00:00.100000Z',
  '"waf,forward"', '"-"', '"-"', '"192.0.2.77:80"', '"200"', '"-"', '"-"', 'TID_0123456789abcdef0123456789abcdef', '"-"', '"-"', '"-"',
] as const;

/** Output keys of each field of CURRENT, in order (ip:port fields and the request give several). */
const KEYS: ReadonlyArray<readonly string[]> = [
  ['type'], ['timestamp'], ['elb'], ['clientIp', 'clientPort'], ['targetIp', 'targetPort'], ['requestProcessingTime'],
  ['targetProcessingTime'], ['responseProcessingTime'], ['elbStatusCode'], ['targetStatusCode'], ['receivedBytes'], ['sentBytes'],
  ['requestHttpMethod', 'requestUrl', 'requestHttpVersion'], ['userAgent'], ['sslCipher'], ['sslProtocol'], ['targetGroupArn'],
  ['traceId'], ['domainName'], ['chosenCertArn'], ['matchedRulePriority'], ['requestCreationTime'], ['actionsExecuted'],
  ['redirectUrl'], ['errorReason'], ['targetPortList'], ['targetStatusCodeList'], ['classification'], ['classificationReason'],
  ['connTraceId'], ['transformedHost'], ['transformedUri'], ['requestTransformStatus'],
];

test('alb layout: the first published layout (through target_group_arn, August 2016) is the minimum', () => {
  assert.equal(ALB_MIN_FIELDS, 17);
  assert.equal(KEYS.length, CURRENT.length);
  assert.match(error(CURRENT.slice(0, 16).join(' ')), /^expected at least 17 space-separated fields \(type … target_group_arn\), found 16$/);
});

test('alb layout: a line ending after any later field parses, the fields after it absent', () => {
  const full = event(CURRENT.join(' '));
  for (let n = ALB_MIN_FIELDS; n <= CURRENT.length; n++) {
    const out = event(CURRENT.slice(0, n).join(' '));
    KEYS.forEach((keys, i) => {
      for (const key of keys) {
        if (i < n) assert.deepEqual(out[key], full[key], `${key} of a ${n}-field line`);
        else assert.ok(!(key in out), `${key} absent from a ${n}-field line`);
      }
    });
    assert.ok(!('additionalFields' in out));
  }
});

test('alb shapes: each field refuses a value of another shape, naming the field', () => {
  const bad: Array<[index: number, token: string, message: RegExp]> = [
    [0, 'HTTPS', /^field type: expected a lower-case word/],
    [2, 'my-alb', /^field elb: expected a load balancer id/],
    [3, '203.0.113.7', /^field client:port: expected ip:port, found "203.0.113.7"/],
    [3, 'example.com:80', /^field client:port: expected ip:port/],
    [3, '203.0.113.7:65536', /^field client:port: expected ip:port/],
    [4, '999.0.0.1:80', /^field target:port: expected ip:port/],
    [5, '1e-3', /^field request_processing_time: expected a number of seconds or -1/],
    [6, '-2', /^field target_processing_time: expected a number of seconds or -1/],
    [8, '2000', /^field elb_status_code: expected a 3-digit HTTP status code or -/],
    [9, '20O', /^field target_status_code: expected a 3-digit HTTP status code or -/],
    [10, '-5', /^field received_bytes: expected a non-negative integer/],
    [11, '1.5', /^field sent_bytes: expected a non-negative integer/],
    [14, 'TLSv1.2', /^field ssl_cipher: expected a cipher suite name/],
    [15, 'ECDHE-RSA-AES128-GCM-SHA256', /^field ssl_protocol: expected a TLS version/],
    [16, 'my-targets', /^field target_group_arn: expected an ARN or -/],
    [17, '"www.example.com"', /^field trace_id: expected an X-Amzn-Trace-Id value/],
    [18, '"arn:aws:acm:us-east-1:123456789012:certificate/x"', /^field domain_name: expected a host name or -/],
    [19, '"www.example.com"', /^field chosen_cert_arn: expected an ARN, session-reused or -/],
    [20, 'first', /^field matched_rule_priority: expected an integer from -1 up, or -/],
    [20, '-2', /^field matched_rule_priority: expected an integer from -1 up, or -/],
    [21, '2024-05-01', /^field request_creation_time: expected an RFC3339 timestamp/],
    [22, '"Forward"', /^field actions_executed: expected comma-separated action names/],
    [24, '"no such reason"', /^field error_reason: expected a code word or -/],
    [25, '"192.0.2.77"', /^field target:port_list: expected space-separated ip:port values or -/],
    [26, '"OK"', /^field target_status_code_list: expected space-separated 3-digit status codes or -/],
    [27, '"Root=1-x"', /^field classification: expected a code word or -/],
    [29, 'TID:1', /^field conn_trace_id: expected TID_ and hex digits, or -, found "TID:1"/],
    [29, 'TID_', /^field conn_trace_id: expected TID_ and hex digits/],
    [29, 'TID_12h2', /^field conn_trace_id: expected TID_ and hex digits/],
    [29, 'Acceptable', /^field conn_trace_id: expected TID_ and hex digits/],
  ];
  for (const [index, token, message] of bad) {
    const tokens: string[] = [...CURRENT];
    tokens[index] = token;
    assert.match(error(tokens.join(' ')), message, `${index}: ${token}`);
  }
});

test('alb shapes: quoting is part of the shape', () => {
  const tokens: string[] = [...CURRENT];
  tokens[14] = '"-"';
  assert.match(error(tokens.join(' ')), /^field ssl_cipher: expected an unquoted value, found "\\"-\\"" \(the fields before it do not fit the layout\)$/);
  const unquotedAgent: string[] = [...CURRENT];
  unquotedAgent[13] = 'curl/8.5.0';
  assert.match(error(unquotedAgent.join(' ')), /^field user_agent: expected a value in double quotes/);
  const bareQuote: string[] = [...CURRENT];
  bareQuote[16] = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/my"targets/1';
  assert.match(error(bareQuote.join(' ')), /^field target_group_arn: an unquoted value holds a double quote/);
  assert.match(error([...CURRENT, 'x"y'].join(' ')), /^field 34 \(after the known layout\): an unquoted value holds a double quote/);
  // After target_group_arn too, every field has the quoting AWS writes: each
  // quoted one written bare, and each bare one quoted, is an error naming it.
  CURRENT.forEach((token, i) => {
    if (i < 17) return;
    const tokens: string[] = [...CURRENT];
    const quoted = token.startsWith('"');
    tokens[i] = quoted ? token.slice(1, -1).replace(/ /g, '') || '-' : `"${token}"`;
    const expected = quoted ? 'a value in double quotes' : 'an unquoted value';
    assert.match(error(tokens.join(' ')), new RegExp(`^field ${KEYS_AWS[i]}: expected ${expected}, found `), `field ${i}`);
  });
});

/** AWS's names of the fields of CURRENT, in order. */
const KEYS_AWS = ['type', 'time', 'elb', 'client:port', 'target:port', 'request_processing_time', 'target_processing_time',
  'response_processing_time', 'elb_status_code', 'target_status_code', 'received_bytes', 'sent_bytes', 'request', 'user_agent',
  'ssl_cipher', 'ssl_protocol', 'target_group_arn', 'trace_id', 'domain_name', 'chosen_cert_arn', 'matched_rule_priority',
  'request_creation_time', 'actions_executed', 'redirect_url', 'error_reason', 'target:port_list', 'target_status_code_list',
  'classification', 'classification_reason', 'conn_trace_id', 'transformed_host', 'transformed_uri', 'request_transform_status'];

test('alb shapes: a token missing or added in the middle is an error, not a shifted record', () => {
  // The fields from conn_trace_id on are free text or absent: a line with one
  // of them missing reads as a valid shorter line, and one with a token added
  // there as a line with an appended field (README: what cannot be told apart).
  for (let i = 0; i < 30; i++) {
    const dropped = [...CURRENT.slice(0, i), ...CURRENT.slice(i + 1)];
    assert.ok('error' in parse(dropped.join(' ')), `field ${i} dropped`);
  }
  for (let i = 1; i < 29; i++) {
    for (const extra of ['-', '"-"', '0', 'x']) {
      const added = [...CURRENT.slice(0, i), extra, ...CURRENT.slice(i)];
      assert.ok('error' in parse(added.join(' ')), `${extra} added before field ${i}`);
    }
  }
});

test('alb shapes: a quote and blank inside the user agent or request never shifts fields silently', () => {
  const agents = ['a" "b', 'x" - - - "y', 'x" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2', 'x" "-', 'curl" 1', '"', '" "'];
  for (const agent of agents) {
    const tokens: string[] = [...CURRENT];
    tokens[13] = `"${agent}"`;
    const o = parse(tokens.join(' '));
    if ('event' in o) assert.equal(o.event.userAgent, agent, `user agent ${agent}`);
  }
  // a quote that is not followed by a blank stays in the value
  const tokens: string[] = [...CURRENT];
  tokens[13] = '"Mozilla/5.0 "compat"x"';
  assert.equal(event(tokens.join(' ')).userAgent, 'Mozilla/5.0 "compat"x');
});

test('alb shapes: the helpers', () => {
  for (const ok of ['http', 'https', 'h2', 'grpcs', 'ws', 'wss', 'h3']) assert.ok(isLowerWord(ok), ok);
  for (const bad of ['', 'HTTP', '2h', 'h-2', 'a'.repeat(17)]) assert.ok(!isLowerWord(bad), bad);
  for (const ok of ['app/my-alb/50dc6c495c0c9188', 'app/_/1', 'app/a/b/c', 'net/x/y']) assert.ok(isLoadBalancerId(ok), ok);
  for (const bad of ['', 'app', 'app/x', 'app//x', 'app/x/', '/x/y', 'APP/x/y', 'app/x y/z', 'app/x/"y']) assert.ok(!isLoadBalancerId(bad), bad);
  for (const ok of ['Root=1-58337262-36d228ad5d99923122bbe354', 'Self=1-6789-abc;Root=1-6789-def;CalledFrom=app', 'Root=1-123456-abcdef1234567', 'X-y_1=2']) {
    assert.ok(isTraceHeader(ok), ok);
  }
  for (const bad of ['', '=x', 'Root', 'www.example.com', '1=2', 'Ro ot=1', 'arn:aws:x:y:z:w']) assert.ok(!isTraceHeader(bad), bad);
  for (const ok of ['www.example.com', 'xn--bcher-kva.example', 'a_b.example', 'caf\\xC3\\xA9.example']) assert.ok(isSniHost(ok), ok);
  for (const bad of ['', 'a b', 'a"b', 'Root=1', 'arn:aws:x', 'example.com/x', 'a,b', 'a;b']) assert.ok(!isSniHost(bad), bad);
  for (const ok of ['', 'forward', 'waf,forward', 'fixed-response', 'waf-failed,redirect', 'authenticate,lambda']) assert.ok(isActionList(ok), ok);
  for (const bad of [',', 'forward,', ',forward', 'Forward', 'forward waf', 'x,,y', '1st']) assert.ok(!isActionList(bad), bad);
  for (const ok of ['AuthInvalidCookie', 'Acceptable', 'SpaceInUri', 'LambdaUnhandled', 'a_b-c.d']) assert.ok(isCodeWord(ok), ok);
  for (const bad of ['', '1x', 'a b', '-x', 'a=b']) assert.ok(!isCodeWord(bad), bad);
  for (const ok of ['TID_0123456789abcdef', 'TID_1234abcd5678ef90', 'TID_0123456789ABCDEF0123456789abcdef', 'TID_0']) assert.ok(isConnTraceId(ok), ok);
  for (const bad of ['', 'TID_', 'TID 1', 'TID:1', '"TID"', 'TID-x.1', 'TID_12h2', 'tid_0123', 'TID_0123 ', 'Acceptable', 'TID_' + '0'.repeat(129)]) {
    assert.ok(!isConnTraceId(bad), bad);
  }
  assert.deepEqual(parseIpPort('192.0.2.1:80'), ['192.0.2.1', 80]);
  assert.deepEqual(parseIpPort('2001:db8::1:443'), ['2001:db8::1', 443]);
  assert.deepEqual(parseIpPort('[2001:db8::1]:443'), ['2001:db8::1', 443]);
  for (const bad of ['192.0.2.1', '192.0.2.1:', 'host:80', '192.0.2.1:80:80', '192.0.2.1:70000', '[2001:db8::1]443', '[]:80']) {
    assert.equal(parseIpPort(bad), undefined, bad);
  }
});

test('alb: the control line is a skip; the escaped quote \\x22 stays as written', () => {
  assert.deepEqual(parse('Enable AccessLog for ELB: app/my-alb/50dc6c495c0c9188 at 2024-05-01T10:00:00.000Z'), { skip: 'control line' });
  const tokens: string[] = [...CURRENT];
  tokens[13] = '"Mozilla/5.0 \\x22scanner\\x22"';
  assert.equal(event(tokens.join(' ')).userAgent, 'Mozilla/5.0 \\x22scanner\\x22');
});

test('alb quoting: a crafted quote in the user agent, request or trace header that splits off field-like tokens is an error', () => {
  // A 2016 line with no TLS and no target group: `x" - - - "Root=1-x` in the
  // user agent splits into tokens that fit ssl_cipher … trace_id; the dashes
  // after them are bare where domain_name is quoted.
  const line2016 = 'http 2016-08-10T22:08:42.945958Z app/my-alb/50dc6c495c0c9188 192.0.2.10:2817 198.51.100.1:80 0.000 0.001 0.000 200 200 34 366 ' +
    '"GET http://www.example.com:80/ HTTP/1.1" "x" - - - "Root=1-x" - - -';
  assert.match(error(line2016), /^field domain_name: expected a value in double quotes, found "-"/);
  // The same in the request: its tail looks like a user agent and the fields after it.
  const tokens: string[] = [...CURRENT.slice(0, 17)];
  tokens[12] = '"GET http://www.example.com:80/ HTTP/1.1" "curl/8.5.0" - - - "Root=1-x"';
  tokens[13] = '"-"';
  tokens[14] = '-';
  tokens[15] = '-';
  tokens[16] = '-';
  assert.match(error(tokens.join(' ')), /^field chosen_cert_arn: expected a value in double quotes, found "-"/);
  // In the trace header's own fields, on a 2018 line (23 fields) whose later fields are dashes.
  const trace = [...CURRENT.slice(0, 17), '"Root=1-x;Note=a" "-" "-" - - "forward"', '"-"', '"-"', '-', '-', '"forward"'];
  assert.match(error(trace.join(' ')), /^field target:port_list: expected a value in double quotes, found "-"/);
  // Every shift of a user agent, request or trace id by 1 to 8 tokens of
  // the same quoting as the field that follows is an error on every layout.
  for (let n = ALB_MIN_FIELDS; n <= CURRENT.length; n++) {
    for (const field of [12, 13, 17]) {
      if (field >= n) continue;
      for (let k = 1; k <= 8; k++) {
        for (const filler of ['-', '"-"']) {
          const shifted: string[] = [...CURRENT.slice(0, n)];
          shifted[field] = `${shifted[field]!.slice(0, -1)}" ${Array(k).fill(filler).join(' ')} "x"`;
          assert.ok('error' in parse(shifted.join(' ')), `${field} +${k} ${filler} on ${n}`);
        }
      }
    }
  }
  // What cannot be told apart: a 2016-11 line whose trace id holds `" "-" "-` is,
  // byte for byte, a 2017 line with SNI fields of "-" (README: the residual case).
  assert.equal(event([...CURRENT.slice(0, 17), '"Root=1-x" "-" "-"'].join(' ')).traceId, 'Root=1-x');
});

test('alb: lines as AWS writes them parse, dashes and extra fields included', () => {
  // Dashes and quoted dashes everywhere, extra fields: every field could take a token.
  const dashes = 'http 2016-07-31T21:20:00.000000Z app/my-alb/50dc6c495c0c9188 192.0.2.1:0 - 0.000 0.000 0.000 100 - 0 0 ' +
    '"GET https://www.example.com:443/ HTTP/1.1" "" - - - "Root=1-00000000-000000000000000000000000;Note=" "-" "-" - ' +
    '2016-07-31T21:20:00.000000Z "forward" "https://www.example.com/" "-" "-" "-" "-" "-" TID_00000000000000000000000000000000 "-" "-" "-" - - - - - -';
  assert.equal(event(dashes).userAgent, '');
  const malformed = 'http 2024-11-20T12:00:00.000000Z app/my-alb/50dc6c495c0c9188 192.0.2.7:40000 - -1 -1 -1 400 - 0 272 ' +
    '"- http://www.example.com:80- -" "-" - - - "-" "-" "-" - - "-" "-" "-" "-" "-" "-" "-" - "-" "-" "-"';
  assert.equal(event(malformed).requestUrl, 'http://www.example.com:80-');
  for (let n = ALB_MIN_FIELDS; n <= CURRENT.length; n++) event(CURRENT.slice(0, n).join(' '));
});

test('alb TimeCache: the same output as normalizeRFC3339, whatever the order of times', () => {
  const digit = fc.constantFrom(...'0123456789');
  const second = fc.constantFrom('2024-05-01T10:00:00', '2024-05-01T10:00:01', '2024-02-29T23:59:59', '2023-02-29T10:00:00',
    '2024-13-01T10:00:00', '2024-05-01t10:00:00', '2024-05-01 10:00:00', '2016-12-31T23:59:60', '2024-05-01T24:00:00');
  const time = fc.tuple(second, fc.array(fc.oneof(digit, fc.constantFrom('x', '.')), { minLength: 6, maxLength: 6 }), fc.constantFrom('Z', 'z', '+00:00', 'Z '))
    .map(([s, frac, zone]) => `${s}.${frac.join('')}${zone}`);
  fc.assert(fc.property(fc.array(time, { maxLength: 12 }), (times) => {
    const cache = new TimeCache();
    for (const t of times) assert.equal(cache.normalize(t), normalizeRFC3339(t), t);
  }), { numRuns: 2000 });
});

test('alb parseSeconds and isArnText', () => {
  for (const [text, n] of [['0', 0], ['0.000', 0], ['0.012', 0.012], ['12.5', 12.5], ['-1', -1], ['123456.789', 123456.789]] as const) {
    assert.equal(parseSeconds(text), n, text);
    assert.equal(parseSeconds(text), Number(text), `${text} as Number reads it`);
  }
  for (const bad of ['', '-', '-2', '.5', '5.', '1.2.3', '1e3', ' 1', '0x1', '-1.0', '1234567890123456']) assert.ok(Number.isNaN(parseSeconds(bad)), bad);
  for (const ok of ['arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/t/1', 'arn:aws:iam::123456789012:role/x', 'arn:a:b:c:d:']) {
    assert.ok(isArnText(ok), ok);
  }
  for (const bad of ['', 'arn', 'arn:aws:iam::123456789012', 'ARN:aws:iam::1:x', 'session-reused']) assert.ok(!isArnText(bad), bad);
});
