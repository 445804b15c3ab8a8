// fast-check generators of valid records for every log type, and of the ways
// real files get broken (dropped, duplicated or altered tokens, stray quotes,
// control bytes, cut lines). Each valid record knows the values its
// normalized output must carry, computed here independently of src/ (Date
// for the seconds and milliseconds, string padding for the digits beyond).
import fc from 'fast-check';
import type { TypeName } from './hostile.js';

export interface ValidRecord {
  /** The record as the log writes it (one line). */
  line: string;
  /** A value unique to this record, found in its output under `idField`. */
  id: string | number;
  idField: string;
  /** Fields the output must hold with exactly these values (deep equality). */
  expect: Record<string, unknown>;
  /** Strings that must appear in p_any_ip_addresses / p_any_aws_arns. */
  ips: string[];
  arns: string[];
}

// ---- shared pieces -----------------------------------------------------------

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Milliseconds from 1970 to 2099 (Date's ISO form is fixed width there). */
const millis = fc.integer({ min: 0, max: 4102444799999 });

/** `2024-05-01T09:55:02.123` (no zone) for a millisecond instant. */
function isoMillis(ms: number): string {
  return new Date(ms).toISOString().slice(0, 23);
}

/** The nine-digit output form of an instant given in ms plus extra digits (`micro3` = the 3 digits after the ms). */
function nine(ms: number, micro3 = 0): string {
  return `${isoMillis(ms)}${pad(micro3, 3)}000Z`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const hex = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: min, maxLength: max });
const upperHex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789ABCDEF'), minLength: n, maxLength: n });
const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const word = (min = 1, max = 12) => fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_'), minLength: min, maxLength: max })
  .filter((w) => w !== '-');
const accountId = digits(12);
const ip = fc.oneof(fc.ipV4(), fc.ipV6());
const arn = fc.tuple(fc.constantFrom('iam', 'sts', 'ec2', 'elasticloadbalancing', 's3'), fc.constantFrom('us-east-1', 'eu-west-3', ''), accountId, word())
  .map(([service, region, account, name]) => `arn:aws:${service}:${region}:${account}:thing/${name}`);
/**
 * Printable ASCII, spaces included, without `"` and `\\` (what a quoted field
 * of ALB and S3 holds: AWS writes a quote inside a value as `\\x22`; a value
 * ending in a backslash would escape the closing quote).
 */
const quotedText = fc.string({ unit: fc.constantFrom(...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).filter((c) => c !== '"' && c !== '\\')), maxLength: 40 });
const orDash = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 4 });

// ---- AWS.VPCFlow ---------------------------------------------------------------

const vpcFlow: fc.Arbitrary<ValidRecord> = fc.record({
  account: fc.oneof(accountId, fc.constant('unknown')),
  eni: hex(17, 17),
  src: orDash(ip),
  dst: orDash(ip),
  srcPort: orDash(fc.integer({ min: 0, max: 65535 })),
  dstPort: orDash(fc.integer({ min: 0, max: 65535 })),
  protocol: orDash(fc.integer({ min: 0, max: 255 })),
  packets: orDash(fc.integer({ min: 0, max: 2 ** 40 })),
  bytes: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  start: fc.integer({ min: 0, max: 4102444799 }),
  duration: orDash(fc.integer({ min: 0, max: 3600 })),
  action: orDash(fc.constantFrom('ACCEPT', 'REJECT')),
  status: fc.constantFrom('OK', 'NODATA', 'SKIPDATA'),
}).map((r) => {
  const dash = (v: unknown) => (v === undefined ? '-' : String(v));
  const end = r.duration === undefined ? undefined : r.start + r.duration;
  const line = ['2', r.account, `eni-${r.eni}`, dash(r.src), dash(r.dst), dash(r.srcPort), dash(r.dstPort), dash(r.protocol),
    dash(r.packets), String(r.bytes), String(r.start), dash(end), dash(r.action), r.status].join(' ');
  const startTime = nine(r.start * 1000);
  const expect: Record<string, unknown> = {
    version: 2, account: r.account, interfaceId: `eni-${r.eni}`, bytes: r.bytes, start: startTime, status: r.status,
    srcAddr: r.src, dstAddr: r.dst, srcPort: r.srcPort, action: r.action, p_event_time: startTime,
  };
  if (end !== undefined) expect.end = nine(end * 1000);
  return { line, id: r.bytes, idField: 'bytes', expect, ips: [r.src, r.dst].filter((x): x is string => x !== undefined), arns: [] };
});

