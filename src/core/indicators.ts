// The one indicator collector every log type uses. It owns the validation
// rules of OUTPUT.md ("IP by isIP", "12 ASCII digits", "ARN with six
// sections", the hostname rule) and the output behaviour: each p_any_* array
// de-duplicated, sorted by code unit order, omitted when empty.
import { isIP } from 'node:net';

/** What a declared field holds, as far as indicators go. */
export type IndicatorKind =
  | 'ip'
  // An IP address its parser has already checked with isIpAddress (and cut
  // at white space): added as it is, so a hot parser does not pay twice.
  | 'checked_ip'
  | 'domain'
  | 'hostname' // an IP goes to IPs, anything else that looks like a host to domains
  | 'url' // the URL's host, through the hostname rule
  | 'host_header' // an HTTP Host header (`host`, `host:port`, `[v6]:port`): its host, through the hostname rule
  | 'aws_account_id'
  | 'aws_instance_id'
  | 'aws_arn'
  | 'aws_arn_if_valid' // same rule as aws_arn; named for fields that may hold other text
  | 'ip_port' // `ip:port`, `[v6]:port`
  | 'aws_tag';

/** Output field names, in the order they are written. */
export const INDICATOR_FIELDS = [
  'p_any_ip_addresses',
  'p_any_domain_names',
  'p_any_sha1_hashes',
  'p_any_md5_hashes',
  'p_any_aws_account_ids',
  'p_any_aws_instance_ids',
  'p_any_aws_arns',
  'p_any_aws_tags',
] as const;
export type IndicatorField = (typeof INDICATOR_FIELDS)[number];

const enum Slot { Ip, Domain, Sha1, Md5, Account, Instance, Arn, Tag }

/**
 * Dotted-quad IPv4 exactly as node:net isIPv4 accepts it (no leading zeros,
 * each part 0–255), without its regular expression: this runs for most
 * fields of most records.
 */
export function isIPv4(s: string): boolean {
  const len = s.length;
  if (len < 7 || len > 15) return false;
  let parts = 0;
  let i = 0;
  while (i < len) {
    const start = i;
    let n = 0;
    while (i < len) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
      i++;
    }
    const digits = i - start;
    if (digits === 0 || digits > 3 || n > 255 || (digits > 1 && s.charCodeAt(start) === 48)) return false;
    parts++;
    if (i === len) break;
    if (s.charCodeAt(i) !== 46 || parts === 4) return false;
    i++;
  }
  return parts === 4 && s.charCodeAt(len - 1) !== 46;
}

/** Any IP address node:net accepts; IPv6 as written (not re-compressed). */
export function isIpAddress(s: string): boolean {
  return isIPv4(s) || (s.indexOf(':') >= 0 && isIP(s) === 6);
}

export function isAccountId(s: string): boolean {
  if (s.length !== 12) return false;
  for (let i = 0; i < 12; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** `i-` followed by 8 or 17 hex digits. */
export function isInstanceId(s: string): boolean {
  if ((s.length !== 10 && s.length !== 19) || s.charCodeAt(0) !== 105 || s.charCodeAt(1) !== 45) return false;
  for (let i = 2; i < s.length; i++) if (!isHexDigit(s.charCodeAt(i))) return false;
  return true;
}

/** `arn:partition:service:region:account:resource` — at least six sections. */
export function isArn(s: string): boolean {
  if (!s.startsWith('arn:')) return false;
  let colons = 0;
  for (let i = 0; i < s.length && colons < 5; i++) if (s.charCodeAt(i) === 58) colons++;
  return colons >= 5;
}

/** A host name as logs write them: letters, digits, `-`, `_`, `.`; no spaces. */
export function isDomainName(s: string): boolean {
  if (s.length === 0 || s.length > 253 || s === '-') return false;
  let alnum = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) alnum = true;
    else if (c !== 45 && c !== 46 && c !== 95) return false;
  }
  return alnum;
}

