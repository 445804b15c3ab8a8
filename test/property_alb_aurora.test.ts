// Property tests of issue 13 for AWS.ALB and AWS.AuroraMySQLAudit: a
// generated valid line whose free-text fields hold quotes, blanks, commas
// and backslashes in any arrangement either parses to exactly the fields that
// were generated, or is an error report: never a record with other values.
//
// ALB: the free text is the request URL, the user agent, a field of the
// user's own in the trace header and (on lines that go on to conn_trace_id)
// the redirect URL, written as a hostile client could make AWS write them
// if AWS did not escape a quote (it writes `\x22`). A line whose free text
// holds no quote must parse.
// Aurora: the SQL, written as the audit plugin writes it (quotes and
// backslashes escaped) must parse exactly; written by a writer that leaves
// quotes bare, it must be an error whenever the SQL holds a quote.
//
// The default budget keeps the file to a few seconds; `npm run fuzz` runs it
// with NUM_RUNS=100000 (FUZZ_SEED=n replays a run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { StandardFields } from '../src/core/standard.js';
import { findLogType } from '../src/logtypes/index.js';
import type { LogTypeDescriptor } from '../src/logtypes/types.js';
import { RecordProcessor } from '../src/pipeline/normalize.js';
import { Capture, params } from './helpers/property.js';

const standard = new StandardFields();

/** What one line gave: its record, or the error message. */
function run(type: LogTypeDescriptor, line: string): { record?: Record<string, unknown>; error?: string } {
  const capture = new Capture();
  const processor = new RecordProcessor('fuzz', type, {}, standard, capture, capture);
  processor.record(line, 1);
  assert.equal(capture.records.length + capture.reports.length, 1, `one outcome for ${JSON.stringify(line)}`);
  for (const r of capture.reports) assert.doesNotMatch(r.error, /internal error|produced no event|^schema:/, r.error);
  return capture.records.length === 1 ? { record: capture.records[0]! } : { error: capture.reports[0]!.error };
}

/** Every generated field holds exactly its value; a field generated absent has no key. */
function assertExactly(record: Record<string, unknown>, expect: Record<string, unknown>, line: string): void {
  for (const [key, value] of Object.entries(expect)) {
    if (value === undefined) assert.ok(!Object.hasOwn(record, key), `${key} absent in ${line}\ngot ${JSON.stringify(record)}`);
    else assert.deepEqual(record[key], value, `${key} of ${line}\ngot ${JSON.stringify(record)}`);
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const orDash = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 4 });

/** Free text from the characters that break naive splitting, plus a few that make tokens look like fields. */
const freeText = fc.string({ unit: fc.constantFrom('"', '"', ' ', ' ', ',', '\\', 'a', 'Z', '1', '-', '=', ':', '.', '/', 'x22'), maxLength: 24 });

// ---- AWS.ALB ---------------------------------------------------------------------

/** A timestamp as ALB writes it (microseconds, `Z`) and as it comes out (nine digits). */
const albTime = fc.tuple(fc.integer({ min: 1_470_000_000_000, max: 4_102_444_799_999 }), fc.integer({ min: 0, max: 999 }))
  .map(([ms, micro]) => {
    const iso = new Date(ms).toISOString().slice(0, 23);
    return { text: `${iso}${pad(micro, 3)}Z`, nine: `${iso}${pad(micro, 3)}000Z` };
  });
const ipv4 = fc.ipV4();
const endpoint = fc.tuple(fc.oneof(ipv4, fc.ipV6()), fc.integer({ min: 0, max: 65535 }))
  .map(([ip, port]) => ({ ip, port, text: `${ip}:${port}` }));
const seconds = fc.oneof(fc.constant('-1'), fc.integer({ min: 0, max: 999_999 }).map((n) => (n / 1000).toFixed(3)));
const arn = fc.tuple(fc.constantFrom('elasticloadbalancing', 'acm'), hex(8))
  .map(([service, id]) => `arn:aws:${service}:us-east-1:123456789012:${service === 'acm' ? 'certificate' : 'targetgroup/tg'}/${id}`);

interface AlbCase {
  line: string;
  expect: Record<string, unknown>;
  /** The free texts written into the line. */
  free: string[];
}