// ---- AWS.ALB ---------------------------------------------------------------------

const albTime = fc.tuple(fc.integer({ min: 946684800000, max: 4102444799999 }), fc.integer({ min: 0, max: 999 }))
  .map(([ms, micro]) => ({ text: `${isoMillis(ms)}${pad(micro, 3)}Z`, nine: nine(ms, micro) }));
const hostPort = fc.tuple(ip, fc.integer({ min: 0, max: 65535 }), fc.boolean())
  .map(([addr, port, bracket]) => ({ ip: addr, port, text: addr.includes(':') && bracket ? `[${addr}]:${port}` : `${addr}:${port}` }));
const seconds = fc.oneof(fc.constant('-1'), fc.integer({ min: 0, max: 999999 }).map((n) => (n / 1000).toFixed(3)));
const urlPath = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789/-._~%?=&+ '), maxLength: 30 });

const alb: fc.Arbitrary<ValidRecord> = fc.record({
  type: fc.constantFrom('http', 'https', 'h2', 'grpcs', 'ws', 'wss'),
  time: albTime,
  elb: word(),
  client: hostPort,
  target: orDash(hostPort),
  times: fc.tuple(seconds, seconds, seconds),
  elbStatus: fc.integer({ min: 100, max: 599 }),
  targetStatus: orDash(fc.integer({ min: 100, max: 599 })),
  received: fc.integer({ min: 0, max: 2 ** 40 }),
  sent: fc.integer({ min: 0, max: 2 ** 40 }),
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
  host: fc.domain(),
  path: urlPath,
  version: fc.constantFrom('HTTP/1.1', 'HTTP/2.0', 'HTTP/1.0'),
  userAgent: quotedText,
  ssl: orDash(fc.tuple(fc.constantFrom('ECDHE-RSA-AES128-GCM-SHA256', 'TLS_AES_128_GCM_SHA256'), fc.constantFrom('TLSv1.2', 'TLSv1.3'))),
  targetGroup: orDash(arn),
  trace: hex(24, 24),
  domain: orDash(fc.domain()),
  cert: orDash(fc.oneof(arn, fc.constant('session-reused'))),
  priority: orDash(fc.integer({ min: 0, max: 50000 })),
  created: albTime,
  actions: fc.array(fc.constantFrom('forward', 'waf', 'redirect', 'authenticate'), { minLength: 1, maxLength: 3 }),
  newer: fc.boolean(),
  extra: fc.array(word(), { maxLength: 2 }),
}).map((r) => {
  const q = (v: string | undefined) => `"${v ?? '-'}"`;
  const d = (v: unknown) => (v === undefined ? '-' : String(v));
  const url = `${r.type.startsWith('ws') ? 'ws' : 'http'}://${r.host}:${r.client.port}/${r.path}`;
  const fields = [
    r.type, r.time.text, `app/${r.elb}/50dc6c495c0c9188`, r.client.text, r.target?.text ?? '-', ...r.times,
    String(r.elbStatus), d(r.targetStatus), String(r.received), String(r.sent), `"${r.method} ${url} ${r.version}"`, `"${r.userAgent}"`,
    r.ssl?.[0] ?? '-', r.ssl?.[1] ?? '-', r.targetGroup ?? '-', q(`Root=1-${r.trace}`), q(r.domain), q(r.cert), d(r.priority),
    r.created.text, q(r.actions.join(',')), '"-"', '"-"',
  ];
  if (r.newer) fields.push(q(r.target?.text), q(r.targetStatus?.toString()), '"-"', '"-"', `TID_${r.trace}`, '"-"', '"-"', '"-"', ...r.extra);
  const expect: Record<string, unknown> = {
    type: r.type, timestamp: r.time.nine, clientIp: r.client.ip, clientPort: r.client.port, targetIp: r.target?.ip,
    elbStatusCode: r.elbStatus, targetStatusCode: r.targetStatus, receivedBytes: r.received, sentBytes: r.sent,
    requestHttpMethod: r.method, requestUrl: url, requestHttpVersion: r.version,
    userAgent: r.userAgent === '-' ? undefined : r.userAgent, traceId: `Root=1-${r.trace}`, domainName: r.domain,
    matchedRulePriority: r.priority, requestCreationTime: r.created.nine, actionsExecuted: r.actions, p_event_time: r.time.nine,
    requestProcessingTime: Number(r.times[0]),
  };
  if (r.newer && r.extra.length > 0) expect.additionalFields = r.extra;
  const ips = [r.client.ip, ...(r.target === undefined ? [] : [r.target.ip])];
  const arns = [r.targetGroup, r.cert].filter((a): a is string => a !== undefined && a.startsWith('arn:'));
  return { line: fields.join(' '), id: `Root=1-${r.trace}`, idField: 'traceId', expect, ips, arns };
});

