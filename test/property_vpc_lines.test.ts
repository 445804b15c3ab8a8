// Property tests for issue 13 (AWS.VPCFlow, items 3 and 12; text line
// endings, item 7), in-process for speed:
// - a header naming any subset of the known fields (and names this tool does
//   not know, colliding ones included) in any order, and a line of values of
//   each field's shape, parses to exactly the generated fields under the keys
//   the documented rule gives, on the fast path and the token path alike;
// - the same line with a value inserted or dropped mid-line is an error
//   report, or a record whose every checked field holds a value of its own
//   shape: never a neighbour's value of another shape;
// - LineFramer cuts any text with any mix of \n, \r\n and lone \r, pushed in
//   any chunks, into the lines (and line numbers) of a plain reference split,
//   a BOM at the start of any line dropped;
// - a header with one name damaged (log_status, SRCADDR, "version", a stray
//   character) is an error report, and so is every line after it until a
//   valid header: none is read with the previous layout.
// The values expected here are computed by this file, not by src/.
//
// The default budget keeps `npm test` quick; `npm run fuzz` runs the same
// properties with NUM_RUNS=100000 (FUZZ_SEED=n replays a run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import fc from 'fast-check';
import { StandardFields } from '../src/core/standard.js';
import { findLogType } from '../src/logtypes/index.js';
import { isVpcHeader } from '../src/logtypes/vpc_flow.js';
import { LineFramer } from '../src/pipeline/lines.js';
import { RecordProcessor } from '../src/pipeline/normalize.js';
import { Capture, params } from './helpers/property.js';

// ---- the VPC field catalogue, written out here as the oracle ---------------------

type Kind = 'integer' | 'seconds' | 'string';
/** What a checked field's value must look like; undefined for open fields. */
type Check = (value: string) => boolean;

interface Field {
  awsName: string;
  key: string;
  kind: Kind;
  /** Valid values as the log writes them. */
  values: fc.Arbitrary<string>;
  /** For string fields with a documented shape. */
  check?: Check;
  /** For integer fields: the largest value the field documents (ports, protocol). */
  max?: number;
  ip?: boolean;
  account?: boolean;
}

const hex = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: min, maxLength: max });
const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const id = (prefix: string) => hex(8, 17).map((h) => `${prefix}-${h}`);
const ACCOUNT = /^[0-9]{12}$/;
const accountValue = fc.oneof(digits(12), fc.constant('unknown'));
const ipValue = fc.oneof(fc.ipV4(), fc.ipV6());
const int = (max: number) => fc.integer({ min: 0, max }).map(String);
const arnValue = fc.tuple(digits(12), hex(1, 12)).map(([account, name]) => `arn:aws:ecs:us-east-1:${account}:task/${name}`);

const isIpText: Check = (v) => isIP(v) !== 0;
const isAccountText: Check = (v) => ACCOUNT.test(v) || v === 'unknown';
const oneOf = (...values: string[]): Pick<Field, 'values' | 'check'> => ({ values: fc.constantFrom(...values), check: (v) => values.includes(v) });
const prefixed = (prefix: string): Pick<Field, 'values' | 'check'> => ({ values: id(prefix), check: (v) => new RegExp(`^${prefix}-[0-9A-Za-z]+$`).test(v) });

const F = (awsName: string, key: string, kind: Kind, rest: Omit<Field, 'awsName' | 'key' | 'kind'>): Field => ({ awsName, key, kind, ...rest });
/** An integer field: values generated up to `upTo`; `max` where the field documents one. */
const integer = (awsName: string, key: string, upTo = Number.MAX_SAFE_INTEGER, max?: number) =>
  F(awsName, key, 'integer', { values: int(upTo), ...(max !== undefined ? { max } : {}) });
const ip = (awsName: string, key: string) => F(awsName, key, 'string', { values: ipValue, check: isIpText, ip: true });
const account = (awsName: string, key: string) => F(awsName, key, 'string', { values: accountValue, check: isAccountText, account: true });

