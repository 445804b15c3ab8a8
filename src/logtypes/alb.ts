// AWS.ALB — Application Load Balancer access logs.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html#access-log-entry-format
//
// One entry per line, space-separated, some fields in double quotes. AWS
// appends fields over the years and tells readers to ignore the ones they do
// not expect: the known prefix is parsed and anything after it is kept in
// additionalFields, never an error.
//
// Every known field is checked against its shape (issue 13): a value that
// lands in a field must look like that field, so a line whose tokens do not
// fit the layout (a token missing or added in the middle, a quote inside a
// request or user agent that closed it early) is an error report naming the
// field, never a record with shifted fields. Two facts make a shift show:
// - Fields AWS writes bare (times, codes, ssl_cipher, target_group_arn, …)
//   are never quoted, and request and user_agent are always quoted; a token
//   with the wrong quoting is in the wrong place.
// - AWS writes a `"` inside a quoted field as `\x22` (seen in real logs), so
//   no bare token holds a quote, and `\"` ends a value that ends in a
//   backslash (the tokenizer is told not to read it as an escaped quote).
import { parseInteger, recordMaker } from '../core/fields.js';
import { quoteValue } from '../core/errors.js';
import { isArn, isIpAddress, splitHostPort } from '../core/indicators.js';
import { isCipherSuiteName, isDigits, isHttpStatusCode, isPort, isTlsProtocolVersion, isUnsignedDecimal } from '../core/shapes.js';
import { normalizeRFC3339 } from '../core/timestamp.js';
import { QuotedFields, unterminatedMessage } from '../core/tokenize.js';
import type { Fields, LogTypeDescriptor, Parser, ParseSink } from './types.js';

/** What a field holds, which decides its check and its output type. */
type Kind =
  | 'word' // lower-case word: type (http https h2 grpcs ws wss, and whatever comes next)
  | 'time' // RFC3339 with microseconds
  | 'elb' // app/<name>/<id>
  | 'ipPort' // `ip:port`, unbracketed IPv6 split on the last colon, or `[v6]:port`
  | 'seconds' // seconds with millisecond precision; -1 when the ALB could not dispatch
  | 'status' // three-digit HTTP status code
  | 'bytes' // non-negative integer
  | 'request' // `METHOD URL VERSION`
  | 'text' // free text
  | 'cipher' // OpenSSL cipher suite name
  | 'tls' // TLSv1 … TLSv1.3
  | 'arn'
  | 'trace' // X-Amzn-Trace-Id contents: `Root=1-…`, `Self=…;Root=…;CalledFrom=app`
  | 'sni' // host name the client sent in TLS SNI
  | 'certArn' // ARN or `session-reused`
  | 'priority' // rule priority: 1–50000, 0 (default action), -1 (rules evaluation error)
  | 'actions' // comma-separated action names
  | 'code' // CamelCase code word (error_reason, classification, classification_reason)
  | 'ipPortList' // space-separated `ip:port`
  | 'statusList' // space-separated status codes
  | 'token'; // conn_trace_id: `TID_…`

/** How AWS writes a field: never quoted, always quoted, or (quoted fields whose docs varied over the years) either. */
const enum Quoting { Bare, Quoted, Either }

/** Each kind's expected shape, for error messages. */
const EXPECTED: Readonly<Record<Kind, string>> = {
  word: 'a lower-case word such as https or h2',
  time: 'an RFC3339 timestamp',
  elb: 'a load balancer id such as app/my-alb/50dc6c495c0c9188',
  ipPort: 'ip:port',
  seconds: 'a number of seconds or -1',
  status: 'a 3-digit HTTP status code or -',
  bytes: 'a non-negative integer',
  request: 'a request line',
  text: 'text',
  cipher: 'a cipher suite name such as ECDHE-RSA-AES128-GCM-SHA256 or -',
  tls: 'a TLS version such as TLSv1.2 or -',
  arn: 'an ARN or -',
  trace: 'an X-Amzn-Trace-Id value such as Root=1-… or -',
  sni: 'a host name or -',
  certArn: 'an ARN, session-reused or -',
  priority: 'an integer from -1 up, or -',
  actions: 'comma-separated action names such as forward or -',
  code: 'a code word or -',
  ipPortList: 'space-separated ip:port values or -',
  statusList: 'space-separated 3-digit status codes or -',
  token: 'an id such as TID_… or -',
};

