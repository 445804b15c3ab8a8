import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findBracketedLogTime, isOperation, s3ServerAccess } from '../src/logtypes/s3_server_access.js';

test('s3 operation: the forms S3 writes', () => {
  for (const op of ['REST.GET.OBJECT', 'S3.EXPIRE.OBJECT', 'BATCH.DELETE.OBJECT', 'WEBSITE.GET.OBJECT',
    'S3.COMPUTE.OBJECT.CHECKSUM', 'REST.COPY.OBJECT_GET', 'S3.TRANSITION_SIA.OBJECT', 'REST.POST.MULTI_OBJECT_DELETE',
    'SOAP.CreateBucket']) {
    assert.ok(isOperation(op), op);
  }
});

test('s3 operation: request ids, requester words and keys are not operations', () => {
  for (const s of ['3E57427F3EXAMPLE', 'E3EXAMPLE', 'Identity', 'AmazonS3', '-', '', 'REST', 'REST.', 'REST..GET',
    '.REST.GET', 'rest.get.object', 'REST.GET.OBJECT/x', 'photos/2019/a.jpg']) {
    assert.ok(!isOperation(s), s);
  }
});

// ---- reading a line by its structure (issue 13) ----

const OWNER = '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be';
const HOST_ID = 's9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234=';
const TAIL = `- ${HOST_ID} SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader amzn-s3-demo-bucket.s3.us-east-1.amazonaws.com TLSv1.2 - - us-east-1`;

function line(parts: { uri?: string; ref?: string; ua?: string; tail?: string; sep?: string } = {}): string {
  const fields = [OWNER, 'amzn-s3-demo-bucket', '[21/Jun/2024:10:00:00', '+0000]', '192.0.2.10', '-', '3E57427F3EXAMPLE', 'REST.GET.OBJECT', 'k',
    parts.uri ?? '"GET /k HTTP/1.1"', '200', '-', '512', '512', '9', '8', parts.ref ?? '"-"', parts.ua ?? '"curl/8.8.0"'];
  const head = fields.join(parts.sep ?? ' ');
  const tail = parts.tail ?? TAIL;
  return tail === '' ? head : head + (parts.sep ?? ' ') + tail.split(' ').join(parts.sep ?? ' ');
}

type Outcome = { event?: Record<string, unknown>; error?: string };

function parse(text: string): Outcome {
  const out: Outcome = {};
  s3ServerAccess.createParser({}).parse(text, {
    event: (fields) => { out.event = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)); },
    error: (message) => { out.error = message; },
    skip: () => assert.fail('skip'),
    notice: () => {},
  });
  return out;
}

test('findBracketedLogTime: the head of another record inside a free text', () => {
  assert.equal(findBracketedLogTime('GET /x HT0123 bucket [05/Jan/2020:23:10:20 +0000] 192.0.2.1'), 21);
  assert.equal(findBracketedLogTime('Mozilla/5.0 [en] (X11)'), -1);
  assert.equal(findBracketedLogTime('[05/Jan/2020:23:10:20 +0000'), -1, 'unclosed');
  assert.equal(findBracketedLogTime('[35/Jan/2020:23:10:20 +0000]'), -1, 'not a date');
  assert.equal(findBracketedLogTime('a [x] [05/Jan/2020:23:10:20 -0700]'), 6);
});

test('s3 structure: blanks other than one space separate fields as well, and give the same record', () => {
  const spaced = parse(line());
  const tabbed = parse(line({ sep: '\t' }));
  const wide = parse(line({ sep: '  ' }));
  assert.ok(spaced.event !== undefined, spaced.error);
  assert.deepEqual(tabbed, spaced);
  assert.deepEqual(wide, spaced);
});