// Set below: an open value must not be a field name, or a line of them could read as a header.
let knownNames: ReadonlySet<string> = new Set();
const openText = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:/-'), minLength: 1, maxLength: 16 })
  .filter((w) => w !== '-' && !knownNames.has(w));
const open = (awsName: string, key: string) => F(awsName, key, 'string', { values: openText });

const FIELDS: readonly Field[] = [
  integer('version', 'version', 20),
  account('account-id', 'account'),
  F('interface-id', 'interfaceId', 'string', { values: id('eni'), check: (v) => /^[a-z]+-\S+$/.test(v) }),
  ip('srcaddr', 'srcAddr'),
  ip('dstaddr', 'dstAddr'),
  integer('srcport', 'srcPort', 65535, 65535),
  integer('dstport', 'dstPort', 65535, 65535),
  integer('protocol', 'protocol', 255, 255),
  integer('packets', 'packets'),
  integer('bytes', 'bytes'),
  F('start', 'start', 'seconds', { values: int(253402300799) }),
  F('end', 'end', 'seconds', { values: int(253402300799) }),
  F('action', 'action', 'string', oneOf('ACCEPT', 'REJECT')),
  F('log-status', 'status', 'string', oneOf('OK', 'NODATA', 'SKIPDATA')),
  F('vpc-id', 'vpcId', 'string', prefixed('vpc')),
  F('subnet-id', 'subNetId', 'string', prefixed('subnet')),
  F('instance-id', 'instanceId', 'string', prefixed('i')),
  integer('tcp-flags', 'tcpFlags', 255),
  F('type', 'trafficType', 'string', oneOf('IPv4', 'IPv6', 'EFA')),
  ip('pkt-srcaddr', 'pktSrcAddr'),
  ip('pkt-dstaddr', 'pktDstAddr'),
  F('region', 'region', 'string', { values: fc.constantFrom('us-east-1', 'eu-west-3', 'us-gov-west-1', 'cn-northwest-1', 'ap-southeast-4'), check: (v) => /^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(v) }),
  open('az-id', 'azId'),
  open('sublocation-type', 'sublocationType'),
  open('sublocation-id', 'sublocationId'),
  F('pkt-src-aws-service', 'pktSrcAwsService', 'string', { values: fc.constantFrom('AMAZON', 'S3', 'EC2', 'ROUTE53_HEALTHCHECKS'), check: (v) => /^[A-Z][A-Z0-9_]*$/.test(v) }),
  F('pkt-dst-aws-service', 'pktDstAwsService', 'string', { values: fc.constantFrom('AMAZON', 'DYNAMODB', 'CLOUDFRONT'), check: (v) => /^[A-Z][A-Z0-9_]*$/.test(v) }),
  F('flow-direction', 'flowDirection', 'string', oneOf('ingress', 'egress')),
  integer('traffic-path', 'trafficPath', 8),
  open('resource-type', 'resourceType'),
  F('tgw-id', 'tgwId', 'string', prefixed('tgw')),
  F('tgw-attachment-id', 'tgwAttachmentId', 'string', prefixed('tgw-attach')),
  account('tgw-src-vpc-account-id', 'tgwSrcVpcAccountId'),
  account('tgw-dst-vpc-account-id', 'tgwDstVpcAccountId'),
  F('tgw-src-vpc-id', 'tgwSrcVpcId', 'string', prefixed('vpc')),
  F('tgw-dst-vpc-id', 'tgwDstVpcId', 'string', prefixed('vpc')),
  F('tgw-src-subnet-id', 'tgwSrcSubnetId', 'string', prefixed('subnet')),
  F('tgw-dst-subnet-id', 'tgwDstSubnetId', 'string', prefixed('subnet')),
  F('tgw-src-eni', 'tgwSrcEni', 'string', prefixed('eni')),
  F('tgw-dst-eni', 'tgwDstEni', 'string', prefixed('eni')),
  open('tgw-src-az-id', 'tgwSrcAzId'),
  open('tgw-dst-az-id', 'tgwDstAzId'),
  F('tgw-pair-attachment-id', 'tgwPairAttachmentId', 'string', prefixed('tgw-attach')),
  integer('packets-lost-no-route', 'packetsLostNoRoute'),
  integer('packets-lost-blackhole', 'packetsLostBlackhole'),
  integer('packets-lost-mtu-exceeded', 'packetsLostMtuExceeded'),
  integer('packets-lost-ttl-expired', 'packetsLostTtlExpired'),
  F('ecs-cluster-arn', 'ecsClusterArn', 'string', { values: arnValue, check: (v) => v.startsWith('arn:') }),
  open('ecs-cluster-name', 'ecsClusterName'),
  F('ecs-container-instance-arn', 'ecsContainerInstanceArn', 'string', { values: arnValue, check: (v) => v.startsWith('arn:') }),
  open('ecs-container-instance-id', 'ecsContainerInstanceId'),
  open('ecs-container-id', 'ecsContainerId'),
  open('ecs-second-container-id', 'ecsSecondContainerId'),
  open('ecs-service-name', 'ecsServiceName'),
  F('ecs-task-definition-arn', 'ecsTaskDefinitionArn', 'string', { values: arnValue, check: (v) => v.startsWith('arn:') }),
  F('ecs-task-arn', 'ecsTaskArn', 'string', { values: arnValue, check: (v) => v.startsWith('arn:') }),
  open('ecs-task-id', 'ecsTaskId'),
  open('reject-reason', 'rejectReason'),
  open('resource-id', 'resourceId'),
  integer('encryption-status', 'encryptionStatus', 3),
];
knownNames = new Set(FIELDS.map((f) => f.awsName));
const FIELD_BY_NAME = new Map(FIELDS.map((f) => [f.awsName, f]));
const fieldOf = (c: Column): Field | undefined => (c.known ? FIELD_BY_NAME.get(c.awsName) : undefined);
const KNOWN_KEYS = new Set(FIELDS.map((f) => f.key));
const ARN_FIELDS = new Set(['ecsClusterArn', 'ecsContainerInstanceArn', 'ecsTaskDefinitionArn', 'ecsTaskArn']);