/** The host of an absolute URL (`scheme://[user@]host[:port]/…`), or undefined. */
export function urlHost(url: string): string | undefined {
  const scheme = url.indexOf('://');
  if (scheme <= 0) return undefined;
  let start = scheme + 3;
  let end = start;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 47 || c === 63 || c === 35 || c === 32) break; // / ? # space
    end++;
  }
  const at = url.lastIndexOf('@', end);
  if (at >= start) start = at + 1;
  if (url.charCodeAt(start) === 91) { // [v6]:port
    const close = url.indexOf(']', start);
    return close > start ? url.slice(start + 1, close) : undefined;
  }
  const colon = url.indexOf(':', start);
  if (colon >= 0 && colon < end) end = colon;
  return end > start ? url.slice(start, end) : undefined;
}

/**
 * The host of an HTTP Host header value (RFC 9110 §7.2: `uri-host [ ":"
 * port ]`): `example.com:443` → `example.com`, `192.0.2.10:8080` →
 * `192.0.2.10`, `[2001:db8::1]:443` → `2001:db8::1`; a value without a port
 * as it is. An unbracketed value that is an IP address as a whole
 * (`2001:db8::1:443`) is taken whole, never cut at its last colon. The port
 * must be a number up to 65535; undefined for anything else (`[…]x`,
 * `host:`, `host:abc`, `host:99999`), which then gives no indicator.
 */
export function hostHeaderHost(value: string): string | undefined {
  if (value.charCodeAt(0) === 91) { // [v6] or [v6]:port
    const close = value.indexOf(']');
    if (close < 2) return undefined;
    return close + 1 === value.length || (value.charCodeAt(close + 1) === 58 && isPortDigits(value, close + 2))
      ? value.slice(1, close) : undefined;
  }
  const colon = value.lastIndexOf(':');
  if (colon < 0 || isIpAddress(value)) return value;
  if (colon === 0 || value.indexOf(':') !== colon || !isPortDigits(value, colon + 1)) return undefined;
  return value.slice(0, colon);
}

/** Whether s from `start` to its end is a port: 1 to 5 ASCII digits, at most 65535. */
function isPortDigits(s: string, start: number): boolean {
  const n = s.length - start;
  if (n < 1 || n > 5) return false;
  let port = 0;
  for (let i = start; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
    port = port * 10 + c - 48;
  }
  return port <= 65535;
}

/** Splits `ip:port` on the last colon (IPv6 is logged unbracketed) or `[v6]:port`. */
export function splitHostPort(s: string): [host: string, port: string] | undefined {
  if (s.charCodeAt(0) === 91) {
    const close = s.indexOf(']');
    if (close < 0 || s.charCodeAt(close + 1) !== 58) return undefined;
    return [s.slice(1, close), s.slice(close + 2)];
  }
  const colon = s.lastIndexOf(':');
  if (colon <= 0) return undefined;
  return [s.slice(0, colon), s.slice(colon + 1)];
}

function trimmed(s: string): string {
  const c0 = s.charCodeAt(0);
  const cn = s.charCodeAt(s.length - 1);
  return c0 <= 32 || cn <= 32 ? s.trim() : s;
}

/** Adds a record's declared indicator fields to a collector: see indicatorExtractor. */
export type IndicatorExtractor = (record: Record<string, unknown>, collector: IndicatorCollector) => void;

/** A log type's indicator fields: `[field, kind]` pairs. */
export type IndicatorFields = ReadonlyArray<readonly [field: string, kind: IndicatorKind]>;

/**
 * For each `[field, kind]` (a log type's declared indicator fields), in
 * order: `collector.addAs(kind, record[field])` when the record holds a
 * value there. The fallback when the build step's extractors are missing
 * (see extractorModuleSource): in this loop `record[field]` with a
 * different key each turn is a megamorphic keyed load, measured at ~6 % of
 * a VPC run (12 fields), against ~1 % for the generated named loads.
 */
export function loopExtractor(fields: IndicatorFields): IndicatorExtractor {
  return (record, collector) => {
    for (const [field, kind] of fields) {
      const v = record[field];
      if (v !== undefined) collector.addAs(kind, v);
    }
  };
}

