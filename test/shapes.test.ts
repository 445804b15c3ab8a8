// The shape checks of src/core/shapes.ts: what each accepts and, as much,
// what it refuses (a check that accepts everything cannot catch a shift).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  endpointHost, isAwsRegion, isCipherSuiteName, isDigits, isHttpStatusCode, isPort, isTlsProtocolVersion,
} from '../src/core/shapes.js';

function check(fn: (s: string) => boolean, ok: readonly string[], bad: readonly string[]): void {
  for (const s of ok) assert.ok(fn(s), `${fn.name} accepts ${JSON.stringify(s)}`);
  for (const s of bad) assert.ok(!fn(s), `${fn.name} refuses ${JSON.stringify(s)}`);
}

test('isDigits', () => {
  check(isDigits, ['0', '0123', '99999999999999999999'], ['', '-1', '1.0', ' 1', '1 ', '١']);
});

test('isPort: 0–65535 in at most five digits', () => {
  check(isPort, ['0', '80', '65535', '00080'], ['', '65536', '99999', '123456', '-1', '8o', '80 ']);
});

test('isHttpStatusCode: three digits, no leading zero', () => {
  check(isHttpStatusCode, ['200', '460', '561', '999', '100'], ['', '20', '2000', '020', '2O0', '-', '-200']);
});

test('isTlsProtocolVersion: TLSv and SSLv with a version number', () => {
  check(isTlsProtocolVersion, ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3', 'SSLv3', 'TLSv1.4'],
    ['', 'TLS1.2', 'tlsv1.2', 'TLSv', 'TLSv1.', 'TLSv.2', 'TLSv1.2.3', '1.2', 'TLSv1.2 ', 'ECDHE-RSA-AES128-GCM-SHA256']);
});

test('isCipherSuiteName: OpenSSL and IANA names', () => {
  check(isCipherSuiteName, ['ECDHE-RSA-AES128-GCM-SHA256', 'AES128-SHA', 'DES-CBC3-SHA', 'TLS_AES_128_GCM_SHA256', 'ECDHE-ECDSA-CHACHA20-POLY1305'],
    ['', '-', 'TLSv1.2', 'ecdhe-rsa-aes128-gcm-sha256', '1AES', 'AES 128', 'arn:aws:x', 'A'.repeat(129)]);
});

test('isAwsRegion: lower-case words and a number', () => {
  check(isAwsRegion, ['us-east-1', 'eu-west-3', 'us-gov-west-1', 'cn-northwest-1', 'ap-southeast-4', 'il-central-1'],
    ['', '-', 'us-east', 'us-east-', 'US-EAST-1', 'useast1', 'us-east-1a', 'us--east-1', '-us-east-1', 'east-1']);
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
