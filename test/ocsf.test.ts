// --format ocsf: every OCSF golden output validated against the generated
// schemas (compiled here, independently of the build's validators); the
// mapping's invariants on native records of the golden inputs and samples
// (type_uid, time, observables = p_any_*, nothing lost); and the CLI.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { ROOT, runCli } from './helpers/cli.js';
import { OCSF_CLASSES } from '../src/formats/ocsf/classes.js';
import { ocsfConverter } from '../src/formats/ocsf/index.js';
import { epochMs } from '../src/formats/ocsf/common.js';
import { severityId } from '../src/formats/ocsf/guardduty.js';

const GOLDEN = join(ROOT, 'test', 'golden');
type Json = Record<string, unknown>;

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
const validators = new Map<number, ValidateFunction>();
for (const c of Object.values(OCSF_CLASSES)) {
  validators.set(c.uid, ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas', 'ocsf', `${c.name}.json`), 'utf8')) as object));
}

function ocsfCases(): Array<{ logType: string; dir: string }> {
  const out: Array<{ logType: string; dir: string }> = [];
  for (const logType of readdirSync(GOLDEN).sort()) {
    for (const name of readdirSync(join(GOLDEN, logType)).sort()) {
      const args = join(GOLDEN, logType, name, 'args.json');
      if (existsSync(args) && readFileSync(args, 'utf8').includes('"ocsf"')) out.push({ logType, dir: join(GOLDEN, logType, name) });
    }
  }
  return out;
}

const lines = (text: string): Json[] => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Json);

describe('OCSF golden outputs', () => {
  const cases = ocsfCases();
  test('there are OCSF golden cases for all six types and every class', () => {
    assert.deepEqual([...new Set(cases.map((c) => c.logType))].sort(),
      ['AWS.ALB', 'AWS.AuroraMySQLAudit', 'AWS.CloudTrail', 'AWS.GuardDuty', 'AWS.S3ServerAccess', 'AWS.VPCFlow']);
    const seen = new Set<number>();
    for (const c of cases) for (const e of lines(readFileSync(join(c.dir, 'expected.ndjson'), 'utf8'))) seen.add(e.class_uid as number);
    assert.deepEqual([...seen].sort(), Object.values(OCSF_CLASSES).map((c) => c.uid).sort());
  });
  for (const c of cases) {
    test(`${c.logType}/${c.dir.split('/').pop()!}: every event is valid for its class`, () => {
      const events = lines(readFileSync(join(c.dir, 'expected.ndjson'), 'utf8'));
      assert.ok(events.length > 0);
      for (const e of events) {
        const validate = validators.get(e.class_uid as number);
        assert.ok(validate, `class_uid ${String(e.class_uid)}`);
        assert.ok(validate(e), `${JSON.stringify(validate.errors)}\n${JSON.stringify(e)}`);
        assert.deepEqual((e.metadata as Json).profiles, Object.values(OCSF_CLASSES).find((k) => k.uid === e.class_uid)!.profiles);
      }
    });
  }
  test('the schemas reject what 1.1.0 rejects (the validator is not a pass-through)', () => {
    const vpc = lines(readFileSync(join(GOLDEN, 'AWS.VPCFlow', 'ocsf-v2-default', 'expected.ndjson'), 'utf8'))[0]!;
    const v = validators.get(4001)!;
    assert.ok(v(vpc));
    assert.equal(v({ ...vpc, type_uid: 400107 }), false, 'type_uid outside class × 100 + activities');
    assert.equal(v({ ...vpc, cloud: { account_uid: '123456789012', provider: 'AWS' } }), false, 'cloud.account_uid is rc.2, not 1.1.0');
    assert.equal(v({ ...vpc, src_endpoint: { port: 22 } }), false, 'an endpoint needs ip, uid, name, …');
    assert.equal(v({ ...vpc, time: '2024-06-20T16:13:20Z' }), false, 'time is epoch ms');
    const { action_id: _dropped, ...noAction } = vpc;
    assert.equal(v(noAction), false, 'action_id is required with security_control');
    const alb = lines(readFileSync(join(GOLDEN, 'AWS.ALB', 'ocsf-methods', 'expected.ndjson'), 'utf8'))[0]!;
    const h = validators.get(4002)!;
    assert.equal(h({ ...alb, http_request: { ...(alb.http_request as Json), http_method: 'PATCH' } }), false, 'PATCH is not in the 1.1.0 enum');
  });
});

