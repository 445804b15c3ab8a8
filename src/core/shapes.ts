// Shape checks for values that AWS writes into its text logs: enough to tell
// whether a token can be a given field (issue 13: "a value that lands in a
// field must look like that field"), not full validators. They know no log
// type. Each takes a string and, optionally, a range [start, end) of it, so a
// parser can test a token in place before it decides to slice it; the range
// defaults to the whole string. Every check is one bounded pass over the
// characters: no regular expressions, no backtracking. A parser uses them to
// tell a value that belongs in a field from one that landed there because
// the fields before it shifted: a shifted field must be an error, never a
// record. Keep them generic and documented; append new ones.
import { isIpAddress } from './indicators.js';

/** A set of ASCII characters, as a table indexed by char code (non-ASCII is never in it). */
export type CharSet = Uint8Array;

/** The set of the characters in `chars` (ASCII only). */
export function charSet(chars: string): CharSet {
  const set = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) set[chars.charCodeAt(i) & 127] = 1;
  return set;
}

/**
 * Where the run of characters in `set` that begins at `start` ends: the
 * first index at or after `start` (and before `end`) whose character is not
 * in the set, or `end`. Lets a parser check a token and find its end in one
 * pass.
 */
export function runEnd(set: CharSet, s: string, start = 0, end = s.length): number {
  let i = start;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c > 127 || set[c] === 0) break;
    i++;
  }
  return i;
}

/** True when every character of s[start, end) is in `set` (true for an empty range). */
export function onlyCharsIn(set: CharSet, s: string, start = 0, end = s.length): boolean {
  return runEnd(set, s, start, end) === end;
}

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';

// The character sets of the shapes below, for parsers that scan a token with
// runEnd and then test its other constraints (length, first character).
export const DIGIT_SET = charSet(DIGITS);
export const ALNUM_SET = charSet(DIGITS + UPPER + LOWER);
/** Standard base64 without the `=` padding. */
export const BASE64_SET = charSet(DIGITS + UPPER + LOWER + '+/');
export const HEX_SET = charSet(DIGITS + 'abcdefABCDEF');
export const CIPHER_SUITE_SET = charSet(DIGITS + UPPER + '-_');
export const HOST_HEADER_SET = charSet(DIGITS + UPPER + LOWER + '.-_:[]');
export const AWS_REGION_SET = charSet(DIGITS + LOWER + '-');
export const TLS_VERSION_SET = charSet(DIGITS + 'TLSSLVv.');
const UPPER_ALNUM_SET = charSet(DIGITS + UPPER);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

/**
 * `1`…`maxDigits` ASCII digits (no sign, no blanks): a count or a duration
 * as logs write them. With `maxDigits` at most 15 the value is exact as a
 * JavaScript number.
 */
export function isDigits(s: string, start = 0, end = s.length, maxDigits = 15): boolean {
  const n = end - start;
  return n >= 1 && n <= maxDigits && onlyCharsIn(DIGIT_SET, s, start, end);
}

/**
 * Standard base64 (`A–Z a–z 0–9 + /`) with at most two `=` of padding at the
 * end; not empty. S3's host id (`x-amz-id-2`) has this shape.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html (Host Id)
 */
export function isBase64(s: string, start = 0, end = s.length): boolean {
  return end > start && base64End(s, start, end) === end;
}

/**
 * Where the base64 text that begins at `start` ends (its characters, then at
 * most two `=`), or `start` when there is none.
 */
export function base64End(s: string, start = 0, end = s.length): number {
  const data = runEnd(BASE64_SET, s, start, end);
  if (data === start) return start;
  let i = data;
  while (i < end && i - data < 2 && s.charCodeAt(i) === 61) i++; // '='
  return i;
}

/** The four-letter prefixes of IAM unique ids (AIDA user, AROA role, ASIA temporary key, …). */
const IAM_ID_PREFIXES = new Set(['ABIA', 'ACCA', 'AGPA', 'AIDA', 'AIPA', 'AKIA', 'ANPA', 'ANVA', 'APKA', 'AROA', 'ASCA', 'ASIA']);

/**
 * An IAM unique id: a known four-letter prefix then upper-case letters and
 * digits, 16–128 characters in all (AWS's are 21: `AIDAJQABLZS4A3QDU576Q`).
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids
 */
export function isIamUniqueId(s: string, start = 0, end = s.length): boolean {
  const n = end - start;
  return n >= 16 && n <= 128 && s.charCodeAt(start) === 65 && onlyCharsIn(UPPER_ALNUM_SET, s, start, end) &&
    IAM_ID_PREFIXES.has(s.slice(start, start + 4));
}

/**
 * An AWS canonical user id: exactly 64 hex digits (S3 writes them in lower
 * case; upper case is accepted).
 * https://docs.aws.amazon.com/accounts/latest/reference/manage-acct-identifiers.html
 */
