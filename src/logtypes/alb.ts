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
// field, never a record with shifted fields. Three facts make a shift show:
// - Every field has one quoting, as AWS writes it: bare (times, codes,
//   ssl_cipher, target_group_arn, matched_rule_priority, conn_trace_id, …)
//   or quoted (request, user_agent, trace_id and the text fields after it).
//   The bare and quoted runs alternate, so a token missing or added, or a
//   quoted field closed early by a quote inside it, puts a token of the
//   wrong quoting in some field: the error names it. (No shift by any
//   number of tokens maps the runs onto themselves, so a line has one
//   reading.)
// - AWS writes a `"` inside a quoted field as `\x22` (seen in real logs), so
//   no bare token holds a quote, and `\"` ends a value that ends in a
//   backslash (the tokenizer is told not to read it as an escaped quote).
// - A record cut short with the next record joined to its line shows the
//   next record's head (`<time> <load balancer id>`) where no field of a
//   record has one (findSplice).
import { parseInteger, recordMaker } from '../core/fields.js';
import { quoteValue } from '../core/errors.js';
import { isIpAddress, splitHostPort } from '../core/indicators.js';
import { isCipherSuiteName, isHttpStatusCode, isTlsVersion } from '../core/shapes.js';
import { normalizeRFC3339 } from '../core/timestamp.js';
import { QuotedFields, unterminatedMessage } from '../core/tokenize.js';
import type { Fields, LogTypeDescriptor, Parser, ParseSink, ParserOptions } from './types.js';

/** What a field holds, which decides its check and its output type (numbers: the per-field switch is a jump table). */
const enum Kind {
  Word, // lower-case word: type (http https h2 grpcs ws wss, and whatever comes next)
  Time, // RFC3339 with microseconds
  Elb, // app/<name>/<id>
  IpPort, // `ip:port`, unbracketed IPv6 split on the last colon, or `[v6]:port`
  Seconds, // seconds with millisecond precision; -1 when the ALB could not dispatch
  Status, // three-digit HTTP status code
  Bytes, // non-negative integer
  Request, // `METHOD URL VERSION`
  Text, // free text
  Cipher, // OpenSSL cipher suite name
  Tls, // TLSv1 … TLSv1.3
  Arn,
  Trace, // X-Amzn-Trace-Id contents: `Root=1-…`, `Self=…;Root=…;CalledFrom=app`
  Sni, // host name the client sent in TLS SNI
  CertArn, // ARN or `session-reused`
  Priority, // rule priority: 1–50000, 0 (default action), -1 (rules evaluation error)
  Actions, // comma-separated action names
  Code, // CamelCase code word (error_reason, classification, classification_reason)
  IpPortList, // space-separated `ip:port`
  StatusList, // space-separated status codes
  Token, // conn_trace_id: `TID_…`
}

/** How AWS writes a field: never quoted, or always quoted. */
const enum Quoting { Bare, Quoted }

/** Each kind's expected shape, for error messages (indexed by Kind). */
const EXPECTED: readonly string[] = [
  'a lower-case word such as https or h2',
  'an RFC3339 timestamp',
  'a load balancer id such as app/my-alb/50dc6c495c0c9188',
  'ip:port',
  'a number of seconds or -1',
  'a 3-digit HTTP status code or -',
  'a non-negative integer',
  'a request line',
  'text',
  'a cipher suite name such as ECDHE-RSA-AES128-GCM-SHA256 or -',
  'a TLS version such as TLSv1.2 or -',
  'an ARN or -',
  'an X-Amzn-Trace-Id value such as Root=1-… or -',
  'a host name or -',
  'an ARN, session-reused or -',
  'an integer from -1 up, or -',
  'comma-separated action names such as forward or -',
  'a code word or -',
  'space-separated ip:port values or -',
  'space-separated 3-digit status codes or -',
  'TID_ and hex digits, or -',
];

interface Column {
  /** AWS's name for the field, used in error messages (`received_bytes`). */
  readonly awsName: string;
  readonly key: string;
  readonly kind: Kind;
  readonly quoting: Quoting;
  /**
   * Whether a bare value of this field must be searched for a stray `"`:
   * the shape checks of the other kinds admit no quote anyway.
   */
  readonly quoteCheck: boolean;
  /** For ipPort: the two output keys. */
  readonly ipKey: string;
  readonly portKey: string;
}

