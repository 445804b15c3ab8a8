// Every way a Lambda function hears of new log data, turned into a list of
// work items: S3 objects to normalize, or CloudWatch Logs payloads.
//
// Shapes (each a JSON document the Lambda runtime has already parsed):
// - S3 event notification `{"Records":[{"eventSource":"aws:s3","s3":{…}}]}`;
//   keys are URL-encoded with `+` for a space.
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
// - SNS `{"Records":[{"EventSource":"aws:sns","Sns":{"Message":"<JSON text>"}}]}`.
//   https://docs.aws.amazon.com/lambda/latest/dg/with-sns.html
// - SQS `{"Records":[{"eventSource":"aws:sqs","messageId","body":"<JSON text>"}]}`,
//   the body an S3 event, an SNS envelope (`{"Type":"Notification","Message":…}`),
//   an EventBridge event, or CloudTrail's notification.
//   https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html
// - EventBridge `{"source":"aws.s3","detail-type":"Object Created","detail":{…}}`;
//   keys are as written (not URL-encoded).
//   https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
// - CloudTrail's SNS notification `{"s3Bucket":"…","s3ObjectKey":["…"]}`.
//   https://docs.aws.amazon.com/awscloudtrail/latest/userguide/configure-sns-notifications-for-cloudtrail.html
// - `s3:TestEvent`, sent when a notification is configured: skipped.
// - CloudWatch Logs subscription `{"awslogs":{"data":"<base64 gzip>"}}`.
//   https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html
//
// Every body is hostile: fields are read only when they are the object's own
// (a `__proto__` or `toString` key is data, never a prototype's), nothing is
// merged or copied from it, and sizes are bounded before anything is parsed.
import { describeJsonValue } from '../core/exact_number.js';
import { quoteValue } from '../core/errors.js';

/** An S3 object to normalize. */
export interface S3ObjectItem {
  kind: 's3-object';
  bucket: string;
  /** The object key, decoded (as S3 stores it, not as the notification spells it). */
  key: string;
  versionId?: string;
  /** The ETag without its quotes. */
  eTag?: string;
  /** Bytes, as the event says. */
  size?: number;
  /** The SQS message it came in (for batchItemFailures). */
  messageId?: string;
  /** Where in the event it was found: `Records[2].body.Message.Records[0]`. */
  where: string;
}

/** A CloudWatch Logs subscription payload (still base64 of gzip). */
export interface LogEventsItem {
  kind: 'log-events';
  /** `awslogs.data`, not decoded yet. */
  data: string;
  messageId?: string;
  where: string;
}

export type WorkItem = S3ObjectItem | LogEventsItem;

/** Something in the event that is not work and not an error, counted and said once. */
export interface EventSkip {
  where: string;
  reason: string;
  messageId?: string;
}

/** A part of the event that cannot be read: for SQS, only its message fails. */
export interface EventProblem {
  where: string;
  error: string;
  messageId?: string;
}

export interface ParsedEvent {
  /** The outer shape: `S3`, `SNS`, `SQS`, `EventBridge`, `CloudTrail`, `CloudWatchLogs`, `S3TestEvent`. */
  shape: string;
  items: WorkItem[];
  skipped: EventSkip[];
  problems: EventProblem[];
  /** For SQS: every message id in the batch, in order. */
  messageIds: string[];
}

/** The most records an event may hold: an SQS batch holds at most 10,000 messages. */
export const MAX_RECORDS = 10_000;
/** The longest JSON text parsed from a message: SQS and SNS bodies are at most 1 MiB (SQS) or 256 KiB (SNS). */
export const MAX_BODY_CHARS = 1024 * 1024;
/** The longest S3 key: 1,024 bytes of UTF-8; its URL-encoded form is at most three times that. */
export const MAX_KEY_BYTES = 1024;
/** The longest bucket name. */
const MAX_BUCKET_CHARS = 63;
/** The longest versionId or ETag kept: AWS's are under 1,024 characters. */
const MAX_TAG_CHARS = 1024;

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field the object itself holds; an inherited one (`toString`, `__proto__`'s) is absent. */
function own(o: Obj, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, name) ? o[name] : undefined;
}

/** An error raised inside the readers below: caught at the level that knows the message id. */
class ShapeError extends Error {
  constructor(readonly where: string, message: string) {
    super(message);
  }
}

function fail(where: string, expected: string, found: unknown): never {
  throw new ShapeError(where, `${where}: expected ${expected}, found ${describeJsonValue(found)}`);
}

