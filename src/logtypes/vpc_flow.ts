// AWS.VPCFlow — VPC Flow Logs, plain-text format.
// https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
//
// Files delivered to S3 start with a header naming the fields in order; a
// custom format picks any subset in any order. Records delivered through
// CloudWatch Logs have no header: they use the default version-2 layout or
// the format the user names with --vpc-format.
import { parseDigitsAt, parseInteger, recordMaker } from '../core/fields.js';
import { quoteValue } from '../core/errors.js';
import { formatUnix } from '../core/timestamp.js';
import type { LogTypeDescriptor, Parser, ParseSink, ParserOptions, Fields } from './types.js';

type ColumnKind = 'string' | 'integer' | 'unixSeconds';

interface Column {
  /** The AWS field name, as in the header (`srcaddr`). */
  readonly awsName: string;
  /** The output key (`srcAddr`). */
  readonly key: string;
  readonly kind: ColumnKind;
  /** A header name this tool does not know (kept as a string). */
  readonly unknown?: boolean;
}

// Versions 2–3 keep the seed's (Panther's) output names; later fields are the
// camelCase of their AWS names.
const KNOWN_FIELDS: ReadonlyArray<readonly [awsName: string, key: string, kind: ColumnKind]> = [
  // version 2 (the default format, in this order)
  ['version', 'version', 'integer'],
  ['account-id', 'account', 'string'],
  ['interface-id', 'interfaceId', 'string'],
  ['srcaddr', 'srcAddr', 'string'],
  ['dstaddr', 'dstAddr', 'string'],
  ['srcport', 'srcPort', 'integer'],
  ['dstport', 'dstPort', 'integer'],
  ['protocol', 'protocol', 'integer'],
  ['packets', 'packets', 'integer'],
  ['bytes', 'bytes', 'integer'],
  ['start', 'start', 'unixSeconds'],
  ['end', 'end', 'unixSeconds'],
  ['action', 'action', 'string'],
  ['log-status', 'status', 'string'],
  // version 3
  ['vpc-id', 'vpcId', 'string'],
  ['subnet-id', 'subNetId', 'string'],
  ['instance-id', 'instanceId', 'string'],
  ['tcp-flags', 'tcpFlags', 'integer'],
  ['type', 'trafficType', 'string'],
  ['pkt-srcaddr', 'pktSrcAddr', 'string'],
  ['pkt-dstaddr', 'pktDstAddr', 'string'],
  // version 4
  ['region', 'region', 'string'],
  ['az-id', 'azId', 'string'],
  ['sublocation-type', 'sublocationType', 'string'],
  ['sublocation-id', 'sublocationId', 'string'],
  // version 5
  ['pkt-src-aws-service', 'pktSrcAwsService', 'string'],
  ['pkt-dst-aws-service', 'pktDstAwsService', 'string'],
  ['flow-direction', 'flowDirection', 'string'],
  ['traffic-path', 'trafficPath', 'integer'],
  // version 7
  ['ecs-cluster-arn', 'ecsClusterArn', 'string'],
  ['ecs-cluster-name', 'ecsClusterName', 'string'],
  ['ecs-container-instance-arn', 'ecsContainerInstanceArn', 'string'],
  ['ecs-container-instance-id', 'ecsContainerInstanceId', 'string'],
  ['ecs-container-id', 'ecsContainerId', 'string'],
  ['ecs-second-container-id', 'ecsSecondContainerId', 'string'],
  ['ecs-service-name', 'ecsServiceName', 'string'],
  ['ecs-task-definition-arn', 'ecsTaskDefinitionArn', 'string'],
  ['ecs-task-arn', 'ecsTaskArn', 'string'],
  ['ecs-task-id', 'ecsTaskId', 'string'],
  // version 8 and later
  ['reject-reason', 'rejectReason', 'string'],
  ['resource-id', 'resourceId', 'string'],
  ['encryption-status', 'encryptionStatus', 'integer'],
];

