// The envelope layer in the pipeline (src/pipeline/envelope.ts), in-process:
// which inputs are enveloped (a check per input), framing of every shape in
// chunks of any size, element indexes per page, per-log-group detection,
// accounting per log event, and bounded memory on a merged CLI output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StandardFields } from '../src/core/standard.js';
import { LOG_TYPES, findLogType } from '../src/logtypes/index.js';
import type { LogTypeDescriptor } from '../src/logtypes/types.js';
import { EnvelopeHandler, envelopeFramer, isExportWriteTest, sniffEnvelope, type EnvelopeSettings } from '../src/pipeline/envelope.js';
import { HOLD_CHARS, JsonFramer } from '../src/pipeline/json.js';
import type { ResyncJsonFramer } from '../src/pipeline/json_resync.js';
import { RecordProcessor } from '../src/pipeline/normalize.js';
import { Capture } from './helpers/property.js';
import {
  AURORA_SOURCE, CONTROL_PAYLOAD, TRAIL_SOURCE, VPC_SOURCE, auroraEvent, exportLines, filterLogEvents, lambdaEvent, payload,
  trailEvent, vpcEvent,
} from './helpers/cwl.js';

const VPC = findLogType('AWS.VPCFlow')!;

function settings(logType?: LogTypeDescriptor): EnvelopeSettings {
  return { ...(logType !== undefined ? { logType } : {}), candidates: LOG_TYPES, parserOptions: {}, maxLineBytes: 1 << 20 };
}

interface Run {
  capture: Capture;
  handler: EnvelopeHandler;
}

/** Runs an input through sniff + envelope handler, pushed in chunks of `chunk` bytes. */
function run(input: string | Buffer, opts: { logType?: LogTypeDescriptor; chunk?: number; file?: string } = {}): Run {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const file = opts.file ?? 'input';
  const s = settings(opts.logType);
  const sniffed = sniffEnvelope([bytes], true, file, s);
  assert.ok(sniffed, 'the input is enveloped');
  const capture = new Capture();
  const standard = new StandardFields();
  const handler = new EnvelopeHandler(file, s, (type, options) => new RecordProcessor(file, type, options, standard, capture, capture), capture, sniffed);
  const framer = envelopeFramer(sniffed, handler, s.maxLineBytes);
  const step = opts.chunk ?? bytes.length;
  for (let i = 0; i < bytes.length; i += step) framer.push(bytes.subarray(i, i + step));
  framer.end();
  return { capture, handler };
}

function strip(line: string): Record<string, unknown> {
  const r = JSON.parse(line) as Record<string, unknown>;
  delete r.p_row_id;
  delete r.p_parse_time;
  return r;
}

test('not enveloped: plain lines, trail files, events and GuardDuty output are left to the log types', () => {
  const s = settings();
  const plain = (text: string, type?: LogTypeDescriptor) => sniffEnvelope([Buffer.from(text)], true, 'f', settings(type));
  assert.equal(plain(vpcEvent(0).message + '\n'), undefined);
  assert.equal(plain(vpcEvent(0).message + '\n', VPC), undefined);
  assert.equal(plain('{"Records":[' + trailEvent(0).message + ']}'), undefined);
  assert.equal(plain(trailEvent(0).message + '\n'), undefined);
  assert.equal(plain('{"Findings":[]}'), undefined);
  assert.equal(plain(''), undefined);
  assert.equal(sniffEnvelope([], true, 'f', s), undefined);
});

test('export lines: detected by their prefix; with --type only when a message parses as that type', () => {
  const text = exportLines([vpcEvent(0), vpcEvent(1)]);
  assert.equal(sniffEnvelope([Buffer.from(text)], true, 'f', settings())?.first.name, 'CloudWatchLogs.Export');
  assert.equal(sniffEnvelope([Buffer.from(text)], true, 'f', settings(VPC))?.first.name, 'CloudWatchLogs.Export');
  assert.equal(sniffEnvelope([Buffer.from(text)], true, 'f', settings(findLogType('AWS.ALB')!)), undefined);
});

