// Indicators inside free-form JSON (CloudTrail requestParameters and
// responseElements, GuardDuty resource and service): a walk over the parsed
// value that looks at keys and string values. It uses an explicit stack, not
// recursion, and is bounded in depth and in values visited, because these
// blobs come from the input and can be huge or deeply nested.
//
// The key rules follow where AWS puts the values (LOGTYPES.md), the same set
// Panther's extractor used (`"ipAddressV4": // found in GuardDuty findings`):
// - any string that is an ARN → ARN (and, through the collector, its
//   account id and an `instance/i-…` resource's instance id);
// - `instanceId`, `*InstanceId`, `instance-id` → instance id;
// - `accountId`, `*AccountId`, `account`, `ownerId` (EC2's owning account) →
//   account id;
// - IP-like keys (`sourceIPAddress`, `publicIp`, `privateIpAddress`,
//   `ipAddressV4`, `ipv6Addresses`, any `*Ip`, `*IpAddress(es)`, `*Ipv4`,
//   `*Ipv6`) → IP;
// - `publicDnsName`, `privateDnsName`, any `*DnsName`, `domain` → the
//   hostname rule;
// - `tags` as `[{key, value}]` (or `Key`/`Value`, or a `{name: value}` map)
//   and EC2's `tagSet: {items: [{key, value}]}` → `key:value`.
// Every candidate is validated by the collector, so a loose key rule costs
// nothing but a check.
import { ExactNumber } from './exact_number.js';
import type { IndicatorCollector } from './indicators.js';

export interface WalkLimits {
  /** Containers nested deeper than this (below the root) are not entered. */
  readonly maxDepth: number;
  /** At most this many values (strings, numbers, containers…) are looked at per walk. */
  readonly maxValues: number;
}

export const DEFAULT_WALK_LIMITS: WalkLimits = { maxDepth: 32, maxValues: 20_000 };

/** A JSON object (not null, not an array, not a number kept as its exact text). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof ExactNumber);
}

const KIND_IP = 1;
const KIND_DOMAIN = 2;
const KIND_ACCOUNT = 4;
const KIND_INSTANCE = 8;
const KIND_TAGS = 16;
const KIND_TAG_SET = 32;

const IP_SUFFIXES = ['ip', 'ips', 'ipaddress', 'ipaddresses', 'ipaddressv4', 'ipaddressv6', 'ipv4', 'ipv6',
  'ipv4address', 'ipv6address', 'ipv4addresses', 'ipv6addresses'];

function classify(key: string): number {
  const lower = key.toLowerCase();
  let kind = 0;
  for (const suffix of IP_SUFFIXES) {
    if (lower.endsWith(suffix)) {
      kind |= KIND_IP;
      break;
    }
  }
  if (lower === 'domain' || lower.endsWith('dnsname')) kind |= KIND_DOMAIN;
  if (lower === 'account' || lower.endsWith('accountid') || lower === 'ownerid') kind |= KIND_ACCOUNT;
  if (lower.endsWith('instanceid') || lower === 'instance-id') kind |= KIND_INSTANCE;
  if (lower === 'tags') kind |= KIND_TAGS;
  if (lower === 'tagset') kind |= KIND_TAG_SET;
  return kind;
}

// Key names repeat across records: classify each once. Bounded, so random
// keys in hostile input cannot grow it without limit.
const KIND_CACHE = new Map<string, number>();
const KIND_CACHE_MAX = 8192;

function kindOf(key: string): number {
  let kind = KIND_CACHE.get(key);
  if (kind === undefined) {
    kind = classify(key);
    if (KIND_CACHE.size < KIND_CACHE_MAX) KIND_CACHE.set(key, kind);
  }
  return kind;
}

function ownString(o: Record<string, unknown>, a: string, b: string): string | undefined {
  const v = Object.hasOwn(o, a) ? o[a] : Object.hasOwn(o, b) ? o[b] : undefined;
  return typeof v === 'string' ? v : undefined;
}

/** `[{key, value}]` (any case of Key/Value), as AWS writes tag lists. */
function addTagList(list: readonly unknown[], collector: IndicatorCollector, budget: number): void {
  const count = Math.min(list.length, budget);
  for (let i = 0; i < count; i++) {
    const tag = list[i];
    if (!isJsonObject(tag)) continue;
    const key = ownString(tag, 'key', 'Key');
    const value = ownString(tag, 'value', 'Value');
    if (key !== undefined && value !== undefined) collector.addTag(key, value);
  }
}

