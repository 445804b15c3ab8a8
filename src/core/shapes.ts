// Small shape checks for values that AWS's text logs write in fixed forms
// (a TLS version, a cipher suite, a port, a region). A parser uses them to
// tell a value that belongs in a field from one that landed there because
// the fields before it shifted: a shifted field must be an error, never a
// record (issue 13, item 3).
//
// Each check is a charCode loop over the whole value (no regex, no
// backtracking): they run for several fields of every record. Keep them
// generic, documented and free of any log type's knowledge; append new ones.
import { isIpAddress } from './indicators.js';

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}

function isLower(c: number): boolean {
  return c >= 97 && c <= 122;
}

/** One or more ASCII digits, nothing else (no sign, no blanks). */
export function isDigits(s: string): boolean {
  const len = s.length;
  if (len === 0) return false;
  for (let i = 0; i < len; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
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
 * An SSL/TLS protocol version as OpenSSL names it and AWS logs it: `TLSv1`,
 * `TLSv1.1`, `TLSv1.2`, `TLSv1.3` (and the older `SSLv3`). Later versions in
 * the same form (`TLSv1.4`) pass; `TLS1.2`, `tlsv1.2` and `1.2` do not.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 */
export function isTlsProtocolVersion(s: string): boolean {
  if (s === 'TLSv1.2' || s === 'TLSv1.3') return true; // nearly every line
  let i: number;
  if (s.startsWith('TLSv')) i = 4;
  else if (s.startsWith('SSLv')) i = 4;
  else return false;
  const len = s.length;
  const major = i;
  while (i < len && isDigit(s.charCodeAt(i))) i++;
  if (i === major) return false;
  if (i === len) return true;
  if (s.charCodeAt(i) !== 46) return false;
  const minor = ++i;
  while (i < len && isDigit(s.charCodeAt(i))) i++;
  return i > minor && i === len;
}

/**
 * A cipher suite name as OpenSSL or IANA writes it: an upper-case letter,
 * then upper-case letters, digits, `-` and `_`, at most 128 characters
 * (`ECDHE-RSA-AES128-GCM-SHA256`, `AES128-SHA`, `TLS_AES_128_GCM_SHA256`).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html
 */
export function isCipherSuiteName(s: string): boolean {
  const len = s.length;
  if (len === 0 || len > 128 || !isUpper(s.charCodeAt(0))) return false;
  for (let i = 1; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || CIPHER_CHARS[c] === 0) return false;
  }
  return true;
}

/** A-Z, 0-9, `-`, `_` (one lookup per character: this runs on every TLS line). */
const CIPHER_CHARS = (() => {
  const table = new Uint8Array(128);
  for (let c = 65; c <= 90; c++) table[c] = 1;
  for (let c = 48; c <= 57; c++) table[c] = 1;
  table[45] = 1;
  table[95] = 1;
  return table;
})();

/**
 * An AWS region code: lower-case words joined by `-`, ending in a number
 * (`us-east-1`, `us-gov-west-1`, `cn-northwest-1`, `ap-southeast-4`). At
 * least two words before the number, at most 32 characters.
 * https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html
 */
export function isAwsRegion(s: string): boolean {
  const len = s.length;
  if (len < 6 || len > 32) return false;
  let words = 0;
  let i = 0;
  for (;;) {
    const start = i;
    while (i < len && isLower(s.charCodeAt(i))) i++;
    if (i === start || i === len || s.charCodeAt(i) !== 45) return false;
    words++;
    i++;
    if (i < len && isDigit(s.charCodeAt(i))) break;
  }
  return words >= 2 && isDigits(s.slice(i));
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