const albCase: fc.Arbitrary<AlbCase> = fc.record({
  // The layouts AWS has written (the field counts of 2016, 2017, 2018, 2020, 2023 and now).
  fields: fc.constantFrom(17, 18, 20, 23, 24, 25, 29, 30, 33),
  extras: fc.array(fc.constantFrom('future', '"future field"', '-'), { maxLength: 2 }),
  type: fc.constantFrom('http', 'https', 'h2', 'grpcs', 'ws', 'wss'),
  time: albTime,
  client: endpoint,
  target: orDash(endpoint),
  times: fc.tuple(seconds, seconds, seconds),
  elbStatus: fc.integer({ min: 100, max: 599 }),
  targetStatus: orDash(fc.integer({ min: 100, max: 599 })),
  received: fc.integer({ min: 0, max: 2 ** 40 }),
  sent: fc.integer({ min: 0, max: 2 ** 40 }),
  method: fc.constantFrom('GET', 'POST', 'HEAD'),
  path: freeText,
  version: fc.constantFrom('HTTP/1.1', 'HTTP/2.0'),
  agent: freeText,
  ssl: orDash(fc.tuple(fc.constantFrom('ECDHE-RSA-AES128-GCM-SHA256', 'TLS_AES_128_GCM_SHA256'), fc.constantFrom('TLSv1.2', 'TLSv1.3'))),
  targetGroup: orDash(arn),
  trace: fc.tuple(hex(8), hex(24)),
  traceNote: freeText,
  domain: orDash(fc.constantFrom('www.example.com', 'api.example.com')),
  cert: orDash(fc.oneof(arn, fc.constant('session-reused'))),
  priority: orDash(fc.integer({ min: -1, max: 50000 })),
  created: albTime,
  actions: fc.array(fc.constantFrom('forward', 'waf', 'redirect', 'fixed-response'), { minLength: 1, maxLength: 3 }),
  redirect: freeText,
  errorReason: orDash(fc.constantFrom('AuthInvalidCookie', 'LambdaUnhandled')),
  classification: orDash(fc.constantFrom('Acceptable', 'Ambiguous')),
  connTrace: hex(32),
}).map((r): AlbCase => {
  const d = (v: unknown) => (v === undefined ? '-' : String(v));
  const q = (v: string | undefined) => `"${v ?? '-'}"`;
  const url = `https://www.example.com:443/${r.path}`;
  // The free texts that follow a checked field in every line they appear in.
  const traceText = `Root=1-${r.trace[0]}-${r.trace[1]}` + (r.fields >= 22 ? `;Note=${r.traceNote}` : '');
  const redirect = r.fields >= 30 ? `https://www.example.com/${r.redirect}` : undefined;
  const tokens = [
    r.type, r.time.text, 'app/my-alb/50dc6c495c0c9188', r.client.text, r.target?.text ?? '-', ...r.times,
    String(r.elbStatus), d(r.targetStatus), String(r.received), String(r.sent), `"${r.method} ${url} ${r.version}"`, `"${r.agent}"`,
    r.ssl?.[0] ?? '-', r.ssl?.[1] ?? '-', r.targetGroup ?? '-', q(traceText), q(r.domain), q(r.cert), d(r.priority),
    r.created.text, q(r.actions.join(',')), q(redirect), q(r.errorReason), q(r.target?.text), q(r.targetStatus?.toString()),
    q(r.classification), r.classification === undefined ? '"-"' : '"SpaceInUri"', `TID_${r.connTrace}`, '"-"', '"-"', '"-"',
  ].slice(0, r.fields);
  if (r.fields === 33) tokens.push(...r.extras);
  const has = (index: number) => index < r.fields;
  const expect: Record<string, unknown> = {
    type: r.type, timestamp: r.time.nine, clientIp: r.client.ip, clientPort: r.client.port, targetIp: r.target?.ip, targetPort: r.target?.port,
    requestProcessingTime: Number(r.times[0]), targetProcessingTime: Number(r.times[1]), responseProcessingTime: Number(r.times[2]),
    elbStatusCode: r.elbStatus, targetStatusCode: r.targetStatus, receivedBytes: r.received, sentBytes: r.sent,
    requestHttpMethod: r.method, requestUrl: url, requestHttpVersion: r.version, userAgent: r.agent === '-' ? undefined : r.agent,
    sslCipher: r.ssl?.[0], sslProtocol: r.ssl?.[1], targetGroupArn: r.targetGroup,
    traceId: has(17) ? traceText : undefined,
    domainName: has(18) ? r.domain : undefined,
    chosenCertArn: has(19) ? r.cert : undefined,
    matchedRulePriority: has(20) ? r.priority : undefined,
    requestCreationTime: has(21) ? r.created.nine : undefined,
    actionsExecuted: has(22) ? r.actions : undefined,
    redirectUrl: has(23) ? redirect : undefined,
    errorReason: has(24) ? r.errorReason : undefined,
    targetPortList: has(25) && r.target !== undefined ? [r.target.text] : undefined,
    targetStatusCodeList: has(26) && r.targetStatus !== undefined ? [String(r.targetStatus)] : undefined,
    classification: has(27) ? r.classification : undefined,
    classificationReason: has(28) && r.classification !== undefined ? 'SpaceInUri' : undefined,
    connTraceId: has(29) ? `TID_${r.connTrace}` : undefined,
    additionalFields: r.fields === 33 && r.extras.length > 0 ? r.extras.map((e) => (e.startsWith('"') ? e.slice(1, -1) : e)) : undefined,
    p_event_time: r.time.nine,
  };
  const free = [r.path, r.agent, ...(r.fields >= 22 ? [r.traceNote] : []), ...(redirect !== undefined ? [r.redirect] : [])];
  return { line: tokens.join(' '), expect, free };
});