interface Column {
  /** AWS's name for the field, used in error messages (`received_bytes`). */
  readonly awsName: string;
  readonly key: string;
  readonly kind: Kind;
  readonly quoting: Quoting;
  /** For ipPort: the two output keys. */
  readonly ipKey: string;
  readonly portKey: string;
}

const B = Quoting.Bare;
const Q = Quoting.Quoted;
const E = Quoting.Either;

// The entry format, in order. Output names are the seed's (Panther's) for the
// fields it had, camelCase of AWS's names for the newer ones. Quoting: bare
// and quoted as every version of the page shows them; the fields after
// target_group_arn appear both ways in the page's history (domain_name and
// chosen_cert_arn bare until mid-2018, the target lists bare in 2020), so
// either is accepted there.
const LAYOUT: ReadonlyArray<readonly [awsName: string, key: string, kind: Kind, quoting: Quoting]> = [
  ['type', 'type', 'word', B],
  ['time', 'timestamp', 'time', B],
  ['elb', 'elb', 'elb', B],
  ['client:port', 'client', 'ipPort', B],
  ['target:port', 'target', 'ipPort', B],
  ['request_processing_time', 'requestProcessingTime', 'seconds', B],
  ['target_processing_time', 'targetProcessingTime', 'seconds', B],
  ['response_processing_time', 'responseProcessingTime', 'seconds', B],
  ['elb_status_code', 'elbStatusCode', 'status', B],
  ['target_status_code', 'targetStatusCode', 'status', B],
  ['received_bytes', 'receivedBytes', 'bytes', B],
  ['sent_bytes', 'sentBytes', 'bytes', B],
  ['request', 'request', 'request', Q],
  ['user_agent', 'userAgent', 'text', Q],
  ['ssl_cipher', 'sslCipher', 'cipher', B],
  ['ssl_protocol', 'sslProtocol', 'tls', B],
  ['target_group_arn', 'targetGroupArn', 'arn', B],
  // November 2016 (request tracing)
  ['trace_id', 'traceId', 'trace', E],
  // October 2017 (SNI)
  ['domain_name', 'domainName', 'sni', E],
  ['chosen_cert_arn', 'chosenCertArn', 'certArn', E],
  // 2018 (rules, redirects, fixed responses, Lambda targets)
  ['matched_rule_priority', 'matchedRulePriority', 'priority', B],
  ['request_creation_time', 'requestCreationTime', 'time', B],
  ['actions_executed', 'actionsExecuted', 'actions', E],
  ['redirect_url', 'redirectUrl', 'text', E],
  ['error_reason', 'errorReason', 'code', E],
  // 2020 (weighted target groups, desync mitigation) and later
  ['target:port_list', 'targetPortList', 'ipPortList', E],
  ['target_status_code_list', 'targetStatusCodeList', 'statusList', E],
  ['classification', 'classification', 'code', E],
  ['classification_reason', 'classificationReason', 'code', E],
  ['conn_trace_id', 'connTraceId', 'token', B],
  ['transformed_host', 'transformedHost', 'text', E],
  ['transformed_uri', 'transformedUri', 'text', E],
  ['request_transform_status', 'requestTransformStatus', 'text', E],
];

const COLUMNS: readonly Column[] = LAYOUT.map(([awsName, key, kind, quoting]) => ({
  awsName, key, kind, quoting, ipKey: key + 'Ip', portKey: key + 'Port',
}));

/**
 * A line must reach target_group_arn (index 16): the layout ALB was launched
 * with in August 2016. The page's document history lists request tracing
 * (trace_id) as a release of November 22, 2016, after the launch of August
 * 11, and the page's own 2016-08 examples carry trace ids whose time part is
 * 2016-11-21 (0x58337262), added later; SNI (domain_name, chosen_cert_arn)
 * came on October 10, 2017, and the rule, redirect and Lambda fields in 2018.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/doc-history.html
 * Each later field is optional, so archived logs of every layout parse.
 */
