// Firehose events whose records are CloudWatch Logs payloads: the event a
// transformation Lambda receives,
//   {"invocationId", "deliveryStreamArn", "region", "sourceKinesisStreamArn"?,
//    "records": [{"recordId", "approximateArrivalTimestamp" (ms), "data": "<base64>"}, …]}
// and the body Firehose POSTs to an HTTP endpoint,
//   {"requestId", "timestamp" (ms), "records": [{"data": "<base64>"}, …]}
// Each record's data is the gzip of one payload (./payload.ts). `records` is
// streamed element by element: a body of 10,000 records costs one at a time.
// https://docs.aws.amazon.com/firehose/latest/dev/data-transformation.html
// https://docs.aws.amazon.com/firehose/latest/dev/httpdeliveryrequestresponse.html
import { decodeData, describe, isObject, unwrapPayloadText } from './payload.js';
import type { JsonEnvelope, Unwrapped } from './types.js';

function unwrap(unit: unknown, index: number): Unwrapped {
  const what = `records[${index}].data`;
  if (!isObject(unit)) return { kind: 'invalid', error: `records[${index}]: expected a Firehose record (an object holding "data"), found ${describe(unit)}` };
  const decoded = decodeData(unit.data, what);
  if ('error' in decoded) return { kind: 'invalid', error: decoded.error };
  return unwrapPayloadText(decoded.text, what);
}

export const firehose: JsonEnvelope = {
  name: 'CloudWatchLogs.Firehose',
  description: 'Firehose transformation events and HTTP endpoint bodies {"records":[{"data":"<base64 gzip payload>"}]}',
  referenceUrl: 'https://docs.aws.amazon.com/firehose/latest/dev/httpdeliveryrequestresponse.html',
  framing: 'json',
  wrapperKey: 'records',
  siblingKeys: ['invocationId', 'deliveryStreamArn', 'region', 'sourceKinesisStreamArn', 'requestId', 'timestamp'],
  unwrap,
};
