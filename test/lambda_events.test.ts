// Unit tests of src/lambda/events.ts: every event shape the handler takes,
// the skips, and hostile bodies (prototype keys, wrong types, huge and deep
// documents), which must be problems naming where they are, never a throw
// or a polluted prototype.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_BODY_CHARS, MAX_RECORDS, parseEvent, type S3ObjectItem } from '../src/lambda/events.js';

function s3Event(key: string, extra: Record<string, unknown> = {}, eventName = 'ObjectCreated:Put'): Record<string, unknown> {
  return {
    Records: [{
      eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-east-1', eventName,
      s3: { s3SchemaVersion: '1.0', bucket: { name: 'logs-bucket', arn: 'arn:aws:s3:::logs-bucket' }, object: { key, size: 1024, eTag: '0123456789abcdef0123456789abcdef', ...extra } },
    }],
  };
}

function snsEvent(message: unknown): Record<string, unknown> {
  return { Records: [{ EventSource: 'aws:sns', EventVersion: '1.0', Sns: { Type: 'Notification', MessageId: 'm-1', Message: JSON.stringify(message) } }] };
}

function snsEnvelope(message: unknown): Record<string, unknown> {
  return { Type: 'Notification', MessageId: 'sns-1', TopicArn: 'arn:aws:sns:us-east-1:123456789012:t', Message: JSON.stringify(message) };
}

function sqsEvent(...bodies: Array<[string, unknown]>): Record<string, unknown> {
  return { Records: bodies.map(([messageId, body]) => ({ messageId, receiptHandle: 'rh', eventSource: 'aws:sqs', body: typeof body === 'string' ? body : JSON.stringify(body) })) };
}

const eventBridgeEvent = {
  version: '0', id: 'e1', 'detail-type': 'Object Created', source: 'aws.s3', account: '123456789012', region: 'us-east-1',
  detail: { version: '0', bucket: { name: 'logs-bucket' }, object: { key: 'a b/c+d.log', size: 5, etag: 'abc', 'version-id': 'v1.x', sequencer: '00' }, reason: 'PutObject' },
};

const objects = (items: readonly unknown[]) => items as S3ObjectItem[];

test('S3 notification: the key is URL-decoded (+ is a space, %2B a plus), ETag, size and versionId kept', () => {
  const p = parseEvent(s3Event('AWSLogs/my+file%2Bx%3A1.log.gz', { versionId: 'abc' }));
  assert.equal(p.shape, 'S3');
  assert.deepEqual(p.problems, []);
  assert.deepEqual(objects(p.items), [{ kind: 's3-object', bucket: 'logs-bucket', key: 'AWSLogs/my file+x:1.log.gz', where: 'event.Records[0]', versionId: 'abc', eTag: '0123456789abcdef0123456789abcdef', size: 1024 }]);
});

test('S3 notification: an event that is not an object creation is skipped, not an error', () => {
  const p = parseEvent(s3Event('k', {}, 'ObjectRemoved:Delete'));
  assert.equal(p.items.length, 0);
  assert.equal(p.problems.length, 0);
  assert.match(p.skipped[0]!.reason, /ObjectRemoved:Delete/);
});

test('S3 notification: a bad % escape in a key is a problem naming the field', () => {
  const p = parseEvent(s3Event('bad%zzkey'));
  assert.equal(p.items.length, 0);
  assert.match(p.problems[0]!.error, /event\.Records\[0\]\.s3\.object\.key.*bad %/);
});

test('SNS wrapping an S3 notification', () => {
  const p = parseEvent(snsEvent(s3Event('x/y.log')));
  assert.equal(p.shape, 'SNS');
  assert.deepEqual(objects(p.items).map((i) => [i.bucket, i.key]), [['logs-bucket', 'x/y.log']]);
});