/** Names this tool does not know: some whose camelCase is another field's key, some that collide with each other. */
const unknownName = fc.oneof(
  fc.constantFrom('src-addr', 'account', 'status', 'traffic-type', 'sub-net-id', 'additional-fields', 'a-1b', 'a1b', 'x-2', 'x2',
    'constructor', 'to-string', 'p-any-ip-addresses', 'future-field'),
  fc.stringMatching(/^[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,4}){0,2}$/),
).filter((n) => !knownNames.has(n));

/** A header name; `known` when it is a field of the catalogue (looked up in FIELD_BY_NAME). */
interface Column { awsName: string; known: boolean }
/** One generated value: its text in the line and what the output holds (undefined: absent). */
interface Cell { text: string; expected: unknown }

/** `ecs-cluster-arn` → `ecsClusterArn`. */
function camel(name: string): string {
  return name.split('-').map((part, i) => (i === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1))).join('');
}

/**
 * The output key of each column by the rule the README documents: a known
 * field's own key; an unknown name's camelCase, else its name as written,
 * else `name#position`, whichever is first not a known key, additionalFields,
 * a p_ field, or a key an earlier column took.
 */
function keysOf(columns: readonly Column[]): string[] {
  const taken = new Set<string>();
  return columns.map((c, i) => {
    let key = fieldOf(c)?.key;
    if (key === undefined) {
      const free = (k: string) => !KNOWN_KEYS.has(k) && k !== 'additionalFields' && !k.startsWith('p_') && !taken.has(k);
      key = [camel(c.awsName), c.awsName].find(free) ?? `${c.awsName}#${i + 1}`;
    }
    taken.add(key);
    return key;
  });
}

/** The nine-digit UTC form of Unix seconds. */
function nine(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '.000000000Z');
}

function cellFor(field: Field | undefined): fc.Arbitrary<Cell> {
  const value = field === undefined ? openText : field.values;
  const present = value.map((text): Cell => {
    if (field === undefined || field.kind === 'string') return { text, expected: text };
    return { text, expected: field.kind === 'integer' ? Number(text) : nine(Number(text)) };
  });
  return fc.oneof({ weight: 5, arbitrary: present }, { weight: 1, arbitrary: fc.constant<Cell>({ text: '-', expected: undefined }) });
}

