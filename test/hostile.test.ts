// Hostile and broken input through the built binary (issue 8): every run
// ends with a clear message and an exit status of OUTPUT.md, never a stack
// trace; nothing is lost; memory stays bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BIN, maskOutput, runCli } from './helpers/cli.js';
import {
  JSON_TYPES, TYPES, assertBalanced, assertCleanStderr, jsonSummary, parseRecords, sampleLines, sampleText, seededBytes,
  type TypeName,
} from './helpers/hostile.js';

const tmp = mkdtempSync(join(tmpdir(), 'awslogs-hostile-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function put(name: string, content: string | Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

function readErrors(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l) as Record<string, unknown>);
}

const VPC_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';
const vpcLine = (i: number) => `2 123456789012 eni-0a1b2c3d4e5f60718 10.0.${i % 250}.1 172.31.0.${i % 200} ${i % 65536} 443 6 3 120 ${1700000000 + i} ${1700000060 + i} ACCEPT OK`;

test('random binary data, with --type for each type and without: errors named per record, exit 1, no stack trace', async () => {
  const file = put('random.bin', seededBytes(8, 64 * 1024));
  const errors = join(tmp, 'random-errors.ndjson');
  const detected = await runCli(['normalize', '--summary', 'json', '--errors', errors, file]);
  assert.equal(detected.code, 1, detected.stderr);
  assertCleanStderr(detected.stderr, 'random binary, detection');
  assert.equal(detected.stdout, '');
  assert.match(detected.stderr, /could not detect the log type: none of AWS\.ALB, .* parses the first records; pass --type/);
  const s = jsonSummary(detected.stderr);
  assertBalanced(s);
  assert.ok(s.total.failed > 0);
  assert.equal(readErrors(errors).length, s.total.failed, 'one report per failed record');
  for (const type of TYPES) {
    const r = await runCli(['normalize', '--summary', 'json', '--errors', errors, '--type', type, file]);
    assertCleanStderr(r.stderr, type);
    // A record can come out of random bytes only by chance; none does from this seed.
    assert.equal(r.code, 1, `${type}: ${r.stderr}`);
    const summary = jsonSummary(r.stderr);
    assertBalanced(summary);
    assert.equal(summary.total.failed, readErrors(errors).length, type);
    assert.equal(summary.total.written, parseRecords(r.stdout).length, type);
  }
});

test('random bytes behind a gzip header: a one-line error naming the file, exit 2', async () => {
  const file = put('fake.gz', Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), seededBytes(9, 4096)]));
  for (const args of [['--type', 'AWS.VPCFlow'], []]) {
    const r = await runCli(['normalize', ...args, file]);
    assert.equal(r.code, 2, r.stderr);
    assertCleanStderr(r.stderr);
    assert.match(r.stderr, new RegExp(`awslogs: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: corrupt gzip data \\(.+\\) at or before compressed byte \\d+`));
  }
});