test('aws-logs-write-test: only the probe\'s own name and text', () => {
  const probe = [Buffer.from('Permission Check Successful')];
  assert.equal(isExportWriteTest('exportedlogs/aws-logs-write-test', probe, true), true);
  assert.equal(isExportWriteTest('exportedlogs/other', probe, true), false);
  assert.equal(isExportWriteTest('exportedlogs/aws-logs-write-test', [Buffer.from('data')], true), false);
});

test('subscription payloads glued }{, newline-separated, pretty with CRLF: the same records in 1-, 3- and 7-byte chunks', () => {
  const p1 = payload(VPC_SOURCE, [vpcEvent(0), vpcEvent(1)], 1);
  const p2 = payload(VPC_SOURCE, [vpcEvent(2)], 2);
  const p3 = payload(VPC_SOURCE, [vpcEvent(3)], 3);
  const input = JSON.stringify(p1) + JSON.stringify(p2) + '\n' + JSON.stringify(p3, null, 2).replaceAll('\n', '\r\n');
  const whole = run(input, { logType: VPC }).capture.lines.map(strip);
  assert.equal(whole.length, 4);
  for (const chunk of [1, 3, 7]) assert.deepEqual(run(input, { logType: VPC, chunk }).capture.lines.map(strip), whole);
  assert.deepEqual(whole.map((r) => r.srcAddr), ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']);
});

test('filter-log-events pages back to back: logEvent counts from 0 on each page', () => {
  const bad = { message: 'not a flow record', timestamp: 1700000000000 };
  const input = filterLogEvents(VPC_SOURCE.logStream, [vpcEvent(0), bad], 1, 't') + filterLogEvents(VPC_SOURCE.logStream, [bad, vpcEvent(1)], 2);
  const { capture } = run(input, { logType: VPC, chunk: 5 });
  assert.equal(capture.lines.length, 2);
  assert.deepEqual(capture.reports.map((r) => [r.line, r.logEvent, r.raw]), [[10, 1, 'not a flow record'], [23, 0, 'not a flow record']]);
});

test('per log group detection: one input mixing groups of three types; CONTROL_MESSAGE counted as skipped', () => {
  const input = [
    payload(VPC_SOURCE, [vpcEvent(0)], 1), payload(TRAIL_SOURCE, [trailEvent(0)], 2), CONTROL_PAYLOAD,
    payload(AURORA_SOURCE, [auroraEvent(0), auroraEvent(1)], 3), payload(VPC_SOURCE, [vpcEvent(1)], 4),
  ].map((p) => JSON.stringify(p)).join('');
  const { capture, handler } = run(input);
  assert.deepEqual(capture.records.map((r) => r.p_log_type), ['AWS.VPCFlow', 'AWS.CloudTrail', 'AWS.AuroraMySQLAudit', 'AWS.AuroraMySQLAudit', 'AWS.VPCFlow']);
  assert.equal(handler.label(), 'CloudWatchLogs.Subscription(AWS.VPCFlow,AWS.CloudTrail,AWS.AuroraMySQLAudit)');
  const counts = Object.fromEntries(handler.countsByType());
  assert.deepEqual(counts.unknown, { read: 1, written: 0, failed: 0, skipped: 1, filtered: 0 });
  assert.equal(counts['AWS.VPCFlow']!.written, 2);
  const total = handler.totals();
  assert.equal(total.read, total.written + total.failed + total.skipped);
});

test('a log group whose messages no type parses: each event an error report naming the group, counted as unknown', () => {
  const input = JSON.stringify(payload({ logGroup: 'team-logs', logStream: 's' }, [{ message: 'hello', timestamp: 1 }, { message: 'world', timestamp: 2 }]));
  const { capture, handler } = run(input);
  assert.equal(capture.lines.length, 0);
  assert.deepEqual(capture.reports.map((r) => r.logEvent), [0, 1]);
  assert.match(capture.reports[0]!.error, /could not detect the log type of the log events of log group "team-logs": .*; pass --type/);
  assert.equal(handler.named, false);
  assert.deepEqual(handler.countsByType().get('unknown'), { read: 2, written: 0, failed: 2, skipped: 0, filtered: 0 });
});

test('a bad payload between good ones is one report; the next payload is still read', () => {
  const good = JSON.stringify(lambdaEvent(payload(VPC_SOURCE, [vpcEvent(0)], 1)));
  const input = `${good}\n{"awslogs":{"data":"H4sI*"}}\n{"awslogs":{}}\n[1]\nnot json\n${good}\n`;
  const { capture, handler } = run(input, { logType: VPC });
  assert.equal(capture.lines.length, 2);
  assert.deepEqual(capture.reports.map((r) => r.line), [2, 3, 4, 5]);
  const c = handler.countsByType().get('AWS.VPCFlow')!;
  assert.deepEqual(c, { read: 6, written: 2, failed: 4, skipped: 0, filtered: 0 });
});

test('p_event_time falls back to the CloudWatch timestamp only when the record has no time', () => {
  const input = JSON.stringify(payload(VPC_SOURCE, [{ message: '192.0.2.1 203.0.113.1 ACCEPT', timestamp: 1700000000123 }]));
  const s: EnvelopeSettings = { ...settings(VPC), parserOptions: { vpcFormat: 'srcaddr dstaddr action' } };
  const sniffed = sniffEnvelope([Buffer.from(input)], true, 'f', s)!;
  const capture = new Capture();
  const handler = new EnvelopeHandler('f', s, (type, options) => new RecordProcessor('f', type, options, new StandardFields(), capture, capture), capture, sniffed);
  const framer = new JsonFramer(handler);
  framer.push(Buffer.from(input));
  framer.end();
  const [r] = capture.records;
  assert.equal(r!.p_event_time, '2023-11-14T22:13:20.123000000Z');
  assert.equal(r!.p_source_time, '2023-11-14T22:13:20.123000000Z');
});

test('a VPC message that looks like a header is an error, not a new layout', () => {
  const input = JSON.stringify(payload(VPC_SOURCE, [{ message: 'version account-id interface-id srcaddr', timestamp: 1 }, vpcEvent(0)]));
  const { capture } = run(input, { logType: VPC });
  assert.equal(capture.lines.length, 1);
  assert.match(capture.reports[0]!.error, /a header line where the records carry none/);
});

test('a merged filter-log-events output is streamed one event at a time (bounded memory)', () => {
  const s = settings(VPC);
  const head = Buffer.from('{\n    "events": [\n');
  const sniffed = sniffEnvelope([head], false, 'f', s)!;
  let written = 0;
  const sink = { writeRecord() { written++; }, error() { throw new Error('no error expected'); }, notice() {} };
  const handler = new EnvelopeHandler('f', s, (type, options) => new RecordProcessor('f', type, options, new StandardFields(), sink, sink), sink, sniffed);
  const framer = envelopeFramer(sniffed, handler, s.maxLineBytes) as ResyncJsonFramer;
  framer.push(head);
  let peak = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const e = vpcEvent(i);
    framer.push(Buffer.from(`        {"logStreamName": "s", "timestamp": ${e.timestamp}, "message": "${e.message}", "ingestionTime": 1, "eventId": "${i}"}${i + 1 < n ? ',' : ''}\n`));
    peak = Math.max(peak, framer.bufferedChars);
  }
  framer.push(Buffer.from('    ],\n    "searchedLogStreams": []\n}\n'));
  framer.end();
  assert.equal(written, n);
  // The framer's lookahead (HOLD_CHARS: keys after an array may make the
  // object one record) and one event, never the whole array.
  assert.ok(peak < HOLD_CHARS + 1000, `at most the lookahead and one event held (peak ${peak} characters)`);
});