const knownColumn = fc.constantFrom(...FIELDS).map((f): Column => ({ awsName: f.awsName, known: true }));

/**
 * A header of 1–12 distinct names (known and not) in any order, and one line
 * of values for it. A header starts with a known name (that is how a header
 * line is told from a data line).
 */
const vpcCase = fc.tuple(knownColumn, fc.uniqueArray(
  fc.oneof({ weight: 4, arbitrary: knownColumn }, { weight: 1, arbitrary: unknownName.map((n): Column => ({ awsName: n, known: false })) }),
  { maxLength: 11, selector: (c) => c.awsName },
)).map(([first, rest]) => [first, ...rest.filter((c) => c.awsName !== first.awsName)]).chain((columns) => fc.record({
  columns: fc.constant(columns),
  cells: fc.tuple(...columns.map((c) => cellFor(fieldOf(c)))),
  // Runs of blanks or tabs between values send the line down the token path.
  gaps: fc.array(fc.constantFrom(' ', ' ', ' ', '  ', '\t', ' \t'), { minLength: columns.length, maxLength: columns.length }),
  trailing: fc.array(openText, { maxLength: 2 }),
}));

// ---- running one header and line through the pipeline ------------------------------

const VPC = findLogType('AWS.VPCFlow')!;
const standard = new StandardFields();

function normalize(header: string, line: string): Capture {
  const capture = new Capture();
  const processor = new RecordProcessor('fuzz', VPC, {}, standard, capture, capture);
  processor.record(header, 1);
  processor.record(line, 2);
  const c = processor.counts;
  assert.equal(c.read, 2);
  assert.equal(c.read, c.written + c.failed + c.skipped, 'read = written + failed + skipped');
  assert.equal(c.skipped, 1, 'the header is a counted skip');
  for (const r of capture.reports) assert.doesNotMatch(r.error, /internal error|produced no event/, r.error);
  return capture;
}

