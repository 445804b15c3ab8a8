// Unit tests for the pieces behind issue 14 items 8, 12, 13, 15, 17, 18:
// JSON on stderr, "did you mean", the VPC layout limit, format sniffing,
// and per-type wall-clock time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestName, editDistance } from '../src/core/closest.js';
import { MAX_VPC_FIELDS, parseVpcFormat, parseVpcFormatOption, vpcFlow } from '../src/logtypes/vpc_flow.js';
import { sniffFormat, unsupportedMessage, SNIFF_BYTES } from '../src/pipeline/sniff.js';
import { Terminal, jsonForTerminal } from '../src/pipeline/terminal.js';
import { coveredSeconds } from '../src/pipeline/type_time.js';

test('jsonForTerminal: C1, DEL, line separators and bidi controls become \\u escapes; JSON.parse gives the exact text back', () => {
  const value = { file: 'a\x1b[2J\u009b\u007f\u202e\u2066\u2028b\ud800', n: 1 };
  const line = jsonForTerminal(value);
  assert.doesNotMatch(line, /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]/);
  assert.deepEqual(JSON.parse(line), value);
  assert.equal(jsonForTerminal({ a: 'café 日本 😀' }), '{"a":"café 日本 😀"}');
});

test('Terminal in JSON mode: plain lines become {kind:message}, no colour, no live status', () => {
  const written: string[] = [];
  const t = new Terminal({ write: (s) => written.push(s) > 0, isTTY: true }, { FORCE_COLOR: '1', TERM: 'xterm' }, 'json');
  assert.equal(t.live, false);
  t.status('progress');
  t.line(`awslogs: stopped ${t.paint.red('now')}`);
  t.jsonLine({ kind: 'notice', file: 'x\u009b' });
  assert.deepEqual(written, ['{"kind":"message","message":"stopped now"}\n', '{"kind":"notice","file":"x\\u009b"}\n']);
});

test('editDistance counts insertions, deletions, substitutions and neighbour swaps', () => {
  assert.equal(editDistance('acount-id', 'account-id'), 1);
  assert.equal(editDistance('scraddr', 'srcaddr'), 1);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('same', 'same'), 0);
});

test('closestName offers a near name only', () => {
  const names = ['account-id', 'srcaddr', 'dstaddr', 'action', 'start', 'end'];
  assert.equal(closestName('acount-id', names), 'account-id');
  assert.equal(closestName('srcadr', names), 'srcaddr');
  assert.equal(closestName('zzzz', names), undefined);
  assert.equal(closestName('foo-bar', names), undefined);
});

test('parseVpcFormatOption refuses unknown names with a suggestion; parseVpcFormat (header lines) keeps them', () => {
  assert.equal(parseVpcFormatOption('version acount-id'), 'unknown field "acount-id": did you mean account-id?');
  assert.equal(parseVpcFormatOption('${version} ${acount-id}'), 'unknown field "acount-id": did you mean account-id?');
  assert.match(String(parseVpcFormatOption('version zzzz')), /^unknown field "zzzz"; the fields are listed at https:/);
  assert.equal(typeof parseVpcFormatOption('version srcaddr dstaddr'), 'object');
  const header = parseVpcFormat('version acount-id');
  assert.equal(typeof header, 'object');
});

test(`a layout of more than ${MAX_VPC_FIELDS} fields is refused; exactly ${MAX_VPC_FIELDS} is read`, () => {
  const names = (n: number) => ['version', ...Array.from({ length: n - 1 }, (_, i) => `f${i}`)].join(' ');
  assert.equal(typeof parseVpcFormat(names(MAX_VPC_FIELDS)), 'object');
  assert.match(String(parseVpcFormat(names(MAX_VPC_FIELDS + 1))), /names 257 fields, over the limit of 256/);
  // A header that wide in a file: the header and the lines after it are errors, cheaply.
  const parser = vpcFlow.createParser({});
  const outcomes: string[] = [];
  const sink = { event: () => outcomes.push('event'), skip: () => outcomes.push('skip'), error: (m: string) => outcomes.push(m), notice: () => {} };
  parser.parse(names(100_000), sink);
  const started = performance.now();
  for (let i = 0; i < 1000; i++) parser.parse('2 192.0.2.1 x', sink);
  assert.ok(performance.now() - started < 1000, 'per-line cost does not depend on the rejected header');
  assert.match(outcomes[0]!, /^header line: the VPC format names 100000 fields/);
  assert.equal(outcomes.length, 1001);
});

test('sniffFormat names archives and encodings by their first bytes, and leaves text alone', () => {
  const named = (bytes: number[] | string) => {
    const s = sniffFormat(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : Buffer.from(bytes));
    return s.kind === 'unsupported' ? s.format.name : s.kind === 'utf16' ? s.encoding : 'plain';
  };
  assert.equal(named('BZh91AY&SY'), 'bzip2-compressed data');
  assert.equal(named('BZhx'), 'plain', 'bzip2 needs its block size digit');
  assert.equal(named([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1]), 'xz-compressed data');
  assert.equal(named([0x28, 0xb5, 0x2f, 0xfd, 1]), 'zstd-compressed data');
  assert.equal(named('PK\x03\x04rest'), 'a zip archive');
  assert.equal(named('PK\x05\x06'), 'a zip archive');
  assert.equal(named([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), 'a 7z archive');
  assert.equal(named([0x04, 0x22, 0x4d, 0x18, 0]), 'lz4-compressed data');
  const tar = Buffer.alloc(512);
  tar.write('ustar', 257);
  assert.equal(sniffFormat(tar).kind, 'unsupported');
  assert.equal(named([0xff, 0xfe, 0x32, 0x00]), 'utf-16le');
  assert.equal(named([0xfe, 0xff, 0x00, 0x32]), 'utf-16be');
  assert.equal(named([0xff, 0xfe, 0x00, 0x00]), 'UTF-32LE text');
  assert.equal(named([...Buffer.from('2 123456789012 eni', 'utf16le')]), 'UTF-16LE text without a byte order mark');
  assert.equal(named([...Buffer.from('2 123456789012 eni', 'utf16le').swap16()]), 'UTF-16BE text without a byte order mark');
  for (const text of ['2 123456789012 eni-1 ACCEPT OK', '{"eventVersion":"1.08"}', 'café', '', 'P', 'BZ']) assert.equal(named(text), 'plain', text);
  assert.ok(SNIFF_BYTES >= 262, 'a tar header\'s magic is within reach');
});

test('unsupportedMessage names the format, where it is and what to run', () => {
  const s = sniffFormat(Buffer.from('BZh9'));
  assert.equal(s.kind, 'unsupported');
  if (s.kind !== 'unsupported') return;
  assert.equal(unsupportedMessage(s.format, false), 'bzip2-compressed data: not a format awslogs reads (plain text or gzip); decompress it first (bunzip2 -k)');
  assert.match(unsupportedMessage(s.format, true), /^bzip2-compressed data inside gzip: /);
});

test('coveredSeconds counts overlapping and nested spans once', () => {
  assert.equal(coveredSeconds([]), 0);
  assert.equal(coveredSeconds([{ start: 0, end: 1000 }]), 1);
  assert.equal(coveredSeconds([{ start: 0, end: 1000 }, { start: 500, end: 1500 }, { start: 100, end: 200 }]), 1.5);
  assert.equal(coveredSeconds([{ start: 2000, end: 3000 }, { start: 0, end: 1000 }]), 2);
  assert.equal(coveredSeconds([{ start: 0, end: 1000 }, { start: 1000, end: 2000 }]), 2);
});
