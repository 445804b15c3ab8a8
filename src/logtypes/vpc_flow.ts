// AWS.VPCFlow — VPC Flow Logs (and Transit Gateway Flow Logs), plain-text format.
// https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
// https://docs.aws.amazon.com/vpc/latest/tgw/tgw-flow-logs.html
//
// Files delivered to S3 start with a header naming the fields in order; a
// custom format picks any subset in any order. Records delivered through
// CloudWatch Logs have no header: they use the default version-2 layout (or
// the Transit Gateway default layout, recognised by its `TransitGateway`
// resource type) or the format the user names with --vpc-format.
//
// Every known field's value is checked against the field's documented shape
// (an IP, a port, ACCEPT/REJECT, …): a line whose values do not fit its
// layout (a value missing or inserted mid-line shifts the rest) is an error
// report naming the first field that does not fit, never a record whose
// fields hold their neighbours' values.
import { closestName } from '../core/closest.js';
import { isAccountId, isArn, isIpAddress } from '../core/indicators.js';
import { parseInteger, recordMaker } from '../core/fields.js';
import { quoteValue } from '../core/errors.js';
import { dottedQuadEnd, isAwsRegion, isAwsResourceId, isUpperSnakeName, looksLikeAwsResourceId } from '../core/shapes.js';
import { STANDARD_FIELDS } from '../core/standard_fields.js';
import { formatUnix } from '../core/timestamp.js';
import type { ColumnarInput, ColumnValue, LogTypeDescriptor, Parser, ParseSink, ParserOptions, Fields, RowParser } from './types.js';

type ColumnKind = 'string' | 'integer' | 'unixSeconds';

/** What a string value must look like (`-`, an absent value, fits every field). */
const enum Shape {
  /** Any token: free text, and fields whose values AWS may extend. */
  Any,
  Ip,
  /** 12 digits, or `unknown` (an interface created by an AWS service). */
  AccountId,
  /** `${idPrefix}-…` */
  ResourceId,
  /** Any `prefix-…` id. */
  SomeResourceId,
  /** One of `allowed`. */
  OneOf,
  Arn,
  Region,
  /** An ip-ranges.json service name (`AMAZON`, `S3`). */
  ServiceName,
}

interface Column {
  /** The AWS field name, as in the header (`srcaddr`). */
  readonly awsName: string;
  /** The output key (`srcAddr`). */
  readonly key: string;
  readonly kind: ColumnKind;
  readonly shape: Shape;
  /** Shape.ResourceId: the id's prefix without its `-` (`vpc`). */
  readonly idPrefix: string;
  /** Shape.OneOf: the values a record may hold. */
  readonly allowed: readonly string[];
  /** kind integer: the largest valid value. */
  readonly max: number;
  /** What a value must be, for error messages (`an IPv4 or IPv6 address`). */
  readonly expected: string;
  /** A header name this tool does not know (kept as a string). */
  readonly unknown: boolean;
}

type FieldSpec = Omit<Column, 'awsName' | 'key'>;

const OPEN: FieldSpec = {
  kind: 'string', shape: Shape.Any, idPrefix: '', allowed: [], max: 0, expected: 'a value', unknown: false,
};

/**
 * A column from its names and spec. Every column is made here, by one
 * object literal with every property in the same order, so all of them
 * share one hidden class and the per-value loop's property reads stay
 * monomorphic.
 */
function makeColumn(awsName: string, key: string, spec: FieldSpec): Column {
  return {
    awsName, key, kind: spec.kind, shape: spec.shape, idPrefix: spec.idPrefix, allowed: spec.allowed,
    max: spec.max, expected: spec.expected, unknown: spec.unknown,
  };
}

const text = (): FieldSpec => OPEN;
const ip = (): FieldSpec => ({ ...OPEN, shape: Shape.Ip, expected: 'an IPv4 or IPv6 address' });
const accountId = (): FieldSpec => ({ ...OPEN, shape: Shape.AccountId, expected: 'a 12-digit AWS account id or unknown' });
const resourceId = (prefix: string): FieldSpec => ({ ...OPEN, shape: Shape.ResourceId, idPrefix: prefix, expected: `an id starting with ${prefix}-` });
const oneOf = (...allowed: string[]): FieldSpec => ({ ...OPEN, shape: Shape.OneOf, allowed, expected: `one of ${allowed.join(', ')}` });
const arn = (): FieldSpec => ({ ...OPEN, shape: Shape.Arn, expected: 'an ARN (arn:partition:service:region:account:resource)' });
const count = (max = Number.MAX_SAFE_INTEGER, expected = 'a non-negative integer'): FieldSpec => ({ ...OPEN, kind: 'integer', max, expected });
const unixSeconds = (): FieldSpec => ({ ...OPEN, kind: 'unixSeconds', expected: 'Unix seconds' });

