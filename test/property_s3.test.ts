// Property tests for AWS.S3ServerAccess (issue 13, items 1, 2, 3, 11), run
// on the parser in-process. S3 does not escape quotes inside the request-URI,
// referrer and user agent, so a generated line whose free-text fields hold
// quotes, spaces, commas and backslashes in any arrangement must either parse
// to exactly the fields that were generated or be an error report, never a
// record with other values; a line whose free texts cannot close early must
// parse. Lines come in every historic layout (the tail cut after any field),
// with one- and two-token host ids and every requester shape.
//
// The default budget keeps `npm test` quick; `npm run fuzz` runs the same
// properties with NUM_RUNS=100000 (FUZZ_SEED=n replays a run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { findLogType } from '../src/logtypes/index.js';
import type { Fields, ParseSink } from '../src/logtypes/types.js';
import { params } from './helpers/property.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width: number): string => String(n).padStart(width, '0');
const chars = (alphabet: string, minLength: number, maxLength: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...alphabet), minLength, maxLength });
const orDash = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 3 });

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const BASE64 = UPPER + LOWER + DIGITS + '+/';

/** A free-text field: quotes, blanks, commas and backslashes among ordinary characters. */
const FREE_TEXT_UNITS = '"""""    ,,\\\\abcXYZ019()/;=-.:[]';
/**
 * Pieces of the layout itself (a closing quote then tail-like tokens, a
 * block, a referrer/user-agent boundary), so that a text often looks like
 * where a field could end.
 */
const LAYOUT_PIECES = ['"', ' ', '" "', '" - ', ' - ', ' SigV4', ' ECDHE-RSA-AES128-SHA', ' AuthHeader', ' s3.amazonaws.com', ' TLSv1.2',
  ' us-east-1', '" 200 - 1 2 3 4 "', ' ZXhhbXBsZQ==', ' AIDAEXAMPLEUSERID0001', ',', '\\', 'a', ' "x" '];
const freeText = fc.oneof(
  chars(FREE_TEXT_UNITS, 0, 30),
  fc.array(fc.constantFrom(...LAYOUT_PIECES), { maxLength: 12 }).map((pieces) => pieces.join('')),
);
/**
 * A free text that cannot close its field early: no quote followed by a
 * blank or ending the text, no leading blank, no `[` (the head of another
 * record). Such texts leave exactly one reading.
 */