// ---- AWS.S3ServerAccess ------------------------------------------------------------

const s3Time = fc.tuple(fc.integer({ min: 946684800, max: 4102444799 }), fc.integer({ min: -12 * 60, max: 14 * 60 }))
  .map(([utcSeconds, offsetMinutes]) => {
    const local = new Date((utcSeconds + offsetMinutes * 60) * 1000);
    const sign = offsetMinutes < 0 ? '-' : '+';
    const off = Math.abs(offsetMinutes);
    const text = `[${pad(local.getUTCDate(), 2)}/${MONTHS[local.getUTCMonth()]}/${local.getUTCFullYear()}:` +
      `${pad(local.getUTCHours(), 2)}:${pad(local.getUTCMinutes(), 2)}:${pad(local.getUTCSeconds(), 2)} ${sign}${pad(Math.floor(off / 60), 2)}${pad(off % 60, 2)}]`;
    return { text, nine: nine(utcSeconds * 1000) };
  });
const s3Key = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-._%+'), minLength: 1, maxLength: 40 })
  .filter((k) => k !== '-');

const s3: fc.Arbitrary<ValidRecord> = fc.record({
  owner: hex(64, 64),
  bucket: word(3, 20),
  time: s3Time,
  remote: orDash(ip),
  requester: orDash(fc.oneof(hex(64, 64), arn, fc.constant('arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E3EXAMPLE1ABCD'))),
  requestId: upperHex(16),
  operation: fc.constantFrom('REST.GET.OBJECT', 'REST.PUT.OBJECT', 'S3.COMPUTE.OBJECT.CHECKSUM', 'WEBSITE.GET.OBJECT', 'BATCH.DELETE.OBJECT', 'SOAP.CreateBucket', 'S3.EXPIRE.OBJECT'),
  key: orDash(s3Key),
  status: orDash(fc.integer({ min: 100, max: 599 })),
  errorCode: orDash(fc.constantFrom('NoSuchKey', 'AccessDenied')),
  sent: orDash(fc.integer({ min: 0, max: 2 ** 40 })),
  size: orDash(fc.integer({ min: 0, max: 2 ** 40 })),
  total: orDash(fc.integer({ min: 0, max: 100000 })),
  turnaround: orDash(fc.integer({ min: 0, max: 100000 })),
  referrer: orDash(quotedText),
  userAgent: quotedText,
  versionId: orDash(word()),
  // S3 writes the host id (x-amz-id-2) in base64; a `-` or `_` in it is not a host id
  hostId: fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'), minLength: 8, maxLength: 76 }),
  tls: orDash(fc.constantFrom('TLSv1.2', 'TLSv1.3')),
  newer: fc.option(fc.tuple(orDash(arn), orDash(fc.constant('Yes')), orDash(fc.constantFrom('us-east-1', 'eu-west-1'))), { nil: undefined }),
  extra: fc.array(word(), { maxLength: 2 }),
}).map((r) => {
  const d = (v: unknown) => (v === undefined ? '-' : String(v));
  const fields = [
    r.owner, r.bucket, r.time.text, d(r.remote), d(r.requester), r.requestId, r.operation, d(r.key),
    r.key === undefined ? '"-"' : `"GET /${r.bucket}/${r.key} HTTP/1.1"`, d(r.status), d(r.errorCode), d(r.sent), d(r.size), d(r.total),
    d(r.turnaround), `"${r.referrer ?? '-'}"`, `"${r.userAgent}"`, d(r.versionId), r.hostId, 'SigV4', 'ECDHE-RSA-AES128-GCM-SHA256',
    'AuthHeader', `${r.bucket}.s3.us-east-1.amazonaws.com`, d(r.tls),
  ];
  if (r.newer !== undefined) fields.push(...r.newer.map(d), ...r.extra);
  const expect: Record<string, unknown> = {
    bucketowner: r.owner, bucket: r.bucket, time: r.time.nine, remoteip: r.remote, requester: r.requester, requestid: r.requestId,
    operation: r.operation, key: r.key, httpstatus: r.status, bytessent: r.sent, objectsize: r.size,
    useragent: r.userAgent === '-' ? undefined : r.userAgent, referrer: r.referrer === '-' ? undefined : r.referrer,
    tlsVersion: r.tls, p_event_time: r.time.nine,
  };
  if (r.newer !== undefined) {
    expect.accessPointArn = r.newer[0];
    if (r.extra.length > 0) expect.additionalFields = r.extra;
  }
  const arns = [r.requester, r.newer?.[0]].filter((a): a is string => a !== undefined && a.startsWith('arn:aws:') && !a.includes(' '));
  return { line: fields.join(' '), id: r.requestId, idField: 'requestid', expect, ips: r.remote === undefined ? [] : [r.remote], arns };
});