// Versions 2–3 keep the seed's (Panther's) output names; later fields are the
// camelCase of their AWS names. Shapes as the two AWS pages above describe
// each field; fields whose values AWS documents as open (names, free ids,
// reasons) or may extend stay open.
const KNOWN_FIELDS: ReadonlyArray<readonly [awsName: string, key: string, spec: FieldSpec]> = [
  // version 2 (the default format, in this order)
  ['version', 'version', count()],
  ['account-id', 'account', accountId()],
  // Usually `eni-…`; the page words a special case for the traffic of
  // regional NAT gateways, so any AWS id form is accepted, not only eni-.
  ['interface-id', 'interfaceId', { ...OPEN, shape: Shape.SomeResourceId, expected: 'a network interface id (eni-…)' }],
  ['srcaddr', 'srcAddr', ip()],
  ['dstaddr', 'dstAddr', ip()],
  ['srcport', 'srcPort', count(65535, 'a port number (0-65535)')],
  ['dstport', 'dstPort', count(65535, 'a port number (0-65535)')],
  ['protocol', 'protocol', count(255, 'an IANA protocol number (0-255)')],
  ['packets', 'packets', count()],
  ['bytes', 'bytes', count()],
  ['start', 'start', unixSeconds()],
  ['end', 'end', unixSeconds()],
  ['action', 'action', oneOf('ACCEPT', 'REJECT')],
  ['log-status', 'status', oneOf('OK', 'NODATA', 'SKIPDATA')],
  // version 3
  ['vpc-id', 'vpcId', resourceId('vpc')],
  ['subnet-id', 'subNetId', resourceId('subnet')],
  ['instance-id', 'instanceId', resourceId('i')],
  ['tcp-flags', 'tcpFlags', count()],
  ['type', 'trafficType', oneOf('IPv4', 'IPv6', 'EFA')],
  ['pkt-srcaddr', 'pktSrcAddr', ip()],
  ['pkt-dstaddr', 'pktDstAddr', ip()],
  // version 4
  ['region', 'region', { ...OPEN, shape: Shape.Region, expected: 'an AWS Region name (us-east-1)' }],
  ['az-id', 'azId', text()],
  ['sublocation-type', 'sublocationType', text()],
  ['sublocation-id', 'sublocationId', text()],
  // version 5
  ['pkt-src-aws-service', 'pktSrcAwsService', { ...OPEN, shape: Shape.ServiceName, expected: 'an AWS service name (AMAZON, S3, …)' }],
  ['pkt-dst-aws-service', 'pktDstAwsService', { ...OPEN, shape: Shape.ServiceName, expected: 'an AWS service name (AMAZON, S3, …)' }],
  ['flow-direction', 'flowDirection', oneOf('ingress', 'egress')],
  ['traffic-path', 'trafficPath', count()],
  // version 6: Transit Gateway flow logs
  ['resource-type', 'resourceType', text()],
  ['tgw-id', 'tgwId', resourceId('tgw')],
  ['tgw-attachment-id', 'tgwAttachmentId', resourceId('tgw-attach')],
  ['tgw-src-vpc-account-id', 'tgwSrcVpcAccountId', accountId()],
  ['tgw-dst-vpc-account-id', 'tgwDstVpcAccountId', accountId()],
  ['tgw-src-vpc-id', 'tgwSrcVpcId', resourceId('vpc')],
  ['tgw-dst-vpc-id', 'tgwDstVpcId', resourceId('vpc')],
  ['tgw-src-subnet-id', 'tgwSrcSubnetId', resourceId('subnet')],
  ['tgw-dst-subnet-id', 'tgwDstSubnetId', resourceId('subnet')],
  ['tgw-src-eni', 'tgwSrcEni', resourceId('eni')],
  ['tgw-dst-eni', 'tgwDstEni', resourceId('eni')],
  ['tgw-src-az-id', 'tgwSrcAzId', text()],
  ['tgw-dst-az-id', 'tgwDstAzId', text()],
  ['tgw-pair-attachment-id', 'tgwPairAttachmentId', resourceId('tgw-attach')],
  ['packets-lost-no-route', 'packetsLostNoRoute', count()],
  ['packets-lost-blackhole', 'packetsLostBlackhole', count()],
  ['packets-lost-mtu-exceeded', 'packetsLostMtuExceeded', count()],
  ['packets-lost-ttl-expired', 'packetsLostTtlExpired', count()],
  // version 7
  ['ecs-cluster-arn', 'ecsClusterArn', arn()],
  ['ecs-cluster-name', 'ecsClusterName', text()],
  ['ecs-container-instance-arn', 'ecsContainerInstanceArn', arn()],
  ['ecs-container-instance-id', 'ecsContainerInstanceId', text()],
  ['ecs-container-id', 'ecsContainerId', text()],
  ['ecs-second-container-id', 'ecsSecondContainerId', text()],
  ['ecs-service-name', 'ecsServiceName', text()],
  ['ecs-task-definition-arn', 'ecsTaskDefinitionArn', arn()],
  ['ecs-task-arn', 'ecsTaskArn', arn()],
  ['ecs-task-id', 'ecsTaskId', text()],
  // version 8 and later
  ['reject-reason', 'rejectReason', text()],
  ['resource-id', 'resourceId', text()],
  ['encryption-status', 'encryptionStatus', count()],
];

