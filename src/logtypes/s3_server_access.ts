// AWS.S3ServerAccess — Amazon S3 server access logs.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html
//
// One entry per line, space-separated, a few fields in double quotes. Two
// quirks decide the design:
// - the time is two tokens, `[06/Feb/2019:00:00:38 +0000]`;
// - the requester may contain spaces (a CloudFront origin access identity is
//   `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E3EXAMPLE`),
//   so the fields after it are found from the operation token
//   (`REST.GET.OBJECT`), which follows the request id.
// AWS appends fields over the years; tokens after the known ones are kept in
// additionalFields.
import { parseInteger, recordMaker } from '../core/fields.js';
import { quoteValue } from '../core/errors.js';
import { normalizeCommonLogTime } from '../core/timestamp.js';
import { QuotedFields, unterminatedMessage } from '../core/tokenize.js';
import type { LogTypeDescriptor, Parser, ParseSink } from './types.js';

type Kind = 'string' | 'integer';

// Fields before the requester, by token index (the time takes two tokens).
const BUCKET_OWNER = 0;
const BUCKET = 1;
const TIME = 2;
const REMOTE_IP = 4;
const REQUESTER = 5;
/** Where the operation is when the requester is one token. */
const USUAL_OPERATION = 7;
/**
 * How far to look for the operation when the requester has spaces. The
 * CloudFront identity has five words; the bound keeps a dotted key
 * (`LOGS.2024.TXT`) from being taken for the operation on a broken line.
 */
const LAST_OPERATION = USUAL_OPERATION + 12;

// The fields after the operation, in order (names are the seed's).
const AFTER_OPERATION: ReadonlyArray<readonly [key: string, kind: Kind]> = [
  ['key', 'string'], // URL-encoded, kept as written
  ['requesturi', 'string'],
  ['httpstatus', 'integer'],
  ['errorcode', 'string'],
  ['bytessent', 'integer'],
  ['objectsize', 'integer'],
  ['totaltime', 'integer'],
  ['turnaroundtime', 'integer'],
  ['referrer', 'string'],
  ['useragent', 'string'],
  ['versionid', 'string'],
  ['hostid', 'string'],
  ['signatureversion', 'string'],
  ['ciphersuite', 'string'],
  ['authenticationtype', 'string'],
  ['hostheader', 'string'],
  ['tlsVersion', 'string'],
  // newer than the seed; camelCase of AWS's names
  ['accessPointArn', 'string'],
  ['aclRequired', 'string'],
  ['sourceRegion', 'string'],
];

/**
 * A line must reach the TLS version: the layout S3 has written since 2020,
 * and what Panther required. With a one-token requester that is 25 tokens.
 */
const MIN_AFTER_OPERATION = AFTER_OPERATION.findIndex(([key]) => key === 'tlsVersion') + 1;
export const S3_MIN_FIELDS = USUAL_OPERATION + 1 + MIN_AFTER_OPERATION;

/**
 * An operation token: `REST.GET.OBJECT`, `S3.EXPIRE.OBJECT`,
 * `S3.COMPUTE.OBJECT.CHECKSUM`, `WEBSITE.GET.OBJECT`, `BATCH.DELETE.OBJECT`,
 * `SOAP.CreateBucket`: an upper-case prefix, then one or more dotted parts of
 * letters, digits and `_`. A request id (`3E57427F3EXAMPLE`) has no dot.
 */
