// AWS.S3ServerAccess — Amazon S3 server access logs.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html
//
// One entry per line, fields separated by spaces, three of them in double
// quotes (request-URI, referrer, user agent). A line is read by the structure
// of the format, never by counting tokens, because:
// - S3 does not escape `"` inside a quoted field: a user agent may be
//   `""linux64" toolkit"` and a referrer `"foo "bar" baz"`. The closing quote
//   of each quoted field is therefore decided by what must follow it: after
//   the request-URI, the status, error code, four numbers and the referrer's
//   opening quote; after the user agent, the tail fields, each of a known
//   shape (see TAIL). Every possible reading is counted: exactly one must fit.
//   None is an error naming the field that fails; more than one is an error
//   saying the line cannot be read unambiguously. A record with shifted fields
//   is never written.
// - AWS only ever appended fields at the end ("we might extend the access log
//   record format by adding new fields to the end of each line"), so a line
//   may stop after any field from the user agent on (2015 lines end at the
//   version id, 2020 lifecycle lines at the host id); the missing fields are
//   absent. The developer guide listed the fields through the version id until
//   2018 and added host id … TLS version in its June 2019 update (history of
//   doc_source/LogFormat.md in awsdocs/amazon-s3-developer-guide); the access
//   point ARN, ACL required and source region came later. The version id came
//   with object versioning (2010): the first published layout ended at the
//   user agent, and that is the least a line must have.
// - Fields are checked by shape, before and after the operation: a record cut
//   short with the next record spliced onto the same line fails a shape (or,
//   where a free-text field could swallow the next record's head, is caught by
//   the next record's bracketed time inside it) and is reported, not written.
// - The requester is one token, except the documented CloudFront origin access
//   identity, `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity
//   E3EXAMPLE`, the only requester with spaces.
// - The host id is one base64 token, or two (an IAM unique id, then the base64
//   id) as S3 wrote it on some 2019 console requests; both are kept, with the
//   space between them.
// Tokens after the source region are kept, quote-aware, in additionalFields.
//
// Speed: the usual line (no quote inside a quoted field) is read in one pass
// that checks each token while it finds the token's end (readPlainLine); the
// search over readings runs only when that pass does not settle the line.
import { CodeUnits, runEndInCodes } from '../core/code_units.js';
import { quoteValue } from '../core/errors.js';
import { parseDigitsAt, recordMaker } from '../core/fields.js';
import { isArn, isIpAddress } from '../core/indicators.js';
import {
  ALNUM_SET, AWS_REGION_SET, CIPHER_SUITE_SET, DIGIT_SET, HEX_SET, HOST_HEADER_SET, TLS_VERSION_SET,
  BASE64_SET, charSet, isAwsRegion, isHostHeaderValue, isIamUniqueId, isTlsVersion,
} from '../core/shapes.js';
import { normalizeCommonLogTime } from '../core/timestamp.js';
import { QuotedFields } from '../core/tokenize.js';
import type { Fields, LogTypeDescriptor, Parser, ParseSink, ParserOptions } from './types.js';

const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const DASH = 45;

/**
 * How many quotes followed by a blank (possible closing quotes) a line may
 * have after the request-URI opens. Real lines have three to six; the bound
 * keeps a hostile line with thousands of quotes from costing more than a few
 * thousand cheap checks. A line over it is reported, not guessed.
 */
const MAX_CLOSING_QUOTES = 64;

/** The six unquoted fields between the request-URI and the referrer. */
const BLOCK = ['httpstatus', 'errorcode', 'bytessent', 'objectsize', 'totaltime', 'turnaroundtime'] as const;
const HTTP_STATUS = 0;
const ERROR_CODE = 1;

/** The fields after the user agent, in the order AWS appended them. */
const TAIL = [
  'versionid', 'hostid', 'signatureversion', 'ciphersuite', 'authenticationtype', 'hostheader', 'tlsVersion',
  // newer than the seed schema; camelCase of AWS's names
  'accessPointArn', 'aclRequired', 'sourceRegion',
] as const;
const VERSION_ID = 0;
const HOST_ID = 1;
const SIGNATURE_VERSION = 2;
const CIPHER_SUITE = 3;
const AUTHENTICATION_TYPE = 4;
const HOST_HEADER = 5;
const TLS_VERSION = 6;
const ACCESS_POINT_ARN = 7;
const ACL_REQUIRED = 8;
const SOURCE_REGION = 9;

/** What each field must look like, for error messages. */
const EXPECTED: Readonly<Record<string, string>> = {
  bucketowner: 'a canonical user id (64 hex digits) or -',
  bucket: 'a bucket name',
  remoteip: 'an IP address or -',
  requestid: 'a request id (letters and digits) or -',
  operation: 'an operation like REST.GET.OBJECT after the request id (only a CloudFront origin access identity makes a requester of several words)',
  requesturi: 'a quoted request-URI or -',
  httpstatus: 'a 3-digit HTTP status or -',
  errorcode: 'an S3 error code like NoSuchKey or -',
  bytessent: 'an integer or -',
  objectsize: 'an integer or -',
  totaltime: 'an integer or -',
  turnaroundtime: 'an integer or -',
  referrer: 'the quoted referrer',
  useragent: 'the quoted user agent after the referrer',
  versionid: 'a version id or -',
  hostid: 'a base64 host id (possibly after an IAM unique id) or -',
  signatureversion: 'SigV2, SigV4 or -',
  ciphersuite: 'a cipher suite like ECDHE-RSA-AES128-GCM-SHA256 or -',
  authenticationtype: 'AuthHeader, QueryString or -',
  hostheader: 'a host name or -',
  tlsVersion: 'a TLS version like TLSv1.2 or -',
  accessPointArn: 'an access point ARN or -',
  aclRequired: 'Yes or -',
  sourceRegion: 'an AWS region like us-east-1 or -',
};