// ---- AWS.AuroraMySQLAudit -----------------------------------------------------------

/** SQL text of any characters; the writer escapes what would break the line or the quoting. */
const sql = fc.string({ unit: fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...'abc xyz,()*=;\'\\\n\r\t\b\f"0123456789') },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
), maxLength: 60 });

function escapeSql(text: string): string {
  let out = '';
  for (const ch of text) {
    switch (ch) {
      case '\\': out += '\\\\'; break;
      case '\'': out += '\\\''; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += '\\t'; break;
      case '\b': out += '\\b'; break;
      case '\f': out += '\\f'; break;
      default: out += ch;
    }
  }
  return `'${out}'`;
}

const auroraTime = fc.oneof(
  fc.tuple(millis, fc.integer({ min: 0, max: 999 })).map(([ms, micro]) => ({ text: String(ms * 1000 + micro), nine: nine(ms, micro) })),
  fc.integer({ min: 0, max: 4102444799 }).map((s) => {
    const d = new Date(s * 1000);
    const text = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1, 2)}${pad(d.getUTCDate(), 2)} ${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
    return { text, nine: nine(s * 1000) };
  }),
);

const aurora: fc.Arbitrary<ValidRecord> = fc.record({
  time: auroraTime,
  server: word(),
  user: word(),
  host: fc.oneof(ip, fc.domain()),
  connection: fc.integer({ min: 0, max: 2 ** 32 }),
  query: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  event: fc.oneof(
    sql.map((text) => ({ operation: 'QUERY', object: escapeSql(text), decoded: text })),
    word().map((table) => ({ operation: 'READ', object: table, decoded: table })),
    fc.constantFrom('CONNECT', 'DISCONNECT', 'FAILED_CONNECT').map((op) => ({ operation: op, object: '', decoded: '' })),
  ),
  database: fc.oneof(fc.constant(''), word()),
  ret: fc.integer({ min: 0, max: 9999 }),
  rds: fc.option(fc.constantFrom('TCP/IP', 'SOCKET', 'SSL'), { nil: undefined }),
}).map((r) => {
  let line = [r.time.text, r.server, r.user, r.host, r.connection, r.query, r.event.operation, r.database, r.event.object, r.ret].join(',');
  if (r.rds !== undefined) line += `,${r.rds}`;
  const expect: Record<string, unknown> = {
    timestamp: r.time.nine, serverHost: r.server, username: r.user, host: r.host, connectionId: r.connection, queryId: r.query,
    operation: r.event.operation, database: r.database, object: r.event.decoded, retCode: r.ret, connectionType: r.rds,
    p_event_time: r.time.nine,
  };
  const isIp = /^[\d.]+$/.test(r.host) || r.host.includes(':');
  return { line, id: r.query, idField: 'queryId', expect, ips: isIp ? [r.host] : [], arns: [] };
});