export const ALB_MIN_FIELDS = 17;
const TIME_INDEX = 1;

const QUOTE = 34;
const DASH = 45;

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

/** The non-empty space-separated parts of a list field (`"10.0.0.1:80 10.0.0.2:80"`). */
function splitSpaces(value: string): string[] {
  const parts = value.split(' ');
  for (let i = 0; i < parts.length; i++) if (parts[i]!.length === 0) return parts.filter((p) => p.length > 0);
  return parts;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `http`, `h2`, `grpcs`: a lower-case letter, then lower-case letters and digits (at most 16). */
export function isLowerWord(s: string): boolean {
  const len = s.length;
  if (len === 0 || len > 16) return false;
  const c0 = s.charCodeAt(0);
  if (c0 < 97 || c0 > 122) return false;
  for (let i = 1; i < len; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || isDigitCode(c))) return false;
  }
  return true;
}

/**
 * The load balancer's resource id, `app/<name>/<id>`: a lower-case prefix
 * and at least two more non-empty `/`-separated parts ("resource IDs can
 * contain forward slashes"), no blanks or quotes.
 */
export function isLoadBalancerId(s: string): boolean {
  const first = s.indexOf('/');
  if (first <= 0 || !isName(s, 0, first, true, '')) return false;
  let parts = 1;
  let start = first + 1;
  for (let i = start; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 47;
    if (c === 47) {
      if (i === start) return false;
      parts++;
      start = i + 1;
    } else if (c <= 32 || c === QUOTE) {
      return false;
    }
  }
  return parts >= 3;
}

/**
 * X-Amzn-Trace-Id contents: `Field=value` pairs joined by `;` (`Root=1-…`,
 * `Self=1-…;Root=1-…;CalledFrom=app`). Applications may add fields of their
 * own, so only the form is checked: it starts with a field name and `=`.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-request-tracing.html
 */
export function isTraceHeader(s: string): boolean {
  const eq = s.indexOf('=');
  if (eq <= 0 || !isLetter(s.charCodeAt(0))) return false;
  for (let i = 1; i < eq; i++) {
    const c = s.charCodeAt(i);
    if (!(isLetter(c) || isDigitCode(c) || c === 45 || c === 95)) return false;
  }
  return true;
}

/**
 * The SNI host name: no blanks, quotes or the characters of the fields that
 * could shift into it (`=` of a trace id, `:` and `/` of an ARN, URL or time).
 * Any other byte is kept: AWS escapes what a client sends, it does not vet it.
 */
export function isSniHost(s: string): boolean {
  const len = s.length;
  if (len === 0 || len > 255) return false;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c === QUOTE || c === 61 || c === 58 || c === 47 || c === 44 || c === 59) return false;
  }
  return true;
}

function isUpperCode(c: number): boolean {
  return c >= 65 && c <= 90;
}

/**
 * Whether s[from…to) is a name: a letter, then letters, digits and the
 * characters of `extra`; with `lowerOnly`, no upper-case letter anywhere.
 */
function isName(s: string, from: number, to: number, lowerOnly: boolean, extra: string): boolean {
  if (to <= from || !isLetter(s.charCodeAt(from))) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (lowerOnly && isUpperCode(c)) return false;
    if (!(isLetter(c) || isDigitCode(c) || extra.indexOf(s[i]!) >= 0)) return false;
  }
  return true;
}

/** `forward`, `waf,forward`, `fixed-response`: lower-case names joined by commas (empty: none). */
export function isActionList(s: string): boolean {
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i === s.length || s.charCodeAt(i) === 44) {
      if (!isName(s, start, i, true, '-_')) return s.length === 0;
      start = i + 1;
    }
  }
  return true;
}

