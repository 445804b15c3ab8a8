// The listing planner (src/s3/plan.ts): a pure function from a prefix and
// a time range to what is listed. AWS dates a folder by delivery, so the
// days listed run from --since's day to the day after --until's.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_PLANNED_DAYS, daysToList, planStep, type ListStep } from '../src/s3/plan.js';

const day = (d: string) => ({ since: `${d}T00:00:00.000000000Z`, until: `${d}T23:59:59.999999999Z` });
const NOW = new Date('2026-12-01T12:00:00Z');

function prefixes(step: ListStep): string[] {
  assert.equal(step.kind, 'days');
  return step.kind === 'days' ? step.prefixes : [];
}

test('one day lists that day and the next (late deliveries)', () => {
  assert.deepEqual(prefixes(planStep('AWSLogs/111122223333/vpcflowlogs/us-east-1/', day('2024-05-01'), NOW)), [
    'AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/05/01/',
    'AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/05/02/',
  ]);
});

test('month, year and leap-day boundaries', () => {
  assert.deepEqual(daysToList({ since: '2024-04-30T10:00:00Z', until: '2024-04-30T11:00:00Z' }), ['2024-04-30', '2024-05-01']);
  assert.deepEqual(daysToList({ since: '2023-12-31T23:00:00Z', until: '2023-12-31T23:59:59Z' }), ['2023-12-31', '2024-01-01']);
  assert.deepEqual(daysToList({ since: '2024-02-28T00:00:00Z', until: '2024-02-28T00:00:00Z' }), ['2024-02-28', '2024-02-29']);
  assert.deepEqual(daysToList({ since: '2023-02-28T00:00:00Z', until: '2023-02-28T00:00:00Z' }), ['2023-02-28', '2023-03-01']);
  assert.deepEqual(daysToList({ since: '2024-12-30T00:00:00Z', until: '2025-01-01T00:00:00Z' }), ['2024-12-30', '2024-12-31', '2025-01-01', '2025-01-02']);
});

test('an open --until ends the day after now; no --since lists the date level whole; a range past the cap too', () => {
  assert.deepEqual(daysToList({ since: '2026-11-29T00:00:00Z' }, NOW), ['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
  assert.equal(daysToList({ until: '2024-05-01T00:00:00Z' }, NOW), undefined);
  assert.deepEqual(planStep('AWSLogs/111122223333/CloudTrail/us-east-1/', { until: '2024-05-01T00:00:00Z' }, NOW), { kind: 'whole' });
  assert.equal(daysToList({ since: '1990-01-01T00:00:00Z', until: '2024-01-01T00:00:00Z' }), undefined);
  assert.equal(daysToList({ since: '2015-01-01T00:00:00Z', until: '2015-01-01T00:00:00Z' })!.length, 2);
  assert.ok(MAX_PLANNED_DAYS >= 3650);
});

test('levels above the date in each AWS layout are descended one level at a time', () => {
  const r = day('2024-05-01');
  // The bucket itself is probed: its top level may hold AWSLogs/ or S3 access logs named by date.
  assert.deepEqual(planStep('', r, NOW), { kind: 'probe' });
  for (const p of ['AWSLogs/', 'my/prefix/AWSLogs/', 'AWSLogs/111122223333/', 'AWSLogs/o-abcdef1234/', 'AWSLogs/o-abcdef1234/111122223333/',
    'AWSLogs/111122223333/CloudTrail/', 'AWSLogs/111122223333/elasticloadbalancing/', 'AWSLogs/111122223333/GuardDuty/',
    'AWSLogs/aws-account-id=111122223333/', 'AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/',
    'logs/111122223333/', 'logs/111122223333/us-west-2/']) {
    assert.deepEqual(planStep(p, r, NOW), { kind: 'descend' }, p);
  }
});

test('the date level of each layout: slashes, Hive-style, organization trails, S3 access log partitions', () => {
  const r = day('2024-05-31');
  assert.deepEqual(prefixes(planStep('AWSLogs/o-abcdef1234/111122223333/CloudTrail/eu-west-1/', r, NOW)), [
    'AWSLogs/o-abcdef1234/111122223333/CloudTrail/eu-west-1/2024/05/31/',
    'AWSLogs/o-abcdef1234/111122223333/CloudTrail/eu-west-1/2024/06/01/',
  ]);
  assert.deepEqual(prefixes(planStep('AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/', r, NOW)), [
    'AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2024/month=05/day=31/',
    'AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2024/month=06/day=01/',
  ]);
  assert.deepEqual(prefixes(planStep('access/111122223333/us-gov-west-1/my-bucket/', r, NOW)), [
    'access/111122223333/us-gov-west-1/my-bucket/2024/05/31/',
    'access/111122223333/us-gov-west-1/my-bucket/2024/06/01/',
  ]);
});

test('without a range, below the date, or outside a known layout: listed whole (or probed when unknown)', () => {
  assert.deepEqual(planStep('AWSLogs/', undefined, NOW), { kind: 'whole' });
  assert.deepEqual(planStep('AWSLogs/', {}, NOW), { kind: 'whole' });
  const r = day('2024-05-01');
  assert.deepEqual(planStep('AWSLogs/111122223333/vpcflowlogs/us-east-1/2024/', r, NOW), { kind: 'whole' });
  assert.deepEqual(planStep('AWSLogs/111122223333/SomethingNew/', r, NOW), { kind: 'whole' });
  assert.deepEqual(planStep('AWSLogs/not-an-account/', r, NOW), { kind: 'whole' });
  assert.deepEqual(planStep('AWSLogs', r, NOW), { kind: 'whole' });
  assert.deepEqual(planStep('exports/', r, NOW), { kind: 'probe' });
});
