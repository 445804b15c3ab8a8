// Writes the inputs of the CloudWatch Logs golden cases (issue 15):
// test/golden/<InnerType>/cwl-*/ for every shape (subscription payloads plain,
// gzip and back to back; a Firehose → S3 object of gzip members; Lambda and
// Firehose events; filter-log-events and get-log-events output; an export
// task's folder) and for VPCFlow, CloudTrail and AuroraMySQLAudit, plus
// corrupt payloads and a Firehose object that mixes log groups of different
// types. Deterministic: the bytes depend only on zlib's deflate output.
// Run: npm run build && node dist/scripts/make-cwl-goldens.js
// then: UPDATE_GOLDEN=1 node --test dist/test/golden.test.js (and review).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import {
  AURORA_SOURCE, CONTROL_PAYLOAD, TRAIL_SOURCE, VPC_SOURCE, auroraEvent, base64Gzip, exportLines, filterLogEvents,
  firehoseHttpBody, firehoseTransformation, getLogEvents, gzipJson, lambdaEvent, payload, trailEvent, vpcEvent,
  type Event, type Source,
} from '../test/helpers/cwl.js';

const GOLDEN = join(fileURLToPath(import.meta.url), '..', '..', '..', 'test', 'golden');

interface Case {
  /** File name under the case folder (may hold folders: an export tree under input/). */
  files: Record<string, Buffer | string>;
  args?: { alsoDetect?: boolean; noType?: boolean; args?: string[]; exit?: number };
}

interface Inner {
  type: string;
  source: Source;
  event: (i: number) => Event;
  /** A message of this type that its parser rejects. */
  bad: string;
}

const INNER: readonly Inner[] = [
  { type: 'AWS.VPCFlow', source: VPC_SOURCE, event: vpcEvent, bad: '2 123456789012 eni-0a1b2c3d4e5f67890 192.0.2.9 203.0.113.9 49152 443 6 10 840 1700000000 1700000060 MAYBE OK' },
  { type: 'AWS.CloudTrail', source: TRAIL_SOURCE, event: trailEvent, bad: '{"eventVersion":"1.08","eventSource":"s3.amazonaws.com","eventName":"GetObject"}' },
  { type: 'AWS.AuroraMySQLAudit', source: AURORA_SOURCE, event: auroraEvent, bad: '1700000002345678,database-1-instance-1,admin,192.0.2.44,twelve,345,QUERY,appdb,\'SELECT 1\',0' },
];

function events(inner: Inner, from: number, n: number): Event[] {
  return Array.from({ length: n }, (_, i) => inner.event(from + i));
}

/** Pretty-printed with CRLF line ends, as a Windows editor saves it. */
function crlfPretty(value: unknown): string {
  return JSON.stringify(value, null, 2).replaceAll('\n', '\r\n') + '\r\n';
}

/** The member with its deflate data's first block header made invalid (block type 3): zlib rejects it at once. */
function corruptMember(member: Buffer): Buffer {
  const out = Buffer.from(member);
  out[10] = out[10]! | 0x06;
  return out;
}

/** The payload with the `timestamp` of log event `i` taken out. */
function withoutTimestamp(payload: Record<string, unknown>, i: number): unknown {
  const events = payload.logEvents as ReadonlyArray<Record<string, unknown>>;
  return { ...payload, logEvents: events.map((e, k) => (k === i ? { id: e.id, message: e.message } : e)) };
}

