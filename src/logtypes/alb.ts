// AWS.ALB — Application Load Balancer access logs.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html#access-log-entry-format
//
// One entry per line, space-separated, some fields in double quotes. AWS
// appends fields over the years and tells readers to ignore the ones they do
// not expect: the known prefix is parsed and anything after it is kept in
// additionalFields, never an error.
import { parseDecimal, parseInteger, recordMaker } from '../core/fields.js';
import { quoteValue } from '../core/errors.js';
import { splitHostPort } from '../core/indicators.js';
import { normalizeRFC3339 } from '../core/timestamp.js';
import { QuotedFields, unterminatedMessage } from '../core/tokenize.js';
import type { Fields, LogTypeDescriptor, Parser, ParseSink } from './types.js';

type Kind =
  | 'string'
  | 'integer'
  | 'decimal' // seconds with millisecond precision; -1 when the ALB could not dispatch
  | 'time' // RFC3339 with microseconds
  | 'ipPort' // `ip:port`, unbracketed IPv6 split on the last colon, or `[v6]:port`
  | 'request' // `METHOD URL VERSION`
  | 'commaList'
  | 'spaceList';

interface Column {
  /** AWS's name for the field, used in error messages (`received_bytes`). */
  readonly awsName: string;
  readonly key: string;
  readonly kind: Kind;
  /** For ipPort: the two output keys. */
  readonly ipKey: string;
  readonly portKey: string;
}

// The entry format, in order. Output names are the seed's (Panther's) for the
// fields it had, camelCase of AWS's names for the newer ones.
const LAYOUT: ReadonlyArray<readonly [awsName: string, key: string, kind: Kind]> = [
  ['type', 'type', 'string'], // http https h2 grpcs ws wss, and whatever comes next
  ['time', 'timestamp', 'time'],
  ['elb', 'elb', 'string'],
  ['client:port', 'client', 'ipPort'],
  ['target:port', 'target', 'ipPort'],
  ['request_processing_time', 'requestProcessingTime', 'decimal'],
  ['target_processing_time', 'targetProcessingTime', 'decimal'],
  ['response_processing_time', 'responseProcessingTime', 'decimal'],
  ['elb_status_code', 'elbStatusCode', 'integer'],
  ['target_status_code', 'targetStatusCode', 'integer'],
  ['received_bytes', 'receivedBytes', 'integer'],
  ['sent_bytes', 'sentBytes', 'integer'],
  ['request', 'request', 'request'],
  ['user_agent', 'userAgent', 'string'],
  ['ssl_cipher', 'sslCipher', 'string'],
  ['ssl_protocol', 'sslProtocol', 'string'],
  ['target_group_arn', 'targetGroupArn', 'string'],
  ['trace_id', 'traceId', 'string'],
  ['domain_name', 'domainName', 'string'],
  ['chosen_cert_arn', 'chosenCertArn', 'string'], // or `session-reused`
  ['matched_rule_priority', 'matchedRulePriority', 'integer'],
  ['request_creation_time', 'requestCreationTime', 'time'],
  ['actions_executed', 'actionsExecuted', 'commaList'],
  ['redirect_url', 'redirectUrl', 'string'],
  ['error_reason', 'errorReason', 'string'],
  // 2019 and later
  ['target:port_list', 'targetPortList', 'spaceList'],
  ['target_status_code_list', 'targetStatusCodeList', 'spaceList'],
  ['classification', 'classification', 'string'],
  ['classification_reason', 'classificationReason', 'string'],
  ['conn_trace_id', 'connTraceId', 'string'],
  ['transformed_host', 'transformedHost', 'string'],
  ['transformed_uri', 'transformedUri', 'string'],
  ['request_transform_status', 'requestTransformStatus', 'string'],
];

const COLUMNS: readonly Column[] = LAYOUT.map(([awsName, key, kind]) => ({
  awsName, key, kind, ipKey: key + 'Ip', portKey: key + 'Port',
}));

/**
 * A line must reach error_reason (index 24): the layout every ALB has written
 * since 2018, and what Panther required. Fields after it are optional, so
 * logs from before each later addition still parse.
 */
export const ALB_MIN_FIELDS = 25;
const TIME_INDEX = 1;

/** AWS writes this into a new log prefix to test bucket permissions; it is not an entry. */
const CONTROL_PREFIX = 'Enable AccessLog for ELB:';

/**
 * The request line: method = first token, version = last token, URL =
 * everything between (URLs may hold unescaped spaces). `-` parts are absent.
 * A request of two tokens is a method and a URL with no version; a single
 * token is a method alone. Nothing is dropped: the parts, joined by single
 * spaces, are the request as written.
 */