function needObject(o: Obj, name: string, where: string): Obj {
  const v = own(o, name);
  return isObject(v) ? v : fail(`${where}.${name}`, 'an object', v);
}

function needString(o: Obj, name: string, where: string, max: number): string {
  const v = own(o, name);
  if (typeof v !== 'string' || v.length === 0) return fail(`${where}.${name}`, 'a non-empty string', v);
  if (v.length > max) throw new ShapeError(`${where}.${name}`, `${where}.${name}: ${v.length} characters, more than the ${max} allowed`);
  return v;
}

function optionalString(o: Obj, name: string, where: string, max: number): string | undefined {
  const v = own(o, name);
  if (v === undefined || v === null || v === '') return undefined;
  return needString(o, name, where, max);
}

function optionalSize(o: Obj, name: string, where: string): number | undefined {
  const v = own(o, name);
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : fail(`${where}.${name}`, 'a size in bytes', v);
}

/** The bucket name, checked against S3's naming rules' alphabet (so it is safe in a key and a message). */
function bucketName(name: string, where: string): string {
  if (name.length > MAX_BUCKET_CHARS || !/^[a-z0-9][a-z0-9.-]*$/.test(name)) {
    throw new ShapeError(where, `${where}: ${quoteValue(name)} is not an S3 bucket name (3 to 63 of a-z, 0-9, '.', '-')`);
  }
  return name;
}

/** A key as stored, from the notification's URL-encoded form (`+` is a space, `%2B` a plus). */
export function decodeNotificationKey(encoded: string, where: string): string {
  let key: string;
  try {
    key = decodeURIComponent(encoded.replace(/\+/g, ' '));
  } catch {
    throw new ShapeError(where, `${where}: ${quoteValue(encoded)} is not URL-encoded as S3 event notifications encode keys (a bad % escape)`);
  }
  return checkedKey(key, where);
}

function checkedKey(key: string, where: string): string {
  const bytes = Buffer.byteLength(key);
  if (bytes > MAX_KEY_BYTES) throw new ShapeError(where, `${where}: the key is ${bytes} bytes long; S3 keys are at most ${MAX_KEY_BYTES}`);
  return key;
}

/** `"abc"` → `abc`: notifications write the ETag bare, S3's headers quoted. */
function bareETag(eTag: string | undefined): string | undefined {
  return eTag?.replace(/^"|"$/g, '') || undefined;
}

function item(bucket: string, key: string, where: string, extra: { versionId?: string | undefined; eTag?: string | undefined; size?: number | undefined }): S3ObjectItem {
  const out: S3ObjectItem = { kind: 's3-object', bucket, key, where };
  if (extra.versionId !== undefined) out.versionId = extra.versionId;
  const eTag = bareETag(extra.eTag);
  if (eTag !== undefined) out.eTag = eTag;
  if (extra.size !== undefined) out.size = extra.size;
  return out;
}

/** Where parsing collects; `messageId` marks what one SQS message produced. */
interface Collector {
  items: WorkItem[];
  skipped: EventSkip[];
  messageId?: string;
}

function skip(c: Collector, where: string, reason: string): void {
  c.skipped.push(c.messageId !== undefined ? { where, reason, messageId: c.messageId } : { where, reason });
}

function add(c: Collector, w: WorkItem): void {
  if (c.messageId !== undefined) w.messageId = c.messageId;
  c.items.push(w);
}

/** One `Records[]` entry of an S3 event notification. */
function s3Record(record: Obj, where: string, c: Collector): void {
  const eventName = own(record, 'eventName');
  if (typeof eventName !== 'string') fail(`${where}.eventName`, 'a string such as "ObjectCreated:Put"', eventName);
  // A notification may be configured for more than creations; only a new object carries new records.
  if (!eventName.startsWith('ObjectCreated:')) return skip(c, where, `event ${quoteValue(eventName)} is not an object creation`);
  const s3 = needObject(record, 's3', where);
  const bucket = bucketName(needString(needObject(s3, 'bucket', `${where}.s3`), 'name', `${where}.s3.bucket`, 255), `${where}.s3.bucket.name`);
  const object = needObject(s3, 'object', `${where}.s3`);
  const ow = `${where}.s3.object`;
  const key = decodeNotificationKey(needString(object, 'key', ow, 3 * MAX_KEY_BYTES), `${ow}.key`);
  add(c, item(bucket, key, where, {
    versionId: optionalString(object, 'versionId', ow, MAX_TAG_CHARS),
    eTag: optionalString(object, 'eTag', ow, MAX_TAG_CHARS),
    size: optionalSize(object, 'size', ow),
  }));
}