const ALB = findLogType('AWS.ALB')!;

test('AWS.ALB: free text holding quotes, blanks, commas and backslashes gives exactly its fields, or an error', () => {
  fc.assert(fc.property(albCase, (c) => {
    const out = run(ALB, c.line);
    // Without a quote (AWS writes \x22), the line is as AWS writes it, backslashes and all.
    const plain = c.free.every((t) => !t.includes('"'));
    if (plain) assert.equal(out.error, undefined, `a line as AWS writes it parses: ${c.line}`);
    if (out.record !== undefined) assertExactly(out.record, c.expect, c.line);
  }), params(3000));
});

test('AWS.ALB: the property can fail: a parser that splits on every quote and blank would give other values', () => {
  // The generator does make lines whose free text closes a quoted field early.
  const samples = fc.sample(albCase, { numRuns: 2000, seed: 7 });
  const early = samples.filter((c) => c.free.some((t) => /" /.test(t)));
  assert.ok(early.length > 100, `lines with a quote and blank in free text: ${early.length}`);
  for (const c of early) {
    const out = run(ALB, c.line);
    if (out.record !== undefined) assertExactly(out.record, c.expect, c.line);
  }
});

/** A line of albCase whose free text holds no quote: as AWS writes it, so it parses. */
const validAlbLine = albCase.filter((c) => c.free.every((t) => !t.includes('"'))).map((c) => c.line);

test('AWS.ALB: a valid line cut at any point with a whole valid line joined to it is an error report, never a record', () => {
  // The cut leaves 1 … all of the first line's characters; the joined line
  // follows directly or after a blank (issue 13 item 2).
  const spliced = fc.tuple(validAlbLine, validAlbLine, fc.nat(), fc.boolean())
    .map(([first, next, at, blank]) => first.slice(0, 1 + (at % first.length)) + (blank ? ' ' : '') + next);
  fc.assert(fc.property(spliced, (line) => {
    const out = run(ALB, line);
    assert.notEqual(out.error, undefined, `a spliced line is an error: ${line}\ngot ${JSON.stringify(out.record)}`);
  }), params(3000));
});

test('AWS.ALB: the splice property can fail: the lines it joins parse on their own, and most splices fit the layout but for the joined head', () => {
  const samples = fc.sample(fc.tuple(validAlbLine, validAlbLine), { numRuns: 300, seed: 11 });
  for (const [first, next] of samples) {
    assert.equal(run(ALB, first).error, undefined, first);
    assert.equal(run(ALB, next).error, undefined, next);
  }
  // The whole first line and then the next after a blank: the next line's
  // fields are read as fields AWS appended, so only the splice check refuses it.
  const [first, next] = samples[0]!;
  assert.match(String(run(ALB, `${first} ${next}`).error), /holds another record's (time and load balancer id|type and time)/);
});

// ---- AWS.AuroraMySQLAudit --------------------------------------------------------

/** SQL text: quotes, commas, backslashes, blanks, escapes' letters and any character now and then. */
const sql = fc.string({ unit: fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...'\'\',, \\\\"anrtbf01()=;\n\r\t\b\f') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
), maxLength: 40 });

/** The plugin's escaping (server_audit.cc escape_string): backslash, quote and five control characters. */
function pluginEscape(text: string, escapeQuotes: boolean): string {
  let out = '';
  for (const ch of text) {
    switch (ch) {
      case '\\': out += '\\\\'; break;
      case '\'': out += escapeQuotes ? '\\\'' : '\''; break;
      case '\n': out += '\\n'; break;
      case '\r': out += '\\r'; break;
      case '\t': out += '\\t'; break;
      case '\b': out += '\\b'; break;
      case '\f': out += '\\f'; break;
      default: out += ch;
    }
  }
  return out;
}

const auroraHost = fc.oneof(
  ipv4.map((ip) => ({ text: ip, ip: ip as string | undefined })),
  fc.tuple(ipv4, fc.integer({ min: 0, max: 65535 })).map(([ip, port]) => ({ text: `${ip}:${port}`, ip: ip as string | undefined })),
  fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 65535 })).map(([ip, port]) => ({ text: `[${ip}]:${port}`, ip: ip as string | undefined })),
  fc.constantFrom('db-client.example.com:5432', 'localhost:unavailable', 'localhost').map((h) => ({ text: h, ip: undefined as string | undefined })),
);