// ---- JSON blobs (CloudTrail, GuardDuty) -----------------------------------------------

const WRAPPER_KEYS = new Set(['Records', 'Events', 'Findings', 'findings']);
const SPECIAL_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'toJSON', 'accountId',
  'instanceId', 'publicIp', 'privateIpAddress', 'arn', 'tags', 'key', 'value', 'Key', 'Value', 'domain', 'p_log_type', 'eventTime', ''];
const blobKey = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_KEYS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }).filter((k) => !WRAPPER_KEYS.has(k)) },
);
export const SAMPLE_ARN = 'arn:aws:iam::123456789012:role/fuzz';

/** JSON text of any shape (duplicate keys, `__proto__`, unicode), shallow enough for the indicator walk. */
export const jsonBlob: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 6 },
    fc.string({ unit: 'binary', maxLength: 12 }).map((s) => JSON.stringify(s)),
    fc.constantFrom(`"${SAMPLE_ARN}"`, '"10.0.0.1"', '"i-0123456789abcdef0"', '"2001:db8::1"', '"-"', '""'),
    fc.double().map((n) => JSON.stringify(n)),
    fc.integer().map(String),
    fc.constantFrom('true', 'false', 'null', '1e400', '-0', '12345678901234567890'),
    fc.array(tie('value'), { maxLength: 4 }).map((a) => `[${a.join(',')}]`),
    fc.array(fc.tuple(blobKey, tie('value')), { maxLength: 5 }).map((es) => `{${es.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
})).value;

/** RFC3339 as the JSON types write it: `Z` with or without milliseconds, or a local time with an offset. */
const jsonTime = fc.tuple(fc.integer({ min: 946684800000, max: 4102444799999 }), fc.constantFrom('s', 'ms', 'offset'), fc.integer({ min: -12 * 60, max: 14 * 60 }))
  .map(([ms, form, offsetMinutes]) => {
    if (form === 's') {
      const s = Math.floor(ms / 1000) * 1000;
      return { text: `${isoMillis(s).slice(0, 19)}Z`, nine: nine(s) };
    }
    if (form === 'ms') return { text: `${isoMillis(ms)}Z`, nine: nine(ms) };
    const off = Math.abs(offsetMinutes);
    const zone = `${offsetMinutes < 0 ? '-' : '+'}${pad(Math.floor(off / 60), 2)}:${pad(off % 60, 2)}`;
    return { text: `${isoMillis(ms + offsetMinutes * 60000)}${zone}`, nine: nine(ms) };
  });

function parsedJson(text: string): unknown {
  return JSON.parse(text) as unknown;
}

/** Does `value` hold the string `s` (as a value, not a key), within the walker's depth? */
export function holdsString(value: unknown, s: string, depth = 0): boolean {
  if (value === s) return true;
  if (typeof value !== 'object' || value === null || depth >= 32) return false;
  for (const v of Object.values(value)) if (holdsString(v, s, depth + 1)) return true;
  return false;
}

// ---- AWS.CloudTrail ---------------------------------------------------------------

const cloudTrail: fc.Arbitrary<ValidRecord> = fc.record({
  version: fc.constantFrom('1.05', '1.08', '1.09', '1.10'),
  time: jsonTime,
  id: fc.uuid(),
  type: fc.constantFrom('AwsApiCall', 'AwsServiceEvent', 'AwsConsoleSignIn', 'AwsVpceEvent'),
  region: fc.constantFrom('us-east-1', 'eu-west-3', 'ap-southeast-2'),
  source: fc.constantFrom('s3.amazonaws.com', 'iam.amazonaws.com', 'sts.amazonaws.com'),
  name: word(1, 30),
  sourceIp: fc.oneof(ip, fc.constantFrom('AWS Internal', 'cloudtrail.amazonaws.com')),
  identityArn: arn,
  account: accountId,
  request: jsonBlob,
  response: fc.oneof(fc.constant('null'), jsonBlob),
  envelope: fc.constantFrom('plain', 'eventbridge', 'lookup'),
}).map((r) => {
  const event = `{"eventVersion":${JSON.stringify(r.version)},"userIdentity":{"type":"IAMUser","arn":${JSON.stringify(r.identityArn)},` +
    `"accountId":"${r.account}"},"eventTime":"${r.time.text}","eventSource":"${r.source}","eventName":${JSON.stringify(r.name)},` +
    `"awsRegion":"${r.region}","sourceIPAddress":"${r.sourceIp}","requestParameters":${r.request},"responseElements":${r.response},` +
    `"eventID":"${r.id}","eventType":"${r.type}","recipientAccountId":"${r.account}"}`;
  const line = r.envelope === 'plain' ? event
    : r.envelope === 'eventbridge' ? `{"version":"0","id":"${r.id}","detail-type":"AWS API Call via CloudTrail","source":"aws.s3","detail":${event}}`
      : JSON.stringify({ EventId: r.id, EventName: r.name, CloudTrailEvent: event });
  const request = parsedJson(r.request);
  const expect: Record<string, unknown> = {
    eventID: r.id, eventName: r.name, eventTime: r.time.nine, p_event_time: r.time.nine, requestParameters: request,
    responseElements: parsedJson(r.response), recipientAccountId: r.account,
  };
  const ips = r.sourceIp.includes('.') && /^[\d.]+$/.test(r.sourceIp) || r.sourceIp.includes(':') ? [r.sourceIp] : [];
  const arns = [r.identityArn, ...(holdsString(request, SAMPLE_ARN) ? [SAMPLE_ARN] : [])];
  return { line, id: r.id, idField: 'eventID', expect, ips, arns };
});

// ---- AWS.GuardDuty ----------------------------------------------------------------

const guardDuty: fc.Arbitrary<ValidRecord> = fc.record({
  id: hex(32, 32),
  account: accountId,
  region: fc.constantFrom('us-east-1', 'eu-central-1'),
  type: fc.constantFrom('Recon:EC2/PortProbeUnprotectedPort', 'UnauthorizedAccess:EC2/SSHBruteForce'),
  resource: fc.array(fc.tuple(blobKey, jsonBlob), { maxLength: 5 }).map((es) => `{${es.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  action: jsonBlob,
  severity: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.double({ min: 0, max: 10, noNaN: true })),
  created: jsonTime,
  updated: jsonTime,
  lastSeen: fc.option(jsonTime, { nil: undefined }),
  title: fc.string({ unit: 'binary', maxLength: 30 }),
  envelope: fc.constantFrom('plain', 'eventbridge'),
}).map((r) => {
  const findingArn = `arn:aws:guardduty:${r.region}:${r.account}:detector/d1/finding/${r.id}`;
  const lastSeen = r.lastSeen === undefined ? '' : `,"eventLastSeen":"${r.lastSeen.text}"`;
  const finding = `{"schemaVersion":"2.0","accountId":"${r.account}","region":"${r.region}","partition":"aws","id":"${r.id}",` +
    `"arn":"${findingArn}","type":"${r.type}","resource":${r.resource},"service":{"serviceName":"guardduty","detectorId":"d1",` +
    `"action":${r.action}${lastSeen},"count":1},"severity":${JSON.stringify(r.severity)},"createdAt":"${r.created.text}",` +
    `"updatedAt":"${r.updated.text}","title":${JSON.stringify(r.title)},"description":"d"}`;
  const line = r.envelope === 'plain' ? finding : `{"version":"0","detail-type":"GuardDuty Finding","source":"aws.guardduty","detail":${finding}}`;
  const resource = parsedJson(r.resource);
  const expect: Record<string, unknown> = {
    id: r.id, accountId: r.account, createdAt: r.created.nine, updatedAt: r.updated.nine, p_event_time: r.updated.nine,
    resource, severity: JSON.parse(JSON.stringify(r.severity)) as number, title: r.title,
  };
  const arns = [findingArn, ...(holdsString(resource, SAMPLE_ARN) ? [SAMPLE_ARN] : [])];
  return { line, id: r.id, idField: 'id', expect, ips: [], arns };
});

