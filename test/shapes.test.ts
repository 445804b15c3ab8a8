// The shape checks of src/core/shapes.ts that the ALB and Aurora parsers use
// (the others are in shapes_s3.test.ts): what each accepts and, as much,
// what it refuses (a check that accepts everything cannot catch a shift).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpointHost, isHttpStatusCode, isPort } from '../src/core/shapes.js';

function check(fn: (s: string) => boolean, ok: readonly string[], bad: readonly string[]): void {
  for (const s of ok) assert.ok(fn(s), `${fn.name} accepts ${JSON.stringify(s)}`);
  for (const s of bad) assert.ok(!fn(s), `${fn.name} refuses ${JSON.stringify(s)}`);
}

test('isPort: 0–65535 in at most five digits', () => {
  check(isPort, ['0', '80', '65535', '00080'], ['', '65536', '99999', '123456', '-1', '8o', '80 ']);
});

test('isHttpStatusCode: three digits, no leading zero', () => {
  check(isHttpStatusCode, ['200', '460', '561', '999', '100'], ['', '20', '2000', '020', '2O0', '-', '-200']);
});

test('endpointHost: the address part of host, host:port, ip:port and [v6]:port', () => {
  const cases: Array<[string, string | undefined]> = [
    ['192.0.2.44:53422', '192.0.2.44'],
    ['192.0.2.44', '192.0.2.44'],
    ['db-client:5432', 'db-client'],
    ['localhost:unavailable', 'localhost'],
    ['localhost', 'localhost'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['2001:db8::1', '2001:db8::1'],
    ['::1', '::1'],
    ['2001:db8::1:3306', '2001:db8::1:3306'], // a valid address as a whole is never cut
    ['2001:db8::1:53422', '2001:db8::1'], // 53422 is no IPv6 group: an address and a port
    ['1:2:3:4:5:6:7:8:443', '1:2:3:4:5:6:7:8'], // nine groups: only address + port reads
    ['', undefined],
    [':5432', undefined],
    ['host:', undefined],
    ['host:65536', undefined],
    ['a:b:c', undefined],
    ['[192.0.2.1]:80', undefined],
    ['[2001:db8::1]x', undefined],
    ['[2001:db8::1]:', undefined],
    ['[]:80', undefined],
  ];
  for (const [value, host] of cases) assert.equal(endpointHost(value), host, JSON.stringify(value));
});