test('SQS: S3 body, SNS-envelope body, EventBridge body and CloudTrail body, each item carries its message id', () => {
  const p = parseEvent(sqsEvent(
    ['m1', s3Event('one.log')],
    ['m2', snsEnvelope(s3Event('two.log'))],
    ['m3', eventBridgeEvent],
    ['m4', snsEnvelope({ s3Bucket: 'trail-bucket', s3ObjectKey: ['AWSLogs/1/CloudTrail/a.json.gz', 'AWSLogs/1/CloudTrail/b.json.gz'] })],
  ));
  assert.equal(p.shape, 'SQS');
  assert.deepEqual(p.problems, []);
  assert.deepEqual(p.messageIds, ['m1', 'm2', 'm3', 'm4']);
  assert.deepEqual(objects(p.items).map((i) => [i.messageId, i.bucket, i.key]), [
    ['m1', 'logs-bucket', 'one.log'],
    ['m2', 'logs-bucket', 'two.log'],
    ['m3', 'logs-bucket', 'a b/c+d.log'],
    ['m4', 'trail-bucket', 'AWSLogs/1/CloudTrail/a.json.gz'],
    ['m4', 'trail-bucket', 'AWSLogs/1/CloudTrail/b.json.gz'],
  ]);
});

test('SQS: a bad body is a problem of its own message only', () => {
  const p = parseEvent(sqsEvent(['good', s3Event('ok.log')], ['bad', '{not json'], ['odd', { hello: 1 }]));
  assert.equal(p.items.length, 1);
  assert.deepEqual(p.problems.map((x) => x.messageId), ['bad', 'odd']);
  assert.match(p.problems[0]!.error, /event\.Records\[1\]\.body: not JSON/);
  assert.match(p.problems[1]!.error, /expected an S3 event notification.*found an object with keys "hello"/);
});

test('SQS: a record without a message id is a problem without one (the whole batch fails)', () => {
  const p = parseEvent({ Records: [{ eventSource: 'aws:sqs', body: '{}' }, { eventSource: 'aws:sqs', messageId: 'm', body: JSON.stringify(s3Event('k')) }] });
  assert.equal(p.problems.length, 1);
  assert.equal(p.problems[0]!.messageId, undefined);
  assert.equal(p.items.length, 1);
});

test('EventBridge: the key is taken as written (not URL-decoded), version-id and etag kept', () => {
  const p = parseEvent(eventBridgeEvent);
  assert.equal(p.shape, 'EventBridge');
  assert.deepEqual(objects(p.items)[0], { kind: 's3-object', bucket: 'logs-bucket', key: 'a b/c+d.log', where: 'event', versionId: 'v1.x', eTag: 'abc', size: 5 });
  const other = parseEvent({ ...eventBridgeEvent, 'detail-type': 'Object Deleted' });
  assert.equal(other.items.length, 0);
  assert.equal(other.skipped.length, 1);
});

test('CloudTrail SNS notification: one item per key', () => {
  const p = parseEvent(snsEvent({ s3Bucket: 'trail-bucket', s3ObjectKey: ['k1', 'k2'] }));
  assert.deepEqual(objects(p.items).map((i) => i.key), ['k1', 'k2']);
  assert.match(parseEvent({ s3Bucket: 'trail-bucket', s3ObjectKey: [1] }).problems[0]!.error, /s3ObjectKey\[0\]: expected a non-empty key, found the number 1/);
});