/**
 * The text of a CommonJS module (written at build time, as the validators
 * are: nothing is compiled from text at run time) exporting, for each
 * table name, `{ fields, extract }`: `fields` the JSON of the pairs it was
 * made from (so a stale file is noticed), `extract` the same as
 * loopExtractor with one named property load per field. Field names and
 * kinds are this tool's own constants, written as JSON string literals.
 */
export function extractorModuleSource(tables: Readonly<Record<string, IndicatorFields>>): string {
  const entries = Object.entries(tables).map(([name, fields]) => {
    const lines = fields.map(([field, kind]) =>
      `    v = record[${JSON.stringify(field)}]; if (v !== undefined) collector.addAs(${JSON.stringify(kind)}, v);`);
    return `  ${JSON.stringify(name)}: {\n    fields: ${JSON.stringify(JSON.stringify(fields))},\n    extract(record, collector) {\n    let v;\n${lines.join('\n')}\n    },\n  },`;
  });
  return `'use strict';\n// Generated by scripts/build-validators.ts from each log type's indicator fields.\nmodule.exports = {\n${entries.join('\n')}\n};\n`;
}

export class IndicatorCollector {
  private readonly slots: string[][] = [[], [], [], [], [], [], [], []];
  private used = 0;

  private add(slot: Slot, value: string): void {
    this.slots[slot]!.push(value);
    this.used |= 1 << slot;
  }

  addIp(value: string): void {
    const v = trimmed(value);
    if (isIpAddress(v)) this.add(Slot.Ip, v);
  }

  /** A value the caller has checked with isIpAddress (for 'checked_ip' fields). */
  addCheckedIp(value: string): void {
    if (value.length > 0) this.add(Slot.Ip, value);
  }

  addDomain(value: string): void {
    const v = trimmed(value);
    if (isDomainName(v) && !isIpAddress(v)) this.add(Slot.Domain, v);
  }

  /** The hostname rule: an IP is an IP, anything else host-like is a domain. */
  addHostname(value: string): void {
    const v = trimmed(value);
    if (v.length === 0) return;
    if (isIpAddress(v)) this.add(Slot.Ip, v);
    else if (isDomainName(v)) this.add(Slot.Domain, v);
  }

  addUrl(value: string): void {
    const host = urlHost(trimmed(value));
    if (host !== undefined) this.addHostname(host);
  }

  /** An HTTP Host header's host (see hostHeaderHost), by the hostname rule. */
  addHostHeader(value: string): void {
    const host = hostHeaderHost(trimmed(value));
    if (host !== undefined) this.addHostname(host);
  }

  addIpPort(value: string): void {
    const parts = splitHostPort(trimmed(value));
    if (parts !== undefined) this.addIp(parts[0]);
  }

  addAccountId(value: string): void {
    const v = trimmed(value);
    if (isAccountId(v)) this.add(Slot.Account, v);
  }

  addInstanceId(value: string): void {
    const v = trimmed(value);
    if (isInstanceId(v)) this.add(Slot.Instance, v);
  }

  /** A valid ARN, plus its account section and an `instance/i-…` resource. */
  addArn(value: string): void {
    const v = trimmed(value);
    if (!isArn(v)) return;
    this.add(Slot.Arn, v);
    // arn:partition:service:region:account:resource — isArn saw five colons.
    const c1 = v.indexOf(':', 4);
    const c2 = v.indexOf(':', c1 + 1);
    const c3 = v.indexOf(':', c2 + 1);
    const c4 = v.indexOf(':', c3 + 1);
    if (c4 - c3 === 13) {
      const account = v.slice(c3 + 1, c4);
      if (isAccountId(account)) this.add(Slot.Account, account);
    }
    if (c2 - c1 === 4 && v.startsWith('ec2', c1 + 1) && v.startsWith('instance/', c4 + 1)) this.addInstanceId(v.slice(c4 + 10));
  }

  addTag(key: string, value: string): void {
    const k = trimmed(key);
    if (k.length === 0) return;
    this.add(Slot.Tag, k + ':' + trimmed(value));
  }