export function splitRequest(request: string, out: Fields): void {
  const first = request.indexOf(' ');
  if (first < 0) {
    if (request.length > 0) out.requestHttpMethod = request;
    return;
  }
  const method = request.slice(0, first);
  const last = request.lastIndexOf(' ');
  const url = last === first ? request.slice(first + 1) : request.slice(first + 1, last);
  if (method !== '-') out.requestHttpMethod = method;
  if (url !== '-') out.requestUrl = url;
  if (last !== first) {
    const version = request.slice(last + 1);
    if (version !== '-') out.requestHttpVersion = version;
  }
}

function splitSpaces(value: string): string[] {
  const parts = value.split(' ');
  for (let i = 0; i < parts.length; i++) if (parts[i]!.length === 0) return parts.filter((p) => p.length > 0);
  return parts;
}

/** Output keys in the order they are written. */
const OUTPUT_KEYS = COLUMNS.flatMap((c) =>
  c.kind === 'ipPort' ? [c.ipKey, c.portKey]
    : c.kind === 'request' ? ['requestHttpMethod', 'requestUrl', 'requestHttpVersion']
      : [c.key]).concat('additionalFields');
const newRecord = recordMaker(OUTPUT_KEYS);

class AlbParser implements Parser {
  private readonly fields = new QuotedFields();

  parse(line: string, sink: ParseSink): void {
    if (line.charCodeAt(0) === 69 && line.startsWith(CONTROL_PREFIX)) return sink.skip('control line');
    const f = this.fields.split(line);
    // Checked first: a stray or missing quote shifts every later field, so a
    // field count or type complaint would point at the wrong place.
    if (f.unterminated >= 0 && f.unterminated < COLUMNS.length) {
      return sink.error(unterminatedMessage(f, COLUMNS[f.unterminated]!.awsName));
    }
    if (f.count < ALB_MIN_FIELDS) {
      return sink.error(`expected at least ${ALB_MIN_FIELDS} space-separated fields (type … error_reason), found ${f.count}`);
    }
    const known = f.count < COLUMNS.length ? f.count : COLUMNS.length;
    const values = f.values;
    if (values[TIME_INDEX] === '-') return sink.error(`field time: expected an RFC3339 timestamp, found "-"`);
    const out = newRecord();
    for (let i = 0; i < known; i++) {
      const value = values[i]!;
      if (value === '-') continue;
      const column = COLUMNS[i]!;
      switch (column.kind) {
        case 'string':
          out[column.key] = value;
          break;
        case 'integer': {
          const n = parseInteger(value);
          if (n === undefined) return sink.error(`field ${column.awsName}: expected an integer, found ${quoteValue(value)}`);
          out[column.key] = n;
          break;
        }
        case 'decimal': {
          const n = parseDecimal(value);
          if (n === undefined) return sink.error(`field ${column.awsName}: expected a number of seconds, found ${quoteValue(value)}`);
          out[column.key] = n;
          break;
        }
        case 'time': {
          const ts = normalizeRFC3339(value);
          if (ts === undefined) return sink.error(`field ${column.awsName}: expected an RFC3339 timestamp, found ${quoteValue(value)}`);
          out[column.key] = ts;
          break;
        }
        case 'ipPort': {
          const parts = splitHostPort(value);
          const port = parts === undefined ? undefined : parseInteger(parts[1]);
          if (parts === undefined || parts[0].length === 0 || port === undefined) {
            return sink.error(`field ${column.awsName}: expected ip:port, found ${quoteValue(value)}`);
          }
          out[column.ipKey] = parts[0];
          out[column.portKey] = port;
          break;
        }
        case 'request':
          splitRequest(value, out);
          break;
        case 'commaList':
          out[column.key] = value.length === 0 ? [] : value.split(',');
          break;
        case 'spaceList':
          out[column.key] = splitSpaces(value);
          break;
      }
    }
    if (f.count > known) out.additionalFields = f.rest(known);
    sink.event(out);
  }
}

export const alb: LogTypeDescriptor = {
  name: 'AWS.ALB',
  description: 'Application Load Balancer access logs: one entry per HTTP(S), HTTP/2, gRPC or WebSocket request.',
  referenceUrl: 'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html',
  framing: 'lines',
  s3PathHint: '/elasticloadbalancing/',
  eventTimeField: 'timestamp',
  indicators: [
    ['clientIp', 'ip'],
    ['targetIp', 'ip'],
    ['targetPortList', 'ip_port'],
    ['domainName', 'hostname'],
    ['transformedHost', 'hostname'],
    ['requestUrl', 'url'],
    ['redirectUrl', 'url'],
    // chosen_cert_arn is `session-reused` on resumed TLS sessions: only real ARNs count
    ['targetGroupArn', 'aws_arn_if_valid'],
    ['chosenCertArn', 'aws_arn_if_valid'],
  ],
  createParser(): Parser {
    return new AlbParser();
  },
};