export function isCanonicalUserId(s: string, start = 0, end = s.length): boolean {
  return end - start === 64 && onlyCharsIn(HEX_SET, s, start, end);
}

/**
 * A TLS or SSL protocol version as servers log it: `TLSv1`, `TLSv1.1`,
 * `TLSv1.2`, `TLSv1.3`, `SSLv3`. AWS's own S3 examples write `TLSV1.2`, so
 * the `v` may be upper case.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html (TLS version)
 */
export function isTlsVersion(s: string, start = 0, end = s.length): boolean {
  const n = end - start;
  if (n !== 5 && n !== 7) return false;
  const tls = s.startsWith('TLS', start);
  if (!tls && !s.startsWith('SSL', start)) return false;
  if ((s.charCodeAt(start + 3) | 32) !== 118 || !isDigit(s.charCodeAt(start + 4))) return false; // v
  return n === 5 || (s.charCodeAt(start + 5) === 46 && isDigit(s.charCodeAt(start + 6)));
}

/**
 * A cipher suite name, in OpenSSL's form (`ECDHE-RSA-AES128-GCM-SHA256`,
 * `AES128-SHA`) or IANA's (`TLS_AES_128_GCM_SHA256`): an upper-case letter,
 * then upper-case letters, digits, `-` and `_`; at most 100 characters.
 */
export function isCipherSuiteName(s: string, start = 0, end = s.length): boolean {
  const n = end - start;
  return n >= 2 && n <= 100 && isUpper(s.charCodeAt(start)) && onlyCharsIn(CIPHER_SUITE_SET, s, start, end);
}

/**
 * An AWS region code: a prefix of two to four lower-case letters (the
 * geography: `us`, `cn`, `eusc` in the European Sovereign Cloud), one or
 * more lower-case words, then a number of at most three digits, joined by
 * `-` (`us-east-1`, `ap-southeast-2`, `us-gov-west-1`, `us-isob-east-1`,
 * `cn-northwest-1`, `eusc-de-east-1`); at most 32 characters. An
 * Availability Zone (`us-east-1a`), a zone id (`use1-az1`) or any other
 * value is no region.
 * https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
 * https://docs.aws.amazon.com/whitepapers/latest/overview-aws-european-sovereign-cloud/
 */
export function isAwsRegion(s: string, start = 0, end = s.length): boolean {
  const n = end - start;
  if (n < 6 || n > 32) return false;
  let i = start;
  while (i < end && isLower(s.charCodeAt(i))) i++;
  const prefix = i - start;
  if (prefix < 2 || prefix > 4 || s.charCodeAt(i) !== 45) return false;
  i++;
  let words = 0;
  for (;;) {
    const wordStart = i;
    while (i < end && isLower(s.charCodeAt(i))) i++;
    if (i === wordStart || i === end || s.charCodeAt(i) !== 45) break;
    words++;
    i++;
  }
  // `i` stopped at the first character that is not a letter: the number must run to the end.
  return words >= 1 && isDigits(s, i, end, 3);
}

/**
 * A value of an HTTP Host header: a host name or IPv4 address, an IPv6
 * address (bracketed or not), optionally with `:port`. Letters, digits,
 * `.`, `-`, `_`, `:`, `[`, `]`, with at least one letter or digit; at most
 * 300 characters. A shape check only: it does not validate the address.
 */
export function isHostHeaderValue(s: string, start = 0, end = s.length): boolean {
  const n = end - start;
  if (n < 1 || n > 300 || !onlyCharsIn(HOST_HEADER_SET, s, start, end)) return false;
  for (let i = start; i < end; i++) if (ALNUM_SET[s.charCodeAt(i)] === 1) return true;
  return false;
}

/** A TCP/UDP port as text: 1 to 5 digits, 0–65535. */
export function isPort(s: string): boolean {
  const len = s.length;
  if (len === 0 || len > 5 || !isDigits(s)) return false;
  return len < 5 || Number(s) <= 65535;
}

/** An HTTP status code as logs write it: exactly three digits, 100–999 (`200`, `460`). */
export function isHttpStatusCode(s: string): boolean {
  if (s.length !== 3) return false;
  const c0 = s.charCodeAt(0);
  return c0 >= 49 && c0 <= 57 && isDigit(s.charCodeAt(1)) && isDigit(s.charCodeAt(2));
}

/**
 * The address part of an endpoint as servers log a client: `host`,
 * `host:port`, `ip:port`, `[v6]:port` or `[v6]`. Returns the host or IP as
 * written (brackets removed), or undefined when the value has no such shape.
 * The port may be a number or a word (MariaDB writes `localhost:unavailable`
 * when a socket has none).
 *
 * An unbracketed IPv6 address is taken whole: `2001:db8::1:3306` is a valid
 * address, so it is never cut into `2001:db8::1` and port 3306. Only a value
 * that is not an address as a whole but is one followed by `:` and a decimal
 * port (`2001:db8::5:53422`, whose last group has five digits) is split.
 */