function shapeCases(inner: Inner): Record<string, Case> {
  const p = (from: number, n: number, seed: number) => payload(inner.source, events(inner, from, n), seed);
  const both = { alsoDetect: true };
  const bytes = (s: string) => Buffer.from(s);
  return {
    'cwl-subscription-plain': { files: { 'input.json': JSON.stringify(p(0, 3, 1)) }, args: both },
    'cwl-subscription-gzip': { files: { 'input.json.gz': gzipJson(p(0, 3, 1)) }, args: both },
    // Damaged payloads among good ones (review of issue 15, item 1): each is one report, the next payload is read.
    'cwl-firehose-s3-damaged-payloads': {
      files: {
        'input-firehose': Buffer.concat([
          gzipJson(p(0, 2, 1)), gzipSync(Buffer.from(JSON.stringify(p(2, 2, 2)).slice(0, 150))), gzipJson(p(4, 1, 3)),
          gzipSync(Buffer.from('not json')), gzipJson(p(5, 1, 4)), gzipSync(Buffer.from(JSON.stringify(p(6, 1, 5)) + '}')), gzipJson(p(7, 1, 6)),
        ]),
      },
    },
    // Firehose's own GZIP compression over CloudWatch's gzip members (spec §4.3): two layers, both decoded.
    'cwl-firehose-s3-two-gzip-layers': {
      files: { 'input-firehose.gz': gzipSync(Buffer.concat([gzipJson(p(0, 2, 1)), gzipJson(CONTROL_PAYLOAD), gzipJson(p(2, 1, 2))])) },
      args: both,
    },
    // A member with a corrupt byte in its deflate data between good ones: one gzip fault (exit 2), the later members read.
    'cwl-firehose-s3-corrupt-member': {
      files: { 'input-firehose': Buffer.concat([gzipJson(p(0, 2, 1)), corruptMember(gzipJson(p(2, 2, 2))), gzipJson(p(4, 2, 3))]) },
      args: { exit: 2 },
    },
    // A log event without timestamp, a payload that is an array, an `events` that is no array: one report each (review of issue 15, items 3, 6, 8).
    'cwl-invalid-units': {
      files: {
        'input.json': [
          JSON.stringify(p(0, 1, 1)), JSON.stringify([p(1, 1, 2), p(2, 1, 3)]), JSON.stringify(withoutTimestamp(p(3, 2, 4), 0)),
          '{"events":"x"}', JSON.stringify(p(5, 1, 5)),
        ].join('\n') + '\n',
      },
    },
    // Messages are lines (review of issue 15, item 4): one trailing line end dropped; a multi-line message is
    // one record (an error when it does not parse); over --max-line-bytes an error holding its head.
    'cwl-message-line-ends': {
      files: {
        'input.json': JSON.stringify(payload(inner.source, [
          ...events(inner, 0, 4).map((e, i) => ({ ...e, message: e.message + ['\n', '\r\n', '\r', ''][i]! })),
          { ...inner.event(4), message: `${inner.event(4).message}\n${inner.event(5).message}` },
          { ...inner.event(6), message: 'x'.repeat(5000) },
        ], 1)),
      },
      args: { args: ['--max-line-bytes', '4096'] },
    },
    'cwl-subscription-glued-damaged': {
      files: {
        'input.json': JSON.stringify(p(0, 2, 1)) + JSON.stringify(p(2, 2, 2)).slice(0, 150) + JSON.stringify(p(4, 1, 3)) + 'not json'
          + JSON.stringify(p(5, 1, 4)) + JSON.stringify(p(6, 1, 5)) + '}' + JSON.stringify(p(7, 1, 6)) + '\n',
      },
    },
    'cwl-subscription-back-to-back': {
      files: { 'input.json': JSON.stringify(p(0, 2, 1)) + JSON.stringify(p(2, 2, 2)) + '\n' + JSON.stringify(p(4, 1, 3)) + '\n' + crlfPretty(p(5, 2, 4)) },
      args: both,
    },
    'cwl-firehose-s3-object': {
      // A Firehose key has no extension; the object is one gzip member per record.
      files: { 'input-cwl-to-s3-1-2023-11-14-22-13-20-a188030a': Buffer.concat([gzipJson(p(0, 2, 1)), gzipJson(CONTROL_PAYLOAD), gzipJson(p(2, 3, 2)), gzipJson(p(5, 1, 3))]) },
      args: both,
    },
    'cwl-lambda-event': { files: { 'input.json': JSON.stringify(lambdaEvent(p(0, 3, 1)), null, 2) + '\n' }, args: both },
    'cwl-lambda-ndjson': {
      files: { 'input.ndjson': [lambdaEvent(p(0, 2, 1)), lambdaEvent(payload(inner.source, [], 9)), lambdaEvent(p(2, 2, 2))].map((e) => JSON.stringify(e) + '\n').join('') },
      args: both,
    },
    'cwl-firehose-transformation': {
      files: { 'input.json': JSON.stringify(firehoseTransformation([base64Gzip(p(0, 2, 1)), base64Gzip(CONTROL_PAYLOAD), base64Gzip(p(2, 2, 2))]), null, 2) + '\n' },
      args: both,
    },
    'cwl-firehose-http-body': { files: { 'input.json.gz': gzipSync(JSON.stringify(firehoseHttpBody([base64Gzip(p(0, 3, 1)), base64Gzip(p(3, 1, 2))]))) }, args: both },
    'cwl-filter-log-events': { files: { 'input.json': filterLogEvents(inner.source.logStream, events(inner, 0, 4), 1) }, args: both },
    'cwl-filter-log-events-pages': {
      files: {
        'input.json': filterLogEvents(inner.source.logStream, events(inner, 0, 2), 1, 'Bxkq6kVGFtq2y_Moigeqsc1')
          + filterLogEvents(inner.source.logStream, [], 2, 'Bxkq6kVGFtq2y_Moigeqsc2')
          + filterLogEvents(inner.source.logStream, events(inner, 2, 2), 3),
      },
      args: both,
    },
    'cwl-get-log-events': { files: { 'input.json': getLogEvents(events(inner, 0, 3)) }, args: both },
    'cwl-export': {
      files: {
        'input/exportedlogs/aws-logs-write-test': bytes('Permission Check Successful'),
        [`input/exportedlogs/0a1b2c3d-1111-2222-3333-444455556666/${inner.source.logStream}/000000.gz`]: gzipSync(exportLines(events(inner, 0, 3))),
        [`input/exportedlogs/0a1b2c3d-1111-2222-3333-444455556666/${inner.source.logStream}/000001.gz`]: gzipSync(exportLines(events(inner, 3, 2))),
      },
      args: both,
    },
    'cwl-corrupt-payloads': {
      // With --type only: without it, a payload that names no type is counted as unknown (no logType in its report).
      files: {
        'input.json': JSON.stringify(firehoseHttpBody([
          base64Gzip(p(0, 2, 1)),
          'H4sIAAAAAAAA/!!not-base64',
          Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3]), Buffer.from('not deflate data')]).toString('base64'),
          gzipSync('this is not JSON').toString('base64'),
          base64Gzip({ messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: inner.source.logGroup, logStream: inner.source.logStream }),
          base64Gzip({ ...p(2, 1, 2), logEvents: [{ id: '1', timestamp: inner.event(2).timestamp, message: inner.event(2).message }, { id: '2', timestamp: 1700000000000, message: inner.bad }, { id: '3', timestamp: 'yesterday', message: inner.event(3).message }] }),
          base64Gzip(p(4, 1, 3)),
        ]), null, 2) + '\n',
      },
    },
  };
}

