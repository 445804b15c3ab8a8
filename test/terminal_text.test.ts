// escapeForTerminal: input text shown on a terminal cannot move the cursor,
// clear the screen, reorder text or forge a tab-separated `detect` line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeForTerminal } from '../src/pipeline/terminal.js';

test('control characters, C1 and bidi overrides are shown escaped', () => {
  assert.equal(escapeForTerminal('a\x1b[2Jb.log'), 'a\\x1b[2Jb.log');
  assert.equal(escapeForTerminal('c\u009b2Jd.log'), 'c\\x9b2Jd.log');
  assert.equal(escapeForTerminal('e\u202egol.txt'), 'e\\u202egol.txt');
  assert.equal(escapeForTerminal('x\tAWS.CloudTrail\ny\r'), 'x\\tAWS.CloudTrail\\ny\\r');
  assert.equal(escapeForTerminal('\x00\x7f\u2066\u2069\u2028'), '\\x00\\x7f\\u2066\\u2069\\u2028');
});

test('printable text, non-ASCII letters and emoji are unchanged', () => {
  for (const s of ['café.log', 'AWSLogs/123456789012/flow.log.gz', '日本語 ✓', 'a\u{1F600}b', '']) assert.equal(escapeForTerminal(s), s);
});

test('a lone surrogate (a name that is not valid UTF-16) is escaped, a pair is not', () => {
  assert.equal(escapeForTerminal('a\ud800b'), 'a\\ud800b');
  assert.equal(escapeForTerminal('a\udc00'), 'a\\udc00');
  assert.equal(escapeForTerminal('\ud83d\ude00'), '\ud83d\ude00');
});

test('the result never holds a character the terminal would act on', () => {
  let all = '';
  for (let c = 0; c < 0x3000; c++) all += String.fromCharCode(c);
  assert.doesNotMatch(escapeForTerminal(all), /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
});