export function endpointHost(value: string): string | undefined {
  if (value.length === 0) return undefined;
  if (value.charCodeAt(0) === 91) return bracketedHost(value);
  const colon = value.lastIndexOf(':');
  if (colon < 0) return value;
  if (isIpAddress(value)) return value;
  const host = value.slice(0, colon);
  const port = value.slice(colon + 1);
  if (host.length === 0 || port.length === 0) return undefined;
  if (host.indexOf(':') < 0) return isPort(port) || isPortWord(port) ? host : undefined;
  // Several colons and not an address as a whole: an IPv6 address and a port, or nothing.
  return isPort(port) && isIpAddress(host) ? host : undefined;
}

/** `[v6]` or `[v6]:port` → `v6` (when it is an IPv6 address). */
function bracketedHost(value: string): string | undefined {
  const close = value.indexOf(']');
  if (close < 2) return undefined;
  const rest = value.slice(close + 1);
  if (rest.length > 0 && !(rest.charCodeAt(0) === 58 && (isPort(rest.slice(1)) || isPortWord(rest.slice(1))))) return undefined;
  const host = value.slice(1, close);
  return host.indexOf(':') >= 0 && isIpAddress(host) ? host : undefined;
}

/** A port written as a word (`unavailable`): lower-case letters only. */
function isPortWord(s: string): boolean {
  const len = s.length;
  if (len === 0 || len > 16) return false;
  for (let i = 0; i < len; i++) if (!isLower(s.charCodeAt(i))) return false;
  return true;
}

/**
 * An AWS resource id with the given prefix: `${prefix}-` then one or more
 * ASCII letters or digits, e.g. isAwsResourceId('vpc-0a1b2c3d', 'vpc') and
 * isAwsResourceId('tgw-attach-0123456789abcdef0', 'tgw-attach'). The id part
 * is not held to a length (AWS moved from 8 to 17 hex digits once already).
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html
 */
export function isAwsResourceId(value: string, prefix: string): boolean {
  const len = value.length;
  const at = prefix.length + 1;
  if (len <= at || value.charCodeAt(prefix.length) !== 45 || !value.startsWith(prefix)) return false;
  for (let i = at; i < len; i++) if (ALNUM_SET[value.charCodeAt(i)] !== 1) return false;
  return true;
}

/**
 * Something in the form of an AWS resource id whatever its type: lower-case
 * ASCII letters (`eni`, `nat`; the prefix of `tgw-attach-…` counts as `tgw`),
 * then `-`, then at least one more character. For fields that usually name
 * one kind of resource but may name another (an interface id field can hold
 * the id of the gateway that owns the traffic). Rejects IP addresses,
 * numbers, `ACCEPT` and the like, which is what a shifted field holds. Only
 * the prefix is read (this runs on every record): the caller has already
 * cut the value at white space.
 */
export function looksLikeAwsResourceId(value: string): boolean {
  const len = value.length;
  let i = 0;
  while (i < len && isLower(value.charCodeAt(i))) i++;
  return i > 0 && i < len - 1 && value.charCodeAt(i) === 45;
}

/**
 * An upper-case identifier as AWS writes enumeration values and service
 * names: `A`–`Z`, `0`–`9` and `_`, starting with a letter (`S3`,
 * `AMAZON_APPFLOW`, `ROUTE53_HEALTHCHECKS`).
 */
export function isUpperSnakeName(value: string): boolean {
  const len = value.length;
  if (len === 0) return false;
  const c0 = value.charCodeAt(0);
  if (c0 < 65 || c0 > 90) return false;
  for (let i = 1; i < len; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || isDigit(c) || c === 95)) return false;
  }
  return true;
}

/** A TCP or UDP port number: an integer from 0 to 65535. */
export function isPortNumber(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 65535;
}

/**
 * Where a dotted-quad IPv4 address that starts at `start` in s ends (the
 * index after its last digit), or -1 when the text there is not one: four
 * parts of 1–3 digits, each 0–255 without leading zeros, as node:net isIPv4
 * accepts. The address ends at the first character that is neither a digit
 * nor a dot; the caller checks that character (a space, `:`, …). For parsers
 * that read values where they lie in a line: one pass checks the address
 * and finds its end.
 */
export function dottedQuadEnd(s: string, start: number): number {
  const len = s.length;
  let dots = 0;
  let digits = 0;
  let part = 0;
  let i = start;
  for (; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      digits = 0;
      part = 0;
    } else {
      const d = c - 48;
      if (d < 0 || d > 9) break;
      if (digits === 1 && part === 0) return -1; // a leading zero
      part = part * 10 + d;
      if (++digits > 3 || part > 255) return -1;
    }
  }
  return dots === 3 && digits > 0 ? i : -1;
}