/** `AuthInvalidCookie`, `Acceptable`, `SpaceInUri`: a letter, then letters, digits, `_`, `-`, `.`. */
export function isCodeWord(s: string): boolean {
  return s.length <= 128 && isName(s, 0, s.length, false, '_-.');
}

/** `TID_4091af6b…`: letters, digits, `_`, `-`, `.` (at most 128). */
export function isConnTraceId(s: string): boolean {
  const len = s.length;
  if (len === 0 || len > 128) return false;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (!(isLetter(c) || isDigitCode(c) || c === 95 || c === 45 || c === 46)) return false;
  }
  return true;
}

/** `ip:port` with a real IP and a port 0–65535 → [ip, port]; else undefined. */
export function parseIpPort(value: string): [ip: string, port: number] | undefined {
  const parts = splitHostPort(value);
  if (parts === undefined || !isPort(parts[1]) || !isIpAddress(parts[0])) return undefined;
  return [parts[0], Number(parts[1])];
}

/** Each space-separated part passes `check` or is `-`; the parts as an array (empty text: none). */
function listOf(value: string, check: (part: string) => boolean): string[] | undefined {
  const parts = splitSpaces(value);
  for (const p of parts) if (!(p === '-' || check(p))) return undefined;
  return parts;
}

/** For listOf: one `ip:port` part. */
const isIpPortPart = (p: string): boolean => parseIpPort(p) !== undefined;

/**
 * Converts a checked value into its output field(s); false when the value
 * does not have the column's shape. `-` never reaches here.
 */
function store(column: Column, value: string, out: Fields): boolean {
  switch (column.kind) {
    case 'word': return put(out, column.key, value, isLowerWord(value));
    case 'time': {
      const ts = normalizeRFC3339(value);
      return put(out, column.key, ts, ts !== undefined);
    }
    case 'elb': return put(out, column.key, value, isLoadBalancerId(value));
    case 'ipPort': {
      const parts = parseIpPort(value);
      if (parts === undefined) return false;
      out[column.ipKey] = parts[0];
      out[column.portKey] = parts[1];
      return true;
    }
    case 'seconds': return (value === '-1' || isUnsignedDecimal(value)) && put(out, column.key, Number(value), true);
    case 'status': return isHttpStatusCode(value) && put(out, column.key, Number(value), true);
    case 'bytes': {
      const n = isDigits(value) ? parseInteger(value) : undefined;
      return put(out, column.key, n, n !== undefined);
    }
    case 'request':
      splitRequest(value, out);
      return true;
    case 'text': return put(out, column.key, value, true);
    case 'cipher': return put(out, column.key, value, isCipherSuiteName(value));
    case 'tls': return put(out, column.key, value, isTlsProtocolVersion(value));
    case 'arn': return put(out, column.key, value, isArn(value) && hasNoBlankOrQuote(value));
    case 'trace': return put(out, column.key, value, isTraceHeader(value));
    case 'sni': return put(out, column.key, value, isSniHost(value));
    case 'certArn': return put(out, column.key, value, value === 'session-reused' || (isArn(value) && hasNoBlankOrQuote(value)));
    case 'priority': {
      const n = parseInteger(value);
      return put(out, column.key, n, n !== undefined && n >= -1);
    }
    case 'actions': return isActionList(value) && put(out, column.key, value.length === 0 ? [] : value.split(','), true);
    case 'code': return put(out, column.key, value, isCodeWord(value));
    case 'ipPortList': return putList(out, column.key, listOf(value, isIpPortPart));
    case 'statusList': return putList(out, column.key, listOf(value, isHttpStatusCode));
    case 'token': return put(out, column.key, value, isConnTraceId(value));
  }
}

/** A bare token's text (an ARN): no blanks or quotes anywhere in it. */
function hasNoBlankOrQuote(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 32 || c === QUOTE) return false;
  }
  return true;
}

function put(out: Fields, key: string, value: unknown, ok: boolean): boolean {
  if (ok) out[key] = value;
  return ok;
}

function putList(out: Fields, key: string, parts: string[] | undefined): boolean {
  if (parts === undefined) return false;
  out[key] = parts;
  return true;
}