const KNOWN_BY_AWS_NAME = new Map<string, Column>(
  KNOWN_FIELDS.map(([awsName, key, spec]) => [awsName, makeColumn(awsName, key, spec)]),
);

/**
 * Output keys a header name this tool does not know may never take: every
 * known field's key (present in the header or not: `srcAddr` always means
 * srcaddr, with its type and indicator), the trailing-token array and the
 * p_ fields.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set([...KNOWN_FIELDS.map(([, key]) => key), 'additionalFields', ...STANDARD_FIELDS]);

export const DEFAULT_VPC_FORMAT = KNOWN_FIELDS.slice(0, 14).map(([awsName]) => awsName).join(' ');

/**
 * The Transit Gateway default format: every version 2 to 6 field in the
 * order of the "Available fields" table of the TGW flow logs page.
 */
export const DEFAULT_TGW_FORMAT = 'version resource-type account-id tgw-id tgw-attachment-id tgw-src-vpc-account-id tgw-dst-vpc-account-id '
  + 'tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id tgw-dst-subnet-id tgw-src-eni tgw-dst-eni tgw-src-az-id tgw-dst-az-id '
  + 'tgw-pair-attachment-id srcaddr dstaddr srcport dstport protocol packets bytes start end log-status type '
  + 'packets-lost-no-route packets-lost-blackhole packets-lost-mtu-exceeded packets-lost-ttl-expired tcp-flags region '
  + 'flow-direction pkt-src-aws-service pkt-dst-aws-service';

