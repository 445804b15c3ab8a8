import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  daysFromCivil, formatUnix, formatUnixMicros, formatUnixMillis, normalizeCommonLogTime,
  normalizeCompactDateTime, normalizeRFC3339,
} from '../src/core/timestamp.js';

test('RFC3339 with microseconds keeps every digit (ALB)', () => {
  assert.equal(normalizeRFC3339('2018-08-26T14:17:23.186641Z'), '2018-08-26T14:17:23.186641000Z');
});

test('RFC3339 with nanoseconds keeps every digit', () => {
  assert.equal(normalizeRFC3339('2018-08-26T14:17:23.123456789Z'), '2018-08-26T14:17:23.123456789Z');
});

test('RFC3339 without fraction, with milliseconds, lower-case t/z', () => {
  assert.equal(normalizeRFC3339('2018-08-26T14:17:23Z'), '2018-08-26T14:17:23.000000000Z');
  assert.equal(normalizeRFC3339('2018-08-26T14:17:23.1Z'), '2018-08-26T14:17:23.100000000Z');
  assert.equal(normalizeRFC3339('2024-05-01t10:05:00.123z'), '2024-05-01T10:05:00.123000000Z');
});

test('RFC3339 offsets are applied, across day, month and year boundaries', () => {
  assert.equal(normalizeRFC3339('2019-02-06T00:00:38.5+01:00'), '2019-02-05T23:00:38.500000000Z');
  assert.equal(normalizeRFC3339('2019-12-31T20:30:00-07:00'), '2020-01-01T03:30:00.000000000Z');
  assert.equal(normalizeRFC3339('2020-03-01T00:15:00.000001+00:30'), '2020-02-29T23:45:00.000001000Z');
  assert.equal(normalizeRFC3339('2021-01-01T00:00:00+00:00'), '2021-01-01T00:00:00.000000000Z');
});

test('RFC3339: malformed values are rejected, not guessed', () => {
  for (const bad of ['', '2018-08-26', '2018-08-26T14:17:23', '2018-13-01T00:00:00Z', '2019-02-29T00:00:00Z',
    '2018-08-26T24:00:00Z', '2018-08-26T14:60:00Z', '2018-08-26T14:17:23.Z', '2018-08-26T14:17:23.1234567891Z',
    '2018-08-26T14:17:23Zjunk', '2018-08-26T14:17:23+0100', '2018/08/26T14:17:23Z', 'x018-08-26T14:17:23Z']) {
    assert.equal(normalizeRFC3339(bad), undefined, bad);
  }
});

test('Unix seconds, micros, millis', () => {
  assert.equal(formatUnix(1573642242), '2019-11-13T10:50:42.000000000Z');
  assert.equal(formatUnix(0), '1970-01-01T00:00:00.000000000Z');
  assert.equal(formatUnixMicros(1572546356975302), '2019-10-31T18:25:56.975302000Z');
  assert.equal(formatUnixMicros(1572546356000001), '2019-10-31T18:25:56.000001000Z');
  assert.equal(formatUnixMillis(1535293043186), '2018-08-26T14:17:23.186000000Z');
  assert.equal(formatUnix(253402300800), undefined, 'year 10000 cannot be written');
  assert.equal(formatUnixMicros(2 ** 60), undefined);
});

test('differential: formatUnixMillis agrees with Date on 20,000 instants, and the day cache is safe', () => {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < 20000; i++) {
    const ms = Math.floor((rand() * 2 - 0.5) * 4e12); // ~1843 .. 2096, negatives included
    const expected = new Date(ms).toISOString().replace('Z', '000000Z');
    assert.equal(formatUnixMillis(ms), expected, String(ms));
    assert.equal(normalizeRFC3339(new Date(ms).toISOString()), expected);
  }
});

test('differential: formatUnix agrees with Date on nearby and far instants (the minute cache cannot mix them up)', () => {
  const FIRST = -62167219200; // 0000-01-01T00:00:00Z
  const LAST = 253402300799; // 9999-12-31T23:59:59Z
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  let t = 1718900000;
  for (let i = 0; i < 30000; i++) {
    // Mostly a walk of minutes (times 16 minutes apart share a cache slot), now and then a jump anywhere.
    t = rand() < 0.02 ? Math.floor(FIRST + rand() * (LAST - FIRST)) : t + Math.floor((rand() - 0.5) * 2000) + (rand() < 0.5 ? 960 : -960);
    if (t < FIRST || t > LAST) {
      assert.equal(formatUnix(t), undefined, String(t));
      continue;
    }
    const expected = new Date(t * 1000).toISOString().replace('.000Z', '.000000000Z');
    assert.equal(formatUnix(t), expected, String(t));
    assert.equal(formatUnix(t, '123456789'), expected.replace('000000000Z', '123456789Z'), String(t));
  }
});

test('daysFromCivil matches Date.UTC', () => {
  for (const [y, m, d] of [[1970, 1, 1], [2000, 2, 29], [1900, 3, 1], [2400, 12, 31], [1, 1, 1]] as const) {
    const utc = new Date(0);
    utc.setUTCFullYear(y, m - 1, d);
    assert.equal(daysFromCivil(y, m, d), Math.floor(utc.getTime() / 86400000));
  }
});

test('S3 access log time with offsets', () => {
  assert.equal(normalizeCommonLogTime('06/Feb/2019:00:00:38 +0000'), '2019-02-06T00:00:38.000000000Z');
  assert.equal(normalizeCommonLogTime('06/Feb/2019:00:00:38 -0700'), '2019-02-06T07:00:38.000000000Z');
  assert.equal(normalizeCommonLogTime('01/Jan/2019:01:00:00 +0130'), '2018-12-31T23:30:00.000000000Z');
  assert.equal(normalizeCommonLogTime('06/Foo/2019:00:00:38 +0000'), undefined);
  assert.equal(normalizeCommonLogTime('31/Feb/2019:00:00:38 +0000'), undefined);
  assert.equal(normalizeCommonLogTime('06/Feb/2019:00:00:38'), undefined);
});

test('MariaDB audit time', () => {
  assert.equal(normalizeCompactDateTime('20240323 13:36:07'), '2024-03-23T13:36:07.000000000Z');
  assert.equal(normalizeCompactDateTime('20241323 13:36:07'), undefined);
});
