// What the CloudWatch Logs envelopes share: the subscription payload every
// destination receives, and the base64 + gzip encoding it travels in inside
// JSON (a Lambda event's `awslogs.data`, a Firehose record's `data`).
//
// The payload (decoded), one log group and one log stream per payload:
//   {"messageType": "DATA_MESSAGE" | "CONTROL_MESSAGE", "owner": "<account, 12 digits>",
//    "logGroup", "logStream", "subscriptionFilters": ["<name>", …],
//    "logEvents": [{"id": "<decimal string>", "timestamp": <epoch ms>, "message": "<the log line>"}, …]}
// Keys are read by name (their order differs between AWS's own examples) and
// keys we do not know are ignored (`emitSystemFields` may add some).
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutSubscriptionFilter.html
import { gunzipSync } from 'node:zlib';
import { quoteValue } from '../core/errors.js';
import { describeJsonValue } from '../core/exact_number.js';
import type { DeliveryFacts } from '../core/source_fields.js';
import { formatUnixMillis } from '../core/timestamp.js';
import type { LogEvent, Unwrapped } from './types.js';

/** The most a payload may decompress to. AWS's are at most ~1 MB compressed (a Firehose record is at most 1,000 KiB). */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;
/** Longest base64 text that can hold the gzip of MAX_PAYLOAD_BYTES (gzip never grows data by 1 %). */
export const MAX_BASE64_CHARS = 4 * Math.ceil((MAX_PAYLOAD_BYTES * 1.01) / 3);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64_CHAR = /[^A-Za-z0-9+/=]/;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value in a message: its type, and a string or number itself (core's describeJsonValue). */
export const describe = describeJsonValue;

/** A value as JSON text for a report's raw; never throws (JSON.stringify recurses). */
export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return '(not shown: nested too deeply to write)';
  }
}

/** Why base64 text is not valid, or undefined when it is (strict: the standard alphabet, padded). */
function base64Problem(data: string): string | undefined {
  const bad = BASE64_CHAR.exec(data);
  if (bad !== null) return `a character that is not base64 at position ${bad.index}: ${quoteValue(bad[0])}`;
  if (!BASE64.test(data)) return '"=" padding inside the text';
  if (data.length % 4 !== 0) return `its length, ${data.length}, is not a multiple of 4 (cut short?)`;
  return undefined;
}

function gunzipBounded(bytes: Buffer, what: string): Buffer | string {
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_PAYLOAD_BYTES });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      return `${what} decompresses to more than ${MAX_PAYLOAD_BYTES / 1024 / 1024} MiB, the limit for one payload; not read`;
    }
    return `${what} is not valid gzip data (${e.message})`;
  }
}

/**
 * A payload carried as base64 text in JSON: base64 of the gzip of the
 * payload (as CloudWatch Logs sends it), or of the payload itself (a Firehose
 * stream that decompresses records). Returns the payload's text, or why not.
 */
export function decodeData(data: unknown, what: string): { text: string } | { error: string } {
  if (typeof data !== 'string') return { error: `${what}: expected base64 text, found ${describe(data)}` };
  if (data.length > MAX_BASE64_CHARS) {
    return { error: `${what} is ${data.length} characters of base64, more than a payload of ${MAX_PAYLOAD_BYTES / 1024 / 1024} MiB can take; not read` };
  }
  const problem = base64Problem(data);
  if (problem !== undefined) return { error: `${what} is not valid base64: ${problem}` };
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const plain = gunzipBounded(bytes, what);
    return typeof plain === 'string' ? { error: plain } : { text: plain.toString('utf8') };
  }
  const text = bytes.toString('utf8');
  if (text.trimStart().startsWith('{')) return { text };
  return { error: `${what} holds neither gzip data nor a JSON payload (it starts with ${quoteValue(text.slice(0, 16))})` };
}

/** Parses a decoded payload's text and unwraps it. */
export function unwrapPayloadText(text: string, what: string): Unwrapped {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { kind: 'invalid', error: `${what} is not JSON once decoded (${(err as Error).message})` };
  }
  return unwrapPayload(value);
}