function shapeMessage(column: Column, value: string): string {
  return `field ${column.awsName}: expected ${EXPECTED[column.kind]}, found ${quoteValue(value)}`;
}

/** A token whose quoting is not the field's: the fields before it have shifted. */
function quotingMessage(column: Column, raw: string, quoted: boolean): string {
  const expected = quoted ? 'an unquoted value' : 'a value in double quotes';
  return `field ${column.awsName}: expected ${expected}, found ${quoteValue(raw)} (the fields before it do not fit the layout)`;
}

function bareQuoteMessage(name: string, raw: string): string {
  return `field ${name}: an unquoted value holds a double quote, found ${quoteValue(raw)} (AWS writes a quote inside a field as \\x22)`;
}

/** Output keys in the order they are written. */
const OUTPUT_KEYS = COLUMNS.flatMap((c) =>
  c.kind === 'ipPort' ? [c.ipKey, c.portKey]
    : c.kind === 'request' ? ['requestHttpMethod', 'requestUrl', 'requestHttpVersion']
      : [c.key]).concat('additionalFields');
const newRecord = recordMaker(OUTPUT_KEYS);

class AlbParser implements Parser {
  // AWS writes a quote inside a field as \x22, so `\"` is a value ending in a backslash.
  private readonly fields = new QuotedFields(false);

  parse(line: string, sink: ParseSink): void {
    if (line.charCodeAt(0) === 69 && line.startsWith(CONTROL_PREFIX)) return sink.skip('control line');
    const f = this.fields.split(line);
    // Checked first: a stray or missing quote shifts every later field, so a
    // field count or type complaint would point at the wrong place.
    if (f.unterminated >= 0 && f.unterminated < COLUMNS.length) {
      return sink.error(unterminatedMessage(f, COLUMNS[f.unterminated]!.awsName));
    }
    if (f.count < ALB_MIN_FIELDS) {
      return sink.error(`expected at least ${ALB_MIN_FIELDS} space-separated fields (type … target_group_arn), found ${f.count}`);
    }
    if (f.values[TIME_INDEX] === '-') return sink.error(`field time: expected an RFC3339 timestamp, found "-"`);
    const known = f.count < COLUMNS.length ? f.count : COLUMNS.length;
    const out = newRecord();
    const problem = fillColumns(f, 0, known, 0, out) ?? checkExtras(f, known) ?? findSecondReading(f, known);
    if (problem !== undefined) return sink.error(problem);
    if (f.count > known) out.additionalFields = f.rest(known);
    sink.event(out);
  }
}

/**
 * Checks and stores columns from…to-1, column c read from token c + shift
 * (shift > 0 when an earlier quoted field is taken to run over more tokens);
 * returns the first problem.
 */
function fillColumns(f: QuotedFields, from: number, to: number, shift: number, out: Fields): string | undefined {
  const values = f.values;
  const starts = f.starts;
  const line = f.line;
  for (let c = from; c < to; c++) {
    const column = COLUMNS[c]!;
    const t = c + shift;
    const value = values[t]!;
    const quoted = line.charCodeAt(starts[t]!) === QUOTE;
    if (quoted ? column.quoting === Quoting.Bare : column.quoting === Quoting.Quoted) {
      return quotingMessage(column, f.raw(t), quoted);
    }
    if (!quoted && value.indexOf('"') >= 0) return bareQuoteMessage(column.awsName, value);
    if (value.length === 1 && value.charCodeAt(0) === DASH) continue;
    if (!store(column, value, out)) return shapeMessage(column, value);
  }
  return undefined;
}

/**
 * The field counts of the layouts AWS has written: 17 (August 2016), 18
 * (trace_id, November 2016), 20 (SNI, October 2017), 23, 24 and 25 (rules,
 * redirects, Lambda, 2018), 29 (target lists and desync classification,
 * August 2020), 30 (conn_trace_id), 33 (transforms) and beyond. The
 * versions of the access-log page in awsdocs/elb-application-load-balancers-user-guide
 * add the fields in these groups. Used only to judge a second reading of a
 * line (a wrong count there only forgoes a warning), never to refuse one.
 */
