// Batch conversion of a synced S3 tree (issue: one command for a whole
// bucket prefix), and the CLI's manners in a terminal and in scripts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { BIN, ROOT, listFiles, runCli } from './helpers/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'awslogs-batch-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function put(rel: string, content: Buffer | string): string {
  const path = join(tmp, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  return path;
}

function sample(name: string): Buffer {
  const raw = readFileSync(join(ROOT, 'samples', name));
  return raw[0] === 0x1f ? gunzipSync(raw) : raw;
}


/** A bucket prefix as `aws s3 sync` leaves it: all six types, a digest, a hidden file. */
function syncedTree(name: string): string {
  const root = join(tmp, name);
  const a = 'AWSLogs/123456789012';
  put(`${name}/${a}/vpcflowlogs/us-east-1/2024/01/01/123456789012_vpcflowlogs_us-east-1_fl-0a1b_20240101T0000Z_1a2b3c4d.log.gz`, gzipSync(sample('AWS.VPCFlow.log')));
  put(`${name}/${a}/elasticloadbalancing/us-east-1/2024/01/01/123456789012_elasticloadbalancing_us-east-1_app.web.0a1b_20240101T0000Z_10.0.0.1_abc.log.gz`, gzipSync(sample('AWS.ALB.log')));
  put(`${name}/${a}/CloudTrail/us-east-1/2024/01/01/123456789012_CloudTrail_us-east-1_20240101T0000Z_abc.json.gz`, readFileSync(join(ROOT, 'samples', 'AWS.CloudTrail.json.gz')));
  put(`${name}/${a}/CloudTrail-Digest/us-east-1/2024/01/01/123456789012_CloudTrail-Digest_us-east-1_x.json.gz`, gzipSync('{"awsAccountId":"123456789012","digestStartTime":"2024-01-01T00:00:00Z"}'));
  put(`${name}/${a}/GuardDuty/us-east-1/2024/01/01/finding-0001.jsonl.gz`, gzipSync(sample('AWS.GuardDuty.jsonl')));
  put(`${name}/s3-access/2024-01-01-00-00-00-1A2B3C4D5E6F7A8B`, sample('AWS.S3ServerAccess.log'));
  put(`${name}/aurora/audit.log`, sample('AWS.AuroraMySQLAudit.log'));
  put(`${name}/.sync-state`, 'not a log');
  return root;
}

test('--out-dir converts a synced tree of all six types, mirroring paths; hidden files and digests passed over', async () => {
  const tree = syncedTree('tree1');
  const out = join(tmp, 'out1');
  const r = await runCli(['normalize', '--out-dir', out, '--summary', 'json', tree]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '', 'nothing on stdout with --out-dir');
  assert.deepEqual(listFiles(out), [
    'AWSLogs/123456789012/CloudTrail/us-east-1/2024/01/01/123456789012_CloudTrail_us-east-1_20240101T0000Z_abc.ndjson',
    'AWSLogs/123456789012/GuardDuty/us-east-1/2024/01/01/finding-0001.ndjson',
    'AWSLogs/123456789012/elasticloadbalancing/us-east-1/2024/01/01/123456789012_elasticloadbalancing_us-east-1_app.web.0a1b_20240101T0000Z_10.0.0.1_abc.ndjson',
    'AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/01/01/123456789012_vpcflowlogs_us-east-1_fl-0a1b_20240101T0000Z_1a2b3c4d.ndjson',
    'aurora/audit.ndjson',
    's3-access/2024-01-01-00-00-00-1A2B3C4D5E6F7A8B.ndjson',
  ]);
  const typeOf = (rel: string) => new Set(readFileSync(join(out, rel), 'utf8').trim().split('\n').map((l) => JSON.parse(l).p_log_type));
  assert.deepEqual(typeOf('aurora/audit.ndjson'), new Set(['AWS.AuroraMySQLAudit']));
  assert.deepEqual(typeOf('s3-access/2024-01-01-00-00-00-1A2B3C4D5E6F7A8B.ndjson'), new Set(['AWS.S3ServerAccess']));
  const summary = JSON.parse(r.stderr.trim().split('\n').at(-1)!);
  assert.equal(summary.exitStatus, 0);
  assert.equal(summary.inputs.length, 6);
  assert.deepEqual(Object.keys(summary.types).sort(), ['AWS.ALB', 'AWS.AuroraMySQLAudit', 'AWS.CloudTrail', 'AWS.GuardDuty', 'AWS.S3ServerAccess', 'AWS.VPCFlow']);
  assert.equal(summary.skippedFiles.length, 2);
  assert.equal(summary.total.read, summary.total.written + summary.total.failed + summary.total.skipped);
  for (const input of summary.inputs) {
    assert.equal(input.read, input.written + input.failed + input.skipped, input.file);
    assert.ok(existsSync(input.output), input.output);
  }
});

