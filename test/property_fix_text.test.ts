// Property tests for issue 13 item 3 (the adversarial review's text faults):
// - any AWS region code shape (2-4 letter prefix, words, a number) is a
//   region, and the same code damaged (an AZ letter, upper case, no number)
//   is not;
// - a Host header of any host (a name, IPv4, IPv6) with or without a port
//   gives that host; a port over 65535 or not a number gives none;
// - an S3 time with any `±hhmm` offset is the UTC time the offset says when
//   hh <= 23 and mm <= 59, and no time otherwise;
// - an Aurora/MariaDB table event whose table name holds commas (in any
//   arrangement, empty parts and digits included) is an error naming object,
//   or a record whose object is exactly the name: never another name.
// The values expected here are computed by this file, not by src/.
//
// The default budget keeps `npm test` quick; `npm run fuzz` runs the same
// properties with NUM_RUNS=100000 (FUZZ_SEED=n replays a run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { hostHeaderHost } from '../src/core/indicators.js';
import { isAwsRegion } from '../src/core/shapes.js';
import { normalizeCommonLogTime } from '../src/core/timestamp.js';
import { auroraMySQLAudit } from '../src/logtypes/aurora_mysql_audit.js';
import type { Fields, ParseSink } from '../src/logtypes/types.js';
import { params } from './helpers/property.js';

const lower = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'), minLength: min, maxLength: max });

const regionCode = fc.record({
  prefix: lower(2, 4),
  words: fc.array(lower(1, 9), { minLength: 1, maxLength: 3 }),
  n: fc.integer({ min: 0, max: 999 }),
}).map(({ prefix, words, n }) => [prefix, ...words, String(n)].join('-')).filter((r) => r.length <= 32);

test('isAwsRegion: every region code shape is a region; damaged, it is not (property)', () => {
  fc.assert(fc.property(regionCode, fc.constantFrom('a', 'b', 'A'), (region, letter) => {
    assert.ok(isAwsRegion(region), region);
    assert.ok(!isAwsRegion(region + letter), `${region}${letter}: an Availability Zone or a shifted value`);
    assert.ok(!isAwsRegion(region.toUpperCase()), region.toUpperCase());
    assert.ok(!isAwsRegion(region.slice(0, region.lastIndexOf('-'))), 'no number');
    const fivePrefix = 'abcde' + region.slice(region.indexOf('-'));
    assert.ok(!isAwsRegion(fivePrefix), `${fivePrefix}: a prefix of five letters`);
  }), params(2000));
});

const hostName = fc.domain();
const host = fc.oneof(
  hostName.map((h) => ({ written: h, host: h })),
  fc.ipV4().map((h) => ({ written: h, host: h })),
  fc.ipV6().map((h) => ({ written: `[${h}]`, host: h })),
);

test('hostHeaderHost: a host with or without a port gives the host; a bad port gives none (property)', () => {
  fc.assert(fc.property(host, fc.option(fc.integer({ min: 0, max: 65535 })), ({ written, host: expected }, port) => {
    const value = port === null ? written : `${written}:${port}`;
    assert.equal(hostHeaderHost(value), expected, value);
  }), params(3000));
  fc.assert(fc.property(host, fc.oneof(fc.integer({ min: 65536, max: 99999 }).map(String), fc.constantFrom('', 'http', '44x', '123456')),
    ({ written }, port) => {
      assert.equal(hostHeaderHost(`${written}:${port}`), undefined, `${written}:${port}`);
    }), params(2000));
  // An unbracketed IPv6 address is taken whole: its last group is never a port.
  fc.assert(fc.property(fc.ipV6(), (v6) => assert.equal(hostHeaderHost(v6), v6)), params(2000));
});

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

test('normalizeCommonLogTime: an offset is applied when hh <= 23 and mm <= 59, else there is no time (property)', () => {
  const time = fc.record({
    at: fc.date({ min: new Date('1971-01-02T00:00:00Z'), max: new Date('9998-12-30T00:00:00Z'), noInvalidDate: true }),
    sign: fc.constantFrom('+', '-'),
    hh: fc.integer({ min: 0, max: 99 }),
    mm: fc.integer({ min: 0, max: 99 }),
  });
  fc.assert(fc.property(time, ({ at, sign, hh, mm }) => {
    const local = `${two(at.getUTCDate())}/${MONTHS[at.getUTCMonth()]}/${String(at.getUTCFullYear()).padStart(4, '0')}:`
      + `${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} ${sign}${two(hh)}${two(mm)}`;
    const got = normalizeCommonLogTime(local);
    if (hh > 23 || mm > 59) return assert.equal(got, undefined, local);
    const wholeSeconds = Math.floor(at.getTime() / 1000) * 1000;
    const utc = new Date(wholeSeconds - (sign === '+' ? 1 : -1) * (hh * 60 + mm) * 60000);
    assert.equal(got, utc.toISOString().replace(/\.\d{3}Z$/, '.000000000Z'), local);
  }), params(3000));
});

type Outcome = { event: Fields } | { error: string };

function parseAudit(line: string): Outcome {
  const outcomes: Outcome[] = [];
  const sink: ParseSink = {
    event: (fields) => outcomes.push({ event: fields }),
    error: (message) => outcomes.push({ error: message }),
    skip: () => assert.fail('no skips in audit logs'),
    notice: () => assert.fail('no notices in audit logs'),
  };
  auroraMySQLAudit.createParser({}).parse(line, sink);
  assert.equal(outcomes.length, 1, 'exactly one outcome per line');
  return outcomes[0]!;
}

test('Aurora: a table event whose name holds commas is an error naming object, or a record with exactly that name (property)', () => {
  const namePart = fc.oneof(lower(1, 8), fc.integer({ min: 0, max: 2000 }).map(String), fc.constant(''), fc.constantFrom('-', 'SSL', 'TCP/IP'));
  const event = fc.record({
    parts: fc.array(namePart, { maxLength: 4 }),
    first: lower(1, 8),
    op: fc.constantFrom('READ', 'WRITE', 'CREATE', 'ALTER', 'RENAME', 'DROP'),
    // Aurora ends `,db,table,code`; MariaDB `,db,table,` (an empty retcode).
    code: fc.option(fc.integer({ min: 0, max: 1146 })),
    time: fc.constantFrom('1700000200000002', '20240323 13:36:07'),
  });
  fc.assert(fc.property(event, ({ parts, first, op, code, time }) => {
    const name = [first, ...parts].join(',');
    const line = `${time},aurora-1,app,192.0.2.3,501,13001,${op},shop,${name},${code ?? ''}`;
    const out = parseAudit(line);
    if (parts.length > 0) {
      assert.ok('error' in out, `${line}: the name holds a comma, so the line reads two ways`);
      assert.match(out.error, /^field object: a table event's bare table name may hold commas/, line);
      return;
    }
    assert.ok('event' in out, line);
    assert.equal(out.event.object, name, `${line}: the record's object is the whole name`);
    assert.equal(out.event.retCode, code ?? undefined, line);
  }), params(3000));
});