function addTagMap(map: Record<string, unknown>, collector: IndicatorCollector, budget: number): void {
  const keys = Object.keys(map);
  const count = Math.min(keys.length, budget);
  for (let i = 0; i < count; i++) {
    const value = map[keys[i]!];
    if (typeof value === 'string') collector.addTag(keys[i]!, value);
  }
}

function addString(value: string, kind: number, collector: IndicatorCollector): void {
  if (value.length === 0) return;
  // `arn:` checked by hand: this runs for every string in the blob.
  if (value.charCodeAt(0) === 97 && value.charCodeAt(1) === 114 && value.charCodeAt(2) === 110 && value.charCodeAt(3) === 58) {
    collector.addArn(value);
  }
  if (kind === 0) return;
  if (kind & KIND_IP) collector.addIp(value);
  if (kind & KIND_DOMAIN) collector.addHostname(value);
  if (kind & KIND_ACCOUNT) collector.addAccountId(value);
  if (kind & KIND_INSTANCE) collector.addInstanceId(value);
}

// The explicit stack, reused across walks (one walk runs at a time).
const stackValues: unknown[] = [];
const stackKeys: string[] = [];
const stackDepths: number[] = [];

export interface WalkResult {
  /** Values looked at. */
  visited: number;
  /** True when a limit stopped the walk before it saw everything. */
  truncated: boolean;
}

/**
 * Adds the indicators found in `root` (any parsed JSON value) to the
 * collector. `rootKey` is the key the root sits under, so that a root
 * string or array is judged by its key too.
 */
export function walkIndicators(root: unknown, collector: IndicatorCollector, rootKey = '', limits: WalkLimits = DEFAULT_WALK_LIMITS): WalkResult {
  if (root === null || root === undefined) return { visited: 0, truncated: false };
  const maxValues = limits.maxValues;
  const maxDepth = limits.maxDepth;
  let visited = 0;
  let truncated = false;
  let sp = 0;
  stackValues[0] = root;
  stackKeys[0] = rootKey;
  stackDepths[0] = 0;
  sp = 1;
  while (sp > 0) {
    if (visited >= maxValues) {
      truncated = true;
      break;
    }
    sp--;
    const value = stackValues[sp];
    const key = stackKeys[sp]!;
    const depth = stackDepths[sp]!;
    stackValues[sp] = undefined; // let go of the blob as soon as it is seen
    visited++;
    if (typeof value === 'string') {
      addString(value, kindOf(key), collector);
      continue;
    }
    // Numbers (an ExactNumber too: a number kept as its text) hold no indicator.
    if (typeof value !== 'object' || value === null || value instanceof ExactNumber) continue;
    if (depth >= maxDepth) {
      truncated = true;
      continue;
    }
    // Values waiting on the stack are capped too, or a huge array would be
    // copied onto it whole; depth-first order frees the room as it goes.
    const room = maxValues - sp;
    if (room <= 0) {
      truncated = true;
      continue;
    }
    if (Array.isArray(value)) {
      if (kindOf(key) & KIND_TAGS) addTagList(value, collector, room);
      const count = value.length <= room ? value.length : room;
      if (count < value.length) truncated = true;
      // Strings and nested arrays are judged by the array's key
      // (`ipv6Addresses: ["…"]`); an object element is a value of its own
      // (a `{key, value}` in `tags` is not itself a tag map).
      for (let i = count - 1; i >= 0; i--) {
        const element = value[i];
        stackValues[sp] = element;
        stackKeys[sp] = isJsonObject(element) ? '' : key;
        stackDepths[sp] = depth + 1;
        sp++;
      }
      continue;
    }
    const object = value as Record<string, unknown>;
    const kind = kindOf(key);
    if (kind & KIND_TAGS) addTagMap(object, collector, room);
    if (kind & KIND_TAG_SET && Object.hasOwn(object, 'items') && Array.isArray(object.items)) addTagList(object.items, collector, room);
    const keys = Object.keys(object);
    const count = keys.length <= room ? keys.length : room;
    if (count < keys.length) truncated = true;
    for (let i = count - 1; i >= 0; i--) {
      const k = keys[i]!;
      stackValues[sp] = object[k];
      stackKeys[sp] = k;
      stackDepths[sp] = depth + 1;
      sp++;
    }
  }
  for (let i = 0; i < sp; i++) stackValues[i] = undefined;
  return { visited, truncated };
}
