// CloudWatch Logs subscription payloads, decoded: what a Kinesis or Firehose
// destination's records hold once gunzipped, and what a Firehose → S3 object
// holds (each record a gzip member, so the object gunzips to payloads glued
// `}{`; the pipeline's gunzip reads every member and the JSON framer cuts the
// documents apart). One payload is one document; its log events are in
// `logEvents` (shape: ./payload.ts).
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html
import { unwrapPayload } from './payload.js';
import type { JsonEnvelope } from './types.js';

export const subscription: JsonEnvelope = {
  name: 'CloudWatchLogs.Subscription',
  description: 'CloudWatch Logs subscription payloads (plain or gzip, one or many back to back: a Firehose → S3 object)',
  referenceUrl: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html',
  framing: 'json',
  documentKeys: ['logEvents', 'messageType'],
  unwrap: (unit) => unwrapPayload(unit),
};