test('s3 structure: the request-URI may be an unquoted -, the referrer and user agent may not', () => {
  assert.equal(parse(line({ uri: '-' })).event?.requesturi, undefined);
  assert.equal(parse(line({ uri: '-' })).event?.httpstatus, 200);
  assert.match(parse(line({ ref: '-' })).error ?? '', /^field referrer: expected the quoted referrer, found "-"/);
  assert.match(parse(line({ uri: 'GET' })).error ?? '', /^field requesturi: expected a quoted request-URI or -, found "GET"/);
});

test('s3 structure: a quote that is never closed is reported with its field and position', () => {
  assert.match(parse(line({ uri: '"GET /k', tail: '' }).replace(/ "-" "curl\/8.8.0"$/, '')).error ?? '',
    /^the line ends inside a quoted field: the quote opened at character \d+ \(field requesturi\)/);
  assert.match(parse(line({ ref: '"-', ua: 'x', tail: '' })).error ?? '', /\(field referrer\) is never closed/);
  assert.match(parse(line({ ua: '"curl/8', tail: '' })).error ?? '', /\(field useragent\) is never closed/);
});

test('s3 structure: of several readings, the error names the field they disagree on', () => {
  assert.match(parse(line({ ua: '"a" "b"' })).error ?? '', /^field referrer: cannot be read unambiguously/);
  assert.match(parse(line({ uri: '"GET /x" 200 - 1 2 3 4 "y HTTP/1.1"' })).error ?? '', /^field requesturi: cannot be read unambiguously/);
  assert.match(parse(line({ tail: `${TAIL} "a b"` })).error ?? '', /^field useragent: cannot be read unambiguously/);
  // the same line with the tail fields forged inside the user agent
  assert.match(parse(line({ ua: `"x" ${TAIL} "y"` })).error ?? '', /^field useragent: cannot be read unambiguously/);
});

test('s3 structure: a line with more possible closing quotes than the bound is reported, one under it is read', () => {
  // closings: the request-URI's, the referrer's, the user agent's own, and the inner ones
  const atBound = `"${'a" '.repeat(61)}z"`;
  assert.equal(parse(line({ ua: atBound })).event?.useragent, atBound.slice(1, -1));
  assert.match(parse(line({ ua: `"${'a" '.repeat(62)}z"` })).error ?? '', /^more than 64 quotes followed by a blank/);
});

test('s3 structure: when no reading fits, the error names the field of the reading that got furthest', () => {
  assert.match(parse(line({ ua: '"x" y"', tail: TAIL.replace('TLSv1.2', 'TLSv9.99') })).error ?? '', /^field tlsVersion: /);
  assert.match(parse(line({ tail: TAIL.replace('AuthHeader', 'Basic') })).error ?? '', /^field authenticationtype: /);
});

test('s3 structure: the time of the previous line is reused only when its text is the same', () => {
  const parser = s3ServerAccess.createParser({});
  const times: unknown[] = [];
  const sink = { event: (f: Record<string, unknown>) => times.push(f.time), error: (m: string) => times.push(m), skip: () => {}, notice: () => {} };
  const at = (t: string): string => line().replace('[21/Jun/2024:10:00:00 +0000]', t);
  for (const t of ['[21/Jun/2024:10:00:00 +0000]', '[21/Jun/2024:10:00:00 +0000]', '[21/Jun/2024:10:00:00 +0100]', '[21/Jun/2024:10:00:01 +0100]',
    '[31/Jun/2024:10:00:01 +0100]', '[31/Jun/2024:10:00:01 +0100]', '[21/Jun/2024:10:00:00 +0000]']) {
    parser.parse(at(t), sink);
  }
  assert.deepEqual(times.slice(0, 4), ['2024-06-21T10:00:00.000000000Z', '2024-06-21T10:00:00.000000000Z', '2024-06-21T09:00:00.000000000Z',
    '2024-06-21T09:00:01.000000000Z']);
  assert.match(String(times[4]), /^field time: /);
  assert.match(String(times[5]), /^field time: /, 'a bad time stays bad on the next line');
  assert.equal(times[6], '2024-06-21T10:00:00.000000000Z');
});