test('s3:TestEvent is skipped, directly, in SNS and in SQS', () => {
  const testEvent = { Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2024-01-01T00:00:00.000Z', Bucket: 'logs-bucket', RequestId: 'r', HostId: 'h' };
  for (const e of [testEvent, snsEvent(testEvent), sqsEvent(['m', testEvent])]) {
    const p = parseEvent(e);
    assert.equal(p.items.length, 0);
    assert.equal(p.problems.length, 0);
    assert.match(p.skipped[0]!.reason, /s3:TestEvent/);
  }
});

test('CloudWatch Logs subscription event: one log-events item with the data as sent', () => {
  const p = parseEvent({ awslogs: { data: 'H4sIAAAA' } });
  assert.equal(p.shape, 'CloudWatchLogs');
  assert.deepEqual(p.items, [{ kind: 'log-events', data: 'H4sIAAAA', where: 'event' }]);
  assert.match(parseEvent({ awslogs: { data: 5 } }).problems[0]!.error, /event\.awslogs\.data: expected base64 text, found the number 5/);
});

test('an unknown event is a problem that names what was found', () => {
  assert.match(parseEvent({ foo: 1, bar: 2 }).problems[0]!.error, /^event: expected an S3 event notification.*found an object with keys "foo", "bar"$/);
  assert.match(parseEvent(null).problems[0]!.error, /found null/);
  assert.match(parseEvent('text').problems[0]!.error, /found the string "text"/);
  assert.match(parseEvent([1]).problems[0]!.error, /found an array/);
});

test('hostile: __proto__ and inherited names are data, never read through the prototype, and pollute nothing', () => {
  const body = '{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"__proto__":{"bucket":{"name":"evil"}},"object":{"key":"k"}}}]}';
  const p = parseEvent(sqsEvent(['m', body]));
  assert.equal(p.items.length, 0);
  assert.match(p.problems[0]!.error, /s3\.bucket: expected an object, found nothing/);
  assert.equal(({} as Record<string, unknown>).bucket, undefined);
  // A field named like an Object.prototype member is not found on the prototype.
  const q = parseEvent({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b-1' }, object: { key: 'constructor' } } }] });
  assert.equal(objects(q.items)[0]!.key, 'constructor');
  const r = parseEvent(JSON.parse('{"awslogs":{"__proto__":{"data":"x"}}}'));
  assert.match(r.problems[0]!.error, /awslogs\.data: expected base64 text, found nothing/);
});

test('hostile: wrong types anywhere are problems naming the field', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ Records: 'x' }, /found an object with keys "Records"/],
    [{ Records: [{ eventSource: 'aws:s3', eventName: 5 }] }, /eventName: expected a string.*found the number 5/],
    [s3Event('k', { size: -1 }), /object\.size: expected a size in bytes, found the number -1/],
    [s3Event('k', { size: '10' }), /object\.size: expected a size in bytes/],
    [{ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'Bad_Bucket' }, object: { key: 'k' } } }] }, /is not an S3 bucket name/],
    [{ Records: [{ EventSource: 'aws:sns', Sns: { Message: 7 } }] }, /Sns\.Message: expected JSON text, found the number 7/],
  ];
  for (const [event, pattern] of cases) {
    const p = parseEvent(event);
    assert.equal(p.items.length, 0, JSON.stringify(event));
    assert.match(p.problems[0]?.error ?? '(no problem)', pattern);
  }
});

test('hostile: sizes are bounded (records, body, key) before anything big is parsed or kept', () => {
  const many = { Records: Array.from({ length: MAX_RECORDS + 1 }, () => ({ eventSource: 'aws:s3' })) };
  assert.match(parseEvent(many).problems[0]!.error, /more than the 10000 allowed/);
  const huge = parseEvent(sqsEvent(['m', ' '.repeat(MAX_BODY_CHARS + 1)]));
  assert.match(huge.problems[0]!.error, /more than the 1048576 an SQS or SNS message holds/);
  const longKey = parseEvent(s3Event('k'.repeat(1025)));
  assert.match(longKey.problems[0]!.error, /1025 bytes long; S3 keys are at most 1024/);
});

test('hostile: deep nesting (a body that is SQS in SNS in SQS…, or a deep array) is a problem, not a stack overflow', () => {
  let nested: unknown = s3Event('k');
  for (let i = 0; i < 5; i++) nested = snsEnvelope(nested);
  const p = parseEvent(sqsEvent(['m', nested]));
  assert.equal(p.items.length, 0);
  assert.match(p.problems[0]!.error, /levels deep; AWS nests at most SQS → SNS → S3/);
  const deep = '['.repeat(100_000) + ']'.repeat(100_000);
  const q = parseEvent(sqsEvent(['m', deep]));
  assert.match(q.problems[0]!.error, /found an array/);
  const inner = parseEvent(sqsEvent(['m', sqsEvent(['n', s3Event('k')])]));
  assert.match(inner.problems[0]!.error, /SQS event is not expected inside a message/);
});