const KNOWN_BY_AWS_NAME = new Map<string, Column>(
  KNOWN_FIELDS.map(([awsName, key, kind]) => [awsName, { awsName, key, kind }]),
);

export const DEFAULT_VPC_FORMAT = KNOWN_FIELDS.slice(0, 14).map(([awsName]) => awsName).join(' ');

/** `ecs-cluster-arn` → `ecsClusterArn`, for names this tool does not know. */
export function camelCase(awsName: string): string {
  return awsName.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `${srcaddr}` (as `aws ec2 describe-flow-logs` prints) → `srcaddr`. */
function stripPlaceholder(token: string): string {
  return token.startsWith('${') && token.endsWith('}') ? token.slice(2, -1) : token;
}

const FIELD_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

export interface VpcFormat {
  readonly columns: readonly Column[];
  /** Makes an empty record with this format's keys in order (see recordMaker). */
  readonly newRecord: () => Fields;
  /** Names this tool does not know (kept as string fields). */
  readonly unknown: readonly string[];
}

/**
 * Parses a field list (`version account-id …` or `${version} ${account-id} …`).
 * Returns an error message for a list that is not one.
 */
export function parseVpcFormat(format: string): VpcFormat | string {
  const tokens = format.trim().split(/\s+/).filter((t) => t.length > 0).map(stripPlaceholder);
  if (tokens.length === 0) return 'the VPC format names no fields';
  const columns: Column[] = [];
  const unknown: string[] = [];
  const seen = new Set<string>();
  for (const name of tokens) {
    if (!FIELD_NAME.test(name)) return `${quoteValue(name)} is not a VPC flow log field name (expected names like srcaddr or \${srcaddr})`;
    if (seen.has(name)) return `the VPC format names ${quoteValue(name)} twice`;
    seen.add(name);
    const known = KNOWN_BY_AWS_NAME.get(name);
    if (known !== undefined) columns.push(known);
    else {
      unknown.push(name);
      columns.push({ awsName: name, key: camelCase(name), kind: 'string', unknown: true });
    }
  }
  return { columns, unknown, newRecord: recordMaker([...columns.map((c) => c.key), 'additionalFields']) };
}

/** A header line: its first name is a known field and every token is a field name. */
export function isVpcHeader(line: string): boolean {
  const space = line.indexOf(' ');
  const first = stripPlaceholder(space < 0 ? line : line.slice(0, space));
  if (!KNOWN_BY_AWS_NAME.has(first)) return false;
  const tokens = line.split(' ');
  for (const t of tokens) if (t.length > 0 && !FIELD_NAME.test(stripPlaceholder(t))) return false;
  return true;
}

function splitFields(line: string): string[] {
  const tokens = line.split(' ');
  // AWS writes single spaces; tolerate runs of blanks and tabs without paying for it on every line.
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.length === 0 || tokens[i]!.indexOf('\t') >= 0) return line.trim().split(/[ \t]+/);
  }
  return tokens;
}

class VpcFlowParser implements Parser {
  private columns: readonly Column[];
  private newRecord: () => Fields;
  private source: string;

  constructor(format: VpcFormat, source: string) {
    this.columns = format.columns;
    this.newRecord = format.newRecord;
    this.source = source;
  }

  parse(line: string, sink: ParseSink): void {
    const c0 = line.charCodeAt(0);
    // Data lines start with a digit (version) or a value; only headers start with a known name.
    if (c0 >= 97 && c0 <= 122 || c0 === 36) {
      if (isVpcHeader(line)) return this.rearm(line, sink);
    }
    const fields = this.scanInPlace(line);
    if (fields !== undefined) return sink.event(fields);
    this.parseTokens(splitFields(line), sink);
  }