  addSha1(value: string): void {
    const v = trimmed(value);
    if (v.length === 40) this.add(Slot.Sha1, v);
  }

  addMd5(value: string): void {
    const v = trimmed(value);
    if (v.length === 32) this.add(Slot.Md5, v);
  }

  /** Adds a string (or each string of an array) declared with `kind`. */
  addAs(kind: IndicatorKind, value: unknown): void {
    if (typeof value === 'string') {
      this.addOne(kind, value);
    } else if (Array.isArray(value)) {
      for (const v of value) if (typeof v === 'string') this.addOne(kind, v);
    }
  }

  private addOne(kind: IndicatorKind, value: string): void {
    switch (kind) {
      case 'ip': return this.addIp(value);
      case 'checked_ip': return this.addCheckedIp(value);
      case 'domain': return this.addDomain(value);
      case 'hostname': return this.addHostname(value);
      case 'url': return this.addUrl(value);
      case 'host_header': return this.addHostHeader(value);
      case 'aws_account_id': return this.addAccountId(value);
      case 'aws_instance_id': return this.addInstanceId(value);
      case 'aws_arn':
      case 'aws_arn_if_valid': return this.addArn(value);
      case 'ip_port': return this.addIpPort(value);
      case 'aws_tag': {
        const colon = value.indexOf(':');
        return colon > 0 ? this.addTag(value.slice(0, colon), value.slice(colon + 1)) : undefined;
      }
    }
  }

  /**
   * Appends the non-empty p_any_* arrays to `record` (sorted, de-duplicated)
   * and empties the collector for the next record.
   */
  writeTo(record: Record<string, unknown>): void {
    if (this.used === 0) return;
    // Named stores, not record[name]: V8 turns an object with more than 12
    // out-of-object properties added by keyed stores into a slow dictionary,
    // which made validation and JSON.stringify 2-3x slower per record.
    const used = this.used;
    if (used & (1 << Slot.Ip)) record.p_any_ip_addresses = this.take(Slot.Ip);
    if (used & (1 << Slot.Domain)) record.p_any_domain_names = this.take(Slot.Domain);
    if (used & (1 << Slot.Sha1)) record.p_any_sha1_hashes = this.take(Slot.Sha1);
    if (used & (1 << Slot.Md5)) record.p_any_md5_hashes = this.take(Slot.Md5);
    if (used & (1 << Slot.Account)) record.p_any_aws_account_ids = this.take(Slot.Account);
    if (used & (1 << Slot.Instance)) record.p_any_aws_instance_ids = this.take(Slot.Instance);
    if (used & (1 << Slot.Arn)) record.p_any_aws_arns = this.take(Slot.Arn);
    if (used & (1 << Slot.Tag)) record.p_any_aws_tags = this.take(Slot.Tag);
    this.used = 0;
  }

  private take(slot: Slot): string[] {
    const values = sortedUnique(this.slots[slot]!);
    this.slots[slot] = [];
    return values;
  }

  /** Drops whatever was collected (a record that turned out to be an error). */
  clear(): void {
    if (this.used === 0) return;
    for (let slot = 0; slot < 8; slot++) if (this.slots[slot]!.length) this.slots[slot] = [];
    this.used = 0;
  }
}

function sortedUnique(values: string[]): string[] {
  const n = values.length;
  if (n === 1) return values;
  if (n <= 8) {
    // Most records have a handful: an insertion sort beats Array#sort's set-up.
    // `<` on strings compares UTF-16 code units: the order OUTPUT.md asks for.
    for (let i = 1; i < n; i++) {
      const v = values[i]!;
      let j = i - 1;
      while (j >= 0 && values[j]! > v) {
        values[j + 1] = values[j]!;
        j--;
      }
      values[j + 1] = v;
    }
  } else {
    values.sort(); // default sort compares UTF-16 code units too
  }
  let w = 1;
  for (let r = 1; r < values.length; r++) if (values[r] !== values[w - 1]) values[w++] = values[r]!;
  values.length = w;
  return values;
}