test('a gzip file cut in half: the records before the cut are written, then an error naming the file and the byte offset (exit 2)', async () => {
  const lines = [VPC_HEADER];
  for (let i = 0; i < 20000; i++) lines.push(vpcLine(i));
  const whole = gzipSync(lines.join('\n') + '\n');
  const cutAt = whole.length >> 1;
  const file = put('cut.log.gz', whole.subarray(0, cutAt));
  const errors = join(tmp, 'cut-errors.ndjson');
  for (const args of [['--type', 'AWS.VPCFlow'], []]) {
    const r = await runCli(['normalize', '--summary', 'json', '--errors', errors, ...args, file]);
    assert.equal(r.code, 2, r.stderr);
    assertCleanStderr(r.stderr);
    const records = parseRecords(r.stdout);
    assert.ok(records.length > 5000 && records.length < 20000, `${records.length} records before the cut`);
    // The records before the cut, in order, none missing.
    records.forEach((rec, i) => assert.equal(rec.srcPort, i % 65536));
    const m = /corrupt gzip data \(unexpected end of file\) at or before compressed byte (\d+)/.exec(r.stderr);
    assert.ok(m, r.stderr);
    assert.equal(Number(m[1]), cutAt, 'the offset is where the file ends');
    // With --summary json (issue 14), the problem is a JSON line of its own naming the file.
    const problems = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; file?: string; message?: string })
      .filter((l) => l.kind === 'input-problem');
    assert.deepEqual(problems.map((p) => p.file), [file]);
    assert.match(problems[0]!.message ?? '', /^corrupt gzip/);
    const s = jsonSummary(r.stderr);
    assertBalanced(s);
    assert.equal(s.exitStatus, 2);
    assert.match(s.inputs[0]!.problem ?? '', /corrupt gzip/);
    // The half line at the cut is reported as incomplete, not parsed as if whole.
    const reports = readErrors(errors);
    assert.equal(reports.length, s.total.failed);
    assert.ok(reports.length <= 1);
    for (const rep of reports) assert.match(String(rep.error), /incomplete record/);
    assert.equal(s.total.written, records.length);
  }
});

test('invalid UTF-8 inside a line becomes U+FFFD and the record is kept (text and JSON types)', async () => {
  const vpc = Buffer.concat([
    Buffer.from(`${VPC_HEADER}\n2 123456789012 eni-0a1b`), Buffer.from([0xff, 0xfe, 0xc3]),
    Buffer.from(' 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n'),
  ]);
  const r = await runCli(['normalize', '--type', 'AWS.VPCFlow', put('bad-utf8.log', vpc)]);
  assert.equal(r.code, 0, r.stderr);
  const [rec] = parseRecords(r.stdout);
  assert.equal(rec!.interfaceId, 'eni-0a1b\ufffd\ufffd\ufffd');
  assert.equal(rec!.srcAddr, '172.31.16.139');

  const event = sampleLines('AWS.CloudTrail')[0]!;
  const at = event.indexOf('"userAgent":"') + 13;
  const ct = Buffer.concat([Buffer.from(event.slice(0, at)), Buffer.from([0xe2, 0x82]), Buffer.from(event.slice(at) + '\n')]);
  const c = await runCli(['normalize', '--type', 'AWS.CloudTrail', put('bad-utf8.json', ct)]);
  assert.equal(c.code, 0, c.stderr);
  assert.match(String(parseRecords(c.stdout)[0]!.userAgent), /^\ufffd/);
});

test('a 64 MB line in a text format: an error report with a bounded raw and its rawLength, later lines processed, memory bounded', async () => {
  const size = 64 * 1024 * 1024;
  const file = join(tmp, 'huge-line.log');
  writeFileSync(file, `${VPC_HEADER}\n${vpcLine(1)}\n${'x'.repeat(size)}\n${vpcLine(2)}\n${vpcLine(3)}\n`);
  const errors = join(tmp, 'huge-errors.ndjson');
  const { code, stdout, stderr, maxRssKb } = await runMeasured(['normalize', '--type', 'AWS.VPCFlow', '--errors', errors, file]);
  rmSync(file);
  assert.equal(code, 1, stderr);
  assertCleanStderr(stderr);
  assert.deepEqual(parseRecords(stdout).map((r) => r.srcPort), [1, 2, 3]);
  const [report, ...more] = readErrors(errors);
  assert.equal(more.length, 0);
  assert.equal(report!.line, 3);
  assert.match(String(report!.error), /line is 67108864 bytes long, over the limit of 8388608 \(--max-line-bytes\)/);
  assert.equal((report!.raw as string).length, 64 * 1024);
  assert.equal(report!.rawLength, size);
  // The line is never held whole: far below the 64 MB line itself plus a generous 200 MB.
  assert.ok(maxRssKb < (64 + 200) * 1024, `peak RSS ${maxRssKb} kB`);
});