/** `ecs-cluster-arn` → `ecsClusterArn`, for names this tool does not know. */
export function camelCase(awsName: string): string {
  return awsName.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `${srcaddr}` (as `aws ec2 describe-flow-logs` prints) → `srcaddr`. */
function stripPlaceholder(token: string): string {
  return token.startsWith('${') && token.endsWith('}') ? token.slice(2, -1) : token;
}

const FIELD_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/**
 * The most fields a layout (a header line or --vpc-format) may name. AWS
 * defines fewer than 100; every record is made from a template holding one
 * key per field, so a header naming 100,000 made every later line cost
 * 125 ms. A wider layout is refused instead.
 */
export const MAX_VPC_FIELDS = 256;

const REFERENCE_URL = 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html';

export interface VpcFormat {
  readonly columns: readonly Column[];
  /** The record's own keys, in order (each column's, then additionalFields). */
  readonly keys: readonly string[];
  /** Makes an empty record with this format's keys in order (see recordMaker). */
  readonly newRecord: () => Fields;
  /** Names this tool does not know (kept as string fields), with their output keys. */
  readonly unknown: ReadonlyArray<{ readonly awsName: string; readonly key: string }>;
}

/**
 * The output key of a header name this tool does not know, in column
 * `position` (1-based): its camelCase, unless another field of the format
 * or any known field owns that key (`src-addr` → `srcAddr` is srcaddr's;
 * `account` is account-id's; `a-1b` and `a1b` both camel-case to `a1b`).
 * Then the name as written (`src-addr`), and when that too is taken (a name
 * without `-` is its own camelCase) the name and its position (`account#3`):
 * `#` is in no field name, so that key is always free. No value ever
 * overwrites another's.
 */
function unknownFieldKey(awsName: string, position: number, taken: ReadonlySet<string>): string {
  for (const key of [camelCase(awsName), awsName]) if (!RESERVED_KEYS.has(key) && !taken.has(key)) return key;
  return `${awsName}#${position}`;
}

/**
 * Parses a field list (`version account-id …` or `${version} ${account-id} …`).
 * Returns an error message for a list that is not one (a token that is not
 * a field name, or a name given twice).
 */
export function parseVpcFormat(format: string): VpcFormat | string {
  const tokens = format.trim().split(/\s+/).filter((t) => t.length > 0);
  if (tokens.length === 0) return 'the VPC format names no fields';
  if (tokens.length > MAX_VPC_FIELDS) {
    return `the VPC format names ${tokens.length} fields, over the limit of ${MAX_VPC_FIELDS} (AWS defines fewer than 100)`;
  }
  const columns: Column[] = [];
  const unknown: Array<{ awsName: string; key: string }> = [];
  const seen = new Set<string>();
  const taken = new Set<string>();
  for (const name of tokens.map(stripPlaceholder)) {
    if (!FIELD_NAME.test(name)) return `${quoteValue(name)} is not a VPC flow log field name (expected names like srcaddr or \${srcaddr})`;
    if (seen.has(name)) return `the VPC format names ${quoteValue(name)} twice`;
    seen.add(name);
    let column = KNOWN_BY_AWS_NAME.get(name);
    if (column === undefined) {
      column = makeColumn(name, unknownFieldKey(name, columns.length + 1, taken), { ...OPEN, unknown: true });
      unknown.push({ awsName: name, key: column.key });
    }
    taken.add(column.key);
    columns.push(column);
  }
  const keys = [...columns.map((c) => c.key), 'additionalFields'];
  return { columns, keys, unknown, newRecord: recordMaker(keys) };
}

/**
 * `--vpc-format`: parseVpcFormat, and every name must be a field this tool
 * knows. A header line in a file may name fields AWS added later (kept as
 * strings, with a notice), but a name typed on the command line that no
 * field has is far likelier a typo, which would lose that field's values
 * silently: it is refused with the closest known name. Returns the format,
 * or the message of the usage error.
 */
export function parseVpcFormatOption(format: string): VpcFormat | string {
  const parsed = parseVpcFormat(format);
  if (typeof parsed === 'string' || parsed.unknown.length === 0) return parsed;
  const named = parsed.unknown.map(({ awsName }) => ({ name: quoteValue(awsName), near: closestName(awsName, KNOWN_BY_AWS_NAME.keys()) }));
  const list = `; the fields are listed at ${REFERENCE_URL}`;
  if (named.length === 1) {
    const { name, near } = named[0]!;
    return near !== undefined ? `unknown field ${name}: did you mean ${near}?` : `unknown field ${name}${list}`;
  }
  return `unknown fields ${named.map(({ name, near }) => (near !== undefined ? `${name} (did you mean ${near}?)` : name)).join(', ')}${list}`;
}

/**
 * Whether a line is meant as a header line, valid or not: one of its tokens
 * (separated by spaces, tabs or commas) names a field this tool knows, read
 * loosely (see looseFieldName: `log_status`, `SRCADDR`, `"version"`), and
 * either no token starts with a digit, as values do (numbers, addresses,
 * times), or at least half of the tokens name known fields. So a header may
 * begin with or hold names it does not know (`traffic-class account-id …`)
 * or damaged ones (`version srcaddr log@status`); the parser then accepts
 * the line (unknown names kept, if most names are known) or rejects it. A
 * data line has values, which name no field (`eni-…`, `ACCEPT`, `IPv4`,
 * `us-east-1`), and nearly always some that start with a digit: a line of a
 * custom layout without a number field, one of whose text values (an ECS
 * name, say) is a field name, would be taken for a header. The parser asks
 * only about lines that do not start with a digit.
 */
export function isVpcHeader(line: string): boolean {
  let tokens = 0;
  let numbers = 0;
  let known = 0;
  const len = line.length;
  let i = 0;
  for (;;) {
    while (i < len && isHeaderSeparator(line.charCodeAt(i))) i++;
    if (i >= len) break;
    let end = i;
    while (end < len && !isHeaderSeparator(line.charCodeAt(end))) end++;
    tokens++;
    const c = line.charCodeAt(i);
    if (c >= 48 && c <= 57) numbers++;
    else if (KNOWN_BY_AWS_NAME.has(looseFieldName(line, i, end))) known++;
    i = end;
  }
  return known > 0 && (numbers === 0 || known * 2 >= tokens);
}

/** A space or tab, or a comma: a header written as CSV (`"version","srcaddr"`) is still meant as one. */
function isHeaderSeparator(c: number): boolean {
  return c === 32 || c === 9 || c === 44;
}

/** The longest field name this tool knows: a longer token is no known name. */
const MAX_NAME = Math.max(...KNOWN_FIELDS.map(([awsName]) => awsName.length));

/**
 * The token line[start, end) read as the field name it may be a spelling
 * of: lower case, `_` and `.` as `-`, `$`, braces, quotes and commas
 * dropped (`LOG_STATUS` → `log-status`, `"srcaddr"` → `srcaddr`,
 * `${version}` → `version`); '' for a token with any other character (a
 * value: `10.0.0.1/24`, `a:b`) or longer than any known name. Only to tell
 * a header, valid or damaged, from a data line.
 */
function looseFieldName(line: string, start: number, end: number): string {
  let name = '';
  for (let i = start; i < end; i++) {
    let c = line.charCodeAt(i);
    if (c === 36 || c === 123 || c === 125 || c === 34 || c === 39 || c === 44) continue; // $ { } " ' ,
    if (c >= 65 && c <= 90) c += 32; // lower case
    if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45) name += String.fromCharCode(c);
    else if (c === 95 || c === 46) name += '-'; // `_` or `.` for `-`
    else return '';
    if (name.length > MAX_NAME) return '';
  }
  return name;
}

function splitFields(line: string): string[] {
  const tokens = line.split(' ');
  // AWS writes single spaces; tolerate runs of blanks and tabs without paying for it on every line.
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.length === 0 || tokens[i]!.indexOf('\t') >= 0) return line.trim().split(/[ \t]+/);
  }
  return tokens;
}

