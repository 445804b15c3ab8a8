// What every OCSF mapping shares: the base attributes of a class (OCSF.md §3),
// metadata, the cloud profile, times, endpoints, the observables made from
// the record's p_any_* indicators, and `unmapped`. Facts: the OCSF 1.1.0
// schema (events/base_event.json, objects/metadata.json, objects/cloud.json,
// objects/observable.json, dictionary.json) as summarized in OCSF.md.
import { OCSF_VERSION, type OcsfClass } from './classes.js';

export type Fields = Record<string, unknown>;
/** An OCSF event or object under construction. */
export type Ocsf = Record<string, unknown>;

/**
 * Sets `obj[key] = value` as an own data property even for `__proto__`, and
 * skips undefined: source field names (a VPC header's unknown names, JSON
 * keys) are hostile, and a plain assignment of `__proto__` would change the
 * object's prototype instead of adding a key JSON.stringify writes.
 */
export function put(obj: Ocsf, key: string, value: unknown): void {
  if (value === undefined) return;
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** A string field of a record, or undefined (absent, or another type). */
export function str(r: Fields | undefined, key: string): string | undefined {
  const v = r?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** A number field (a JS number) of a record, or undefined. */
export function num(r: Fields | undefined, key: string): number | undefined {
  const v = r?.[key];
  return typeof v === 'number' ? v : undefined;
}

/** A nested plain object (not an array), or undefined. */
export function obj(r: Fields | undefined, key: string): Fields | undefined {
  const v = r?.[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Fields) : undefined;
}

const NINE_DIGIT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.(\d{3})\d{6}Z$/;

/**
 * Epoch milliseconds (OCSF timestamp_t, dictionary.json `types`) of an
 * awslogs time, `2024-06-20T16:13:20.123456789Z` (always nine digits, UTC):
 * the sub-millisecond digits are truncated toward the past (OCSF.md §3).
 * Undefined for any other text.
 */
export function epochMs(t: string): number | undefined {
  const m = NINE_DIGIT.exec(t);
  if (m === null) return undefined;
  const ms = Date.parse(`${m[1]!}.${m[2]!}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * `name` (epoch ms) and `name_dt` (the nine-digit RFC 3339 text, full
 * precision: the datetime profile's sibling) from an awslogs time.
 */
export function putTime(into: Ocsf, name: string, t: string | undefined): void {
  if (t === undefined) return;
  const ms = epochMs(t);
  if (ms === undefined) return;
  into[name] = ms;
  into[`${name}_dt`] = t;
}

export interface Product {
  name: string;
  feature?: string;
  version?: string;
  featureUid?: string;
}

export interface BaseEvent {
  cls: OcsfClass;
  activityId: number;
  /** activity_name when it is not the class's caption for activityId (99 Other: the source's word). */
  activityName?: string;
  severityId: number;
  product: Product;
  /** metadata.uid, event_code, log_version, correlation_uid. */
  metadata?: { uid?: string; eventCode?: string; logVersion?: string; correlationUid?: string };
  cloud?: { region?: string; zone?: string; accountUid?: string };
}

const SEVERITY: Readonly<Record<number, string>> = { 0: 'Unknown', 1: 'Informational', 2: 'Low', 3: 'Medium', 4: 'High', 5: 'Critical', 6: 'Fatal', 99: 'Other' };

/**
 * The attributes every event has (OCSF.md §3): classification (type_uid =
 * class_uid × 100 + activity_id), severity, `time`/`time_dt` from the
 * record's p_event_time, `metadata` (version 1.1.0, product, profiles,
 * log_name = the awslogs log type) and `cloud` (provider AWS).
 */
export function baseEvent(record: Fields, b: BaseEvent): Ocsf {
  const { cls, activityId } = b;
  const activityName = b.activityName ?? cls.activities[activityId] ?? 'Other';
  const event: Ocsf = {
    activity_id: activityId,
    activity_name: activityName,
    category_uid: cls.categoryUid,
    category_name: cls.categoryName,
    class_uid: cls.uid,
    class_name: cls.caption,
    type_uid: cls.uid * 100 + activityId,
    type_name: `${cls.caption}: ${activityName}`,
    severity_id: b.severityId,
    severity: SEVERITY[b.severityId] ?? 'Other',
  };
  putTime(event, 'time', str(record, 'p_event_time'));
  event.timezone_offset = 0;
  event.metadata = metadata(record, b);
  event.cloud = cloud(b.cloud);
  return event;
}

function metadata(record: Fields, b: BaseEvent): Ocsf {
  const product: Ocsf = { vendor_name: 'AWS', name: b.product.name };
  if (b.product.feature !== undefined || b.product.featureUid !== undefined) {
    const feature: Ocsf = {};
    put(feature, 'name', b.product.feature);
    put(feature, 'uid', b.product.featureUid);
    product.feature = feature;
  }
  put(product, 'version', b.product.version);
  const m: Ocsf = { version: OCSF_VERSION, product, profiles: [...b.cls.profiles] };
  put(m, 'log_name', str(record, 'p_log_type'));
  put(m, 'uid', b.metadata?.uid);
  put(m, 'event_code', b.metadata?.eventCode);
  put(m, 'log_version', b.metadata?.logVersion);
  put(m, 'correlation_uid', b.metadata?.correlationUid);
  return m;
}

const AWS_ACCOUNT = /^\d{12}$/;

function cloud(c: BaseEvent['cloud']): Ocsf {
  const out: Ocsf = { provider: 'AWS' };
  put(out, 'region', c?.region);
  put(out, 'zone', c?.zone);
  if (c?.accountUid !== undefined && AWS_ACCOUNT.test(c.accountUid)) {
    out.account = { uid: c.accountUid, type_id: 10, type: 'AWS Account' };
  }
  return out;
}

/** `{uid, type_id: 10, type: "AWS Account"}` (objects/account.json) for a 12-digit id, else undefined. */
export function awsAccount(id: string | undefined): Ocsf | undefined {
  return id !== undefined && AWS_ACCOUNT.test(id) ? { uid: id, type_id: 10, type: 'AWS Account' } : undefined;
}

/** The p_ fields that OCSF has a place for: p_log_type (metadata.log_name), p_event_time (time), p_any_* (observables). */
const PLACED_P_FIELDS = new Set([
  'p_log_type', 'p_event_time',
  'p_any_ip_addresses', 'p_any_domain_names', 'p_any_sha1_hashes', 'p_any_md5_hashes',
  'p_any_aws_account_ids', 'p_any_aws_instance_ids', 'p_any_aws_arns', 'p_any_aws_tags',
]);

/**
 * `unmapped`: every field of the native record that the mapping did not
 * place (`mapped`), keyed by its awslogs name and nested as in the record
 * (values are copied as they are, not walked: a deep CloudTrail document
 * costs one reference). p_row_id, p_parse_time and p_source_* go here too.
 * `extra` adds the parts of partly mapped objects (their unplaced members).
 */
export function unmapped(record: Fields, mapped: ReadonlySet<string>, extra?: Ocsf): Ocsf | undefined {
  const out: Ocsf = {};
  let any = false;
  for (const key of Object.keys(record)) {
    if (mapped.has(key) || PLACED_P_FIELDS.has(key)) continue;
    if (extra !== undefined && Object.hasOwn(extra, key)) continue;
    put(out, key, record[key]);
    any = true;
  }
  if (extra !== undefined) {
    for (const key of Object.keys(extra)) {
      if (extra[key] === undefined) continue;
      put(out, key, extra[key]);
      any = true;
    }
  }
  return any ? out : undefined;
}

/** The members of `o` other than `placed` (a partly mapped object's rest for `unmapped`), or undefined when none are left. */
export function rest(o: Fields | undefined, placed: readonly string[]): Ocsf | undefined {
  if (o === undefined) return undefined;
  const out: Ocsf = {};
  let any = false;
  for (const key of Object.keys(o)) {
    if (placed.includes(key)) continue;
    put(out, key, o[key]);
    any = true;
  }
  return any ? out : undefined;
}

/** observable.type_id per p_any_* field (OCSF.md §4; 1.1.0 has no account-id or tag type: 99 Other with `type`). */
const OBSERVABLE_KINDS: ReadonlyArray<readonly [field: string, typeId: number, type: string]> = [
  ['p_any_ip_addresses', 2, 'IP Address'],
  ['p_any_domain_names', 1, 'Hostname'],
  ['p_any_sha1_hashes', 8, 'Hash'],
  ['p_any_md5_hashes', 8, 'Hash'],
  ['p_any_aws_account_ids', 99, 'AWS Account ID'],
  ['p_any_aws_instance_ids', 10, 'Resource UID'],
  ['p_any_aws_arns', 10, 'Resource UID'],
  ['p_any_aws_tags', 99, 'AWS Tag'],
];

/** Most attribute values looked at to name an observable's place: a huge document is not searched whole. */
const PATH_SEARCH_LIMIT = 5000;

/**
 * Where each string value sits in the event (`src_endpoint.ip`,
 * `resources.uid`; array indices left out, as OCSF observable names are
 * attribute paths), found breadth first, so the shortest path wins, with
 * `unmapped` searched last. Iterative and bounded: no stack to overflow.
 */
function valuePaths(event: Ocsf): Map<string, string> {
  const found = new Map<string, string>();
  const queue: Array<[unknown, string]> = [];
  for (const key of Object.keys(event)) if (key !== 'unmapped' && key !== 'observables') queue.push([event[key], key]);
  if (event.unmapped !== undefined) queue.push([event.unmapped, 'unmapped']);
  let seen = 0;
  for (let i = 0; i < queue.length && seen < PATH_SEARCH_LIMIT; i++, seen++) {
    const [value, path] = queue[i]!;
    if (typeof value === 'string') {
      if (!found.has(value)) found.set(value, path);
    } else if (Array.isArray(value)) {
      for (const item of value) queue.push([item, path]);
    } else if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) queue.push([(value as Fields)[key], `${path}.${key}`]);
    }
  }
  return found;
}

/**
 * `observables[]` (objects/observable.json): one per p_any_* indicator of the
 * record, `{name, type_id, type, value}`; `name` is where the value sits in
 * the event, or the p_any_* field's name when it sits nowhere else (an
 * indicator found inside a value the mapping copied whole is still found).
 */
export function observables(record: Fields, event: Ocsf): Ocsf[] | undefined {
  let paths: Map<string, string> | undefined;
  const out: Ocsf[] = [];
  for (const [field, typeId, type] of OBSERVABLE_KINDS) {
    const values = record[field];
    if (!Array.isArray(values)) continue;
    paths ??= valuePaths(event);
    for (const value of values) {
      if (typeof value !== 'string') continue;
      out.push({ name: paths.get(value) ?? field, type_id: typeId, type, value });
    }
  }
  return out.length > 0 ? out : undefined;
}

/** `ip` when the text is an IP address by the indicator rules, else `hostname` (a valid host name) or `name`. */
export function endpointFromHost(host: string, isIp: (s: string) => boolean): Ocsf {
  if (isIp(host)) return { ip: host };
  if (HOSTNAME.test(host)) return { hostname: host };
  return { name: host };
}

/** dictionary.json hostname_t's regex. */
export const HOSTNAME = /^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])$/;

/** The 1.1.0 http_method enum (objects/http_request.json): PATCH and others are not in it. */
export const HTTP_METHODS: ReadonlySet<string> = new Set(['CONNECT', 'DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'TRACE']);

/** Finishes an event: `observables` from the indicators, then `unmapped` last (as the class files list it). */
export function finish(record: Fields, event: Ocsf, rest: Ocsf | undefined): Ocsf {
  if (rest !== undefined) event.unmapped = rest;
  const obs = observables(record, event);
  if (obs !== undefined) {
    // Keep unmapped last in the line: observables before it.
    delete event.unmapped;
    event.observables = obs;
    if (rest !== undefined) event.unmapped = rest;
  }
  return event;
}