const B = Quoting.Bare;
const Q = Quoting.Quoted;

// The entry format, in order. Output names are the seed's (Panther's) for the
// fields it had, camelCase of AWS's names for the newer ones. Quoting is as
// AWS writes each field. After target_group_arn, only matched_rule_priority,
// request_creation_time and conn_trace_id are bare, so a token missing or
// added there puts a bare token where a quoted one belongs (or the reverse):
// an error naming the field, never a shift. The page's field table says of
// each quoted one "enclosed in double quotes". Its examples were at times
// looser than the logs: domain_name and chosen_cert_arn bare until mid-2018,
// the target lists bare from 2020 to 2023, while logs of those years quote
// them (a real entry of 2021-03 in vectordotdev/vrl's parse_aws_alb_log
// tests has "10.229.5.47:80" "200"); the page has quoted them since 2023.
const LAYOUT: ReadonlyArray<readonly [awsName: string, key: string, kind: Kind, quoting: Quoting]> = [
  ['type', 'type', Kind.Word, B],
  ['time', 'timestamp', Kind.Time, B],
  ['elb', 'elb', Kind.Elb, B],
  ['client:port', 'client', Kind.IpPort, B],
  ['target:port', 'target', Kind.IpPort, B],
  ['request_processing_time', 'requestProcessingTime', Kind.Seconds, B],
  ['target_processing_time', 'targetProcessingTime', Kind.Seconds, B],
  ['response_processing_time', 'responseProcessingTime', Kind.Seconds, B],
  ['elb_status_code', 'elbStatusCode', Kind.Status, B],
  ['target_status_code', 'targetStatusCode', Kind.Status, B],
  ['received_bytes', 'receivedBytes', Kind.Bytes, B],
  ['sent_bytes', 'sentBytes', Kind.Bytes, B],
  ['request', 'request', Kind.Request, Q],
  ['user_agent', 'userAgent', Kind.Text, Q],
  ['ssl_cipher', 'sslCipher', Kind.Cipher, B],
  ['ssl_protocol', 'sslProtocol', Kind.Tls, B],
  ['target_group_arn', 'targetGroupArn', Kind.Arn, B],
  // November 2016 (request tracing)
  ['trace_id', 'traceId', Kind.Trace, Q],
  // October 2017 (SNI)
  ['domain_name', 'domainName', Kind.Sni, Q],
  ['chosen_cert_arn', 'chosenCertArn', Kind.CertArn, Q],
  // 2018 (rules, redirects, fixed responses, Lambda targets)
  ['matched_rule_priority', 'matchedRulePriority', Kind.Priority, B],
  ['request_creation_time', 'requestCreationTime', Kind.Time, B],
  ['actions_executed', 'actionsExecuted', Kind.Actions, Q],
  ['redirect_url', 'redirectUrl', Kind.Text, Q],
  ['error_reason', 'errorReason', Kind.Code, Q],
  // 2020 (weighted target groups, desync mitigation) and later
  ['target:port_list', 'targetPortList', Kind.IpPortList, Q],
  ['target_status_code_list', 'targetStatusCodeList', Kind.StatusList, Q],
  ['classification', 'classification', Kind.Code, Q],
  ['classification_reason', 'classificationReason', Kind.Code, Q],
  ['conn_trace_id', 'connTraceId', Kind.Token, B],
  ['transformed_host', 'transformedHost', Kind.Text, Q],
  ['transformed_uri', 'transformedUri', Kind.Text, Q],
  ['request_transform_status', 'requestTransformStatus', Kind.Text, Q],
];