/** Whether a string value (not `-`) has its column's shape. */
function fitsShape(column: Column, value: string): boolean {
  switch (column.shape) {
    case Shape.Any: return true;
    case Shape.Ip: return isIpAddress(value);
    case Shape.AccountId: return isAccountId(value) || value === 'unknown';
    case Shape.ResourceId: return isAwsResourceId(value, column.idPrefix);
    case Shape.SomeResourceId: return looksLikeAwsResourceId(value);
    case Shape.OneOf: return column.allowed.includes(value);
    case Shape.Arn: return isArn(value);
    case Shape.Region: return isAwsRegion(value);
    case Shape.ServiceName: return isUpperSnakeName(value);
  }
}

const SPACE = 32;

/** Whether a value that ends at `end` ends where a value may: at a space or at the end of the line. */
function atValueEnd(line: string, end: number): boolean {
  return end === line.length || line.charCodeAt(end) === SPACE;
}

/**
 * For scanInPlace: where the string value at `start` ends (at a space or the
 * end of the line) when it has its column's shape, or -1. The common shapes
 * are read once, where they lie in the line, and the scan that checks them
 * also finds their end (no indexOf, no slice); IPv6 and the rare shapes
 * take fitsShape on a slice.
 */
function shapedValueEnd(column: Column, line: string, start: number): number {
  let end: number;
  switch (column.shape) {
    case Shape.Ip:
      end = dottedQuadEnd(line, start);
      if (end >= 0 && atValueEnd(line, end)) return end;
      break;
    case Shape.AccountId:
      end = digitsEnd(line, start);
      if (end - start === 12 && atValueEnd(line, end)) return end;
      break;
    case Shape.OneOf:
      return oneOfEnd(line, start, column.allowed);
    case Shape.SomeResourceId:
      return someResourceIdEnd(line, start);
    default:
  }
  end = line.indexOf(' ', start);
  if (end < 0) end = line.length;
  return end > start && (column.shape === Shape.Any || fitsShape(column, line.slice(start, end))) ? end : -1;
}

/**
 * Where the value at `start` ends when it has the form of looksLikeAwsResourceId
 * (lower-case letters, `-`, at least one more character), or -1: read in
 * place, as interface-id is on every line.
 */
function someResourceIdEnd(line: string, start: number): number {
  let i = start;
  for (; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c < 97 || c > 122) break;
  }
  if (i === start || line.charCodeAt(i) !== 45) return -1;
  let end = line.indexOf(' ', i + 1);
  if (end < 0) end = line.length;
  return end > i + 1 ? end : -1;
}

/** Where the run of ASCII digits at `start` ends. */
function digitsEnd(line: string, start: number): number {
  let i = start;
  for (; i < line.length; i++) {
    const d = line.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
  }
  return i;
}

/** Where the value at `start` ends when it is one of `allowed` (a whole value), or -1. */
function oneOfEnd(line: string, start: number, allowed: readonly string[]): number {
  next: for (let i = 0; i < allowed.length; i++) {
    const a = allowed[i]!;
    const end = start + a.length;
    if (end > line.length) continue;
    for (let j = 0; j < a.length; j++) if (a.charCodeAt(j) !== line.charCodeAt(start + j)) continue next;
    if (atValueEnd(line, end)) return end;
  }
  return -1;
}

/**
 * The common line: exactly one space between the columns' values, all of
 * them well formed. Values are read where they lie in the line, each in one
 * pass that checks it and finds its end (numbers without a substring, no
 * token array). Anything else (extra or missing fields, runs of blanks,
 * tabs, a value of the wrong shape) returns undefined and goes to
 * parseTokens, which handles it and words the error.
 */
function scanInPlace(line: string, format: VpcFormat): Fields | undefined {
  const columns = format.columns;
  const len = line.length;
  const fields = format.newRecord();
  let start = 0;
  for (let i = 0; i < columns.length; i++) {
    if (start >= len) return undefined; // fewer values than columns, or a blank at the end
    const column = columns[i]!;
    let end: number;
    if (line.charCodeAt(start) === 45 && atValueEnd(line, start + 1)) {
      if (column.unknown) return undefined; // absent unknown field: parseTokens deletes its key
      end = start + 1;
    } else if (column.kind === 'string') {
      end = shapedValueEnd(column, line, start);
      if (end < 0) return undefined;
      fields[column.key] = line.slice(start, end);
    } else {
      let n = 0;
      end = start;
      for (; end < len; end++) {
        const d = line.charCodeAt(end) - 48;
        if (d < 0 || d > 9) break;
        n = n * 10 + d;
      }
      // Up to 15 digits are exact; longer numbers and signs are for parseTokens.
      if (end === start || end - start > 15 || !atValueEnd(line, end)) return undefined;
      if (column.kind === 'integer') {
        if (n > column.max) return undefined;
        fields[column.key] = n;
      } else {
        const ts = formatUnix(n);
        if (ts === undefined) return undefined;
        fields[column.key] = ts;
      }
    }
    start = end + 1;
  }
  // More values than columns, or a trailing blank, or a tab in a string value.
  if (start <= len || line.indexOf('\t') >= 0) return undefined;
  return fields;
}