function optionalString(payload: Record<string, unknown>, key: string): string | undefined | { error: string } {
  const v = payload[key];
  if (v === undefined || typeof v === 'string') return v;
  return { error: `payload ${key}: expected a string, found ${describe(v)}` };
}

/** The facts every log event of a payload shares, or why the payload is not valid. */
function payloadFacts(payload: Record<string, unknown>): DeliveryFacts | string {
  const facts: DeliveryFacts = {};
  for (const [key, fact] of [['logGroup', 'logGroup'], ['logStream', 'logStream'], ['owner', 'account']] as const) {
    const v = optionalString(payload, key);
    if (typeof v === 'object') return v.error;
    if (v !== undefined) facts[fact] = v;
  }
  return facts;
}

/**
 * The log event's time: `timestamp`, epoch milliseconds (an integer), as the
 * nine-digit form; a string saying why when it is absent or no time. Every
 * log event CloudWatch Logs delivers has one: without it p_event_time would
 * fall back to the run's time, a silently wrong field.
 */
export function eventTime(event: Record<string, unknown>, path: string): { time: string } | { error: string } {
  const t = event.timestamp;
  if (t === undefined) return { error: `${path}.timestamp: missing (every CloudWatch Logs log event has epoch milliseconds)` };
  const time = typeof t === 'number' && Number.isSafeInteger(t) && t >= 0 ? formatUnixMillis(t) : undefined;
  if (time === undefined) return { error: `${path}.timestamp: expected epoch milliseconds (a non-negative integer), found ${describeTime(t)}` };
  return { time };
}

/** A timestamp that is no time, described; a number past 2^53 was rounded by the JSON parser, so its digits are not quoted. */
function describeTime(t: unknown): string {
  if (typeof t === 'number' && Number.isInteger(t) && !Number.isSafeInteger(t)) return `an integer beyond ${Number.MAX_SAFE_INTEGER} (its digits are not exact in a double)`;
  return describe(t);
}

function logEvent(event: unknown, index: number, shared: DeliveryFacts): LogEvent {
  const path = `logEvents[${index}]`;
  if (!isObject(event)) return { error: `${path}: expected a log event (an object), found ${describe(event)}`, raw: jsonText(event), index };
  const message = event.message;
  if (typeof message !== 'string') return { error: `${path}.message: expected a string, found ${describe(message)}`, raw: jsonText(event), index };
  const id = event.id;
  if (id !== undefined && typeof id !== 'string') return { error: `${path}.id: expected a string, found ${describe(id)}`, raw: message, index };
  const time = eventTime(event, path);
  if ('error' in time) return { error: time.error, raw: message, index };
  const facts: DeliveryFacts = { ...shared };
  if (id !== undefined) facts.eventId = id;
  facts.time = time.time;
  return { message, facts, index };
}

/**
 * A decoded subscription payload: its log events, or a skip for a
 * CONTROL_MESSAGE (CloudWatch Logs checking that the destination is
 * reachable; it carries no log data).
 */
export function unwrapPayload(payload: unknown): Unwrapped {
  if (!isObject(payload)) return { kind: 'invalid', error: `a CloudWatch Logs payload must be a JSON object, found ${describe(payload)}` };
  const type = payload.messageType;
  const events = payload.logEvents;
  if (type === 'CONTROL_MESSAGE') {
    const count = Array.isArray(events) && events.length > 0 ? events.length : 1;
    return { kind: 'skip', count, notice: 'CONTROL_MESSAGE payloads skipped: CloudWatch Logs checking that the destination is reachable, not log data' };
  }
  if (type !== undefined && type !== 'DATA_MESSAGE') {
    return { kind: 'invalid', error: `payload messageType: expected DATA_MESSAGE or CONTROL_MESSAGE, found ${describe(type)}` };
  }
  if (!Array.isArray(events)) return { kind: 'invalid', error: `payload logEvents: expected an array of log events, found ${describe(events)}` };
  const facts = payloadFacts(payload);
  if (typeof facts === 'string') return { kind: 'invalid', error: facts };
  return { kind: 'events', events: events.map((e: unknown, i) => logEvent(e, i, facts)) };
}