export function isOperation(s: string): boolean {
  const len = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  if (!(c >= 65 && c <= 90)) return false;
  while (i < len && (((c = s.charCodeAt(i)) >= 65 && c <= 90) || (c >= 48 && c <= 57))) i++;
  let parts = 1;
  while (i < len) {
    if (s.charCodeAt(i) !== 46) return false;
    const start = ++i;
    while (i < len && (((c = s.charCodeAt(i)) >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95)) i++;
    if (i === start) return false;
    parts++;
  }
  return parts >= 2;
}

function findOperation(f: QuotedFields): number {
  if (f.count > USUAL_OPERATION && isOperation(f.values[USUAL_OPERATION]!)) return USUAL_OPERATION;
  const last = f.count - 1 < LAST_OPERATION ? f.count - 1 : LAST_OPERATION;
  for (let j = USUAL_OPERATION + 1; j <= last; j++) if (isOperation(f.values[j]!)) return j;
  return -1;
}

/** The name of the field at token `index`, given where the operation is. */
function fieldNameAt(index: number, op: number): string {
  if (index > op) return AFTER_OPERATION[index - op - 1]?.[0] ?? 'additionalFields';
  if (index === op) return 'operation';
  if (index === op - 1) return 'requestid';
  if (index >= REQUESTER) return 'requester';
  return ['bucketowner', 'bucket', 'time', 'time', 'remoteip'][index]!;
}

const newRecord = recordMaker([
  'bucketowner', 'bucket', 'time', 'remoteip', 'requester', 'requestid', 'operation',
  ...AFTER_OPERATION.map(([key]) => key), 'additionalFields',
]);

class S3ServerAccessParser implements Parser {
  private readonly fields = new QuotedFields();

  parse(line: string, sink: ParseSink): void {
    const f = this.fields.split(line);
    const values = f.values;
    if (f.count <= REMOTE_IP) return sink.error(tooFew(f.count));
    // The time comes first: a time written as one token shifts every later field.
    const open = values[TIME]!;
    const close = values[TIME + 1]!;
    const time = open.charCodeAt(0) === 91 && close.charCodeAt(close.length - 1) === 93
      ? normalizeCommonLogTime(open.slice(1) + ' ' + close.slice(0, -1))
      : undefined;
    if (time === undefined) {
      return sink.error(`field time: expected [dd/Mon/yyyy:HH:MM:SS +hhmm], found ${quoteValue(open + ' ' + close)}`);
    }
    const op = findOperation(f);
    if (op < 0) {
      if (f.count < S3_MIN_FIELDS) return sink.error(tooFew(f.count));
      return sink.error(`field operation: expected an operation like REST.GET.OBJECT after the request id, found ${quoteValue(values[USUAL_OPERATION]!)}`);
    }
    // A stray quote shifts every later field: say so rather than blame one of them.
    if (f.unterminated >= 0 && f.unterminated <= op + AFTER_OPERATION.length) {
      return sink.error(unterminatedMessage(f, fieldNameAt(f.unterminated, op)));
    }
    if (f.count - op - 1 < MIN_AFTER_OPERATION) return sink.error(tooFew(f.count));

    const out = newRecord();
    if (values[BUCKET_OWNER] !== '-') out.bucketowner = values[BUCKET_OWNER];
    if (values[BUCKET] !== '-') out.bucket = values[BUCKET];
    out.time = time;
    if (values[REMOTE_IP] !== '-') out.remoteip = values[REMOTE_IP];
    // A requester with spaces is taken as written, from its first to its last token.
    const requester = op - 2 === REQUESTER ? values[REQUESTER]! : line.slice(f.starts[REQUESTER], f.ends[op - 2]);
    if (requester !== '-') out.requester = requester;
    if (values[op - 1] !== '-') out.requestid = values[op - 1];
    out.operation = values[op];

    const end = f.count < op + 1 + AFTER_OPERATION.length ? f.count : op + 1 + AFTER_OPERATION.length;
    for (let i = op + 1; i < end; i++) {
      const value = values[i]!;
      if (value === '-') continue;
      const [key, kind] = AFTER_OPERATION[i - op - 1]!;
      if (kind === 'string') {
        out[key] = value;
      } else {
        const n = parseInteger(value);
        if (n === undefined) return sink.error(`field ${key}: expected an integer, found ${quoteValue(value)}`);
        out[key] = n;
      }
    }
    if (f.count > end) out.additionalFields = f.rest(end);
    sink.event(out);
  }
}

function tooFew(count: number): string {
  return `expected at least ${S3_MIN_FIELDS} space-separated fields (bucket owner … TLS version), found ${count}`;
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
    ['hostheader', 'hostname'],
  ],
  createParser(): Parser {
    return new S3ServerAccessParser();
  },
};