/** `field srcport: expected a port number (0-65535), found "x"`, and why it may be there. */
function mismatch(column: Column, value: string, tokens: number, columns: number): string {
  const shifted = tokens > columns ? `; the line has ${tokens} values for ${columns} fields, so values may have shifted` : '';
  return `field ${column.awsName}: expected ${column.expected}, found ${quoteValue(value)}${shifted}`;
}

type Converted = { readonly value: number | string } | { readonly error: string };

/** The value of an integer or Unix-seconds column (a number or a timestamp), or why there is none. */
function numberValue(column: Column, value: string, tokens: number, columns: number): Converted {
  const n = parseInteger(value);
  // parseInteger refuses digits beyond 2^53: JSON readers would change them.
  if (n === undefined && /^[0-9]+$/.test(value)) return { error: `field ${column.awsName}: ${quoteValue(value)} is too large (over 2^53, where JSON numbers lose digits)` };
  if (n === undefined || n < 0 || (column.kind === 'integer' && n > column.max)) return { error: mismatch(column, value, tokens, columns) };
  if (column.kind === 'integer') return { value: n };
  const ts = formatUnix(n);
  return ts === undefined ? { error: `field ${column.awsName}: ${quoteValue(value)} is outside the years 0000-9999` } : { value: ts };
}

/** Any line scanInPlace did not take: the same checks, with the error worded. */
function parseTokens(tokens: string[], format: VpcFormat, source: string, sink: ParseSink): void {
  const columns = format.columns;
  if (tokens.length < columns.length) {
    return sink.error(`expected ${columns.length} space-separated fields (${source}), found ${tokens.length}`);
  }
  const fields = format.newRecord();
  for (let i = 0; i < columns.length; i++) {
    const value = tokens[i]!;
    const column = columns[i]!;
    if (value === '-') {
      // The schema wants a string for a field it does not name: an absent
      // one must be a missing key, not an undefined one (a rare, slower path).
      if (column.unknown) delete fields[column.key];
      continue;
    }
    if (column.kind === 'string') {
      if (!fitsShape(column, value)) return sink.error(mismatch(column, value, tokens.length, columns.length));
      fields[column.key] = value;
    } else {
      const converted = numberValue(column, value, tokens.length, columns.length);
      if ('error' in converted) return sink.error(converted.error);
      fields[column.key] = converted.value;
    }
  }
  if (tokens.length > columns.length) fields.additionalFields = tokens.slice(columns.length);
  sink.event(fields);
}

/** The format with `recordKeys` (ParserOptions.recordKeys) in its record template; the format itself when there are none. */
function withRecordKeys(format: VpcFormat, recordKeys: readonly string[] | undefined): VpcFormat {
  if (recordKeys === undefined || recordKeys.length === 0) return format;
  return { ...format, newRecord: recordMaker(format.keys, recordKeys) };
}

/** The name the second field of a Transit Gateway record holds (resource-type). */
const TRANSIT_GATEWAY = 'TransitGateway';

class VpcFlowParser implements Parser {
  /** The layout of the lines; undefined after a header line that could not be used. */
  private format: VpcFormat | undefined;
  /** Where the layout comes from, for error messages. */
  private source: string;
  /**
   * Header-less input read with the built-in default layout: a line whose
   * resource type is TransitGateway is read with the TGW default layout.
   */
  private builtInDefault: boolean;
  /** The notice for --vpc-format's unknown names: told with the input's first line, once. */
  private pendingNotice: string | undefined;

  /** One record per log event: a header line is an error (ParserOptions.headerless). */
  private readonly headerless: boolean;
  /** ParserOptions.recordKeys, put in every layout's record template. */
  private readonly recordKeys: readonly string[] | undefined;
  /** The Transit Gateway default layout, with recordKeys. */
  private readonly tgwFormat: VpcFormat;

  constructor(format: VpcFormat, source: string, builtInDefault: boolean, pendingNotice: string | undefined, options: ParserOptions) {
    this.headerless = options.headerless === true;
    this.recordKeys = options.recordKeys;
    this.tgwFormat = withRecordKeys(DEFAULT_TGW, this.recordKeys);
    this.format = withRecordKeys(format, this.recordKeys);
    this.source = source;
    this.builtInDefault = builtInDefault;
    this.pendingNotice = pendingNotice;
  }