test('a 64 MB line of garbage in a JSON type is reported with a bounded raw, without buffering it', async () => {
  const size = 64 * 1024 * 1024;
  const event = sampleLines('AWS.CloudTrail')[0]!;
  const file = join(tmp, 'huge-garbage.json');
  writeFileSync(file, `${event}\n${'x'.repeat(size)}\n${event}\n`);
  const errors = join(tmp, 'huge-json-errors.ndjson');
  const { code, stdout, stderr, maxRssKb } = await runMeasured(['normalize', '--type', 'AWS.CloudTrail', '--errors', errors, file]);
  rmSync(file);
  assert.equal(code, 1, stderr);
  assertCleanStderr(stderr);
  assert.equal(parseRecords(stdout).length, 2);
  const [report] = readErrors(errors);
  assert.equal(report!.line, 2);
  assert.match(String(report!.error), /^not JSON: expected "\{" or "\[" to start a document, found "x+…"$/);
  assert.equal((report!.raw as string).length, 64 * 1024);
  assert.ok((report!.rawLength as number) >= size);
  assert.ok(maxRssKb < (64 + 200) * 1024, `peak RSS ${maxRssKb} kB`);
});

test('a CloudTrail trail file on one line longer than --max-line-bytes is framed as JSON and works', async () => {
  const events = sampleLines('AWS.CloudTrail');
  const records: string[] = [];
  for (let i = 0, size = 0; size < 3 * 1024 * 1024; i++) {
    const e = JSON.parse(events[i % events.length]!) as Record<string, unknown>;
    e.eventID = `event-${i}`;
    records.push(JSON.stringify(e));
    size += records[i]!.length + 1;
  }
  const trail = `{"Records":[${records.join(',')}]}`;
  const dir = join(tmp, 'AWSLogs', '123456789012', 'CloudTrail', 'us-east-1');
  const file = join(dir, 'trail.json.gz');
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, gzipSync(trail));
  for (const args of [['--type', 'AWS.CloudTrail'], []]) {
    const r = await runCli(['normalize', '--summary', 'json', '--max-line-bytes', '1048576', ...args, file]);
    assert.equal(r.code, 0, r.stderr);
    const out = parseRecords(r.stdout);
    assert.equal(out.length, records.length);
    assert.deepEqual(out.map((o) => o.eventID), records.map((_, i) => `event-${i}`));
  }
  // The same bytes as a text type hit the limit: one clear report, no crash.
  const r = await runCli(['normalize', '--type', 'AWS.VPCFlow', '--max-line-bytes', '1048576', file]);
  assert.equal(r.code, 1);
  assertCleanStderr(r.stderr);
  assert.match(r.stderr, /line is \d+ bytes long, over the limit of 1048576 \(--max-line-bytes\); raw holds its start/);
});

