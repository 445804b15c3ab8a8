// The output of `aws logs filter-log-events` and `aws logs get-log-events`:
//   {"events": [{"logStreamName"?, "timestamp" (ms), "message", "ingestionTime" (ms), "eventId"?}, …],
//    "searchedLogStreams": [], "nextToken"? | "nextForwardToken", "nextBackwardToken"}
// printed with a 4-space indent; the CLI merges every page into one document
// by default, and a script that pages by hand leaves one per page. `events`
// is streamed element by element, so a merged output of any size costs one
// event at a time. get-log-events names no stream (it was a request
// parameter) and neither names a log group or an account.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html
import type { DeliveryFacts } from '../core/source_fields.js';
import { describe, eventTime, isObject, jsonText } from './payload.js';
import type { JsonEnvelope, Unwrapped } from './types.js';

function invalidEvent(error: string, raw: string, index: number): Unwrapped {
  return { kind: 'events', events: [{ error, raw, index }] };
}

function unwrap(unit: unknown, index: number): Unwrapped {
  const path = `events[${index}]`;
  if (!isObject(unit)) return invalidEvent(`${path}: expected a log event (an object), found ${describe(unit)}`, jsonText(unit), index);
  const message = unit.message;
  if (typeof message !== 'string') return invalidEvent(`${path}.message: expected a string, found ${describe(message)}`, jsonText(unit), index);
  const facts: DeliveryFacts = {};
  for (const [key, fact] of [['logStreamName', 'logStream'], ['eventId', 'eventId']] as const) {
    const v = unit[key];
    if (v === undefined) continue;
    if (typeof v !== 'string') return invalidEvent(`${path}.${key}: expected a string, found ${describe(v)}`, message, index);
    facts[fact] = v;
  }
  const time = eventTime(unit, path);
  if ('error' in time) return invalidEvent(time.error, message, index);
  facts.time = time.time;
  return { kind: 'events', events: [{ message, facts, index }] };
}

export const cliEvents: JsonEnvelope = {
  name: 'CloudWatchLogs.Events',
  description: 'aws logs filter-log-events and get-log-events output {"events":[…]}, merged or one document per page',
  referenceUrl: 'https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html',
  framing: 'json',
  wrapperKey: 'events',
  siblingKeys: ['searchedLogStreams', 'nextToken', 'nextForwardToken', 'nextBackwardToken', 'ResponseMetadata', '$metadata'],
  unwrap,
};