function lineOf(cells: readonly Cell[], gaps: readonly string[], trailing: readonly string[]): string {
  let line = '';
  cells.forEach((cell, i) => { line += (i === 0 ? '' : gaps[i]!) + cell.text; });
  for (const t of trailing) line += ' ' + t;
  return line;
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

test('VPC: any header of known and unknown names, and values of each field\'s shape, parse to exactly those fields (property)', () => {
  fc.assert(fc.property(vpcCase, ({ columns, cells, gaps, trailing }) => {
    const header = columns.map((c) => c.awsName).join(' ');
    const line = lineOf(cells, gaps, trailing);
    const capture = normalize(header, line);
    assert.deepEqual(capture.reports.map((r) => r.error), [], `${header}\n${line}`);
    assert.equal(capture.records.length, 1);
    const out = capture.records[0]!;

    const keys = keysOf(columns);
    const expected: Record<string, unknown> = {};
    cells.forEach((cell, i) => { if (cell.expected !== undefined) expected[keys[i]!] = cell.expected; });
    if (trailing.length > 0) expected.additionalFields = trailing;
    const own = Object.fromEntries(Object.entries(out).filter(([k]) => !k.startsWith('p_')));
    assert.deepEqual(own, expected, `${header}\n${line}`);

    // Indicators come from the known fields only, and only valid ones.
    const present = (pick: (f: Field) => boolean) => cells.flatMap((cell, i) => {
      const f = fieldOf(columns[i]!);
      return f !== undefined && pick(f) && cell.expected !== undefined ? [cell.text] : [];
    });
    const ips = sortedUnique(present((f) => f.ip === true));
    assert.deepEqual(out.p_any_ip_addresses ?? [], ips, 'p_any_ip_addresses');
    const arnAccounts = present((f) => ARN_FIELDS.has(f.key)).map((arn) => arn.split(':')[4]!);
    const accounts = sortedUnique([...present((f) => f.account === true).filter((a) => ACCOUNT.test(a)), ...arnAccounts]);
    assert.deepEqual(out.p_any_aws_account_ids ?? [], accounts, 'p_any_aws_account_ids');
  }), params(1500));
});

/** Tokens a shifted line may carry: every shape the catalogue knows, and some no field has. */
const strayToken = fc.oneof(ipValue, digits(12), int(70000), fc.constantFrom('ACCEPT', 'OK', 'IPv4', 'ingress', 'us-east-1', 'AMAZON', '-'),
  id('eni'), id('vpc'), arnValue, openText);

test('VPC: a value inserted or dropped mid-line is an error, or a record whose checked fields all hold values of their own shape (property)', () => {
  const shifted = vpcCase.filter(({ columns }) => columns.length >= 2).chain((c) => fc.record({
    c: fc.constant(c),
    insert: fc.boolean(),
    at: fc.nat({ max: c.columns.length - 2 }),
    token: strayToken,
  }));
  fc.assert(fc.property(shifted, ({ c: { columns, cells }, insert, at, token }) => {
    const texts = cells.map((cell) => cell.text);
    if (insert) texts.splice(at, 0, token);
    else texts.splice(at, 1);
    const header = columns.map((col) => col.awsName).join(' ');
    const line = texts.join(' ');
    const capture = normalize(header, line);
    if (capture.records.length === 0) {
      assert.equal(capture.reports.length, 1);
      assert.match(capture.reports[0]!.error, /^(field [a-z0-9-]+: |expected \d+ space-separated fields)/, capture.reports[0]!.error);
      return;
    }
    const out = capture.records[0]!;
    const keys = keysOf(columns);
    columns.forEach((col, i) => {
      const f = fieldOf(col);
      const v = out[keys[i]!];
      if (f === undefined || v === undefined) return;
      if (f.kind === 'integer') assert.ok(Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= (f.max ?? Infinity), `${f.awsName} = ${String(v)}`);
      else if (f.kind === 'seconds') assert.match(String(v), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000000000Z$/, f.awsName);
      else if (f.check !== undefined) assert.ok(f.check(String(v)), `${f.awsName} = ${JSON.stringify(v)} in ${line}`);
    });
    for (const a of (out.p_any_ip_addresses as string[] | undefined) ?? []) assert.ok(isIP(a) !== 0, `IP indicator ${a}`);
  }), params(1500));
});

// ---- LineFramer against a reference split -----------------------------------------------

const MAX = 12;

/** What framing means, written the slow and obvious way. */
function referenceLines(text: string, cutShort: boolean): string[] {
  const out: string[] = [];
  const lines = text.split(/\r\n|\r|\n/);
  const unterminated = lines.at(-1) !== '';
  lines.forEach((raw, i) => {
    const n = i + 1;
    // A byte order mark at the start of any line is dropped (`cat a.log b.log`).
    const line = raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
    // --max-line-bytes counts UTF-8 bytes (issue 14); line's length is in characters.
    if (Buffer.byteLength(line) > MAX) out.push(`reject ${n} ${line} ${line.length}`);
    else if (/[^ \t]/.test(line)) out.push(cutShort && unterminated && i === lines.length - 1 ? `incomplete ${n} ${line}` : `record ${n} ${line}`);
  });
  return out;
}

function framed(bytes: Buffer, sizes: readonly number[], cutShort: boolean): string[] {
  const out: string[] = [];
  const framer = new LineFramer({
    record: (text, line) => out.push(`record ${line} ${text}`),
    reject: (message, raw, line, length) => out.push(message.startsWith('incomplete') ? `incomplete ${line} ${raw}` : `reject ${line} ${raw} ${length ?? ''}`),
  }, MAX);
  for (let at = 0, i = 0; at < bytes.length; i++) {
    const size = sizes.length > 0 ? sizes[i % sizes.length]! : bytes.length;
    framer.push(bytes.subarray(at, at + size));
    at += size;
  }
  framer.end(cutShort);
  return out;
}

test('lines: any text with any mix of \\n, \\r\\n and lone \\r and BOMs anywhere, in any chunks, frames like a plain split on those endings (property)', () => {
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\t', 'é', '日', '😀'), minLength: 1, maxLength: 16 }) },
    { weight: 2, arbitrary: fc.constantFrom('\n', '\r', '\r\n') },
    { weight: 1, arbitrary: fc.constant('\uFEFF') },
  );
  fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 6 }), fc.boolean(),
    (pieces, sizes, cutShort) => {
      const text = pieces.join('');
      assert.deepEqual(framed(Buffer.from(text), sizes, cutShort), referenceLines(text, cutShort), JSON.stringify(text));
    }), params(3000));
});