function mixedCases(): Record<string, Case> {
  const [vpc, trail, aurora] = INNER as [Inner, Inner, Inner];
  const p = (inner: Inner, from: number, n: number, seed: number) => payload(inner.source, events(inner, from, n), seed);
  return {
    // An account-level subscription: one Firehose object, log groups of three types interleaved.
    'cwl-firehose-mixed-log-groups': {
      files: {
        'input-mixed': Buffer.concat([
          gzipJson(p(vpc, 0, 2, 1)), gzipJson(p(trail, 0, 2, 2)), gzipJson(CONTROL_PAYLOAD), gzipJson(p(aurora, 0, 2, 3)),
          gzipJson(p(vpc, 2, 1, 4)), gzipJson(p(trail, 2, 1, 5)),
        ]),
      },
      args: { noType: true },
    },
    // A log group named after nothing: the messages decide.
    'cwl-no-hint-messages-decide': {
      files: { 'input.json': JSON.stringify(payload({ logGroup: 'team-logs', logStream: 'stream-1' }, events(vpc, 0, 3), 1)) },
      args: { alsoDetect: true },
    },
    // A custom format without start or end: p_event_time is the CloudWatch timestamp.
    'cwl-vpc-format-without-times': {
      files: { 'input.json': getLogEvents(events(vpc, 0, 2).map((e) => ({ ...e, message: e.message.split(' ').filter((_, i) => [3, 4, 12].includes(i)).join(' ') }))) },
      args: { alsoDetect: true, args: ['--vpc-format', '${srcaddr} ${dstaddr} ${action}'] },
    },
  };
}

function write(type: string, name: string, c: Case): void {
  const dir = join(GOLDEN, type, name);
  rmSync(join(dir, 'input'), { recursive: true, force: true });
  for (const [file, content] of Object.entries(c.files)) {
    const path = join(dir, file);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, content);
  }
  if (c.args !== undefined) writeFileSync(join(dir, 'args.json'), JSON.stringify(c.args) + '\n');
}

for (const inner of INNER) for (const [name, c] of Object.entries(shapeCases(inner))) write(inner.type, name, c);
for (const [name, c] of Object.entries(mixedCases())) write('AWS.VPCFlow', name, c);