test('--out-dir with --jobs 1 and --jobs 2 writes the same files; --gzip writes .ndjson.gz', async () => {
  const tree = syncedTree('tree2');
  const results = [];
  for (const jobs of ['1', '2']) {
    const out = join(tmp, `out2-${jobs}`);
    const r = await runCli(['normalize', '-q', '--jobs', jobs, '--gzip', '--out-dir', out, tree]);
    assert.equal(r.code, 0, r.stderr);
    const files = listFiles(out);
    assert.ok(files.every((f) => f.endsWith('.ndjson.gz')), files.join());
    results.push(files.map((f) => [f, gunzipSync(readFileSync(join(out, f))).toString().replace(/"p_row_id":"[0-9a-f]+"|"p_parse_time":"[^"]+"/g, '')]));
  }
  assert.deepEqual(results[1], results[0]);
});

test('--skip-existing resumes a run: finished outputs are left alone', async () => {
  const tree = syncedTree('tree3');
  const out = join(tmp, 'out3');
  const first = await runCli(['normalize', '-q', '--out-dir', out, tree]);
  assert.equal(first.code, 0);
  const vpc = listFiles(out).find((f) => f.includes('vpcflowlogs'))!;
  const before = statSync(join(out, vpc)).mtimeMs;
  rmSync(join(out, 'aurora'), { recursive: true });
  const second = await runCli(['normalize', '--skip-existing', '--out-dir', out, tree]);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stderr, /5 inputs skipped: their output already exists/);
  assert.match(second.stderr, /AWS\.AuroraMySQLAudit: 1 input/);
  assert.equal(statSync(join(out, vpc)).mtimeMs, before);
  assert.ok(existsSync(join(out, 'aurora', 'audit.ndjson')));
});

test('an interrupted run leaves no output file that looks complete, and exits 130', async () => {
  const header = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n';
  const line = '2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n';
  put('tree4/big.log', header + line.repeat(400000));
  const out = join(tmp, 'out4');
  const child = spawn(process.execPath, [BIN, 'normalize', '-q', '--jobs', '1', '--type', 'AWS.VPCFlow', '--out-dir', out, join(tmp, 'tree4')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  // Wait until the temporary output exists, then interrupt.
  for (let i = 0; i < 200 && !(existsSync(out) && listFiles(out).length > 0); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(listFiles(out).some((f) => /\.tmp-/.test(f)), 'a temporary file is being written');
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 130);
  assert.match(stderr, /interrupted/);
  // stderr is no terminal here: no empty line before the message (one line per problem in a log).
  assert.ok(!stderr.split('\n').slice(0, -1).includes(''), JSON.stringify(stderr));
  assert.deepEqual(listFiles(out), [], 'no temporary file left, no big.ndjson');
});

test('stderr that is not a TTY carries no escape codes; NO_COLOR and FORCE_COLOR are honoured', async () => {
  const bad = put('colour/bad.log', 'garbage line\n');
  const plain = await runCli(['normalize', '--type', 'AWS.VPCFlow', bad], { env: { NO_COLOR: '', FORCE_COLOR: '' } });
  assert.equal(plain.code, 1);
  assert.doesNotMatch(plain.stderr, /\x1b/);
  const forced = await runCli(['normalize', '--type', 'AWS.VPCFlow', bad], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
  assert.match(forced.stderr, /\x1b\[31m/);
  const noColor = await runCli(['normalize', '--type', 'AWS.VPCFlow', bad], { env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
  assert.doesNotMatch(noColor.stderr, /\x1b/);
});

test('on a TTY a progress line is drawn and cleared at the end', { skip: spawnSync('script', ['--version']).status !== 0 && 'no script(1) here' }, () => {
  const tree = syncedTree('tree5');
  const cmd = `"${process.execPath}" "${BIN}" normalize --out-dir "${join(tmp, 'out5')}" "${tree}"`;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, TERM: 'xterm', NO_COLOR: '1' } });
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /\r\x1b\[2Kawslogs \d+\/6 files · \d+ records · [\d.]+ MB\/s · 0 errors · ETA/);
  assert.match(r.stdout, /\r\x1b\[2Kawslogs: AWS\.\w+: 1 input/, 'the status line is cleared before the summary');
});

test('--since/--until and --filter-ip keep matching records; the rest are counted as skipped, not errors', async () => {
  const ct = readFileSync(join(ROOT, 'samples', 'AWS.CloudTrail.json.gz'));
  const f = put('filter/trail.json.gz', ct);
  const all = await runCli(['normalize', '-q', f]);
  const records = all.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const times = records.map((r) => r.p_event_time as string).sort();
  const mid = times[Math.floor(times.length / 2)]!;
  const since = await runCli(['normalize', '--summary', 'json', '--since', mid, f]);
  const kept = since.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(since.code, 0);
  assert.equal(kept.length, times.filter((t) => t >= mid).length);
  assert.ok(kept.every((r) => r.p_event_time >= mid));
  const s = JSON.parse(since.stderr.trim().split('\n').at(-1)!);
  assert.equal(s.total.filtered, records.length - kept.length);
  assert.equal(s.total.skipped, s.total.filtered);
  assert.equal(s.total.failed, 0);
  const until = await runCli(['normalize', '-q', '--until', mid, f]);
  assert.equal(until.stdout.trim().split('\n').length, times.filter((t) => t <= mid).length);
  const ip = records.flatMap((r) => (r.p_any_ip_addresses as string[] | undefined) ?? [])[0]!;
  const byIp = await runCli(['normalize', '-q', '--filter-ip', ip, f]);
  const withIp = byIp.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(withIp.length >= 1);
  assert.ok(withIp.every((r) => (r.p_any_ip_addresses as string[]).includes(ip)));
  const none = await runCli(['normalize', '-q', '--since', '1h', f]);
  assert.equal(none.code, 0);
  assert.equal(none.stdout, '');
  const bad = await runCli(['normalize', '--since', 'yesterday', f]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--since: expected RFC3339/);
});

test('every command has --help with examples', async () => {
  for (const cmd of ['normalize', 'detect', 'types', 'schema']) {
    const r = await runCli([cmd, '--help']);
    assert.equal(r.code, 0, cmd);
    assert.match(r.stdout, /Examples?:\n\s+(awslogs|for|aws)/, cmd);
  }
  const top = await runCli(['--help']);
  assert.match(top.stdout, /Examples:/);
});

test('--gzip and --skip-existing need --out-dir; --out-dir refuses stdin', async () => {
  const r = await runCli(['normalize', '--gzip', 'samples/AWS.VPCFlow.log']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--gzip needs --out-dir/);
  const s = await runCli(['normalize', '--out-dir', join(tmp, 'x'), '-'], { stdin: 'x\n' });
  assert.equal(s.code, 2);
  assert.match(s.stderr, /--out-dir needs files or directories/);
});