interface AuroraCase {
  line: string;
  expect: Record<string, unknown>;
  sql: string;
  escapeQuotes: boolean;
  ip: string | undefined;
}

const auroraCase: fc.Arbitrary<AuroraCase> = fc.record({
  micros: fc.integer({ min: 0, max: 4_102_444_799_999 }).chain((ms) => fc.integer({ min: 0, max: 999 }).map((u) => ({ ms, u }))),
  host: auroraHost,
  connection: fc.integer({ min: 0, max: 2 ** 32 }),
  query: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  sql,
  ret: orDash(fc.integer({ min: 0, max: 9999 })),
  rds: fc.boolean(),
  escapeQuotes: fc.boolean(),
}).map((r): AuroraCase => {
  const timestamp = `${new Date(r.micros.ms).toISOString().slice(0, 23)}${pad(r.micros.u, 3)}000Z`;
  const code = r.ret === undefined ? '' : String(r.ret);
  let line = [String(r.micros.ms * 1000 + r.micros.u), 'db-instance-1', 'appuser', r.host.text, r.connection, r.query, 'QUERY', 'appdb',
    `'${pluginEscape(r.sql, r.escapeQuotes)}'`, code].join(',');
  if (r.rds) line += ',,';
  const expect: Record<string, unknown> = {
    timestamp, serverHost: 'db-instance-1', username: 'appuser', host: r.host.text, connectionId: r.connection, queryId: r.query,
    operation: 'QUERY', database: 'appdb', object: r.sql, retCode: r.ret, connectionType: undefined, additionalFields: undefined,
    p_event_time: timestamp,
  };
  return { line, expect, sql: r.sql, escapeQuotes: r.escapeQuotes, ip: r.host.ip };
});

const AURORA = findLogType('AWS.AuroraMySQLAudit')!;

test('AWS.AuroraMySQLAudit: SQL holding quotes, commas, backslashes and blanks gives exactly its fields, or an error', () => {
  fc.assert(fc.property(auroraCase, (c) => {
    const out = run(AURORA, c.line);
    const bareQuote = !c.escapeQuotes && c.sql.includes('\'');
    if (bareQuote) {
      // A quote the writer left bare ends the object early: the columns after it shift.
      assert.notEqual(out.error, undefined, `an unescaped quote in the SQL is an error: ${c.line}\ngot ${JSON.stringify(out.record)}`);
      return;
    }
    assert.equal(out.error, undefined, `a line as the plugin writes it parses: ${c.line}`);
    assertExactly(out.record!, c.expect, c.line);
    if (c.ip !== undefined) assert.deepEqual(out.record!.p_any_ip_addresses, [c.ip], `the host's address: ${c.line}`);
  }), params(3000));
});
