// Unit tests of the envelopes (src/envelopes/): each shape's unwrapping, its
// errors, the limits on decoding, the name hints, the registry, and the
// one-way imports (no log type knows about CloudWatch; core knows neither).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { topLevelKeys } from '../src/core/json_keys.js';
import { ENVELOPES, ENVELOPE_WRAPPER_KEYS, JSON_ENVELOPES, envelopeOfKeys } from '../src/envelopes/index.js';
import { cliEvents } from '../src/envelopes/cli_events.js';
import { exportTask } from '../src/envelopes/export_task.js';
import { firehose } from '../src/envelopes/firehose.js';
import { hintedType } from '../src/envelopes/hints.js';
import { lambda } from '../src/envelopes/lambda.js';
import { MAX_BASE64_CHARS, decodeData, unwrapPayload } from '../src/envelopes/payload.js';
import { subscription } from '../src/envelopes/subscription.js';
import type { LogEvent, Unwrapped } from '../src/envelopes/types.js';
import { ROOT } from './helpers/cli.js';
import { CONTROL_PAYLOAD, VPC_SOURCE, base64Gzip, payload, vpcEvent } from './helpers/cwl.js';

function events(u: Unwrapped): LogEvent[] {
  assert.equal(u.kind, 'events', JSON.stringify(u));
  return (u as Extract<Unwrapped, { kind: 'events' }>).events;
}

function invalid(u: Unwrapped): string {
  assert.equal(u.kind, 'invalid', JSON.stringify(u));
  return (u as Extract<Unwrapped, { kind: 'invalid' }>).error;
}

const P = payload(VPC_SOURCE, [vpcEvent(0), vpcEvent(1)], 1);