/** CloudFront origin access identity: `<this suffix> Origin Access Identity <id>`. */
const OAI_FIRST_WORD_SUFFIX = ':iam::cloudfront:user/CloudFront';
const OAI_MIDDLE_WORDS = ['Origin', 'Access', 'Identity'] as const;

/** Bucket names: letters, digits, `.`, `-`, and `_` in legacy names. */
const BUCKET_SET = charSet('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.-_');
/**
 * Version ids: S3's are URL-safe opaque strings of up to 1,024 bytes
 * (`3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY`, `null`).
 */
const VERSION_ID_SET = charSet('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._-+/=%');

/**
 * An operation token: `REST.GET.OBJECT`, `S3.EXPIRE.OBJECT`,
 * `S3.COMPUTE.OBJECT.CHECKSUM`, `WEBSITE.GET.OBJECT`, `BATCH.DELETE.OBJECT`,
 * `SOAP.CreateBucket`: an upper-case prefix, then one or more dotted parts of
 * letters, digits and `_`. A request id (`3E57427F3EXAMPLE`) has no dot.
 */
export function isOperation(s: string): boolean {
  const codes = new Uint16Array(s.length);
  for (let i = 0; i < s.length; i++) codes[i] = s.charCodeAt(i);
  return isOperationIn(codes, 0, s.length);
}