export const VALID_RECORDS: Record<TypeName, fc.Arbitrary<ValidRecord>> = {
  'AWS.ALB': alb,
  'AWS.AuroraMySQLAudit': aurora,
  'AWS.CloudTrail': cloudTrail,
  'AWS.GuardDuty': guardDuty,
  'AWS.S3ServerAccess': s3,
  'AWS.VPCFlow': vpcFlow,
};

// ---- mutations -----------------------------------------------------------------------

export type MutationOp = 'drop' | 'duplicate' | 'alter' | 'swap' | 'quote' | 'control' | 'structural' | 'cut' | 'delete';

export interface Mutation {
  op: MutationOp;
  a: number;
  b: number;
  text: string;
}

/** Bytes that break parsers: C0 controls, DEL, NUL, BOM, U+2028, U+FFFD, a lone surrogate. */
const CONTROL = ['\u0000', '\u0001', '\u0007', '\b', '\t', '\u000b', '\f', '\r', '\u001b', '\u001f', '\u007f', '\u0085', '\ufeff', '\u2028', '\ufffd', '\ud800'];
const STRUCTURAL = ['"', '\'', '{', '}', '[', ']', ',', ':', '\\', ' ', '-', '\\"', '"-"', '" "'];

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom<MutationOp>('drop', 'duplicate', 'alter', 'swap', 'quote', 'control', 'structural', 'cut', 'delete'),
  a: fc.nat(),
  b: fc.nat(),
  text: fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom('-', '""', '"', '0', '-1', '99999999999999999999', 'NaN', 'null')),
});