const COLUMNS: readonly Column[] = LAYOUT.map(([awsName, key, kind, quoting]) => ({
  awsName, key, kind, quoting, ipKey: key + 'Ip', portKey: key + 'Port',
  quoteCheck: kind === Kind.Text || kind === Kind.Trace || kind === Kind.Arn || kind === Kind.CertArn || kind === Kind.Request,
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
  if (value.indexOf(' ') < 0) return value.length === 0 ? [] : [value]; // one item: the usual list
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
  if (first <= 0 || !isName(s, 0, first, LOWER_CHARS)) return false;
  // Every part non-empty: a second `/` after a name, none doubled, none at the end.
  const second = s.indexOf('/', first + 1);
  return second > first + 1 && s.charCodeAt(s.length - 1) !== 47 && s.indexOf('//', second) < 0 &&
    s.indexOf(' ') < 0 && s.indexOf('"') < 0;
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
    if (c < 128 && NOT_IN_SNI[c] === 1) return false;
  }
  return true;
}

/** Blanks and controls, `"`, `=`, `:`, `/`, `,`, `;`. */
const NOT_IN_SNI = (() => {
  const table = new Uint8Array(128);
  for (let c = 0; c <= 32; c++) table[c] = 1;
  for (const ch of '"=:/,;') table[ch.charCodeAt(0)] = 1;
  return table;
})();

/** A table of the ASCII characters of `ranges` (`a-z0-9_`), for one-lookup character checks. */
function charClass(ranges: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < ranges.length; i++) {
    if (ranges[i + 1] === '-' && i + 2 < ranges.length) {
      for (let c = ranges.charCodeAt(i); c <= ranges.charCodeAt(i + 2); c++) table[c] = 1;
      i += 2;
    } else {
      table[ranges.charCodeAt(i)] = 1;
    }
  }
  return table;
}

const ACTION_CHARS = charClass('a-z0-9_-');
const LOWER_CHARS = charClass('a-z');
const CODE_CHARS = charClass('A-Za-z0-9_.-');
const HEX_CHARS = charClass('0-9a-fA-F');

/** Whether s[from…to) starts with a letter and holds only characters of `chars`. */
function isName(s: string, from: number, to: number, chars: Uint8Array): boolean {
  if (to <= from || !isLetter(s.charCodeAt(from))) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || chars[c] === 0) return false;
  }
  return true;
}

/** `forward`, `waf,forward`, `fixed-response`: lower-case names joined by commas (empty: none). */
export function isActionList(s: string): boolean {
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    if (i === s.length || s.charCodeAt(i) === 44) {
      if (!isName(s, start, i, ACTION_CHARS)) return s.length === 0;
      start = i + 1;
    }
  }
  return true;
}

/** `AuthInvalidCookie`, `Acceptable`, `SpaceInUri`: a letter, then letters, digits, `_`, `-`, `.`. */
export function isCodeWord(s: string): boolean {
  return s.length <= 128 && isName(s, 0, s.length, CODE_CHARS);
}

/**
 * conn_trace_id as AWS writes it: `TID_` and hex digits (`TID_4091af6b…`,
 * 32 of them in real logs; at most 128 taken). Nothing else fits, so the
 * id cannot land in a neighbour's place, nor a neighbour's token in its own.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html#access-log-entry-syntax
 */
export function isConnTraceId(s: string): boolean {
  const len = s.length;
  if (len <= 4 || len > 4 + 128 || !s.startsWith('TID_')) return false;
  for (let i = 4; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || HEX_CHARS[c] === 0) return false;
  }
  return true;
}

/**
 * The request types AWS documents (and h3, the next HTTP version), for
 * gluedTypeWord. https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html#access-log-entry-syntax
 */
const KNOWN_TYPES: readonly string[] = ['http', 'https', 'h2', 'h3', 'grpcs', 'ws', 'wss'];

/**
 * The known type a `type` word ends with after letters of its own
 * (`hthttps`, `httph2`), or undefined. Such a word is a record cut inside
 * its type word with the next record joined to it: the rest of the line is
 * the next record whole, so the type word is the only trace of the cut. No
 * known type ends with another one, so none is refused.
 */
export function gluedTypeWord(word: string): string | undefined {
  const len = word.length;
  if (len <= 2 || word === 'https' || word === 'http') return undefined; // the usual lines first
  for (const known of KNOWN_TYPES) {
    if (len > known.length && word.endsWith(known)) return known;
  }
  return undefined;
}

/**
 * An ARN as a field holds it: `arn:` and at least five colons (six
 * sections, the indicator rule of OUTPUT.md). indexOf instead of a
 * character loop: target_group_arn is long and on every line. (A bare token
 * holds no blank, and its quotes are looked for by the caller.)
 */
export function isArnText(s: string): boolean {
  if (!s.startsWith('arn:')) return false;
  let at = 3;
  for (let colons = 1; colons < 5; colons++) {
    at = s.indexOf(':', at + 1);
    if (at < 0) return false;
  }
  return true;
}

/**
 * Seconds as ALB writes them (`0.012`, `12`, `-1`) → the number, or NaN.
 * Digits and at most one dot; the value is (digits as an integer) / 10^k,
 * one correctly rounded division, so it equals Number(text) exactly.
 */