const LAYOUT_COUNTS: ReadonlySet<number> = new Set([17, 18, 20, 23, 24, 25, 29, 30]);

function isLayoutCount(n: number): boolean {
  return n >= COLUMNS.length || LAYOUT_COUNTS.has(n);
}

/** Free-text fields a client writes into: the request, the user agent, fields of its own in the trace header. */
const FREE_TEXT: readonly boolean[] = COLUMNS.map((c) => c.kind === 'request' || c.kind === 'trace' || c.awsName === 'user_agent');

/**
 * For each column, the end of the first run of columns after it that AWS
 * writes bare (user_agent: ssl_cipher … target_group_arn; trace_id:
 * matched_rule_priority and request_creation_time); COLUMNS.length when none.
 */
const BARE_RUN_END: readonly number[] = COLUMNS.map((_, i) => {
  let c = i + 1;
  while (c < COLUMNS.length && COLUMNS[c]!.quoting !== Quoting.Bare) c++;
  if (c === COLUMNS.length) return c;
  while (c < COLUMNS.length && COLUMNS[c]!.quoting === Quoting.Bare) c++;
  return c;
});

/**
 * A line that reads two ways. The tokenizer ends a quoted field at the first
 * `"` followed by a blank: right for AWS's lines, which write a quote inside
 * a value as `\x22`. A value holding a bare `" ` (hostile input, or a writer
 * that does not escape) ends later, and when the tokens it split off look
 * like fields (dashes fit almost any), the line still fits the layout, only
 * with more fields than AWS wrote. So a line whose field count is no layout
 * of AWS's is read again with each free-text field a client writes running
 * to a later quoted token: when that reading is a layout of AWS's and fits
 * every check through the bare fields after the field, the line is
 * ambiguous: an error, never a guess. Returns the message, or undefined.
 */
function findSecondReading(f: QuotedFields, known: number): string | undefined {
  if (isLayoutCount(f.count)) return undefined;
  const starts = f.starts;
  const line = f.line;
  for (let field = 12; field < known; field++) {
    if (!FREE_TEXT[field] || line.charCodeAt(starts[field]!) !== QUOTE) continue;
    const runEnd = BARE_RUN_END[field]!;
    for (let end = field + 1; end < f.count; end++) {
      if (end === f.unterminated || line.charCodeAt(starts[end]!) !== QUOTE) continue;
      const shift = end - field;
      const altCount = f.count - shift;
      // Cheap first: a layout's count, reaching past the bare run, whose last field gets a bare token.
      if (altCount < runEnd || !isLayoutCount(altCount) || line.charCodeAt(starts[runEnd - 1 + shift]!) === QUOTE) continue;
      if (readsAlso(f, field, end, Math.min(altCount, COLUMNS.length))) {
        return `field ${COLUMNS[field]!.awsName}: the line reads two ways: the quoted value may end at character ${f.ends[field]!} or ` +
          `at character ${f.ends[end]!} (a quote followed by a blank inside it; AWS writes a quote as \\x22)`;
      }
    }
  }
  return undefined;
}

/** Whether the line also fits the layout with field `field` running to the end of token `end`. */
function readsAlso(f: QuotedFields, field: number, end: number, altKnown: number): boolean {
  const scratch: Fields = {};
  const merged = f.line.slice(f.starts[field]! + 1, f.ends[end]! - 1);
  if (!store(COLUMNS[field]!, merged, scratch)) return false;
  return fillColumns(f, field + 1, altKnown, end - field, scratch) === undefined;
}

/** Fields after the known layout are kept as they are, but a bare one never holds a quote. */
function checkExtras(f: QuotedFields, known: number): string | undefined {
  for (let i = known; i < f.count; i++) {
    if (!f.quoted(i) && f.values[i]!.indexOf('"') >= 0) return bareQuoteMessage(`${i + 1} (after the known layout)`, f.values[i]!);
  }
  return undefined;
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