  /**
   * The common line: exactly one space between the columns' values, all of
   * them well formed. Values are read where they lie in the line (numbers
   * without a substring, no token array). Anything else (extra or missing
   * fields, runs of blanks, tabs, a bad value) returns undefined and goes
   * to parseTokens, which handles it and words the error.
   */
  private scanInPlace(line: string): Fields | undefined {
    const columns = this.columns;
    const len = line.length;
    const fields = this.newRecord();
    let start = 0;
    for (let i = 0; i < columns.length; i++) {
      if (start > len) return undefined; // fewer values than columns
      let end = line.indexOf(' ', start);
      if (end < 0) end = len;
      if (end === start) return undefined;
      const column = columns[i]!;
      if (end - start === 1 && line.charCodeAt(start) === 45) {
        if (column.unknown) return undefined; // absent unknown field: parseTokens deletes its key
      } else if (column.kind === 'string') {
        fields[column.key] = line.slice(start, end);
      } else {
        const n = parseDigitsAt(line, start, end);
        if (n === undefined) return undefined;
        if (column.kind === 'integer') fields[column.key] = n;
        else {
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

  private parseTokens(tokens: string[], sink: ParseSink): void {
    const columns = this.columns;
    if (tokens.length < columns.length) {
      return sink.error(`expected ${columns.length} space-separated fields (${this.source}), found ${tokens.length}`);
    }
    const fields = this.newRecord();
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
        fields[column.key] = value;
      } else {
        const n = parseInteger(value);
        if (n === undefined || (column.kind === 'unixSeconds' && n < 0)) {
          return sink.error(`field ${column.awsName}: expected ${column.kind === 'integer' ? 'an integer' : 'Unix seconds'}, found ${quoteValue(value)}`);
        }
        if (column.kind === 'integer') fields[column.key] = n;
        else {
          const ts = formatUnix(n);
          if (ts === undefined) return sink.error(`field ${column.awsName}: ${quoteValue(value)} is outside the years 0000-9999`);
          fields[column.key] = ts;
        }
      }
    }
    if (tokens.length > columns.length) fields.additionalFields = tokens.slice(columns.length);
    sink.event(fields);
  }

  private rearm(line: string, sink: ParseSink): void {
    const format = parseVpcFormat(line);
    if (typeof format === 'string') return sink.error(`header line: ${format}`);
    this.columns = format.columns;
    this.newRecord = format.newRecord;
    this.source = 'per the header line';
    if (format.unknown.length > 0) {
      sink.notice(`header names fields this version does not know; kept as strings: ${format.unknown.join(', ')}`);
    }
    sink.skip('header');
  }
}

const DEFAULT_FORMAT = parseVpcFormat(DEFAULT_VPC_FORMAT) as VpcFormat;

export const vpcFlow: LogTypeDescriptor = {
  name: 'AWS.VPCFlow',
  description: 'VPC Flow Logs: IP traffic to and from network interfaces in a VPC.',
  referenceUrl: 'https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html',
  framing: 'lines',
  s3PathHint: '/vpcflowlogs/',
  eventTimeField: 'start',
  eventTimeFallbacks: ['end'],
  indicators: [
    ['srcAddr', 'ip'],
    ['dstAddr', 'ip'],
    ['pktSrcAddr', 'ip'],
    ['pktDstAddr', 'ip'],
    ['account', 'aws_account_id'],
    ['instanceId', 'aws_instance_id'],
    ['ecsClusterArn', 'aws_arn'],
    ['ecsContainerInstanceArn', 'aws_arn'],
    ['ecsTaskDefinitionArn', 'aws_arn'],
    ['ecsTaskArn', 'aws_arn'],
  ],
  createParser(options: ParserOptions): Parser {
    if (options.vpcFormat === undefined) return new VpcFlowParser(DEFAULT_FORMAT, 'the default version-2 format; pass --vpc-format for a custom one');
    const format = parseVpcFormat(options.vpcFormat);
    // The CLI validates --vpc-format before it gets here.
    if (typeof format === 'string') throw new TypeError(`--vpc-format: ${format}`);
    return new VpcFlowParser(format, 'per --vpc-format');
  },
};