/** An EventBridge event from S3; only `Object Created` is work. */
function eventBridge(event: Obj, where: string, c: Collector): void {
  const type = own(event, 'detail-type');
  if (type !== 'Object Created') return skip(c, where, `EventBridge ${describeJsonValue(type)} is not "Object Created"`);
  const detail = needObject(event, 'detail', where);
  const dw = `${where}.detail`;
  const bucket = bucketName(needString(needObject(detail, 'bucket', dw), 'name', `${dw}.bucket`, 255), `${dw}.bucket.name`);
  const object = needObject(detail, 'object', dw);
  const ow = `${dw}.object`;
  add(c, item(bucket, checkedKey(needString(object, 'key', ow, 4 * MAX_KEY_BYTES), `${ow}.key`), where, {
    versionId: optionalString(object, 'version-id', ow, MAX_TAG_CHARS),
    eTag: optionalString(object, 'etag', ow, MAX_TAG_CHARS),
    size: optionalSize(object, 'size', ow),
  }));
}

/** CloudTrail's SNS notification: one bucket, the keys it just delivered (not URL-encoded). */
function cloudTrailNotification(message: Obj, where: string, c: Collector): void {
  const bucket = bucketName(needString(message, 's3Bucket', where, 255), `${where}.s3Bucket`);
  const keys = own(message, 's3ObjectKey');
  if (!Array.isArray(keys)) fail(`${where}.s3ObjectKey`, 'an array of keys', keys);
  if (keys.length > MAX_RECORDS) throw new ShapeError(`${where}.s3ObjectKey`, `${where}.s3ObjectKey: ${keys.length} keys, more than the ${MAX_RECORDS} allowed`);
  keys.forEach((k: unknown, i) => {
    const kw = `${where}.s3ObjectKey[${i}]`;
    if (typeof k !== 'string' || k.length === 0) fail(kw, 'a non-empty key', k);
    add(c, item(bucket, checkedKey(k, kw), kw, {}));
  });
}

function records(event: Obj, where: string): unknown[] {
  const list = own(event, 'Records');
  if (!Array.isArray(list)) fail(`${where}.Records`, 'an array', list);
  if (list.length > MAX_RECORDS) throw new ShapeError(`${where}.Records`, `${where}.Records: ${list.length} records, more than the ${MAX_RECORDS} allowed`);
  return list;
}

/** JSON text carried in a message (an SQS body, an SNS Message), parsed with bounds. */
function parseBody(text: unknown, where: string): unknown {
  if (typeof text !== 'string') fail(where, 'JSON text', text);
  if (text.length > MAX_BODY_CHARS) throw new ShapeError(where, `${where}: ${text.length} characters, more than the ${MAX_BODY_CHARS} an SQS or SNS message holds`);
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ShapeError(where, `${where}: not JSON (${(err as Error).message.slice(0, 120)})`);
  }
}

/** What the document is, from its own keys; `inner` is false at the top of a Lambda event. */
function shapeOf(doc: unknown): string | undefined {
  if (!isObject(doc)) return undefined;
  if (own(doc, 'Event') === 's3:TestEvent') return 'S3TestEvent';
  if (Array.isArray(own(doc, 'Records'))) {
    const first = (own(doc, 'Records') as unknown[])[0];
    const source = isObject(first) ? own(first, 'eventSource') ?? own(first, 'EventSource') : undefined;
    if (source === 'aws:sqs') return 'SQS';
    if (source === 'aws:sns') return 'SNS';
    return 'S3';
  }
  if (own(doc, 'Type') === 'Notification' && own(doc, 'Message') !== undefined) return 'SNSMessage';
  if (own(doc, 'source') === 'aws.s3' && own(doc, 'detail') !== undefined) return 'EventBridge';
  if (own(doc, 's3Bucket') !== undefined && own(doc, 's3ObjectKey') !== undefined) return 'CloudTrail';
  if (own(doc, 'awslogs') !== undefined) return 'CloudWatchLogs';
  return undefined;
}

/** The keys of something that is no known shape, for the message. */
function describeUnknown(doc: unknown): string {
  if (!isObject(doc)) return describeJsonValue(doc);
  const keys = Object.keys(doc);
  const shown = keys.slice(0, 8).map((k) => quoteValue(k, 40)).join(', ');
  return `an object with keys ${shown || '(none)'}${keys.length > 8 ? ', …' : ''}`;
}

