// Where the handler writes: a pure function of what identifies the input, so
// that a message delivered twice (SQS and S3 notifications are at least
// once) writes the same object again instead of a second copy of its records.
//
// An S3 object:        <output prefix><bucket>/<key>.<tag>.ndjson[.gz]
// its error reports:   <errors prefix><bucket>/<key>.<tag>.errors.ndjson
//   tag: `version-<versionId>` when the bucket is versioned, else `etag-<ETag>`,
//   else `unversioned` (CloudTrail's notification names neither: its objects
//   are written once and never replaced).
// A CloudWatch Logs subscription payload (one log group and stream each):
//   <output prefix>CloudWatchLogs/<owner>/<log group>/<log stream>/<first event id>.ndjson[.gz]
//   (`CloudWatchLogs` has capitals, which no bucket name has, so it never
//   meets a bucket's folder; `/` inside the group and stream names is %2F so
//   each is one folder.)
//
// Characters of the tag, group and stream outside [A-Za-z0-9_-] are written
// %XX (the tag then holds no `.`, so reading a name from its right end gives
// key and tag back unambiguously). A name that would pass S3's 1,024-byte
// limit keeps the start of the key and a hash of the whole of it.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html
import { createHash } from 'node:crypto';
import type { S3Prefix } from './config.js';

/** S3's longest key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/** What identifies an S3 object's content. */
export interface ObjectIdentity {
  bucket: string;
  key: string;
  versionId?: string;
  eTag?: string;
}

/** What identifies a CloudWatch Logs payload. */
export interface PayloadIdentity {
  owner?: string;
  logGroup?: string;
  logStream?: string;
  /** The first log event's id (a decimal string). */
  firstEventId?: string;
}

/** Characters outside [A-Za-z0-9_-] as %XX of their UTF-8 bytes. */
function escapeSegment(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9_-]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** `version-…`, `etag-…` (quotes dropped) or `unversioned`. */
export function contentTag(id: Pick<ObjectIdentity, 'versionId' | 'eTag'>): string {
  if (id.versionId !== undefined && id.versionId !== '' && id.versionId !== 'null') return `version-${escapeSegment(id.versionId)}`;
  const eTag = id.eTag?.replace(/^"|"$/g, '');
  if (eTag !== undefined && eTag !== '') return `etag-${escapeSegment(eTag)}`;
  return 'unversioned';
}

/**
 * `start + middle + end`, with `middle` cut (at a character boundary) and
 * followed by `~` and 16 hex digits of its SHA-256 when the whole would pass
 * MAX_KEY_BYTES.
 */
function fit(start: string, middle: string, end: string): string {
  const whole = start + middle + end;
  if (Buffer.byteLength(whole) <= MAX_KEY_BYTES) return whole;
  const hash = createHash('sha256').update(middle).digest('hex').slice(0, 16);
  const room = MAX_KEY_BYTES - Buffer.byteLength(start + end) - hash.length - 1;
  if (room < 0) throw new RangeError(`an output key cannot be made under ${MAX_KEY_BYTES} bytes: the prefix and tag alone are too long`);
  const kept = Buffer.from(middle, 'utf8').subarray(0, room).toString('utf8').replace(/\uFFFD$/, '');
  return `${start}${kept}~${hash}${end}`;
}

/**
 * The normalized object's key for an S3 object (see the layout above);
 * `extension` is the output format's (`.ndjson`, `.ocsf.ndjson`), `gzip` adds `.gz`.
 */
export function outputKeyForObject(output: S3Prefix, id: ObjectIdentity, gzip: boolean, extension = '.ndjson'): string {
  return fit(`${output.prefix}${id.bucket}/`, id.key, `.${contentTag(id)}${extension}${gzip ? '.gz' : ''}`);
}

/**
 * The key of an S3 object's error reports (never gzip: a person reads them
 * first). `format`: the output format's name when it is not ndjson (`.ocsf`
 * before `.errors.ndjson`), so functions of two formats sharing a prefix do
 * not overwrite each other's reports.
 */
export function errorsKeyForObject(errors: S3Prefix, id: ObjectIdentity, format = ''): string {
  return fit(`${errors.prefix}${id.bucket}/`, id.key, `.${contentTag(id)}${format}.errors.ndjson`);
}

function payloadFolder(id: PayloadIdentity): string {
  const part = (v: string | undefined) => (v === undefined || v === '' ? '_' : escapeSegment(v));
  return `CloudWatchLogs/${part(id.owner)}/${part(id.logGroup)}/${part(id.logStream)}/`;
}

/** The normalized object's key for a CloudWatch Logs payload (`extension` as for outputKeyForObject). */
export function outputKeyForPayload(output: S3Prefix, id: PayloadIdentity, gzip: boolean, extension = '.ndjson'): string {
  return fit(`${output.prefix}`, payloadFolder(id), `${escapeSegment(id.firstEventId ?? '_')}${extension}${gzip ? '.gz' : ''}`);
}

/** The key of a CloudWatch Logs payload's error reports (`format` as for errorsKeyForObject). */
export function errorsKeyForPayload(errors: S3Prefix, id: PayloadIdentity, format = ''): string {
  return fit(`${errors.prefix}`, payloadFolder(id), `${escapeSegment(id.firstEventId ?? '_')}${format}.errors.ndjson`);
}

/** A payload that cannot be decoded is named by the hash of its data: the same data, the same name. */
export function undecodablePayloadIdentity(data: string): PayloadIdentity {
  return { logGroup: 'undecodable', firstEventId: createHash('sha256').update(data).digest('hex').slice(0, 32) };
}
