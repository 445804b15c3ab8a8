// Unit tests for the shape checks the S3 parser added to src/core/shapes.ts
// and for src/core/code_units.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodeUnits, runEndInCodes } from '../src/core/code_units.js';
import {
  ALNUM_SET, DIGIT_SET, base64End, charSet, isAwsRegion, isBase64, isCanonicalUserId, isCipherSuiteName, isDigits, isHostHeaderValue,
  isIamUniqueId, isTlsVersion, onlyCharsIn, runEnd,
} from '../src/core/shapes.js';

test('charSet, runEnd, onlyCharsIn: runs of a set, ranges, non-ASCII never in a set', () => {
  const abc = charSet('abc');
  assert.equal(runEnd(abc, 'abcabd'), 5);
  assert.equal(runEnd(abc, 'xabc', 1), 4);
  assert.equal(runEnd(abc, 'abcabc', 0, 2), 2);
  assert.equal(runEnd(abc, ''), 0);
  assert.equal(runEnd(charSet('a'), 'aáa'), 1, 'á (U+00E1) is not in an ASCII set');
  assert.equal(runEnd(charSet('a'), 'aš'), 1, 'š (U+0161, low byte 0x61 = a) is not a');
  assert.ok(onlyCharsIn(abc, 'cab'));
  assert.ok(onlyCharsIn(abc, ''));
  assert.ok(!onlyCharsIn(abc, 'cab '));
  assert.ok(onlyCharsIn(DIGIT_SET, 'x123y', 1, 4));
  assert.ok(onlyCharsIn(ALNUM_SET, 'aZ09'));
});

test('isDigits: 1 to maxDigits ASCII digits, no sign', () => {
  for (const ok of ['0', '200', '123456789012345']) assert.ok(isDigits(ok), ok);
  for (const bad of ['', '-1', '1.5', '1e3', '0x1f', ' 1', '1234567890123456', '١٢']) assert.ok(!isDigits(bad), bad);
  assert.ok(isDigits('404', 0, 3, 3));
  assert.ok(!isDigits('4040', 0, 4, 3));
  assert.ok(isDigits('a12b', 1, 3));
});

test('isBase64 and base64End: the alphabet, then at most two = at the end', () => {
  for (const ok of ['s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234=', 'QUJD', 'QQ==', 'a+/b']) assert.ok(isBase64(ok), ok);
  for (const bad of ['', '=', '==', 'QQ===', 'Q=Q', 'ab-c', 'ab_c', 'a b', 'AB"']) assert.ok(!isBase64(bad), bad);
  assert.equal(base64End('QQ== x'), 4);
  assert.equal(base64End('QQ=== x'), 4);
  assert.equal(base64End('-QQ'), 0);
});

test('isIamUniqueId: a known prefix, upper-case letters and digits, 16 to 128 characters', () => {
  for (const ok of ['AIDAJQABLZS4A3QDU576Q', 'AROAEXAMPLEROLEID0003', 'ASIAEXAMPLEKEY000001', 'AKIAIOSFODNN7EXAMPLE']) assert.ok(isIamUniqueId(ok), ok);
  for (const bad of ['AIDA', 'AIDAshortlowercase12', 'AXYZEXAMPLEUSERID0001', 'aidaEXAMPLEUSERID0001', 'AIDAEXAMPLE-USERID001', `AIDA${'A'.repeat(125)}`]) {
    assert.ok(!isIamUniqueId(bad), bad);
  }
  assert.ok(isIamUniqueId('- AIDAEXAMPLEUSERID0001 x', 2, 23));
});

test('isCanonicalUserId: exactly 64 hex digits', () => {
  const id = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';
  assert.ok(isCanonicalUserId(id));
  assert.ok(isCanonicalUserId(id.toUpperCase()));
  for (const bad of [id.slice(1), id + '0', id.slice(1) + 'g', '-', '']) assert.ok(!isCanonicalUserId(bad), bad);
});

test('isTlsVersion: TLSv1, TLSv1.x, SSLv3, and AWS\'s own TLSV1.2', () => {
  for (const ok of ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3', 'TLSV1.2', 'SSLv3']) assert.ok(isTlsVersion(ok), ok);
  for (const bad of ['TLSv1.', 'TLSv1.2.3', 'TLS1.2', 'tlsv1.2', 'TLSv12', 'TLSvX', 'DTLSv1', '-', '']) assert.ok(!isTlsVersion(bad), bad);
});

test('isCipherSuiteName: OpenSSL and IANA names', () => {
  for (const ok of ['ECDHE-RSA-AES128-GCM-SHA256', 'AES128-SHA', 'TLS_AES_128_GCM_SHA256', 'DES-CBC3-SHA']) assert.ok(isCipherSuiteName(ok), ok);
  for (const bad of ['ecdhe-rsa-aes128-sha', '-', '1AES', 'AES 128', 'AES128-SHA"', 'A', 'A'.repeat(101)]) assert.ok(!isCipherSuiteName(bad), bad);
});

test('isAwsRegion: two letters, words, a number', () => {
  for (const ok of ['us-east-1', 'ap-southeast-2', 'us-gov-west-1', 'us-isob-east-1', 'eu-central-2', 'il-central-1', 'cn-northwest-1']) assert.ok(isAwsRegion(ok), ok);
  for (const bad of ['us-east', 'us_east_1', 'US-EAST-1', 'useast1', 'us-east-1a', 'us--1', 'u-east-1', 'us-east-1-', '-', '', 'us-east-1234']) {
    assert.ok(!isAwsRegion(bad), bad);
  }
});

test('isHostHeaderValue: host names, addresses and ports; at least one letter or digit', () => {
  for (const ok of ['s3.amazonaws.com', 'amzn-s3-demo-bucket.s3.us-east-1.amazonaws.com', '192.0.2.200', 'www.example.com:8443', '[2001:db8::1]:443', '2001:db8::1']) {
    assert.ok(isHostHeaderValue(ok), ok);
  }
  for (const bad of ['', '...', ':', 'host name', 'host"name', 'a/b', 'x'.repeat(301)]) assert.ok(!isHostHeaderValue(bad), bad);
});

test('CodeUnits: the code units of each line, a 0 sentinel after it, growing for long lines', () => {
  const units = new CodeUnits();
  const a = units.load('abc');
  assert.deepEqual([a[0], a[1], a[2], a[3]], [97, 98, 99, 0]);
  const b = units.load('é"😀');
  assert.deepEqual([...b.subarray(0, 5)], [0xe9, 34, 0xd83d, 0xde00, 0], 'UTF-16 code units, as charCodeAt gives them');
  const long = 'x'.repeat(10_000) + 'y';
  const c = units.load(long);
  assert.equal(c[10_000], 121);
  assert.equal(c[10_001], 0);
  const d = units.load('q');
  assert.deepEqual([d[0], d[1]], [113, 0], 'a shorter line after a longer one ends at its sentinel');
});

test('runEndInCodes: runEnd over code units', () => {
  const units = new CodeUnits();
  const codes = units.load('123a45');
  assert.equal(runEndInCodes(DIGIT_SET, codes, 0, 6), 3);
  assert.equal(runEndInCodes(DIGIT_SET, codes, 4, 6), 6);
  assert.equal(runEndInCodes(DIGIT_SET, codes, 4, 5), 5);
  assert.equal(runEndInCodes(DIGIT_SET, units.load('1١'), 0, 2), 1, 'an Arabic-Indic digit is not an ASCII digit');
});
