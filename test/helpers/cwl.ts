// CloudWatch Logs shapes built for tests, goldens and the bench: payloads,
// the events that carry them, CLI output and export lines (formats:
// shared/spec/CLOUDWATCH.md). Documentation values only (123456789012,
// 192.0.2.x, 198.51.100.x, 203.0.113.x, example.com). Deterministic: ids,
// timestamps and gzip bytes depend only on the arguments.
import { gzipSync } from 'node:zlib';

export interface Source {
  logGroup: string;
  logStream: string;
  owner?: string;
}

/** One log event as a payload carries it. */
export interface Event {
  message: string;
  /** Epoch milliseconds. */
  timestamp: number;
}

/** A 56-digit event id, distinct per (seed, index). */
export function eventId(seed: number, index: number): string {
  return (31953106606966983378809025079804211143289615424298221569n + BigInt(seed) * 1000000n + BigInt(index)).toString();
}

export function payload(source: Source, events: readonly Event[], seed = 0): Record<string, unknown> {
  return {
    messageType: 'DATA_MESSAGE',
    owner: source.owner ?? '123456789012',
    logGroup: source.logGroup,
    logStream: source.logStream,
    subscriptionFilters: ['cwl-to-firehose'],
    logEvents: events.map((e, i) => ({ id: eventId(seed, i), timestamp: e.timestamp, message: e.message })),
  };
}

/** The reachability check CloudWatch Logs sends a Firehose destination. */
export const CONTROL_PAYLOAD = {
  messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', logGroup: '', logStream: '', subscriptionFilters: [],
  logEvents: [{ id: '', timestamp: 1741312971934, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
};

export function gzipJson(value: unknown): Buffer {
  return gzipSync(JSON.stringify(value), { level: 6 });
}

export function base64Gzip(value: unknown): string {
  return gzipJson(value).toString('base64');
}

export function lambdaEvent(p: unknown): Record<string, unknown> {
  return { awslogs: { data: base64Gzip(p) } };
}

/** The event a Firehose transformation Lambda receives; `data` strings as given (base64). */
export function firehoseTransformation(data: readonly string[]): Record<string, unknown> {
  return {
    invocationId: '00540a87-5050-496a-84e4-e7d92bbaf5e2',
    deliveryStreamArn: 'arn:aws:firehose:us-east-1:123456789012:deliverystream/cwl-to-s3',
    region: 'us-east-1',
    records: data.map((d, i) => ({ recordId: `4955${i}`, approximateArrivalTimestamp: 1700000100000 + i, data: d })),
  };
}

/** The body Firehose POSTs to an HTTP endpoint. */
export function firehoseHttpBody(data: readonly string[]): Record<string, unknown> {
  return { requestId: 'ed4acda5-034f-9f42-bba1-f29aea6d7d8f', timestamp: 1700000100000, records: data.map((d) => ({ data: d })) };
}

/** `aws logs filter-log-events` output for these events (stream per event), 4-space indented as the CLI prints. */
export function filterLogEvents(stream: string, events: readonly Event[], seed = 0, nextToken?: string): string {
  const doc: Record<string, unknown> = {
    events: events.map((e, i) => ({ logStreamName: stream, timestamp: e.timestamp, message: e.message, ingestionTime: e.timestamp + 61234, eventId: eventId(seed, i) })),
    searchedLogStreams: [],
  };
  if (nextToken !== undefined) doc.nextToken = nextToken;
  return JSON.stringify(doc, null, 4) + '\n';
}

/** `aws logs get-log-events` output: no stream, no id. */
export function getLogEvents(events: readonly Event[]): string {
  return JSON.stringify({
    events: events.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.timestamp + 987 })),
    nextForwardToken: 'f/37976342262953223179038144714945888722564951965555163136/s',
    nextBackwardToken: 'b/37976342262953223179038144714945888722564951965555163130/s',
  }, null, 4) + '\n';
}

/** An export task's lines: `<ISO with ms> <message>`. */
export function exportLines(events: readonly Event[]): string {
  return events.map((e) => `${new Date(e.timestamp).toISOString()} ${e.message}\n`).join('');
}

// ---- messages of the three inner types -------------------------------------

export const VPC_SOURCE: Source = { logGroup: 'vpc-flow-logs', logStream: 'eni-0a1b2c3d4e5f67890-all' };
export const TRAIL_SOURCE: Source = { logGroup: 'aws-cloudtrail-logs-123456789012-0a1b2c3d', logStream: '123456789012_CloudTrail_us-east-1' };
export const AURORA_SOURCE: Source = { logGroup: '/aws/rds/cluster/database-1/audit', logStream: 'database-1-instance-1' };

/** A default-format VPC flow record; its event's timestamp is `start` in ms, as CloudWatch Logs gives it. */
export function vpcEvent(i: number): Event {
  const start = 1700000000 + i * 7;
  return {
    message: `2 123456789012 eni-0a1b2c3d4e5f67890 192.0.2.${i % 250 + 1} 203.0.113.${i % 200 + 1} ${49152 + i % 16000} 443 6 ${i + 10} ${840 + i} ${start} ${start + 60} ${i % 5 === 4 ? 'REJECT' : 'ACCEPT'} OK`,
    timestamp: start * 1000,
  };
}

export function trailEvent(i: number): Event {
  const seconds = 1700000000 + i * 11;
  const time = new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
  const event = {
    eventVersion: '1.08',
    userIdentity: { type: 'AssumedRole', principalId: 'AROAEXAMPLEID:alice', arn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice', accountId: '123456789012' },
    eventTime: time,
    eventSource: i % 2 === 0 ? 's3.amazonaws.com' : 'ec2.amazonaws.com',
    eventName: i % 2 === 0 ? 'GetObject' : 'DescribeInstances',
    awsRegion: 'us-east-1',
    sourceIPAddress: `198.51.100.${i % 200 + 1}`,
    userAgent: 'aws-cli/2.15.0',
    requestParameters: i % 2 === 0 ? { bucketName: 'example-bucket', key: `reports/${i}.csv` } : null,
    responseElements: null,
    eventID: `6b1c8a2e-0000-4000-8000-${(100000000000 + i).toString()}`,
    eventType: 'AwsApiCall',
    recipientAccountId: '123456789012',
  };
  return { message: JSON.stringify(event), timestamp: seconds * 1000 + 250 };
}

export function auroraEvent(i: number): Event {
  const micros = 1700000002345678 + i * 1000003;
  const sql = i % 3 === 0 ? `'SELECT * FROM customers WHERE id = ${i}'` : i % 3 === 1 ? "'UPDATE orders SET state = \\'shipped\\' WHERE id = 7'" : "''";
  const operation = i % 3 === 2 ? 'CONNECT' : 'QUERY';
  return {
    message: `${micros},database-1-instance-1,admin,192.0.2.${44 + i % 10},${12 + i},${345 + i},${operation},appdb,${sql},0`,
    timestamp: Math.floor(micros / 1000),
  };
}