/** Native records of every OCSF golden input and of the samples, with their type. */
async function nativeRecords(): Promise<Array<{ logType: string; record: Json }>> {
  const inputs: Array<{ logType: string; path: string }> = ocsfCases().map((c) => ({
    logType: c.logType, path: join(c.dir, readdirSync(c.dir).find((f) => f.startsWith('input'))!),
  }));
  for (const f of readdirSync(join(ROOT, 'samples'))) inputs.push({ logType: f.replace(/\.(log|jsonl|json\.gz)$/, ''), path: join(ROOT, 'samples', f) });
  const out: Array<{ logType: string; record: Json }> = [];
  for (const i of inputs) {
    const r = await runCli(['normalize', '-q', '--type', i.logType, i.path]);
    for (const record of lines(r.stdout)) out.push({ logType: i.logType, record });
  }
  return out;
}

/** Every scalar leaf of a value as text (iterative). */
function leaves(value: unknown, prefix: string, out: Array<[string, string]>): void {
  const stack: Array<[unknown, string]> = [[value, prefix]];
  while (stack.length > 0) {
    const [v, p] = stack.pop()!;
    if (Array.isArray(v)) for (const x of v) stack.push([x, p]);
    else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) stack.push([x, p === '' ? k : `${p}.${k}`]);
    else out.push([p, String(v)]);
  }
}

/** Native values carried by an enum or a decomposition rather than as themselves. */
const ENCODED: Readonly<Record<string, readonly string[]>> = {
  'AWS.VPCFlow': ['action', 'flowDirection', 'trafficPath'],
  'AWS.S3ServerAccess': ['requesturi'],
  'AWS.GuardDuty': ['service.archived'],
  'AWS.CloudTrail': [],
  'AWS.ALB': [],
  'AWS.AuroraMySQLAudit': ['host'], // split into ip/hostname and port
};

const INDICATORS = ['p_any_ip_addresses', 'p_any_domain_names', 'p_any_sha1_hashes', 'p_any_md5_hashes', 'p_any_aws_account_ids', 'p_any_aws_instance_ids', 'p_any_aws_arns', 'p_any_aws_tags'];