export function parseSeconds(s: string): number {
  if (s === '-1') return -1;
  const len = s.length;
  if (len === 0 || len > 15) return Number.NaN;
  let n = 0;
  let dot = -1;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 46 && dot < 0 && i > 0 && i < len - 1) dot = i;
    else if (c >= 48 && c <= 57) n = n * 10 + (c - 48);
    else return Number.NaN;
  }
  return dot < 0 ? n : n / POWERS_OF_TEN[len - dot - 1]!;
}

const POWERS_OF_TEN = [1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14];

/** `ip:port` with a real IP and a port 0–65535 → [ip, port]; else undefined. */
export function parseIpPort(value: string): [ip: string, port: number] | undefined {
  const colon = value.lastIndexOf(':');
  const port = colon > 0 ? portAt(value, colon + 1) : -1;
  if (port < 0) return undefined;
  if (value.charCodeAt(0) !== 91) { // unbracketed: IPv4, or IPv6 split on its last colon
    const ip = value.slice(0, colon);
    return isIpAddress(ip) ? [ip, port] : undefined;
  }
  const parts = splitHostPort(value); // [v6]:port
  return parts !== undefined && parts[0].indexOf(':') >= 0 && isIpAddress(parts[0]) ? [parts[0], port] : undefined;
}

/** The port written from `from` to the end of `s` (1–5 digits, 0–65535), or -1. */
function portAt(s: string, from: number): number {
  const len = s.length;
  if (len === from || len - from > 5) return -1;
  let n = 0;
  for (let i = from; i < len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n <= 65535 ? n : -1;
}

/** Each space-separated part passes `check` or is `-`; the parts as an array (empty text: none). */
function listOf(value: string, check: (part: string) => boolean): string[] | undefined {
  const parts = splitSpaces(value);
  for (const p of parts) if (!(p === '-' || check(p))) return undefined;
  return parts;
}

const IP_CHARS = charClass('0-9a-fA-F.:');

/**
 * For listOf: one `ip:port` part, by its characters (an IP's hex digits,
 * dots and colons, or `[v6]`, then `:` and a port) without cutting it up:
 * the list repeats target:port, whose IP is checked in full.
 */
function isIpPortPart(p: string): boolean {
  const colon = p.lastIndexOf(':');
  if (colon <= 0 || portAt(p, colon + 1) < 0) return false;
  const bracket = p.charCodeAt(0) === 91;
  if (bracket && p.charCodeAt(colon - 1) !== 93) return false;
  for (let i = bracket ? 1 : 0; i < (bracket ? colon - 1 : colon); i++) {
    const c = p.charCodeAt(i);
    if (c >= 128 || IP_CHARS[c] === 0) return false;
  }
  return true;
}

/**
 * Converts a checked value into its output field(s); false when the value
 * does not have the column's shape. `-` never reaches here. Most kinds keep
 * the text as written, stored once at the end.
 */
function store(column: Column, value: string, out: Fields): boolean {
  switch (column.kind) {
    case Kind.Word: if (!isLowerWord(value)) return false; break;
    case Kind.Time: {
      const ts = normalizeRFC3339(value);
      if (ts === undefined) return false;
      out[column.key] = ts;
      return true;
    }
    case Kind.Elb: if (!isLoadBalancerId(value)) return false; break;
    case Kind.IpPort: return storeIpPort(column, value, out);
    case Kind.Seconds: {
      const n = parseSeconds(value);
      return n === n && storeNumber(out, column.key, n); // n === n: not NaN
    }
    case Kind.Status: return isHttpStatusCode(value) && storeNumber(out, column.key,
      (value.charCodeAt(0) - 48) * 100 + (value.charCodeAt(1) - 48) * 10 + value.charCodeAt(2) - 48);
    case Kind.Bytes: {
      // parseInteger takes digits and a leading minus: refuse the minus first.
      const n = value.charCodeAt(0) !== DASH ? parseInteger(value) : undefined;
      return n !== undefined && storeNumber(out, column.key, n);
    }
    case Kind.Request:
      splitRequest(value, out);
      return true;
    case Kind.Text: break;
    case Kind.Cipher: if (!isCipherSuiteName(value)) return false; break;
    case Kind.Tls: if (!isTlsVersion(value)) return false; break;
    case Kind.Arn: if (!isArnText(value)) return false; break;
    case Kind.Trace: if (!isTraceHeader(value)) return false; break;
    case Kind.Sni: if (!isSniHost(value)) return false; break;
    case Kind.CertArn: if (value !== 'session-reused' && !isArnText(value)) return false; break;
    case Kind.Priority: {
      const n = parseInteger(value);
      return n !== undefined && n >= -1 && storeNumber(out, column.key, n);
    }
    case Kind.Actions:
      // Most requests are forwarded: that one needs no scan.
      if (value === 'forward') return storeList(out, column.key, ['forward']);
      return isActionList(value) && storeList(out, column.key, value.length === 0 ? [] : value.split(','));
    case Kind.Code: if (!isCodeWord(value)) return false; break;
    case Kind.IpPortList: return storeList(out, column.key, listOf(value, isIpPortPart));
    case Kind.StatusList: return storeList(out, column.key, listOf(value, isHttpStatusCode));
    case Kind.Token: if (!isConnTraceId(value)) return false; break;
  }
  out[column.key] = value;
  return true;
}

function storeIpPort(column: Column, value: string, out: Fields): boolean {
  const colon = value.lastIndexOf(':');
  const port = colon > 0 && value.charCodeAt(0) !== 91 ? portAt(value, colon + 1) : -1;
  if (port < 0) { // `[v6]:port`, or not ip:port at all
    const parts = parseIpPort(value);
    if (parts === undefined) return false;
    out[column.ipKey] = parts[0];
    out[column.portKey] = parts[1];
    return true;
  }
  const ip = value.slice(0, colon);
  if (!isIpAddress(ip)) return false;
  out[column.ipKey] = ip;
  out[column.portKey] = port;
  return true;
}

function storeNumber(out: Fields, key: string, n: number): true {
  out[key] = n;
  return true;
}

function storeList(out: Fields, key: string, parts: string[] | undefined): boolean {
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
  c.kind === Kind.IpPort ? [c.ipKey, c.portKey]
    : c.kind === Kind.Request ? ['requestHttpMethod', 'requestUrl', 'requestHttpVersion']
      : [c.key]).concat('additionalFields');

/**
 * A record cut short with the next record joined to its line, with or
 * without a blank between (a writer or a copy that lost a line end). The
 * joined record is whole, so its head shows: its type word, time and load
 * balancer id. When the cut fell inside a quoted field, that field runs on
 * through the next record's request, and the rest of the line fits the layout
 * as well as any line does; when it fell in the last fields, the next record
 * reads as fields AWS appended. So the line is searched for a record's head
 * anywhere after its own time; a cut inside the first word (the type) leaves
 * the type word as the only trace (gluedTypeWord). Returns the error, or
 * undefined.
 */
function findSplice(f: QuotedFields): string | undefined {
  if (f.count === 0) return undefined;
  const type = f.values[0]!;
  const known = gluedTypeWord(type);
  if (known !== undefined) {
    return `field type: expected a lower-case word such as https or h2, found ${quoteValue(type)} ` +
      `(the type ${known} after letters of its own: a record cut short in its first word, with the next one joined to its line)`;
  }
  const start = findRecordStart(f.line, f.ends[f.count > 1 ? 1 : 0]!);
  return start < 0 ? undefined : splicedMessage(f, start);
}

/**
 * Where the head of a record, `<time> <elb>` between blanks, starts in
 * `line` at or after `from`: the index of the time, or -1. The time is
 * RFC3339 in UTC as ALB writes it (`2024-05-01T10:00:05.000000Z`; any
 * fraction, or none) and the elb a load balancer id (`app/<name>/<id>`). A
 * request or user agent may hold a timestamp, but hardly one between blanks
 * and followed by a load balancer id. Linear: each `Z` is looked at once, and
 * the digit run before one `Z` and the word after it are not another's.
 */
export function findRecordStart(line: string, from: number): number {
  for (let z = line.indexOf('Z', from); z >= 0; z = line.indexOf('Z', z + 1)) {
    const next = line.charCodeAt(z + 2);
    if (!isBlankCode(line.charCodeAt(z + 1)) || next < 97 || next > 122) continue; // the elb starts with a lower-case letter
    const start = timeStartBefore(line, z);
    if (start > 0 && isBlankCode(line.charCodeAt(start - 1)) && isLoadBalancerId(line.slice(z + 2, tokenEnd(line, z + 2)))) return start;
  }
  return -1;
}

/** `YYYY-MM-DDTHH:MM:SS`, a `0` standing for a digit. */
const TIME_SHAPE = '0000-00-00T00:00:00';

/** Where the RFC3339 time (seconds, an optional fraction) that ends just before the `Z` at `z` starts, or -1. */
function timeStartBefore(line: string, z: number): number {
  let i = z - 1;
  while (i >= 0 && isDigitCode(line.charCodeAt(i))) i--;
  const secondsEnd = i < z - 1 && line.charCodeAt(i) === 46 ? i : z; // `.123456` is a fraction
  const start = secondsEnd - TIME_SHAPE.length;
  if (start < 0) return -1;
  for (let k = 0; k < TIME_SHAPE.length; k++) {
    const c = line.charCodeAt(start + k);
    const want = TIME_SHAPE.charCodeAt(k);
    if (want === 48 ? !isDigitCode(c) : c !== want) return -1;
  }
  return start;
}

function isBlankCode(c: number): boolean {
  return c === 32 || c === 9;
}

/** The index of the first blank at or after `from`, or the line's length. */
function tokenEnd(line: string, from: number): number {
  let i = from;
  while (i < line.length && !isBlankCode(line.charCodeAt(i))) i++;
  return i;
}

/**
 * The error for a line holding another record's head at `start` (its time):
 * names the field where that record begins (the one holding its type word).
 */
function splicedMessage(f: QuotedFields, start: number): string {
  let typeEnd = start - 1;
  while (typeEnd > 0 && isBlankCode(f.line.charCodeAt(typeEnd))) typeEnd--;
  let field = 0;
  while (field < f.count - 1 && f.ends[field]! <= typeEnd) field++;
  const name = field < COLUMNS.length ? COLUMNS[field]!.awsName : `${field + 1} (after the known layout)`;
  const head = f.line.slice(start, tokenEnd(f.line, tokenEnd(f.line, start) + 1));
  return `field ${name}: holds another record's time and load balancer id ${quoteValue(head)} (character ${start + 1}): ` +
    'a record cut short with the next one joined to its line';
}

class AlbParser implements Parser {
  private readonly newRecord: () => Fields;
  // AWS writes a quote inside a field as \x22, so `\"` is a value ending in a backslash.
  private readonly fields = new QuotedFields(false);
  private readonly times = new TimeCache();

  /** `recordKeys`: ParserOptions.recordKeys, kept in the record template. */
  constructor(recordKeys?: readonly string[]) {
    this.newRecord = recordMaker(OUTPUT_KEYS, recordKeys);
  }

  parse(line: string, sink: ParseSink): void {
    if (line.charCodeAt(0) === 69 && line.startsWith(CONTROL_PREFIX)) return sink.skip('control line');
    const f = this.fields.split(line);
    // Checked first: a record cut short with the next one joined to its line
    // fits the layout best of all, and any other complaint would hide why.
    const spliced = findSplice(f);
    if (spliced !== undefined) return sink.error(spliced);
    // Next: a stray or missing quote shifts every later field, so a field
    // count or type complaint would point at the wrong place.
    if (f.unterminated >= 0 && f.unterminated < COLUMNS.length) {
      return sink.error(unterminatedMessage(f, COLUMNS[f.unterminated]!.awsName));
    }
    if (f.count < ALB_MIN_FIELDS) {
      return sink.error(`expected at least ${ALB_MIN_FIELDS} space-separated fields (type … target_group_arn), found ${f.count}`);
    }
    if (f.values[TIME_INDEX] === '-') return sink.error(`field time: expected an RFC3339 timestamp, found "-"`);
    const known = f.count < COLUMNS.length ? f.count : COLUMNS.length;
    const out = this.newRecord();
    const problem = fillColumns(f, known, out, this.times) ?? checkExtras(f, known) ?? findTrailingHead(f, known);
    if (problem !== undefined) return sink.error(problem);
    if (f.count > known) out.additionalFields = f.rest(known);
    sink.event(out);
  }
}

/** Checks and stores columns 0…to-1, column c read from token c; returns the first problem. */
function fillColumns(f: QuotedFields, to: number, out: Fields, times: TimeCache): string | undefined {
  const values = f.values;
  const starts = f.starts;
  const line = f.line;
  for (let c = 0; c < to; c++) {
    const column = COLUMNS[c]!;
    const value = values[c]!;
    const quoted = line.charCodeAt(starts[c]!) === QUOTE;
    if (quoted ? column.quoting === Quoting.Bare : column.quoting === Quoting.Quoted) {
      return quotingMessage(column, f.raw(c), quoted);
    }
    if (!quoted && column.quoteCheck && value.indexOf('"') >= 0) return bareQuoteMessage(column.awsName, value);
    if (value.length === 1 && value.charCodeAt(0) === DASH) continue;
    if (column.kind === Kind.Time) {
      const ts = times.normalize(value);
      if (ts === undefined) return shapeMessage(column, value);
      out[column.key] = ts;
    } else if (!store(column, value, out)) {
      return shapeMessage(column, value);
    }
  }
  return undefined;
}

/**
 * normalizeRFC3339 for ALB's own form, `2024-05-01T10:00:00.123456Z`, with
 * the last whole second it checked remembered: a log's lines come in time
 * order, many to a second, so most times only need their six fraction
 * digits looked at. The output is the text with `000` before the `Z`, the
 * same as normalizeRFC3339 gives (tested side by side). Any other form goes
 * to normalizeRFC3339 itself.
 */
export class TimeCache {
  /** `YYYY-MM-DDTHH:MM:SS` last found valid, or '' (no string of length 19 equals it). */
  private second = '';

  normalize(value: string): string | undefined {
    if (value.length === 27 && value.charCodeAt(19) === 46 && value.charCodeAt(26) === 90) {
      if (this.second.length === 19 && value.startsWith(this.second) && sixDigits(value, 20)) return value.slice(0, 26) + '000Z';
      const ts = normalizeRFC3339(value);
      // Remembered only when the output is the text itself plus `000` (a `T`, a valid UTC time).
      if (ts !== undefined && ts === value.slice(0, 26) + '000Z') this.second = flatCopy(value.slice(0, 19));
      return ts;
    }
    return normalizeRFC3339(value);
  }
}

function sixDigits(s: string, from: number): boolean {
  for (let i = from; i < from + 6; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * A copy of `s` that does not hold on to the line it was cut from (a slice
 * keeps its whole input chunk alive): an object's key is an internalized,
 * flat string. For the few values kept from one line to the next.
 */
function flatCopy(s: string): string {
  return Object.keys({ [s]: 0 })[0]!;
}

/**
 * A record's head in the fields after the known layout: a bare request type
 * (or one glued to a cut word, gluedTypeWord) followed by a bare RFC3339
 * time. findRecordStart needs the load balancer id after the time; this is
 * the same trace of a cut in the last fields when what follows the time is
 * damaged too. Fields AWS appends are quoted text or ids, never a type word
 * and a time. Returns the error, or undefined.
 */
function findTrailingHead(f: QuotedFields, known: number): string | undefined {
  for (let i = Math.max(known, 1); i < f.count; i++) {
    if (f.quoted(i) || f.quoted(i - 1) || !isRecordTime(f.values[i]!)) continue;
    const word = f.values[i - 1]!;
    if (KNOWN_TYPES.includes(word) || gluedTypeWord(word) !== undefined) {
      return `field ${i} (after the known layout): holds another record's type and time ${quoteValue(`${word} ${f.values[i]!}`)}: ` +
        'a record cut short with the next one joined to its line';
    }
  }
  return undefined;
}

/** Whether `s` is a whole time as ALB writes it (`2024-05-01T10:00:05.000000Z`, any fraction or none). */
function isRecordTime(s: string): boolean {
  const z = s.length - 1;
  return z > 0 && s.charCodeAt(z) === 90 && timeStartBefore(s, z) === 0;
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
    // storeIpPort keeps an ip:port's IP only when isIpAddress accepts it.
    ['clientIp', 'checked_ip'],
    ['targetIp', 'checked_ip'],
    ['targetPortList', 'ip_port'],
    ['domainName', 'hostname'],
    ['transformedHost', 'hostname'],
    ['requestUrl', 'url'],
    ['redirectUrl', 'url'],
    // chosen_cert_arn is `session-reused` on resumed TLS sessions: only real ARNs count
    ['targetGroupArn', 'aws_arn_if_valid'],
    ['chosenCertArn', 'aws_arn_if_valid'],
  ],
  createParser(options: ParserOptions): Parser {
    return new AlbParser(options.recordKeys);
  },
};