/** Mutations that may also break the line in two (a line feed inside a record). */
export const lineBreakingMutation: fc.Arbitrary<Mutation> = fc.oneof(
  mutation,
  fc.record({ op: fc.constant<MutationOp>('control'), a: fc.nat(), b: fc.nat(), text: fc.constant('') }).map((m) => ({ ...m, text: '\n' })),
);

/** Applies mutations to one record's text. Tokens are the type's separator (space, or comma for Aurora and JSON). */
export function mutate(line: string, mutations: readonly Mutation[], separator: string): string {
  let s = line;
  for (const m of mutations) {
    const tokens = s.split(separator);
    const i = m.a % tokens.length;
    const j = m.b % tokens.length;
    const at = s.length === 0 ? 0 : m.a % (s.length + 1);
    switch (m.op) {
      case 'drop': tokens.splice(i, 1); s = tokens.join(separator); break;
      case 'duplicate': tokens.splice(i, 0, tokens[i]!); s = tokens.join(separator); break;
      case 'alter': tokens[i] = m.text.replaceAll('\n', ''); s = tokens.join(separator); break;
      case 'swap': [tokens[i], tokens[j]] = [tokens[j]!, tokens[i]!]; s = tokens.join(separator); break;
      case 'quote': s = s.slice(0, at) + (m.b % 2 === 0 ? '"' : '\'') + s.slice(at); break;
      case 'control': s = s.slice(0, at) + (m.text === '\n' ? '\n' : CONTROL[m.b % CONTROL.length]) + s.slice(at); break;
      case 'structural': s = s.slice(0, at) + STRUCTURAL[m.b % STRUCTURAL.length] + s.slice(at); break;
      case 'cut': s = s.slice(0, at); break;
      case 'delete': s = s.slice(0, at) + s.slice(at + 1 + (m.b % 4)); break;
    }
  }
  return s;
}