test('registry: every envelope is complete, named CloudWatchLogs.*, with an AWS reference', () => {
  const names = ENVELOPES.map((e) => e.name);
  assert.equal(new Set(names).size, names.length);
  for (const e of ENVELOPES) {
    assert.match(e.name, /^CloudWatchLogs\.[A-Z][A-Za-z]+$/);
    assert.ok(e.description.length > 20);
    assert.match(e.referenceUrl, /^https:\/\/docs\.aws\.amazon\.com\//);
  }
  for (const e of JSON_ENVELOPES) assert.ok((e.documentKeys?.length ?? 0) > 0 || e.wrapperKey !== undefined, `${e.name} names its units`);
  assert.deepEqual([...ENVELOPE_WRAPPER_KEYS].sort(), ['events', 'records']);
});

test('imports flow one way: log types import only core, core imports no log type or envelope, envelopes no log type', () => {
  const importsOf = (dir: string) => readdirSync(join(ROOT, 'src', dir)).filter((f) => f.endsWith('.ts'))
    .map((f) => [f, [...readFileSync(join(ROOT, 'src', dir, f), 'utf8').matchAll(/from '(\.[^']+)'/g)].map((m) => m[1]!)] as const);
  for (const [f, imports] of importsOf('logtypes')) {
    for (const i of imports) assert.ok(i.startsWith('./') || i.startsWith('../core/'), `logtypes/${f} imports ${i}`);
  }
  for (const [f, imports] of importsOf('core')) for (const i of imports) assert.ok(i.startsWith('./'), `core/${f} imports ${i}`);
  for (const [f, imports] of importsOf('envelopes')) {
    for (const i of imports) assert.ok(i.startsWith('./') || i.startsWith('../core/'), `envelopes/${f} imports ${i}`);
  }
});

test('subscription: a DATA_MESSAGE gives its log events with group, stream, owner, id and time', () => {
  const [first, second] = events(subscription.unwrap(P, 0));
  assert.deepEqual(first, {
    message: vpcEvent(0).message, index: 0,
    facts: { logGroup: 'vpc-flow-logs', logStream: 'eni-0a1b2c3d4e5f67890-all', account: '123456789012', eventId: '31953106606966983378809025079804211143289615424299221569', time: '2023-11-14T22:13:20.000000000Z' },
  });
  assert.equal((second as { index: number }).index, 1);
});

test('subscription: keys in any order and unknown keys are read by name', () => {
  const reordered = { logEvents: P.logEvents, '@aws.account': '123456789012', logStream: P.logStream, owner: P.owner, logGroup: P.logGroup, messageType: 'DATA_MESSAGE' };
  assert.deepEqual(events(subscription.unwrap(reordered, 0)), events(subscription.unwrap(P, 0)));
});

test('subscription: a CONTROL_MESSAGE is a skip of its log events, never parsed', () => {
  const u = subscription.unwrap(CONTROL_PAYLOAD, 0);
  assert.equal(u.kind, 'skip');
  assert.equal((u as { count: number }).count, 1);
});

test('subscription: an invalid payload is one error naming what is wrong', () => {
  assert.match(invalid(unwrapPayload([])), /must be a JSON object, found an array/);
  assert.match(invalid(unwrapPayload({ messageType: 'DATA_MESSAGE' })), /logEvents: expected an array of log events, found nothing/);
  assert.match(invalid(unwrapPayload({ ...P, messageType: 'OTHER' })), /messageType: expected DATA_MESSAGE or CONTROL_MESSAGE, found the string "OTHER"/);
  assert.match(invalid(unwrapPayload({ ...P, logGroup: 7 })), /payload logGroup: expected a string, found the number 7/);
});

test('subscription: a bad log event is an error for that event alone, with its index', () => {
  const p = { ...P, logEvents: [{ id: '1', timestamp: 1700000000000, message: 'ok' }, { id: '2', timestamp: 1.5, message: 'x' }, { id: 3, message: 'y' }, 'text', { id: '4' }] };
  const [ok, time, id, notObject, noMessage] = events(unwrapPayload(p));
  assert.ok('message' in ok!);
  assert.deepEqual(time, { error: 'logEvents[1].timestamp: expected epoch milliseconds (a non-negative integer), found the number 1.5', raw: 'x', index: 1 });
  assert.match((id as { error: string }).error, /logEvents\[2\]\.id: expected a string, found the number 3/);
  assert.match((notObject as { error: string }).error, /logEvents\[3\]: expected a log event/);
  assert.match((noMessage as { error: string }).error, /logEvents\[4\]\.message: expected a string, found nothing/);
});

test('subscription: a log event nested too deeply to write back is reported, not a stack overflow', () => {
  const deep = JSON.parse('['.repeat(100000) + ']'.repeat(100000)) as unknown;
  const [e] = events(unwrapPayload({ ...P, logEvents: [deep] }));
  assert.match((e as { raw: string }).raw, /nested too deeply/);
});

test('lambda: awslogs.data is base64 of gzip of the payload', () => {
  assert.deepEqual(events(lambda.unwrap({ awslogs: { data: base64Gzip(P) } }, 0)), events(subscription.unwrap(P, 0)));
  assert.match(invalid(lambda.unwrap({ awslogs: 'x' }, 0)), /awslogs: expected an object holding "data", found the string "x"/);
});

test('base64 is checked strictly: a bad character, bad padding or a cut length is one clear error', () => {
  const good = base64Gzip(P);
  assert.match((decodeData(good.slice(0, 10) + '*' + good.slice(11), 'd') as { error: string }).error, /not valid base64: a character that is not base64 at position 10: "\*"/);
  assert.match((decodeData('QUJD=QUJD', 'd') as { error: string }).error, /"=" padding inside/);
  assert.match((decodeData(good.slice(0, -1), 'd') as { error: string }).error, /is not a multiple of 4 \(cut short\?\)/);
  assert.match((decodeData(7, 'd') as { error: string }).error, /expected base64 text, found the number 7/);
});

test('gzip inside: bad data, and more than 64 MiB once inflated, are errors; plain JSON is read too', () => {
  const broken = Buffer.concat([gzipSync(JSON.stringify(P)).subarray(0, 20), Buffer.alloc(20, 0xff)]).toString('base64');
  assert.match((decodeData(broken, 'd') as { error: string }).error, /is not valid gzip data/);
  const bomb = gzipSync(Buffer.alloc(65 * 1024 * 1024)).toString('base64');
  assert.match((decodeData(bomb, 'd') as { error: string }).error, /decompresses to more than 64 MiB/);
  assert.deepEqual(decodeData(Buffer.from('{"a":1}').toString('base64'), 'd'), { text: '{"a":1}' });
  assert.match((decodeData(Buffer.from('plain').toString('base64'), 'd') as { error: string }).error, /neither gzip data nor a JSON payload/);
});

test('a base64 text longer than any payload can be is refused before decoding', () => {
  const r = decodeData('A'.repeat(MAX_BASE64_CHARS + 4), 'awslogs.data') as { error: string };
  assert.match(r.error, /characters of base64, more than a payload of 64 MiB can take/);
});

test('firehose: each record\'s data is a payload; a record that is no object is one error', () => {
  assert.deepEqual(events(firehose.unwrap({ recordId: '1', data: base64Gzip(P) }, 3)), events(subscription.unwrap(P, 0)));
  assert.match(invalid(firehose.unwrap('x', 3)), /records\[3\]: expected a Firehose record/);
  assert.match(invalid(firehose.unwrap({ data: base64Gzip([1]) }, 0)), /payload must be a JSON object/);
});

test('filter-log-events / get-log-events: one event per element with stream, id and time when given', () => {
  const [e] = events(cliEvents.unwrap({ logStreamName: 's', timestamp: 1700000000123, message: 'm', ingestionTime: 1, eventId: '9' }, 4));
  assert.deepEqual(e, { message: 'm', index: 4, facts: { logStream: 's', eventId: '9', time: '2023-11-14T22:13:20.123000000Z' } });
  const [g] = events(cliEvents.unwrap({ ingestionTime: 1, timestamp: 1700000000000, message: 'm' }, 0));
  assert.deepEqual(g, { message: 'm', index: 0, facts: { time: '2023-11-14T22:13:20.000000000Z' } });
  const [bad] = events(cliEvents.unwrap({ timestamp: '1700000000000', message: 'm' }, 2));
  assert.deepEqual(bad, { error: 'events[2].timestamp: expected epoch milliseconds (a non-negative integer), found the string "1700000000000"', raw: 'm', index: 2 });
  assert.match((events(cliEvents.unwrap({ timestamp: 1 }, 1))[0] as { error: string }).error, /events\[1\]\.message: expected a string/);
});

test('export: the ISO prefix is stripped and kept as the time; a line without it is passed on whole', () => {
  const context = exportTask.contextFromPath('exportedlogs/0a1b/eni-0a1b2c3d4e5f67890-all/000000.gz');
  assert.deepEqual(context, { logStream: 'eni-0a1b2c3d4e5f67890-all' });
  assert.deepEqual(events(exportTask.unwrap('2023-11-14T22:13:22.346Z 1700000002345678,db', context)),
    [{ message: '1700000002345678,db', facts: { logStream: 'eni-0a1b2c3d4e5f67890-all', time: '2023-11-14T22:13:22.346000000Z' } }]);
  assert.deepEqual(events(exportTask.unwrap('  continued', {})), [{ message: '  continued', facts: {} }]);
  assert.match((events(exportTask.unwrap('2023-02-30T00:00:00.000Z x', {}))[0] as { error: string }).error, /timestamp prefix "2023-02-30T00:00:00.000Z" is not a valid time/);
  assert.equal(exportTask.matches('2023-11-14T22:13:22.346Z x'), true);
  assert.equal(exportTask.matches('2023-11-14T22:13:22Z x'), false);
  assert.deepEqual(exportTask.contextFromPath('flow.log.gz'), {});
  assert.deepEqual(exportTask.contextFromPath('000000.gz'), {});
});

test('hints: log group and stream names AWS gives each source', () => {
  assert.equal(hintedType('/aws/rds/cluster/database-1/audit', 'database-1-instance-1'), 'AWS.AuroraMySQLAudit');
  assert.equal(hintedType('/aws/rds/instance/db-2/audit', undefined), 'AWS.AuroraMySQLAudit');
  assert.equal(hintedType('/aws/rds/cluster/database-1/error', undefined), undefined);
  assert.equal(hintedType('team-logs', '123456789012_CloudTrail_us-east-1'), 'AWS.CloudTrail');
  assert.equal(hintedType('team-logs', '123456789012_CloudTrail_us-east-1_2'), 'AWS.CloudTrail');
  assert.equal(hintedType('aws-cloudtrail-logs-123456789012-0a1b2c3d', 's'), 'AWS.CloudTrail');
  assert.equal(hintedType('team-logs', 'eni-0a1b2c3d4e5f67890-reject'), 'AWS.VPCFlow');
  assert.equal(hintedType('vpc-flow-logs', 'x'), 'AWS.VPCFlow');
  assert.equal(hintedType('team-logs', 'stream-1'), undefined);
  assert.equal(hintedType(undefined, undefined), undefined);
});

test('topLevelKeys: the first document\'s depth-1 keys, from a prefix, without parsing', () => {
  assert.deepEqual([...topLevelKeys('{"a":1,"b":{"c":[1,{"d":2}]},"e":"x}","f":[')!], [['a', 'other'], ['b', '{'], ['e', '"'], ['f', '[']]);
  assert.deepEqual([...topLevelKeys(' \n{ "k\\"q" : [ ] }{"z":1}')!], [['k\\"q', '[']]);
  assert.deepEqual([...topLevelKeys('{"events":[{"message":"a')!], [['events', '[']]);
  assert.equal(topLevelKeys('[1]'), undefined);
  assert.deepEqual([...topLevelKeys('{"a"')!], []);
});

test('envelopeOfKeys: a document is an envelope by its keys; an event that is no envelope is not', () => {
  const of = (text: string) => envelopeOfKeys(topLevelKeys(text)!)?.name;
  assert.equal(of('{"messageType":"DATA_MESSAGE","owner":"1"'), 'CloudWatchLogs.Subscription');
  assert.equal(of('{"awslogs":{"data":"H4sI'), 'CloudWatchLogs.Lambda');
  assert.equal(of('{"invocationId":"x","records":[{"data"'), 'CloudWatchLogs.Firehose');
  assert.equal(of('{\n    "events": [\n'), 'CloudWatchLogs.Events');
  assert.equal(of('{"events":"not an array"}'), undefined);
  assert.equal(of('{"eventVersion":"1.08","eventTime":"2023-11-14T22:13:20Z"}'), undefined);
  assert.equal(of('{"Records":[]}'), undefined);
});
