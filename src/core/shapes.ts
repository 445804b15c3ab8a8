// Small checks of what a value in a text log looks like, so that a parser
// can tell a value that belongs in a field from one that shifted into it
// (issue 13: a line whose tokens do not fit the layout is an error report,
// never a record with shifted fields). Each check is a hand-written loop over
// char codes: they run on most fields of most records, and no regular
// expression here can backtrack on a hostile line. IP addresses and account
// ids are checked by ./indicators.ts (isIpAddress, isAccountId).
// Generic: no log type is named here. Append new checks at the end.

function isLowerAsciiLetter(c: number): boolean {
  return c >= 97 && c <= 122;
}

function isAsciiDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isAsciiAlphanumeric(c: number): boolean {
  return isAsciiDigit(c) || isLowerAsciiLetter(c) || (c >= 65 && c <= 90);
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
  for (let i = at; i < len; i++) if (!isAsciiAlphanumeric(value.charCodeAt(i))) return false;
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
  while (i < len && isLowerAsciiLetter(value.charCodeAt(i))) i++;
  return i > 0 && i < len - 1 && value.charCodeAt(i) === 45;
}

/**
 * An AWS Region name: two or more lower-case letter groups joined by `-`,
 * then `-` and a number: `us-east-1`, `us-gov-west-1`, `cn-northwest-1`,
 * `us-isob-east-1`. https://docs.aws.amazon.com/general/latest/gr/rande.html
 */
export function isAwsRegionName(value: string): boolean {
  const len = value.length;
  let groups = 0;
  let i = 0;
  while (i < len && isLowerAsciiLetter(value.charCodeAt(i))) {
    while (i < len && isLowerAsciiLetter(value.charCodeAt(i))) i++;
    if (i >= len || value.charCodeAt(i) !== 45) return false;
    groups++;
    i++;
  }
  if (groups < 2 || i >= len) return false;
  for (; i < len; i++) if (!isAsciiDigit(value.charCodeAt(i))) return false;
  return true;
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
    if (!((c >= 65 && c <= 90) || isAsciiDigit(c) || c === 95)) return false;
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