const KNOWN = 'an S3 event notification, SNS or SQS event, EventBridge "Object Created" event, CloudTrail notification, or CloudWatch Logs subscription event';

/**
 * One document (the whole event, or a message inside one), added to `c`.
 * `depth` bounds the nesting: SQS → SNS → S3 is as deep as AWS goes.
 */
function document(doc: unknown, where: string, c: Collector, depth: number): void {
  const shape = shapeOf(doc);
  if (shape === undefined || !isObject(doc)) throw new ShapeError(where, `${where}: expected ${KNOWN}; found ${describeUnknown(doc)}`);
  if (depth > 2 && (shape === 'SQS' || shape === 'SNS' || shape === 'SNSMessage')) {
    throw new ShapeError(where, `${where}: ${shape} inside a message ${depth} levels deep; AWS nests at most SQS → SNS → S3`);
  }
  switch (shape) {
    case 'S3TestEvent': return skip(c, where, 's3:TestEvent (sent when a notification is configured; not an object)');
    case 'S3': return records(doc, where).forEach((r, i) => s3Record(isObject(r) ? r : fail(`${where}.Records[${i}]`, 'an object', r), `${where}.Records[${i}]`, c));
    case 'SNS': return records(doc, where).forEach((r, i) => snsRecord(r, `${where}.Records[${i}]`, c, depth));
    case 'SNSMessage': return document(parseBody(own(doc, 'Message'), `${where}.Message`), `${where}.Message`, c, depth + 1);
    case 'EventBridge': return eventBridge(doc, where, c);
    case 'CloudTrail': return cloudTrailNotification(doc, where, c);
    case 'CloudWatchLogs': return logEvents(doc, where, c);
    default: throw new ShapeError(where, `${where}: a ${shape} event is not expected inside a message`);
  }
}

function snsRecord(r: unknown, where: string, c: Collector, depth: number): void {
  if (!isObject(r)) fail(where, 'an object', r);
  const sns = needObject(r, 'Sns', where);
  document(parseBody(own(sns, 'Message'), `${where}.Sns.Message`), `${where}.Sns.Message`, c, depth + 1);
}

function logEvents(doc: Obj, where: string, c: Collector): void {
  const awslogs = needObject(doc, 'awslogs', where);
  const data = own(awslogs, 'data');
  if (typeof data !== 'string' || data.length === 0) fail(`${where}.awslogs.data`, 'base64 text', data);
  add(c, { kind: 'log-events', data, where });
}

/**
 * The work in a Lambda event (as the runtime parsed it). Never throws: a
 * part that cannot be read is a problem naming where it is and what was
 * found. For SQS each message is read on its own, so one bad message is a
 * problem of that message only (it goes back to the queue, then to the
 * dead-letter queue).
 */
export function parseEvent(event: unknown): ParsedEvent {
  const result: ParsedEvent = { shape: shapeOf(event) ?? 'unknown', items: [], skipped: [], problems: [], messageIds: [] };
  if (result.shape !== 'SQS') {
    try {
      document(event, 'event', result, 0);
    } catch (err) {
      if (!(err instanceof ShapeError)) throw err;
      result.problems.push({ where: err.where, error: err.message });
    }
    return result;
  }
  let list: unknown[];
  try {
    list = records(event as Obj, 'event');
  } catch (err) {
    if (!(err instanceof ShapeError)) throw err;
    result.problems.push({ where: err.where, error: err.message });
    return result;
  }
  list.forEach((r, i) => sqsRecord(r, `event.Records[${i}]`, result));
  return result;
}

/** One SQS message: its body is read on its own, and whatever fails is that message's problem. */
function sqsRecord(r: unknown, where: string, result: ParsedEvent): void {
  const messageId = isObject(r) ? own(r, 'messageId') : undefined;
  if (typeof messageId !== 'string' || messageId.length === 0 || messageId.length > 256) {
    // Without its id a message cannot be named in batchItemFailures: the whole batch must fail.
    result.problems.push({ where, error: `${where}.messageId: expected the SQS message id, found ${describeJsonValue(messageId)}` });
    return;
  }
  result.messageIds.push(messageId);
  const c: Collector = { items: [], skipped: [], messageId };
  try {
    document(parseBody(own(r as Obj, 'body'), `${where}.body`), `${where}.body`, c, 1);
    result.items.push(...c.items);
    result.skipped.push(...c.skipped);
  } catch (err) {
    if (!(err instanceof ShapeError)) throw err;
    result.problems.push({ where: err.where, error: err.message, messageId });
  }
}