export function separatorFor(type: TypeName): string {
  return type === 'AWS.AuroraMySQLAudit' || type === 'AWS.CloudTrail' || type === 'AWS.GuardDuty' ? ',' : ' ';
}

// ---- structural mutations of JSON records ------------------------------------------------

export interface JsonMutation {
  /** Child indexes to follow from the top (modulo each container's size). */
  path: number[];
  action: 'delete' | 'replace' | 'rename';
  value: unknown;
  key: string;
}

/** Values of the wrong type or shape where a field is expected. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, 0, -1, 1.5, 1e308, '', '-', 'x', true, false, [], {}, '2024-13-45T99:99:99Z', '1718900000', 'arn:aws:x', 'i-0123456789abcdef0', '10.0.0.1'),
  fc.jsonValue({ maxDepth: 2 }),
);

export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.record({
  path: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
  action: fc.constantFrom<JsonMutation['action']>('delete', 'replace', 'rename'),
  value: oddValue,
  key: fc.constantFrom('__proto__', 'constructor', 'prototype', 'eventTime', 'detail', 'detail-type', 'CloudTrailEvent', 'p_log_type', 'Records', 'service', ''),
});

/** Parses a JSON record, changes one field's value, removes it or renames it, and writes it back: still JSON, now wrong. */
export function mutateJson(line: string, mutations: readonly JsonMutation[]): string {
  const root = JSON.parse(line) as unknown;
  for (const m of mutations) {
    let container: unknown = root;
    let key: string | number | undefined;
    for (const step of m.path) {
      if (key !== undefined) {
        const next = (container as Record<string | number, unknown>)[key];
        if (typeof next !== 'object' || next === null) break;
        container = next;
      }
      const keys: Array<string | number> = Array.isArray(container) ? container.map((_, i) => i) : Object.keys(container as object);
      if (keys.length === 0) break;
      key = keys[step % keys.length];
    }
    if (key === undefined || typeof container !== 'object' || container === null) continue;
    const target = container as Record<string | number, unknown>;
    const old = target[key];
    // A copy: fast-check replays the same value while shrinking, and a later
    // mutation may reach into it (an object shared between runs can become cyclic).
    const value = JSON.parse(JSON.stringify(m.value) ?? 'null') as unknown;
    if (Array.isArray(target)) {
      if (m.action === 'delete') target.splice(Number(key), 1);
      else target[Number(key)] = value;
      continue;
    }
    // defineProperty: assigning `__proto__` would set the prototype instead of a key.
    if (m.action === 'replace') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    else {
      delete target[key];
      if (m.action === 'rename') Object.defineProperty(target, m.key, { value: old, enumerable: true, writable: true, configurable: true });
    }
  }
  return JSON.stringify(root);
}
