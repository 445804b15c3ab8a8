// AWS.CloudTrail beyond the goldens: hostile keys, digest notices, deep
// nesting, normalized output read again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeInProcess } from './helpers/normalize.js';

const EVENT = {
  eventVersion: '1.08',
  userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012' },
  eventTime: '2024-05-01T10:00:00Z',
  eventSource: 'iam.amazonaws.com',
  eventName: 'ListUsers',
  awsRegion: 'us-east-1',
  sourceIPAddress: '203.0.113.24',
  requestParameters: null,
  responseElements: null,
  eventID: 'e1',
  eventType: 'AwsApiCall',
  recipientAccountId: '123456789012',
};

test('__proto__, constructor and prototype keys are data; nothing is polluted', async () => {
  const text = JSON.stringify(EVENT).slice(0, -1) +
    ',"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"requestParameters2":{"__proto__":{"polluted":3}}}';
  const input = `{"Records":[${text}]}\n${text.replace('"eventID":"e1"', '"eventID":"e2"')}\n`;
  const result = await normalizeInProcess('AWS.CloudTrail', input);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.records.length, 2);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
  for (const line of result.stdout.trim().split('\n')) {
    assert.match(line, /"__proto__":\{"polluted":1\},"constructor":\{"prototype":\{"polluted":2\}\}/);
    assert.match(line, /"requestParameters2":\{"__proto__":\{"polluted":3\}\}/);
  }
});

test('digest files are skipped with one notice per input, not an error per record', async () => {
  const digest = '{"awsAccountId":"123456789012","digestStartTime":"2024-05-01T09:16:37Z","digestEndTime":"2024-05-01T10:16:37Z","digestPublicKeyFingerprint":"7e7f","logFiles":[]}';
  const result = await normalizeInProcess('AWS.CloudTrail', `${digest}\n${digest}\n${digest}\n${JSON.stringify(EVENT)}\n`);
  assert.equal(result.code, 0);
  assert.equal(result.records.length, 1);
  assert.deepEqual(result.errors, []);
  assert.equal(result.stderr.split('\n').filter((l) => /digest/.test(l)).length, 1, result.stderr);
  assert.match(result.stderr, /4 records read: 1 written, 0 failed, 3 skipped/);
});

test('a 200,000-level nested array is one error report; the other records are written', async () => {
  const n = 200_000;
  const deep = '['.repeat(n) + ']'.repeat(n);
  const input = `{"Records":[${JSON.stringify(EVENT)},${JSON.stringify({ ...EVENT, eventID: 'deep', requestParameters: { x: 0 } }).replace('{"x":0}', deep)},${JSON.stringify({ ...EVENT, eventID: 'e3' })}]}\n${deep}\n`;
  const result = await normalizeInProcess('AWS.CloudTrail', input);
  assert.equal(result.code, 1);
  assert.deepEqual(result.records.map((r) => r.eventID), ['e1', 'e3']);
  assert.equal(result.errors.length, 2);
  for (const e of result.errors) assert.match(String(e.error), /nested deeper than 512 levels/);
  assert.deepEqual(result.errors.map((e) => e.line), [1, 2]);
});

test('nesting below the limit is normalized (deep free-form JSON is kept whole)', async () => {
  const deep = '['.repeat(500) + '"arn:aws:iam::123456789012:root"' + ']'.repeat(500);
  const result = await normalizeInProcess('AWS.CloudTrail', JSON.stringify({ ...EVENT, requestParameters: { x: 0 } }).replace('{"x":0}', deep));
  assert.equal(result.code, 0, JSON.stringify(result.errors));
  assert.match(result.stdout, /\[{500}"arn/);
});

test('normalized output read again gives the same events (p_ fields replaced, one notice)', async () => {
  const first = await normalizeInProcess('AWS.CloudTrail', `${JSON.stringify(EVENT)}\n${JSON.stringify({ ...EVENT, eventID: 'e2' })}\n`);
  const second = await normalizeInProcess('AWS.CloudTrail', first.stdout);
  assert.equal(second.code, 0);
  const strip = (r: Record<string, unknown>) => ({ ...r, p_row_id: 0, p_parse_time: 0 });
  assert.deepEqual(second.records.map(strip), first.records.map(strip));
  assert.equal(second.stderr.split('\n').filter((l) => /p_ fields/.test(l)).length, 1);
});
