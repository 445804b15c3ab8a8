// The event a Lambda function subscribed to a log group receives:
//   {"awslogs": {"data": "<base64 of the gzip of one payload>"}}
// A saved test event or a captured invocation is one per file, or one per line.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html#LambdaFunctionExample
import { decodeData, describe, isObject, unwrapPayloadText } from './payload.js';
import type { JsonEnvelope, Unwrapped } from './types.js';

function unwrap(unit: unknown): Unwrapped {
  const awslogs = isObject(unit) ? unit.awslogs : undefined;
  if (!isObject(awslogs)) return { kind: 'invalid', error: `awslogs: expected an object holding "data", found ${describe(awslogs)}` };
  const decoded = decodeData(awslogs.data, 'awslogs.data');
  if ('error' in decoded) return { kind: 'invalid', error: decoded.error };
  return unwrapPayloadText(decoded.text, 'awslogs.data');
}

export const lambda: JsonEnvelope = {
  name: 'CloudWatchLogs.Lambda',
  description: 'the Lambda subscription trigger event {"awslogs":{"data":"<base64 gzip payload>"}}, one per file or one per line',
  referenceUrl: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/SubscriptionFilters.html',
  framing: 'json',
  documentKeys: ['awslogs'],
  unwrap,
};
