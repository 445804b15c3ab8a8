import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitRequest } from '../src/logtypes/alb.js';
import type { Fields } from '../src/logtypes/types.js';

function split(request: string): Fields {
  const out: Fields = {};
  splitRequest(request, out);
  return out;
}

test('alb request: method, URL and version', () => {
  assert.deepEqual(split('GET http://www.example.com:80/ HTTP/1.1'),
    { requestHttpMethod: 'GET', requestUrl: 'http://www.example.com:80/', requestHttpVersion: 'HTTP/1.1' });
});

test('alb request: the URL keeps unescaped spaces', () => {
  assert.deepEqual(split('GET http://h:80/hello big world HTTP/1.1'),
    { requestHttpMethod: 'GET', requestUrl: 'http://h:80/hello big world', requestHttpVersion: 'HTTP/1.1' });
});

test('alb request: the malformed-request form keeps the URL as written', () => {
  assert.deepEqual(split('- http://www.example.com:80- -'), { requestUrl: 'http://www.example.com:80-' });
});

test('alb request: two tokens are a method and a URL', () => {
  assert.deepEqual(split('GET http://example.com:80/hello'), { requestHttpMethod: 'GET', requestUrl: 'http://example.com:80/hello' });
});

test('alb request: one token is a method; nothing is invented', () => {
  assert.deepEqual(split('GARBAGE'), { requestHttpMethod: 'GARBAGE' });
  assert.deepEqual(split(''), {});
});