  parse(line: string, sink: ParseSink): void {
    if (this.pendingNotice !== undefined) {
      sink.notice(this.pendingNotice);
      this.pendingNotice = undefined;
    }
    // Data lines start with a digit (version) or, in a custom layout, some
    // other value; a header, valid or damaged, never does. A header line is
    // asked about before the layout: read with the old layout, a repeated
    // header of text fields would fit it.
    const c0 = line.charCodeAt(0);
    if ((c0 < 48 || c0 > 57) && isVpcHeader(line)) {
      // One record per log event (CloudWatch Logs): there is no header to re-arm the layout.
      if (this.headerless) return sink.error('a header line where the records carry none (one record per log event): not used as the field layout; pass --vpc-format for a custom one');
      return this.rearm(line, sink);
    }
    const format = this.format;
    if (format === undefined) return sink.error(this.source);
    const fields = scanInPlace(line, format);
    if (fields !== undefined) return sink.event(fields);
    const tokens = splitFields(line);
    if (this.builtInDefault && tokens[1] === TRANSIT_GATEWAY) {
      return parseTokens(tokens, this.tgwFormat, 'the Transit Gateway default format', sink);
    }
    parseTokens(tokens, format, this.source, sink);
  }

  private rearm(line: string, sink: ParseSink): void {
    this.builtInDefault = false;
    const format = parseVpcFormat(line);
    if (typeof format === 'string') {
      // Reading on with the previous layout would put the values of this
      // header's layout under other fields' names: each line until the next
      // valid header is reported instead.
      this.format = undefined;
      this.source = `no field layout: the header line before this line was rejected (${format})`;
      return sink.error(`header line: ${format}; the lines after it are reported until a valid header line`);
    }
    // A line of prose that holds a field name (`this is not a log of any
    // type`) is no layout: read with its words as field names, every line
    // after it would be written under invented names. A real header starts
    // with a field name (`version`, `account-id`…) or, when AWS added fields
    // this version does not know, still names mostly known ones.
    if (!KNOWN_BY_AWS_NAME.has(format.columns[0]!.awsName) && format.unknown.length * 2 > format.columns.length) {
      this.format = undefined;
      const message = `most of its names are no VPC field (${format.unknown.map(({ awsName }) => quoteValue(awsName)).join(', ')})`;
      this.source = `no field layout: the header line before this line was rejected (${message})`;
      return sink.error(`header line: ${message}; the lines after it are reported until a valid header line`);
    }
    this.format = withRecordKeys(format, this.recordKeys);
    this.source = 'per the header line';
    if (format.unknown.length > 0) sink.notice(unknownFieldsNotice(format, 'header'));
    sink.skip('header');
  }
}

/**
 * The notice for a layout with names this tool does not know (`from`: the
 * header, or --vpc-format), saying where each one went when its camelCase
 * was taken.
 */
function unknownFieldsNotice(format: VpcFormat, from: string): string {
  const names = format.unknown.map(({ awsName, key }) =>
    key === camelCase(awsName) ? awsName : `${awsName} (as "${key}": ${camelCase(awsName)} is another field's key)`);
  return `${from} names fields this version does not know; kept as strings: ${names.join(', ')}`;
}

// Parquet delivery. AWS writes one column per field of the flow log's
// format, named as the field with `_` for `-` (`account_id`, `log_status`),
// typed INT32, INT64 or STRING ("Parquet data type" in the Available fields
// table of flow-log-records.html; the Hive-compatible prefixes on
// flow-logs-s3-path.html). The columns are read as the header line of a
// text file would be, and each row as the text line of the same flow: the
// same vocabulary, checks, error messages and record. The log type knows
// nothing of Parquet: the pipeline hands it named columns and plain cells.

/** `log_status` → `log-status`: a column name as the field name of the text header. */
export function columnFieldName(column: string): string {
  return column.replaceAll('_', '-');
}

/** Where the values come from, in error messages. */
const COLUMNS_SOURCE = 'per the Parquet columns';

/**
 * A cell as the token the text line would hold: null is `-` (absent); a
 * number or an ExactNumber its decimal text, so numbers take the text
 * path's checks (a port over 65535, a negative count, a fraction, over 2^53:
 * each the same error as in text).
 */
function cellToken(value: ColumnValue): string {
  if (value === null) return '-';
  return typeof value === 'string' ? value : String(value);
}

/** The format of a file's columns, or why they are not one. */
function columnsFormat(columns: readonly string[]): VpcFormat | string {
  for (const column of columns) {
    if (!FIELD_NAME.test(columnFieldName(column))) return `column ${quoteValue(column)} is not a VPC flow log field name (expected names like srcaddr or log_status)`;
  }
  return parseVpcFormat(columns.map(columnFieldName).join(' '));
}

class VpcRowParser implements RowParser {
  /** The cells of the current row as text tokens (reused: parseTokens keeps no reference). */
  private readonly tokens: string[];
  private pendingNotice: string | undefined;

  constructor(private readonly format: VpcFormat, notice: string | undefined) {
    this.tokens = new Array<string>(format.columns.length).fill('-');
    this.pendingNotice = notice;
  }