/** isOperation on code units [start, end) of a line. */
function isOperationIn(codes: Uint16Array, start: number, end: number): boolean {
  let i = start;
  let c = codes[i]!;
  if (end <= start || !(c >= 65 && c <= 90)) return false;
  while (i < end && (((c = codes[i]!) >= 65 && c <= 90) || (c >= 48 && c <= 57))) i++;
  let parts = 1;
  while (i < end) {
    if (codes[i] !== 46) return false;
    const partStart = ++i;
    while (i < end && (((c = codes[i]!) >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95)) i++;
    if (i === partStart) return false;
    parts++;
  }
  return parts >= 2;
}

/**
 * Where a bracketed S3 time (`[05/Jan/2020:23:10:20 +0000]`) starts inside
 * `s`, or -1. Inside a free-text field it is the head of another record: a
 * record cut short with the next one spliced onto its line.
 */
export function findBracketedLogTime(s: string): number {
  for (let at = s.indexOf('['); at >= 0; at = s.indexOf('[', at + 1)) {
    if (at + 28 <= s.length && s.charCodeAt(at + 27) === 93 && normalizeCommonLogTime(s.slice(at + 1, at + 27)) !== undefined) return at;
  }
  return -1;
}

/** Why a line does not fit: the field, and the token found there (start === end: the line ended). */
interface Misfit {
  field: string;
  start: number;
  end: number;
  /** For tail fields, the field's index: how far along the tail the reading got. */
  rank: number;
}

const EVENT_KEYS: readonly string[] = [
  'bucketowner', 'bucket', 'time', 'remoteip', 'requester', 'requestid', 'operation', 'key', 'requesturi',
  ...BLOCK, 'referrer', 'useragent', ...TAIL, 'additionalFields',
];

/** `06/Feb/2019:00:00:38 +0000`: the time without its brackets. */
const TIME_TEXT_LENGTH = 26;

// Layout of the span arrays: [start, end) of each field, then extra slots.
const BLOCK_REFERRER_OPEN = 2 * BLOCK.length;
const TAIL_FIELD_COUNT = 2 * TAIL.length;
const TAIL_REST_START = TAIL_FIELD_COUNT + 1;

class S3ServerAccessParser implements Parser {
  private readonly newRecord: () => Fields;
  private line = '';
  private len = 0;
  private hasTab = false;
  /** The line's code units (see CodeUnits): every character test reads these. */
  private codes: Uint16Array<ArrayBufferLike> = new Uint16Array(1);
  private readonly units = new CodeUnits();
  /** The time text of the last line (as code units) and its conversion (undefined: none, or not a time). */
  private readonly lastTimeText = new Uint16Array(TIME_TEXT_LENGTH);
  private lastTime: string | undefined;
  private misfit: Misfit = { field: '', start: 0, end: 0, rank: 0 };
  private readonly extra = new QuotedFields();

  // Possible closing quotes after the request-URI opens (a `"` then a blank or
  // the end of the line), and among them the referrer/user-agent boundaries
  // (`"`, blanks, `"`): the closing quote and the next opening quote.
  private readonly closings = new Int32Array(MAX_CLOSING_QUOTES);
  private closingCount = 0;
  private readonly boundaryClose = new Int32Array(MAX_CLOSING_QUOTES);
  private readonly boundaryOpen = new Int32Array(MAX_CLOSING_QUOTES);
  private boundaryCount = 0;

  // Request-URI closings that fit the block (position of the closing quote,
  // or -1 for an unquoted `-`) and where the referrer then opens.
  private readonly blockClose = new Int32Array(MAX_CLOSING_QUOTES + 1);
  private readonly blockReferrerOpen = new Int32Array(MAX_CLOSING_QUOTES + 1);
  private blockFitCount = 0;
  // User-agent closings whose tail fits, and whether the host id took two tokens.
  private readonly tailClose = new Int32Array(2 * MAX_CLOSING_QUOTES);
  private readonly tailTwoTokenHostId = new Uint8Array(2 * MAX_CLOSING_QUOTES);
  private tailFitCount = 0;

  // Token spans of the block and tail matched last, and of the first that
  // fitted (swapped in, so a line with one of each is not matched twice).
  private blockSpans = new Int32Array(BLOCK_REFERRER_OPEN + 1);
  private firstBlockSpans = new Int32Array(BLOCK_REFERRER_OPEN + 1);
  private tailSpans = new Int32Array(TAIL_REST_START + 1);
  private firstTailSpans = new Int32Array(TAIL_REST_START + 1);
  private hostIdLooksTwoToken = false;

  // The one reading found: block fit, referrer/user-agent boundary, tail fit,
  // and the request-URI's and user agent's closing quotes.
  private readingBlock = 0;
  private readingReferrerClose = 0;
  private readingAgentOpen = 0;
  private readingTail = 0;
  private uriClose = -1;
  private agentClose = -1;

  /** `recordKeys`: ParserOptions.recordKeys, kept in the record template. */
  constructor(recordKeys?: readonly string[]) {
    this.newRecord = recordMaker(EVENT_KEYS, recordKeys);
  }

  parse(line: string, sink: ParseSink): void {
    this.line = line;
    this.len = line.length;
    this.hasTab = line.indexOf('\t') >= 0;
    this.codes = this.units.load(line);
    const out = this.newRecord();
    const uri = this.readHead(out);
    if (uri < 0) return sink.error(this.misfitMessage());
    const error = this.readQuotedPart(uri, out);
    if (error !== undefined) return sink.error(error);
    sink.event(out);
  }

  // ---- tokens ----

  private skipBlanks(i: number): number {
    const codes = this.codes;
    while (i < this.len) {
      const c = codes[i];
      if (c !== SPACE && c !== TAB) break;
      i++;
    }
    return i;
  }

  /** End of the token that starts at `i`: the next blank or the end of the line. */
  private tokenEnd(i: number): number {
    if (!this.hasTab) {
      const space = this.line.indexOf(' ', i);
      return space < 0 ? this.len : space;
    }
    const codes = this.codes;
    while (i < this.len) {
      const c = codes[i];
      if (c === SPACE || c === TAB) break;
      i++;
    }
    return i;
  }

  /** Whether a token may end at `i`: a blank or the end of the line. */
  private isBoundary(i: number): boolean {
    if (i >= this.len) return true;
    const c = this.codes[i];
    return c === SPACE || c === TAB;
  }

  /** Whether the token at `start` is `-` (the sentinel after the line is not). */
  private isDashAt(start: number): boolean {
    return this.codes[start] === DASH && this.isBoundary(start + 1);
  }

  private isDash(start: number, end: number): boolean {
    return end - start === 1 && this.codes[start] === DASH;
  }

  /** The end of the token at `start` when all its characters are in `set` (and it has some), else -1. */
  private tokenEndIn(set: Uint8Array, start: number): number {
    const end = runEndInCodes(set, this.codes, start, this.len);
    return end > start && this.isBoundary(end) ? end : -1;
  }

  /** Whether the token at `start` is exactly `word`. */
  private isWordAt(start: number, word: string): boolean {
    const end = start + word.length;
    if (end > this.len || !this.isBoundary(end)) return false;
    const codes = this.codes;
    for (let k = 0; k < word.length; k++) if (codes[start + k] !== word.charCodeAt(k)) return false;
    return true;
  }

  /** Records why the line does not fit (the token at `start`, or the end of the line); returns false. */
  private fail(field: string, start: number, rank = 0): false {
    this.misfit.field = field;
    this.misfit.start = start;
    this.misfit.end = start < this.len ? this.tokenEnd(start) : start;
    this.misfit.rank = rank;
    return false;
  }

  private failHead(field: string, start: number): -1 {
    this.fail(field, start);
    return -1;
  }

  private misfitMessage(m: Misfit = this.misfit): string {
    if (m.start >= m.end) return `the line ends before field ${m.field}: a line has at least the fields through the user agent`;
    const found = quoteValue(this.line.slice(m.start, m.end));
    if (m.field === 'time') return `field time: expected [dd/Mon/yyyy:HH:MM:SS +hhmm], found ${found}`;
    return `field ${m.field}: expected ${EXPECTED[m.field] ?? 'a value'}, found ${found}`;
  }

  // ---- before the request-URI ----

  /**
   * Reads and checks bucket owner … key into `out`. Returns where the
   * request-URI starts, or -1 with the misfit set.
   */
  private readHead(out: Fields): number {
    let end = this.readOwnerAndBucket(out);
    if (end >= 0) end = this.readTime(end, out);
    if (end >= 0) end = this.readRemoteIp(end, out);
    if (end >= 0) end = this.readRequester(end, out);
    if (end >= 0) end = this.readRequestIdAndOperation(end, out);
    if (end < 0) return -1;
    // The key is URL-encoded: one token of any characters.
    const start = this.skipBlanks(end);
    if (start >= this.len) return this.failHead('key', start);
    end = this.tokenEnd(start);
    if (!this.isDash(start, end)) out.key = this.line.slice(start, end);
    const uri = this.skipBlanks(end);
    return uri < this.len ? uri : this.failHead('requesturi', uri);
  }

  private readOwnerAndBucket(out: Fields): number {
    const line = this.line;
    let start = this.skipBlanks(0);
    let end = start + 1;
    if (!this.isDashAt(start)) {
      // a canonical user id: 64 hex digits
      end = this.tokenEndIn(HEX_SET, start);
      if (end - start !== 64) return this.failHead('bucketowner', start);
      out.bucketowner = line.slice(start, end);
    }
    start = this.skipBlanks(end);
    end = this.tokenEndIn(BUCKET_SET, start);
    if (end < 0 || end - start > 255) return this.failHead('bucket', start);
    if (!this.isDash(start, end)) out.bucket = line.slice(start, end);
    return end;
  }

  /** `[06/Feb/2019:00:00:38 +0000]`, two tokens; returns the end of the second or -1. */
  private readTime(from: number, out: Fields): number {
    const line = this.line;
    const start = this.skipBlanks(from);
    if (start >= this.len) return this.failHead('time', start);
    const codes = this.codes;
    let time: string | undefined;
    let end = start + 28;
    if (end <= this.len && codes[start] === 91 && codes[start + 21] === SPACE && codes[end - 1] === 93 && this.isBoundary(end)) {
      // as S3 writes it: one slice of the line, no concatenation
      time = this.isLastTime(start + 1) ? this.lastTime : this.rememberTime(start + 1, normalizeCommonLogTime(line.slice(start + 1, end - 1)));
    } else {
      const mid = this.tokenEnd(start);
      const next = this.skipBlanks(mid);
      end = this.tokenEnd(next);
      if (codes[start] === 91 && next < end && codes[end - 1] === 93 && mid - start === 21 && end - next === 6) {
        time = normalizeCommonLogTime(line.slice(start + 1, mid) + ' ' + line.slice(next, end - 1));
      }
    }
    if (time === undefined) {
      this.fail('time', start);
      this.misfit.end = this.tokenEnd(this.skipBlanks(this.misfit.end)); // show both tokens
      return -1;
    }
    out.time = time;
    return end;
  }

  /**
   * Whether the 26 characters at `at` are the time text of the line before
   * (`06/Feb/2019:00:00:38 +0000`): many requests share a second, and
   * comparing is cheaper than converting again.
   */
  private isLastTime(at: number): boolean {
    const codes = this.codes;
    const last = this.lastTimeText;
    if (this.lastTime === undefined) return false;
    // the seconds change first: compare from the end
    for (let k = TIME_TEXT_LENGTH - 1; k >= 0; k--) if (codes[at + k] !== last[k]) return false;
    return true;
  }

  private rememberTime(at: number, time: string | undefined): string | undefined {
    this.lastTimeText.set(this.codes.subarray(at, at + TIME_TEXT_LENGTH));
    this.lastTime = time;
    return time;
  }

  private readRemoteIp(from: number, out: Fields): number {
    const start = this.skipBlanks(from);
    if (start >= this.len) return this.failHead('remoteip', start);
    if (this.isDashAt(start)) return start + 1;
    const end = this.tokenEnd(start);
    const ip = this.line.slice(start, end);
    if (!isIpAddress(ip)) return this.failHead('remoteip', start);
    out.remoteip = ip;
    return end;
  }

  /** The requester: one token, or the five words of a CloudFront origin access identity. */
  private readRequester(from: number, out: Fields): number {
    const line = this.line;
    const start = this.skipBlanks(from);
    if (start >= this.len) return this.failHead('requester', start);
    let end = this.tokenEnd(start);
    // `…/CloudFront`: the last letter first, so other requesters cost one comparison
    if (this.codes[end - 1] === 116 && line.startsWith(OAI_FIRST_WORD_SUFFIX, end - OAI_FIRST_WORD_SUFFIX.length) && line.startsWith('arn:', start)) {
      const oaiEnd = this.originAccessIdentityEnd(end);
      if (oaiEnd > 0) end = oaiEnd;
    }
    if (!this.isDash(start, end)) out.requester = line.slice(start, end);
    return end;
  }

  /** After `…:user/CloudFront`: the end of `Origin Access Identity <id>`, or -1 when the words differ. */
  private originAccessIdentityEnd(from: number): number {
    let end = from;
    for (const word of OAI_MIDDLE_WORDS) {
      const start = this.skipBlanks(end);
      if (!this.isWordAt(start, word)) return -1;
      end = start + word.length;
    }
    return this.tokenEndIn(ALNUM_SET, this.skipBlanks(end));
  }

  private readRequestIdAndOperation(from: number, out: Fields): number {
    const line = this.line;
    let start = this.skipBlanks(from);
    let end = start + 1;
    if (!this.isDashAt(start)) {
      end = this.tokenEndIn(ALNUM_SET, start);
      if (end < 0 || end - start > 128) return this.failHead('requestid', start);
      out.requestid = line.slice(start, end);
    }
    start = this.skipBlanks(end);
    end = this.tokenEnd(start);
    if (!isOperationIn(this.codes, start, end)) return this.failHead('operation', start);
    out.operation = line.slice(start, end);
    return end;
  }

  // ---- the quoted part: request-URI … user agent, and the tail ----

  /** Reads request-URI to the end of the line into `out`; returns an error message, or undefined. */
  private readQuotedPart(uri: number, out: Fields): string | undefined {
    const quoted = this.line.charCodeAt(uri) === QUOTE;
    if (!quoted && !this.isDashAt(uri)) {
      this.fail('requesturi', uri);
      return this.misfitMessage();
    }
    if (this.readPlainLine(uri, quoted)) return this.writeReading(uri, quoted, this.blockSpans, this.tailSpans, out);
    if (!this.collectClosings(uri + 1)) {
      return `more than ${MAX_CLOSING_QUOTES} quotes followed by a blank after the request-URI: S3 does not escape quotes, and a line with this many is not read (it cannot be decided cheaply which ones close a field)`;
    }
    const error = this.matchBlocks(uri, quoted) ?? this.matchTails() ?? this.findUniqueReading();
    if (error !== undefined) return error;
    return this.writeFoundReading(uri, quoted, out);
  }

  /**
   * The usual line, read in one pass: each quoted field closes at its first
   * `"` followed by a blank, no quote opens or closes anywhere else, and
   * every field fits. Such a line has exactly one reading (the possible
   * closings are exactly these three: the referrer's is followed by a quote,
   * so neither the block nor the tail can start there, and with no quote
   * after the user agent the block cannot start there either), so the
   * search over readings is skipped. False: use the search (nothing written).
   */
  private readPlainLine(uri: number, quoted: boolean): boolean {
    const line = this.line;
    const uriClose = quoted ? this.closingAfter(uri + 1) : -1;
    if (quoted && uriClose < 0) return false;
    if (!this.matchBlock(quoted ? uriClose + 1 : uri + 1)) return false;
    const referrerOpen = this.blockSpans[BLOCK_REFERRER_OPEN]!;
    if (this.isBoundary(referrerOpen + 1)) return false;
    const referrerClose = this.closingAfter(referrerOpen + 1);
    if (referrerClose < 0) return false;
    const agentOpen = this.skipBlanks(referrerClose + 1);
    if (agentOpen >= this.len || this.codes[agentOpen] !== QUOTE || this.isBoundary(agentOpen + 1)) return false;
    const agentClose = this.closingAfter(agentOpen + 1);
    if (agentClose < 0 || line.indexOf('"', agentClose + 1) >= 0) return false;
    // a host id that may be two tokens is left to the search, which counts both ways
    if (!this.matchTail(agentClose + 1, false) || this.hostIdLooksTwoToken) return false;
    this.uriClose = uriClose;
    this.readingReferrerClose = referrerClose;
    this.readingAgentOpen = agentOpen;
    this.agentClose = agentClose;
    return true;
  }

  /** The first possible closing quote (a `"` followed by a blank or the end) at or after `from`, or -1. */
  private closingAfter(from: number): number {
    let q = this.line.indexOf('"', from);
    while (q >= 0 && !this.isBoundary(q + 1)) q = this.line.indexOf('"', q + 1);
    return q;
  }

  /** Finds every possible closing quote from `from` on, and the referrer/user-agent boundaries. */
  private collectClosings(from: number): boolean {
    this.closingCount = 0;
    this.boundaryCount = 0;
    for (let q = this.closingAfter(from); q >= 0; q = this.closingAfter(q + 1)) {
      if (this.closingCount === MAX_CLOSING_QUOTES) return false;
      this.closings[this.closingCount++] = q;
      const open = this.skipBlanks(q + 1);
      if (open < this.len && this.codes[open] === QUOTE) {
        this.boundaryClose[this.boundaryCount] = q;
        this.boundaryOpen[this.boundaryCount] = open;
        this.boundaryCount++;
      }
    }
    return true;
  }

  /**
   * Every request-URI closing after which the six block fields and the
   * referrer's opening quote follow. None: the error of the first closing
   * (what a plain tokenizer would have read).
   */
  private matchBlocks(uri: number, quoted: boolean): string | undefined {
    this.blockFitCount = 0;
    if (!quoted) {
      if (this.matchBlock(uri + 1)) this.addBlockFit(-1);
      return this.blockFitCount > 0 ? undefined : this.misfitMessage();
    }
    let firstMisfit: Misfit | undefined;
    for (let i = 0; i < this.closingCount; i++) {
      const close = this.closings[i]!;
      if (this.matchBlock(close + 1)) this.addBlockFit(close);
      else if (i === 0) firstMisfit = { ...this.misfit };
    }
    if (this.blockFitCount > 0) return undefined;
    if (firstMisfit === undefined) return unclosedMessage(uri, 'requesturi');
    return this.misfitMessage(firstMisfit);
  }

  private addBlockFit(close: number): void {
    if (this.blockFitCount === 0) {
      const fitted = this.blockSpans;
      this.blockSpans = this.firstBlockSpans;
      this.firstBlockSpans = fitted;
    }
    this.blockClose[this.blockFitCount] = close;
    this.blockReferrerOpen[this.blockFitCount] = this.firstBlockSpans[BLOCK_REFERRER_OPEN]!;
    this.blockFitCount++;
  }

  /** Status … turn-around time from `from`, then the referrer's opening quote. */
  private matchBlock(from: number): boolean {
    const spans = this.blockSpans;
    let i = from;
    for (let field = 0; field < BLOCK.length; field++) {
      const start = this.skipBlanks(i);
      if (start >= this.len) return this.fail(BLOCK[field]!, start);
      const end = this.blockTokenEnd(field, start);
      if (end < 0) return this.fail(BLOCK[field]!, start);
      spans[2 * field] = start;
      spans[2 * field + 1] = end;
      i = end;
    }
    const open = this.skipBlanks(i);
    if (open >= this.len || this.codes[open] !== QUOTE) return this.fail('referrer', open);
    spans[BLOCK_REFERRER_OPEN] = open;
    return true;
  }

  /** The end of the block field's token at `start`, or -1 when it does not fit: `-`, a 3-digit status, an error code, an integer. */
  private blockTokenEnd(field: number, start: number): number {
    if (this.isDashAt(start)) return start + 1;
    if (field === HTTP_STATUS) {
      const end = this.tokenEndIn(DIGIT_SET, start);
      return end - start === 3 ? end : -1;
    }
    if (field === ERROR_CODE) {
      const c = this.codes[start]! | 32; // S3 error codes start with a letter (NoSuchKey)
      const end = c >= 97 && c <= 122 ? this.tokenEndIn(ALNUM_SET, start) : -1;
      return end - start <= 100 ? end : -1;
    }
    const end = this.tokenEndIn(DIGIT_SET, start);
    return end - start <= 15 ? end : -1; // exact as a number
  }

  /**
   * Every user-agent closing after which the tail fits (each variant of the
   * host id counted). None: the error of the closing whose tail got furthest,
   * among those after the first referrer/user-agent boundary.
   */
  private matchTails(): string | undefined {
    this.tailFitCount = 0;
    const referrerOpen = this.blockReferrerOpen[0]!;
    const agentOpen = this.firstBoundaryAfter(referrerOpen);
    let best: Misfit | undefined;
    for (let i = 0; i < this.closingCount; i++) {
      const close = this.closings[i]!;
      if (close <= referrerOpen + 3) continue; // `"" ""`: the shortest referrer and user agent
      const fitted = this.matchTailVariants(close);
      if (!fitted && agentOpen >= 0 && close > agentOpen && (best === undefined || this.misfit.rank > best.rank)) best = { ...this.misfit };
    }
    if (this.tailFitCount > 0) return undefined;
    if (agentOpen < 0) return this.referrerMessage(referrerOpen);
    if (best === undefined) return unclosedMessage(agentOpen, 'useragent');
    return this.misfitMessage(best);
  }

  /**
   * Tries the tail after `close` with a one-token host id and, when its first
   * token is an IAM unique id, a two-token one. Returns whether either fits;
   * when neither does, the misfit is the one that got further.
   */
  private matchTailVariants(close: number): boolean {
    const oneToken = this.matchTail(close + 1, false);
    if (oneToken) this.addTailFit(close, false);
    if (!this.hostIdLooksTwoToken) return oneToken;
    const oneTokenMisfit = oneToken ? undefined : { ...this.misfit };
    if (this.matchTail(close + 1, true)) {
      this.addTailFit(close, true);
      return true;
    }
    if (oneTokenMisfit !== undefined && oneTokenMisfit.rank >= this.misfit.rank) this.misfit = oneTokenMisfit;
    return oneToken;
  }

  private addTailFit(close: number, twoTokenHostId: boolean): void {
    if (this.tailFitCount === 0) {
      const fitted = this.tailSpans;
      this.tailSpans = this.firstTailSpans;
      this.firstTailSpans = fitted;
    }
    this.tailClose[this.tailFitCount] = close;
    this.tailTwoTokenHostId[this.tailFitCount] = twoTokenHostId ? 1 : 0;
    this.tailFitCount++;
  }

  /** The first referrer/user-agent boundary after the referrer opens: the user agent's opening quote, or -1. */
  private firstBoundaryAfter(referrerOpen: number): number {
    for (let b = 0; b < this.boundaryCount; b++) if (this.boundaryClose[b]! > referrerOpen) return this.boundaryOpen[b]!;
    return -1;
  }

  /** No quoted user agent follows the referrer: unclosed referrer, or what follows its first closing. */
  private referrerMessage(referrerOpen: number): string {
    for (let i = 0; i < this.closingCount; i++) {
      const close = this.closings[i]!;
      if (close <= referrerOpen) continue;
      this.fail('useragent', this.skipBlanks(close + 1));
      return this.misfitMessage();
    }
    return unclosedMessage(referrerOpen, 'referrer');
  }

  /**
   * The tail from `from`: each field in turn, the line may end after any of
   * them (older layouts); after the source region, the rest is kept.
   */
  private matchTail(from: number, twoTokenHostId: boolean): boolean {
    const spans = this.tailSpans;
    let i = from;
    this.hostIdLooksTwoToken = false;
    spans[TAIL_REST_START] = -1;
    for (let field = 0; field < TAIL.length; field++) {
      const start = this.skipBlanks(i);
      if (start >= this.len) {
        // an older layout: the line ends here, the later fields are absent
        spans[TAIL_FIELD_COUNT] = field;
        return true;
      }
      let end = this.tailTokenEnd(field, start);
      if (field === HOST_ID && end > 0) {
        this.hostIdLooksTwoToken = isIamUniqueId(this.line, start, end);
        // the IAM unique id, a blank, the base64 id: kept as one value
        if (twoTokenHostId) end = this.hostIdLooksTwoToken ? this.tokenEndBase64(this.skipBlanks(end)) : -1;
      }
      if (end < 0) return this.fail(TAIL[field]!, start, field);
      spans[2 * field] = start;
      spans[2 * field + 1] = end;
      i = end;
    }
    spans[TAIL_FIELD_COUNT] = TAIL.length;
    const rest = this.skipBlanks(i);
    if (rest < this.len) spans[TAIL_REST_START] = rest;
    return true;
  }

  /** The end of the base64 token at `start` (its characters, then at most two `=`), or -1. */
  private tokenEndBase64(start: number): number {
    const data = runEndInCodes(BASE64_SET, this.codes, start, this.len);
    let end = data;
    while (end < data + 2 && this.codes[end] === 61) end++; // '=' (the sentinel is not)
    return end > start && this.isBoundary(end) ? end : -1;
  }

  /** The end of the tail field's token at `start`, or -1 when it does not look like that field (`-` always does). */
  private tailTokenEnd(field: number, start: number): number {
    if (this.isDashAt(start)) return start + 1;
    const line = this.line;
    const codes = this.codes;
    let end: number;
    switch (field) {
      case VERSION_ID:
        end = this.tokenEndIn(VERSION_ID_SET, start);
        return end - start <= 1024 ? end : -1;
      case HOST_ID: return this.tokenEndBase64(start);
      case SIGNATURE_VERSION: // SigV2, SigV4
        return start + 5 <= this.len && codes[start] === 83 && codes[start + 1] === 105 && codes[start + 2] === 103 && codes[start + 3] === 86 &&
          DIGIT_SET[codes[start + 4]!] === 1 && this.isBoundary(start + 5) ? start + 5 : -1;
      case CIPHER_SUITE:
        end = this.tokenEndIn(CIPHER_SUITE_SET, start);
        return end - start >= 2 && end - start <= 100 && codes[start]! >= 65 && codes[start]! <= 90 ? end : -1;
      case AUTHENTICATION_TYPE:
        return this.isWordAt(start, 'AuthHeader') ? start + 10 : this.isWordAt(start, 'QueryString') ? start + 11 : -1;
      case HOST_HEADER:
        end = this.tokenEndIn(HOST_HEADER_SET, start);
        return end - start <= 300 && (ALNUM_SET[codes[start]!] === 1 || isHostHeaderValue(line, start, end)) ? end : -1;
      case TLS_VERSION:
        end = this.tokenEndIn(TLS_VERSION_SET, start);
        return end > 0 && isTlsVersion(line, start, end) ? end : -1;
      case ACCESS_POINT_ARN:
        end = this.tokenEnd(start);
        return end - start <= 2048 && isArn(line.slice(start, end)) ? end : -1;
      case ACL_REQUIRED:
        return this.isWordAt(start, 'Yes') ? start + 3 : -1;
      case SOURCE_REGION:
        end = this.tokenEndIn(AWS_REGION_SET, start);
        return end > 0 && isAwsRegion(line, start, end) ? end : -1;
      default:
        return -1;
    }
  }

  /**
   * Counts the readings: a request-URI closing that fits, a user-agent
   * closing after it whose tail fits, and a referrer/user-agent boundary
   * between them. Exactly one is the line (kept in the reading fields); none
   * or more is an error, the latter naming the first field they disagree on.
   */
  private findUniqueReading(): string | undefined {
    let found = false;
    for (let b = 0; b < this.blockFitCount; b++) {
      const referrerOpen = this.blockReferrerOpen[b]!;
      for (let t = 0; t < this.tailFitCount; t++) {
        const agentClose = this.tailClose[t]!;
        for (let k = 0; k < this.boundaryCount; k++) {
          const referrerClose = this.boundaryClose[k]!;
          if (referrerClose <= referrerOpen) continue;
          if (this.boundaryOpen[k]! >= agentClose) break;
          if (found) return this.ambiguousMessage(b, referrerClose, t);
          found = true;
          this.readingBlock = b;
          this.readingReferrerClose = referrerClose;
          this.readingAgentOpen = this.boundaryOpen[k]!;
          this.readingTail = t;
        }
      }
    }
    return found ? undefined : this.referrerMessage(this.blockReferrerOpen[0]!);
  }

  /** Two readings: the first (in the reading fields) and block `b`, boundary at `referrerClose`, tail `t`. */
  private ambiguousMessage(b: number, referrerClose: number, t: number): string {
    const field = this.readingBlock !== b ? 'requesturi'
      : this.tailClose[this.readingTail] !== this.tailClose[t] ? 'useragent'
        : this.readingReferrerClose !== referrerClose ? 'referrer' : 'hostid';
    return `field ${field}: cannot be read unambiguously: S3 does not escape quotes inside quoted fields, and this line fits the layout in more than one way`;
  }

  // ---- writing the reading ----

  /** Writes the reading the search found. */
  private writeFoundReading(uri: number, quoted: boolean, out: Fields): string | undefined {
    this.uriClose = this.blockClose[this.readingBlock]!;
    this.agentClose = this.tailClose[this.readingTail]!;
    const blockSpans = this.readingBlock === 0 ? this.firstBlockSpans : this.rematchBlock(quoted ? this.uriClose + 1 : uri + 1);
    const tailSpans = this.readingTail === 0 ? this.firstTailSpans : this.rematchTail(this.agentClose + 1, this.tailTwoTokenHostId[this.readingTail] === 1);
    return this.writeReading(uri, quoted, blockSpans, tailSpans, out);
  }

  /** The spans of a block that is known to fit (not the first that did). */
  private rematchBlock(from: number): Int32Array {
    this.matchBlock(from);
    return this.blockSpans;
  }

  private rematchTail(from: number, twoTokenHostId: boolean): Int32Array {
    this.matchTail(from, twoTokenHostId);
    return this.tailSpans;
  }

  /** Writes request-URI … end of line, from the reading's positions and spans; or the error of a spliced record. */
  private writeReading(uri: number, quoted: boolean, blockSpans: Int32Array, tailSpans: Int32Array, out: Fields): string | undefined {
    const line = this.line;
    const requestUri = quoted ? line.slice(uri + 1, this.uriClose) : '-';
    const referrer = line.slice(blockSpans[BLOCK_REFERRER_OPEN]! + 1, this.readingReferrerClose);
    const userAgent = line.slice(this.readingAgentOpen + 1, this.agentClose);
    const spliced = splicedMessage('requesturi', requestUri) ?? splicedMessage('referrer', referrer) ?? splicedMessage('useragent', userAgent);
    if (spliced !== undefined) return spliced;
    if (requestUri !== '-') out.requesturi = requestUri;
    this.writeBlock(blockSpans, out);
    if (referrer !== '-') out.referrer = referrer;
    if (userAgent !== '-') out.useragent = userAgent;
    this.writeTail(tailSpans, out);
    return undefined;
  }

  /**
   * The block's values. Named stores, not `out[name]`: keyed stores with
   * changing keys were a measurable share of the parse.
   */
  private writeBlock(spans: Int32Array, out: Fields): void {
    const line = this.line;
    // blockTokenEnd let through only `-` (no value) and at most 15 digits (exact)
    out.httpstatus = parseDigitsAt(line, spans[0]!, spans[1]!);
    out.errorcode = this.value(spans[2]!, spans[3]!);
    out.bytessent = parseDigitsAt(line, spans[4]!, spans[5]!);
    out.objectsize = parseDigitsAt(line, spans[6]!, spans[7]!);
    out.totaltime = parseDigitsAt(line, spans[8]!, spans[9]!);
    out.turnaroundtime = parseDigitsAt(line, spans[10]!, spans[11]!);
  }

  /** The tail's values; the fields past where the line ended stay absent. */
  private writeTail(spans: Int32Array, out: Fields): void {
    const fields = spans[TAIL_FIELD_COUNT]!;
    if (fields > VERSION_ID) out.versionid = this.value(spans[0]!, spans[1]!);
    if (fields > HOST_ID) out.hostid = this.value(spans[2]!, spans[3]!);
    if (fields > SIGNATURE_VERSION) out.signatureversion = this.value(spans[4]!, spans[5]!);
    if (fields > CIPHER_SUITE) out.ciphersuite = this.value(spans[6]!, spans[7]!);
    if (fields > AUTHENTICATION_TYPE) out.authenticationtype = this.value(spans[8]!, spans[9]!);
    if (fields > HOST_HEADER) out.hostheader = this.value(spans[10]!, spans[11]!);
    if (fields > TLS_VERSION) out.tlsVersion = this.value(spans[12]!, spans[13]!);
    if (fields > ACCESS_POINT_ARN) out.accessPointArn = this.value(spans[14]!, spans[15]!);
    if (fields > ACL_REQUIRED) out.aclRequired = this.value(spans[16]!, spans[17]!);
    if (fields > SOURCE_REGION) out.sourceRegion = this.value(spans[18]!, spans[19]!);
    const rest = spans[TAIL_REST_START]!;
    if (rest >= 0) out.additionalFields = this.extra.split(this.line.slice(rest)).rest(0);
  }

  /** line[start, end), or undefined for `-` (absent). */
  private value(start: number, end: number): string | undefined {
    return this.isDash(start, end) ? undefined : this.line.slice(start, end);
  }
}

function unclosedMessage(open: number, field: string): string {
  return `the line ends inside a quoted field: the quote opened at character ${open + 1} (field ${field}) is never closed`;
}

function splicedMessage(field: string, value: string): string | undefined {
  const at = findBracketedLogTime(value);
  if (at < 0) return undefined;
  return `field ${field}: holds another record's time ${quoteValue(value.slice(at, at + 28))}: a record cut short with the next one joined to its line`;
}

export const s3ServerAccess: LogTypeDescriptor = {
  name: 'AWS.S3ServerAccess',
  description: 'Amazon S3 server access logs: one entry per request made to a bucket.',
  referenceUrl: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html',
  framing: 'lines',
  eventTimeField: 'time',
  indicators: [
    ['remoteip', 'ip'],
    // a canonical user id, `AmazonS3`, or an IAM/STS ARN: only ARNs count
    ['requester', 'aws_arn_if_valid'],
    ['accessPointArn', 'aws_arn_if_valid'],
    ['hostheader', 'host_header'], // may carry a port: `192.0.2.10:8080`, `[2001:db8::1]:443`
  ],
  createParser(options: ParserOptions): Parser {
    return new S3ServerAccessParser(options.recordKeys);
  },
};