// ---- a damaged header never lets its lines be read with another layout -------------

/** Ways a header name is damaged that leave it recognisable, and parseVpcFormat rejects. */
const damage = fc.constantFrom<(name: string) => string>(
  (n) => (n.includes('-') ? n.replaceAll('-', '_') : n.toUpperCase()),
  (n) => n.toUpperCase(),
  (n) => `"${n}"`,
  (n) => `'${n}',`,
  (n) => `\${${n}`,
  (n) => n.charAt(0).toUpperCase() + n.slice(1),
);
/** Damage that leaves no name: only for a token after the first (a known name) of a longer header. */
const garble = fc.constantFrom<(name: string) => string>((n) => `${n}@`, (n) => `${n}/x`, (n) => `x:${n}`, () => '#');

function processAll(lines: readonly string[]): { capture: Capture; outcomes: string[] } {
  const capture = new Capture();
  const processor = new RecordProcessor('fuzz', VPC, {}, standard, capture, capture);
  const outcomes: string[] = [];
  lines.forEach((line, i) => {
    const before = { ...processor.counts };
    processor.record(line, i + 1);
    const c = processor.counts;
    outcomes.push(c.written > before.written ? 'record' : c.failed > before.failed ? 'error' : 'skip');
  });
  const c = processor.counts;
  assert.equal(c.read, lines.length);
  assert.equal(c.read, c.written + c.failed + c.skipped, 'read = written + failed + skipped');
  return { capture, outcomes };
}

test('VPC: a header with one name damaged is an error, and so is each line after it until a valid header (property)', () => {
  const damagedCase = fc.record({ before: vpcCase, after: vpcCase }).chain(({ before, after }) => fc.record({
    before: fc.constant(before),
    after: fc.constant(after),
    at: fc.nat({ max: after.columns.length - 1 }),
    how: after.columns.length > 1
      ? fc.oneof(damage.map((f) => ({ f, garbles: false })), garble.map((f) => ({ f, garbles: true })))
      : damage.map((f) => ({ f, garbles: false })),
    csv: fc.boolean(),
    lines: fc.array(fc.tuple(...after.columns.map((c) => cellFor(fieldOf(c)))), { minLength: 1, maxLength: 4 }),
  }));
  fc.assert(fc.property(damagedCase, ({ before, after, at, how, csv, lines }) => {
    const names = after.columns.map((c) => c.awsName);
    // The first name stays intact when garbled, so the line still names a known field.
    const target = how.garbles && at === 0 ? 1 : at;
    const damaged = names.map((n, i) => (i === target ? how.f(n) : n)).join(csv ? ',' : ' ');
    const dataLines = lines.map((cells) => cells.map((c) => c.text).join(' '));
    // Values that happen to name fields make a line that reads as a header: not what this checks.
    fc.pre(dataLines.every((l) => !isVpcHeader(l)));
    const input = [
      before.columns.map((c) => c.awsName).join(' '), lineOf(before.cells, before.gaps, before.trailing),
      damaged, ...dataLines,
      names.join(' '), ...dataLines,
    ];
    const { outcomes, capture } = processAll(input);
    const n = dataLines.length;
    assert.deepEqual(outcomes, ['skip', 'record', 'error', ...Array<string>(n).fill('error'), 'skip', ...Array<string>(n).fill('record')],
      `${input.join('\n')}\n${capture.reports.map((r) => r.error).join('\n')}`);
    assert.match(capture.reports[0]!.error, /^header line: /);
    for (const r of capture.reports.slice(1)) assert.match(r.error, /^no field layout: the header line before this line was rejected/);
  }), params(1000));
});