describe('OCSF mapping invariants', async () => {
  const records = await nativeRecords();
  test('the inputs give records of every type', () => {
    assert.equal(new Set(records.map((r) => r.logType)).size, 6);
    assert.ok(records.length > 80);
  });
  test('type_uid = class_uid × 100 + activity_id; time is epoch ms and time_dt the same instant in full precision', () => {
    for (const { logType, record } of records) {
      const c = ocsfConverter(logType)(record);
      if (c.error !== undefined) continue;
      const e = c.record;
      assert.equal(e.type_uid, (e.class_uid as number) * 100 + (e.activity_id as number));
      assert.ok(Number.isInteger(e.time));
      assert.equal(e.time_dt, record.p_event_time, 'time_dt keeps every digit of p_event_time');
      assert.equal(e.time, Math.floor(Date.parse(String(record.p_event_time).slice(0, 23) + 'Z')));
    }
  });
  test('observables are exactly the p_any_* indicators', () => {
    for (const { logType, record } of records) {
      const c = ocsfConverter(logType)(record);
      if (c.error !== undefined) continue;
      const expected = INDICATORS.flatMap((f) => (Array.isArray(record[f]) ? record[f] as string[] : [])).sort();
      const got = ((c.record.observables ?? []) as Json[]).map((o) => String(o.value)).sort();
      assert.deepEqual(got, expected, JSON.stringify(record));
    }
  });
  test('nothing lost: every native value is in the event (mapped, or under unmapped), unless an enum carries it', () => {
    let checked = 0;
    for (const { logType, record } of records) {
      const c = ocsfConverter(logType)(record);
      if (c.error !== undefined) continue;
      const have = new Set<string>();
      const eventLeaves: Array<[string, string]> = [];
      leaves(c.record, '', eventLeaves);
      for (const [, v] of eventLeaves) have.add(v);
      const native: Array<[string, string]> = [];
      for (const [k, v] of Object.entries(record)) if (!k.startsWith('p_any_') && k !== 'p_log_type') leaves(v, k, native);
      for (const [path, v] of native) {
        if (ENCODED[logType]!.some((p) => path === p)) continue;
        assert.ok(have.has(v), `${logType}: ${path} = ${v} is nowhere in ${JSON.stringify(c.record)}`);
        checked++;
      }
    }
    assert.ok(checked > 1000);
  });
  test('a record the mapping cannot place is an error, not an event', () => {
    const c = ocsfConverter('AWS.ALB')({ timestamp: '2024-06-20T16:00:00.000000000Z', p_log_type: 'AWS.ALB', p_event_time: '2024-06-20T16:00:00.000000000Z' });
    assert.match(c.error ?? '', /elb_status_code/);
    const bad = ocsfConverter('AWS.VPCFlow')({ version: 2, p_log_type: 'AWS.VPCFlow', p_event_time: '2024-06-20T16:00:00.000000000Z' });
    assert.match(bad.error ?? '', /^ocsf network_activity: field (src|dst)_endpoint must have required property/);
  });
  test('a hostile key stays a key: __proto__ under unmapped is written, the prototype untouched', () => {
    const record = JSON.parse('{"version":2,"srcAddr":"10.0.0.1","dstAddr":"10.0.0.2","__proto__":{"polluted":1},"p_log_type":"AWS.VPCFlow","p_event_time":"2024-06-20T16:00:00.000000000Z"}') as Json;
    const c = ocsfConverter('AWS.VPCFlow')(record);
    assert.equal(c.error, undefined);
    const un = c.record!.unmapped as Json;
    assert.equal(Object.getPrototypeOf(un), Object.prototype);
    assert.match(JSON.stringify(un), /"__proto__":\{"polluted":1\}/);
    assert.equal(({} as Json).polluted, undefined);
  });
  test('epoch ms truncates toward the past; GuardDuty severity bands', () => {
    assert.equal(epochMs('2024-06-20T16:13:20.123999999Z'), 1718900000123);
    assert.equal(epochMs('1969-12-31T23:59:59.999999999Z'), -1);
    assert.equal(epochMs('2024-06-20T16:13:20Z'), undefined);
    assert.deepEqual([0.5, 1, 3.9, 4, 6.9, 7, 8.9, 9, 10].map(severityId), [1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });
});

describe('OCSF on the command line', () => {
  const vpcDir = join(GOLDEN, 'AWS.VPCFlow', 'ocsf-v5-directions');
  const vpc2Dir = join(GOLDEN, 'AWS.VPCFlow', 'ocsf-v2-default');
  test('--format ocsf with --out-dir writes .ocsf.ndjson (and .ocsf.ndjson.gz with --gzip)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'awslogs-ocsf-'));
    try {
      const r = await runCli(['normalize', '-q', '--format', 'ocsf', '--out-dir', out, join(vpcDir, 'input.log')]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(readdirSync(out), ['input.ocsf.ndjson']);
      const events = lines(readFileSync(join(out, 'input.ocsf.ndjson'), 'utf8'));
      assert.deepEqual(events.map((e) => e.type_uid), [400106, 400105, 400106, 400100]);
      const z = await runCli(['normalize', '-q', '--format', 'ocsf', '--gzip', '--out-dir', join(out, 'z'), join(vpcDir, 'input.log')]);
      assert.equal(z.code, 0, z.stderr);
      assert.deepEqual(readdirSync(join(out, 'z')), ['input.ocsf.ndjson.gz']);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
  test('--jobs 2 gives the output of --jobs 1, types detected', async () => {
    const args = ['normalize', '-q', '--format', 'ocsf', join(vpcDir, 'input.log'), join(vpc2Dir, 'input.log'), join(GOLDEN, 'AWS.CloudTrail', 'ocsf-classes', 'input.json')];
    const one = await runCli([...args, '--jobs', '1']);
    const two = await runCli([...args, '--jobs', '2']);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(two.code, 0, two.stderr);
    const mask = (t: string) => lines(t).map((e) => ({ ...e, unmapped: { ...(e.unmapped as Json), p_row_id: 0, p_parse_time: 0 } }));
    assert.deepEqual(mask(two.stdout), mask(one.stdout));
    assert.equal(lines(one.stdout).length, 25);
  });
  test('a bad --format value: exit 2 and one clear line', async () => {
    const r = await runCli(['normalize', '--format', 'avro', join(vpcDir, 'input.log')]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'awslogs: --format: must be ndjson, ocsf or parquet, not "avro"\n');
  });
  test('--filter-ip applies to OCSF output too (on the native p_any_ip_addresses)', async () => {
    const r = await runCli(['normalize', '-q', '--format', 'ocsf', '--type', 'AWS.VPCFlow', '--filter-ip', '203.0.113.5', join(vpcDir, 'input.log')]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout).map((e) => (e.src_endpoint as Json).ip), ['203.0.113.5']);
  });
  test('schema --format ocsf names the classes a type maps to, with their schemas', async () => {
    const r = await runCli(['schema', '--format', 'ocsf', 'AWS.CloudTrail']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { ocsfVersion: string; classes: Array<{ class_uid: number; schema: Json }> };
    assert.equal(s.ocsfVersion, '1.1.0');
    assert.deepEqual(s.classes.map((c) => c.class_uid), [6003, 3002, 3001]);
    assert.equal(((s.classes[0]!.schema.properties as Json).class_uid as Json).const, 6003);
    const native = await runCli(['schema', 'AWS.CloudTrail']);
    assert.match(native.stdout, /eventName/);
  });
});
