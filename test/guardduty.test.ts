// AWS.GuardDuty beyond the goldens: timestamp precision, hostile keys,
// envelopes that are not what they seem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeInProcess } from './helpers/normalize.js';

const FINDING = {
  schemaVersion: '2.0', accountId: '123456789012', region: 'us-east-1', partition: 'aws', id: 'f1',
  arn: 'arn:aws:guardduty:us-east-1:123456789012:detector/d1/finding/f1', type: 'Recon:EC2/PortProbeUnprotectedPort',
  resource: { resourceType: 'Instance', instanceDetails: { instanceId: 'i-0123456789abcdef0' } },
  service: { serviceName: 'guardduty', detectorId: 'd1', eventFirstSeen: '2024-05-01T10:00:00Z', eventLastSeen: '2024-05-01T10:05:00.1Z', count: 1 },
  severity: 2, createdAt: '2024-05-01T10:05:00.123Z', updatedAt: '2024-05-01T12:05:00.123456+02:00',
  title: 't', description: 'd',
};

test('timestamps: milliseconds exact, offsets applied, p_event_time = updatedAt', async () => {
  const result = await normalizeInProcess('AWS.GuardDuty', JSON.stringify(FINDING));
  assert.equal(result.code, 0, JSON.stringify(result.errors));
  const r = result.records[0]!;
  const service = r.service as Record<string, unknown>;
  assert.equal(r.createdAt, '2024-05-01T10:05:00.123000000Z');
  assert.equal(r.updatedAt, '2024-05-01T10:05:00.123456000Z');
  assert.equal(r.p_event_time, '2024-05-01T10:05:00.123456000Z');
  assert.equal(service.eventFirstSeen, '2024-05-01T10:00:00.000000000Z');
  assert.equal(service.eventLastSeen, '2024-05-01T10:05:00.100000000Z');
});

test('__proto__ keys inside the finding are kept as data; nothing is polluted', async () => {
  const text = JSON.stringify(FINDING).replace('"resourceType":"Instance"', '"__proto__":{"polluted":1,"instanceId":"i-11111111"},"resourceType":"Instance"');
  const result = await normalizeInProcess('AWS.GuardDuty', `{"Findings":[${text}]}`);
  assert.equal(result.code, 0, JSON.stringify(result.errors));
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.match(result.stdout, /"resource":\{"__proto__":\{"polluted":1,"instanceId":"i-11111111"\}/);
  assert.deepEqual(result.records[0]!.p_any_aws_instance_ids, ['i-0123456789abcdef0', 'i-11111111']);
});

test('an envelope whose detail is not an object is judged as a finding itself', async () => {
  const result = await normalizeInProcess('AWS.GuardDuty', '{"detail-type":"GuardDuty Finding","source":"aws.guardduty","detail":"oops"}\n');
  assert.equal(result.code, 1);
  assert.match(String(result.errors[0]!.error), /^missing required fields: schemaVersion, accountId/);
});