const safeText = chars(FREE_TEXT_UNITS, 0, 30).map((t) => t.replace(/^ +/, '').replaceAll('[', '(').replace(/"(?= |$)/g, '"x'));

const s3Time = fc.tuple(fc.integer({ min: 946684800, max: 4102444799 }), fc.integer({ min: -12 * 60, max: 14 * 60 }))
  .map(([utcSeconds, offsetMinutes]) => {
    const local = new Date((utcSeconds + offsetMinutes * 60) * 1000);
    const sign = offsetMinutes < 0 ? '-' : '+';
    const off = Math.abs(offsetMinutes);
    const text = `[${pad(local.getUTCDate(), 2)}/${MONTHS[local.getUTCMonth()]}/${local.getUTCFullYear()}:` +
      `${pad(local.getUTCHours(), 2)}:${pad(local.getUTCMinutes(), 2)}:${pad(local.getUTCSeconds(), 2)} ${sign}${pad(Math.floor(off / 60), 2)}${pad(off % 60, 2)}]`;
    return { text, nine: new Date(utcSeconds * 1000).toISOString().slice(0, 19) + '.000000000Z' };
  });

const requester = fc.oneof(
  chars('0123456789abcdef', 64, 64),
  fc.tuple(chars(DIGITS, 12, 12), chars(LOWER + DIGITS + '-_', 1, 12)).map(([account, name]) => `arn:aws:iam::${account}:user/${name}`),
  fc.constant('AmazonS3'),
  chars(UPPER + DIGITS, 13, 13).map((id) => `arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E${id}`),
);

const hostId = fc.oneof(
  fc.tuple(chars(BASE64, 16, 76), fc.constantFrom('', '=', '==')).map(([data, padding]) => data + padding),
  // as S3 wrote it on some 2019 console requests: an IAM unique id, then the base64 id
  fc.tuple(fc.constantFrom('AIDA', 'AROA'), chars(UPPER + DIGITS, 17, 17), chars(BASE64, 16, 76)).map(([p, id, data]) => `${p}${id} ${data}==`),
);

/** The tail after the user agent, in AWS's order; a line keeps `cut` of them. */
const tail = fc.record({
  versionid: orDash(chars(LOWER + UPPER + DIGITS + '._-+/=', 1, 32).filter((v) => v !== '-')),
  hostid: orDash(hostId),
  signatureversion: orDash(fc.constantFrom('SigV2', 'SigV4')),
  ciphersuite: orDash(fc.constantFrom('ECDHE-RSA-AES128-GCM-SHA256', 'AES128-SHA', 'TLS_AES_128_GCM_SHA256')),
  authenticationtype: orDash(fc.constantFrom('AuthHeader', 'QueryString')),
  hostheader: orDash(fc.constantFrom('amzn-s3-demo-bucket.s3.us-east-1.amazonaws.com', 's3.amazonaws.com', '192.0.2.200', 'www.example.com:8443')),
  tlsVersion: orDash(fc.constantFrom('TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3', 'TLSV1.2')),
  accessPointArn: orDash(fc.constant('arn:aws:s3:us-east-1:123456789012:accesspoint/example-ap')),
  aclRequired: orDash(fc.constant('Yes')),
  sourceRegion: orDash(fc.constantFrom('us-east-1', 'eu-west-3', 'us-gov-west-1')),
});
const TAIL_KEYS = ['versionid', 'hostid', 'signatureversion', 'ciphersuite', 'authenticationtype', 'hostheader', 'tlsVersion',
  'accessPointArn', 'aclRequired', 'sourceRegion'] as const;

interface GeneratedLine {
  line: string;
  /** The fields the record must hold, exactly (absent ones left out). */
  expect: Record<string, unknown>;
}

/** A valid S3 line built from `text`-generated free texts, and the record it must give. */
function s3Line(text: fc.Arbitrary<string>): fc.Arbitrary<GeneratedLine> {
  return fc.record({
    owner: orDash(chars('0123456789abcdef', 64, 64)),
    bucket: chars(LOWER + DIGITS + '.-', 3, 20).filter((b) => b !== '-'),
    time: s3Time,
    remote: orDash(fc.oneof(fc.ipV4(), fc.ipV6())),
    requester: orDash(requester),
    requestId: chars(UPPER + DIGITS, 16, 16),
    operation: fc.constantFrom('REST.GET.OBJECT', 'REST.PUT.OBJECT', 'S3.EXPIRE.OBJECT', 'S3.COMPUTE.OBJECT.CHECKSUM', 'BATCH.DELETE.OBJECT'),
    key: orDash(chars(LOWER + DIGITS + '/%._-', 1, 30).filter((k) => k !== '-')),
    requestUri: fc.oneof(text, fc.constant(undefined)), // undefined: written as an unquoted `-`
    status: orDash(fc.integer({ min: 100, max: 599 })),
    errorCode: orDash(fc.constantFrom('NoSuchKey', 'AccessDenied', 'XAmzContentSHA256Mismatch')),
    numbers: fc.tuple(orDash(fc.nat()), orDash(fc.nat()), orDash(fc.nat({ max: 999999 })), orDash(fc.nat({ max: 999999 }))),
    referrer: text,
    userAgent: text,
    tail,
    cut: fc.integer({ min: 0, max: TAIL_KEYS.length }),
    extra: fc.array(chars(LOWER + DIGITS + '-', 1, 8), { maxLength: 2 }),
  }).map((r) => {
    const d = (v: unknown): string => (v === undefined ? '-' : String(v));
    const [sent, size, total, turnaround] = r.numbers;
    const tailValues = TAIL_KEYS.slice(0, r.cut).map((k) => d(r.tail[k]));
    const extra = r.cut === TAIL_KEYS.length ? r.extra : [];
    const fields = [
      d(r.owner), r.bucket, r.time.text, d(r.remote), d(r.requester), r.requestId, r.operation, d(r.key),
      r.requestUri === undefined ? '-' : `"${r.requestUri}"`, d(r.status), d(r.errorCode), d(sent), d(size), d(total), d(turnaround),
      `"${r.referrer}"`, `"${r.userAgent}"`, ...tailValues, ...extra,
    ];
    const text = (v: string | undefined): string | undefined => (v === '-' ? undefined : v);
    const expect: Record<string, unknown> = {
      bucketowner: r.owner, bucket: r.bucket, time: r.time.nine, remoteip: r.remote, requester: r.requester, requestid: r.requestId,
      operation: r.operation, key: r.key, requesturi: text(r.requestUri), httpstatus: r.status, errorcode: r.errorCode,
      bytessent: sent, objectsize: size, totaltime: total, turnaroundtime: turnaround,
      referrer: text(r.referrer), useragent: text(r.userAgent),
      additionalFields: extra.length > 0 ? extra : undefined,
    };
    for (const k of TAIL_KEYS.slice(0, r.cut)) expect[k] = r.tail[k];
    return { line: fields.join(' '), expect: defined(expect) };
  });
}

function defined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

type Outcome = { kind: 'event'; fields: Fields } | { kind: 'error'; message: string };

/** Parses one line with a fresh parser (its caches must not change any result: see the sequence property). */
function parseWith(parser: ReturnType<typeof newParser>, line: string): Outcome {
  const outcomes: Outcome[] = [];
  const sink: ParseSink = {
    event: (fields) => outcomes.push({ kind: 'event', fields }),
    error: (message) => outcomes.push({ kind: 'error', message }),
    skip: () => assert.fail('an S3 line is never skipped'),
    notice: () => {},
  };
  parser.parse(line, sink);
  assert.equal(outcomes.length, 1, 'one outcome per line');
  return outcomes[0]!;
}

function newParser() {
  return findLogType('AWS.S3ServerAccess')!.createParser({});
}

test('S3 property: free texts with quotes, blanks, commas and backslashes give exactly the generated fields, or an error report', () => {
  const parser = newParser();
  let events = 0;
  fc.assert(fc.property(s3Line(freeText), (g) => {
    const outcome = parseWith(parser, g.line);
    if (outcome.kind === 'error') {
      assert.match(outcome.message, /^(field \w+: |the line ends |more than \d+ quotes )/, 'an error names the field');
      return;
    }
    events++;
    assert.deepEqual(defined(outcome.fields), g.expect, `line: ${g.line}`);
  }), params(2000));
  // Most generated lines read one way: a parser that reported everything would pass the property above.
  assert.ok(events > 0, 'some lines with inner quotes parse');
});

test('S3 property: free texts that cannot close early (inner quotes never before a blank) always parse, in every historic layout', () => {
  const parser = newParser();
  fc.assert(fc.property(s3Line(safeText), (g) => {
    const outcome = parseWith(parser, g.line);
    assert.equal(outcome.kind, 'event', `line: ${g.line}\n${outcome.kind === 'error' ? outcome.message : ''}`);
    if (outcome.kind === 'event') assert.deepEqual(defined(outcome.fields), g.expect, `line: ${g.line}`);
  }), params(2000));
});

test('S3 property: a parser gives the same outcome for a line whatever lines it read before', () => {
  fc.assert(fc.property(fc.array(s3Line(freeText), { minLength: 2, maxLength: 6 }), (lines) => {
    const shared = newParser();
    for (const g of lines) assert.deepEqual(parseWith(shared, g.line), parseWith(newParser(), g.line), `line: ${g.line}`);
  }), params(300));
});

test('S3 property: a generated line with another line spliced into it at any point is never a record with the first line\'s head and other values', () => {
  const parser = newParser();
  fc.assert(fc.property(s3Line(freeText), s3Line(freeText), fc.nat(), (a, b, at) => {
    const cut = 1 + (at % (a.line.length - 1));
    const outcome = parseWith(parser, a.line.slice(0, cut) + b.line);
    if (outcome.kind === 'error') return;
    // The only record a splice may give is the second line itself, when the cut
    // left exactly a blank-free prefix of its first token (a longer bucket owner
    // is not a canonical id, so even that is rare); never a mixture.
    const fields = defined(outcome.fields);
    assert.ok(fields.time === b.expect.time && fields.requestid === b.expect.requestid, `spliced line read as a record: ${a.line.slice(0, cut)}${b.line}`);
  }), params(2000));
});