test('JSON nested 200,000 levels deep: reported, not parsed (framed, inside lookup-events, per-line), no stack overflow', async () => {
  const n = 200000;
  const deepArray = '['.repeat(n) + ']'.repeat(n);
  const eventText = sampleLines('AWS.CloudTrail')[0]!;
  const deepEvent = eventText.replace('"requestParameters":null', `"requestParameters":${deepArray}`);
  assert.notEqual(deepEvent, eventText);
  const findingText = sampleLines('AWS.GuardDuty')[0]!;
  const cases: Record<'AWS.CloudTrail' | 'AWS.GuardDuty', Array<[string, RegExp]>> = {
    'AWS.CloudTrail': [
      [deepArray, /JSON record nested deeper than 512 levels \(the limit\); not parsed/],
      ['{"a":'.repeat(n) + '1' + '}'.repeat(n), /JSON record nested deeper than 512 levels/],
      [deepEvent, /JSON record nested deeper than 512 levels/],
      [JSON.stringify({ Events: [{ CloudTrailEvent: deepEvent }] }), /field CloudTrailEvent: JSON nested deeper than 512 levels \(the limit\); not parsed/],
      [`{"detail-type":"AWS API Call via CloudTrail","detail":${deepEvent}}`, /JSON record nested deeper than 512 levels/],
    ],
    'AWS.GuardDuty': [
      [findingText.replace('"resource":{', `"resource":{"deep":${deepArray},`), /JSON record nested deeper than 512 levels/],
      [`{"detail-type":"GuardDuty Finding","detail":${findingText.replace('"resource":{', `"resource":{"deep":${deepArray},`)}}`, /JSON record nested deeper than 512 levels/],
    ],
  };
  for (const [type, docs] of Object.entries(cases)) {
    const good = type === 'AWS.CloudTrail' ? eventText : findingText;
    const file = put('deep.json', docs.map(([doc]) => `${doc}\n${good}\n`).join(''));
    const r = await runCli(['normalize', '--type', type, file]);
    assert.equal(r.code, 1, r.stderr);
    assertCleanStderr(r.stderr, type);
    docs.forEach(([, message], i) => assert.match(r.stderr, new RegExp(`deep\\.json:${2 * i + 1}: ${type.replace('.', '\\.')}: ${message.source}`)));
    assert.match(r.stderr, new RegExp(`${2 * docs.length} records read: ${docs.length} written, ${docs.length} failed`));
    assert.equal(parseRecords(r.stdout).length, docs.length, 'the record after each is written');
  }
  // --detect per-line does not frame JSON: still a report, never a crash.
  const file = put('deep-lines.json', `${deepEvent}\n${eventText}\n`);
  const r = await runCli(['normalize', '--detect', 'per-line', file]);
  assert.equal(r.code, 1, r.stderr);
  assertCleanStderr(r.stderr);
  assert.equal(parseRecords(r.stdout).length, 1);
});

test('__proto__, constructor and prototype keys anywhere stay data (CloudTrail and GuardDuty, every envelope)', async () => {
  const hostile = '"__proto__":{"polluted":1,"accountId":"111122223333"},"constructor":{"prototype":{"polluted":2}},"prototype":{"polluted":3},"hasOwnProperty":"x","toJSON":"y"';
  const event = sampleLines('AWS.CloudTrail')[0]!;
  const finding = sampleLines('AWS.GuardDuty')[0]!;
  const withKeys = (doc: string) => `{${hostile},${doc.slice(1)}`;
  const ctEvent = withKeys(event).replace('"requestParameters":null', `"requestParameters":{${hostile}}`);
  const inputs: Array<[TypeName, string]> = [
    ['AWS.CloudTrail', ctEvent],
    // Wrappers hold only their array and NextToken & co. (issue 13: a document with other keys before
    // the array is one record): the hostile keys are in their elements.
    ['AWS.CloudTrail', `{"Records":[${ctEvent}]}`],
    ['AWS.CloudTrail', `{${hostile},"detail-type":"AWS API Call via CloudTrail","detail":${ctEvent}}`],
    ['AWS.CloudTrail', JSON.stringify({ Events: [{ CloudTrailEvent: ctEvent }], NextToken: 'x' }).replace('[{"CloudTrailEvent"', `[{${hostile},"CloudTrailEvent"`)],
    ['AWS.GuardDuty', withKeys(finding).replace('"resource":{', `"resource":{${hostile},`)],
    ['AWS.GuardDuty', `{"Findings":[${withKeys(finding)}]}`],
    ['AWS.GuardDuty', `{${hostile},"detail-type":"GuardDuty Finding","detail":${withKeys(finding)}}`],
  ];
  for (const type of ['AWS.CloudTrail', 'AWS.GuardDuty'] as const) {
    const docs = inputs.filter(([t]) => t === type).map(([, doc]) => doc);
    const r = await runCli(['normalize', '--type', type, put('proto.json', docs.join('\n') + '\n')]);
    assert.equal(r.code, 0, `${type}: ${r.stderr}`);
    const records = parseRecords(r.stdout);
    assert.equal(records.length, docs.length);
    for (const rec of records) {
      for (const key of ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toJSON']) {
        assert.ok(Object.hasOwn(rec, key), `${type}: own key ${key}`);
      }
      assert.deepEqual(rec.constructor, { prototype: { polluted: 2 } });
    }
  }
});

test('empty, blank-only, CRLF and BOM inputs for every type: same records as the plain file, nothing reported', async () => {
  for (const type of TYPES) {
    const plain = type === 'AWS.CloudTrail' ? sampleText(type) : sampleLines(type).join('\n') + '\n';
    const variants: Array<[string, string]> = [
      ['crlf', plain.replace(/\n/g, '\r\n')],
      ['bom', '\ufeff' + plain],
      ['bom-crlf-blank', '\ufeff\r\n\r\n  \r\n' + plain.replace(/\n/g, '\r\n\t\r\n')],
    ];
    if (JSON_TYPES.has(type)) {
      // Pretty-printed with CRLF and a BOM (a Windows editor).
      const docs = type === 'AWS.CloudTrail' ? [JSON.parse(plain) as unknown] : sampleLines(type).map((l) => JSON.parse(l) as unknown);
      variants.push(['pretty-crlf', '\ufeff' + docs.map((d) => JSON.stringify(d, null, 2)).join('\r\n').replace(/\n/g, '\r\n') + '\r\n']);
    }
    const base = await runCli(['normalize', '-q', '--type', type, put('plain', plain)]);
    assert.equal(base.code, 0, `${type}: ${base.stderr}`);
    const expected = maskOutput(base.stdout);
    assert.ok(expected.length > 0);
    const files = variants.map(([name, text]) => put(`${type}-${name}`, text));
    for (const args of [['--type', type], []]) {
      const r = await runCli(['normalize', '--summary', 'json', '--jobs', '1', ...args, ...files]);
      assert.equal(r.code, 0, `${type} ${args.join(' ')}: ${r.stderr}`);
      assert.deepEqual(maskOutput(r.stdout), variants.flatMap(() => expected), `${type} ${args.join(' ')}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `only the summary on stderr: ${r.stderr}`);
      const s = jsonSummary(r.stderr);
      assertBalanced(s);
      for (const input of s.inputs) assert.equal(input.logType, type, input.file);
    }
  }
  const empties = [['empty', ''], ['blank', '\n\n  \r\n\t\n'], ['bom-only', '\ufeff'], ['bom-blank', '\ufeff\r\n\r\n']].map(([name, text]) => put(name!, text!));
  // Nothing reaches a parser: one type per framing is enough.
  for (const args of [['--type', 'AWS.VPCFlow'], ['--type', 'AWS.CloudTrail'], [], ['--detect', 'per-line']]) {
    const r = await runCli(['normalize', '--summary', 'json', '--jobs', '1', ...args, ...empties]);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.trim().split('\n').length, 1, `${args.join(' ')}: only the summary: ${r.stderr}`);
    const s = jsonSummary(r.stderr);
    assert.equal(s.total.read, 0);
    assert.equal(s.inputs.length, empties.length);
    for (const input of s.inputs) assert.equal(input.problem, undefined, `${input.file} ${args.join(' ')}`);
  }
});

/** Runs the CLI and reports the child's peak RSS (process.resourceUsage at exit: no /usr/bin/time needed). */
function runMeasured(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string; maxRssKb: number }> {
  const probe = `process.on('exit', () => process.stderr.write('\\nmaxrss=' + process.resourceUsage().maxRSS + '\\n'));` +
    `process.argv.splice(1, 0, ${JSON.stringify(BIN)}); await import(${JSON.stringify(new URL(`file://${BIN}`).href)});`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', probe, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8');
      const m = /\nmaxrss=(\d+)\n$/.exec(stderr);
      if (m === null) return reject(new Error(`no maxrss in ${stderr}`));
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: stderr.slice(0, m.index), maxRssKb: Number(m[1]) });
    });
  });
}