  parseRow(values: readonly ColumnValue[], sink: ParseSink): void {
    if (this.pendingNotice !== undefined) {
      sink.notice(this.pendingNotice);
      this.pendingNotice = undefined;
    }
    const fields = this.direct(values);
    if (fields !== undefined) return sink.event(fields);
    const tokens = this.tokens;
    for (let i = 0; i < tokens.length; i++) tokens[i] = cellToken(values[i] ?? null);
    parseTokens(tokens, this.format, COLUMNS_SOURCE, sink);
  }

  /**
   * The common row, without text: every cell null, a number in range for an
   * integer column, or a string of its column's shape. These are exactly
   * the cells parseTokens would take as they are (a number's decimal text
   * parses back to the number), so the record is the same; any other row
   * (a value to report, `-` as a string, a number in a string column) goes
   * through the text tokens, which word the error as the text path does.
   */
  private direct(values: readonly ColumnValue[]): Fields | undefined {
    const columns = this.format.columns;
    const fields = this.format.newRecord();
    for (let i = 0; i < columns.length; i++) {
      const v = values[i] ?? null;
      const column = columns[i]!;
      if (v === null) {
        if (column.unknown) return undefined; // parseTokens deletes its key
        continue;
      }
      if (column.kind === 'string') {
        if (typeof v !== 'string' || v === '-' || !fitsShape(column, v)) return undefined;
        fields[column.key] = v;
      } else {
        if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return undefined;
        if (column.kind === 'integer') {
          if (v > column.max) return undefined;
          fields[column.key] = v;
        } else {
          const ts = formatUnix(v);
          if (ts === undefined) return undefined;
          fields[column.key] = ts;
        }
      }
    }
    return fields;
  }
}

const vpcColumnar: ColumnarInput = {
  /** The header rule: at least one known field, and known fields at least half the columns. */
  matches(columns: readonly string[]): boolean {
    const known = columns.filter((c) => KNOWN_BY_AWS_NAME.has(columnFieldName(c))).length;
    return known > 0 && known * 2 >= columns.length;
  },
  createParser(columns: readonly string[], options: ParserOptions): RowParser | string {
    const format = columnsFormat(columns);
    if (typeof format === 'string') return format;
    // Named as the file names them (`future_field`), with the key each is kept under.
    const notice = format.unknown.length > 0
      ? `the Parquet schema names columns this version does not know; kept as strings: ${format.unknown.map(({ awsName, key }) => `${awsName.replaceAll('-', '_')} (as "${key}")`).join(', ')}`
      : undefined;
    return new VpcRowParser(withRecordKeys(format, options.recordKeys), notice);
  },
};

const DEFAULT_FORMAT = parseVpcFormat(DEFAULT_VPC_FORMAT) as VpcFormat;
const DEFAULT_TGW = parseVpcFormat(DEFAULT_TGW_FORMAT) as VpcFormat;

export const vpcFlow: LogTypeDescriptor = {
  name: 'AWS.VPCFlow',
  description: 'VPC Flow Logs: IP traffic to and from network interfaces in a VPC (and Transit Gateway flow logs).',
  referenceUrl: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html',
  framing: 'lines',
  // The parser's own test (VpcFlowParser.parse): data lines start with a digit.
  layoutLine: (line) => { const c0 = line.charCodeAt(0); return (c0 < 48 || c0 > 57) && isVpcHeader(line); },
  s3PathHint: '/vpcflowlogs/',
  eventTimeField: 'start',
  eventTimeFallbacks: ['end'],
  indicators: [
    // The parser has checked these (Shape.Ip), and no other value can take their keys.
    ['srcAddr', 'checked_ip'],
    ['dstAddr', 'checked_ip'],
    ['pktSrcAddr', 'checked_ip'],
    ['pktDstAddr', 'checked_ip'],
    ['account', 'aws_account_id'],
    ['tgwSrcVpcAccountId', 'aws_account_id'],
    ['tgwDstVpcAccountId', 'aws_account_id'],
    ['instanceId', 'aws_instance_id'],
    ['ecsClusterArn', 'aws_arn'],
    ['ecsContainerInstanceArn', 'aws_arn'],
    ['ecsTaskDefinitionArn', 'aws_arn'],
    ['ecsTaskArn', 'aws_arn'],
  ],
  columnar: vpcColumnar,
  createParser(options: ParserOptions): Parser {
    if (options.vpcFormat === undefined) {
      return new VpcFlowParser(DEFAULT_FORMAT, 'the default version-2 format; pass --vpc-format for a custom one', true, undefined, options);
    }
    const format = parseVpcFormat(options.vpcFormat);
    // The CLI validates --vpc-format before it gets here.
    if (typeof format === 'string') throw new TypeError(`--vpc-format: ${format}`);
    const notice = format.unknown.length > 0 ? unknownFieldsNotice(format, '--vpc-format') : undefined;
    return new VpcFlowParser(format, 'per --vpc-format', false, notice, options);
  },
};
