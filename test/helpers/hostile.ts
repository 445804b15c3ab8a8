// Shared by the hostile-input tests: one good and one bad record per type,
// and the checks every hostile run must pass (a clear message, no stack trace).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ROOT } from './cli.js';

export const TYPES = ['AWS.ALB', 'AWS.AuroraMySQLAudit', 'AWS.CloudTrail', 'AWS.GuardDuty', 'AWS.S3ServerAccess', 'AWS.VPCFlow'] as const;
export type TypeName = typeof TYPES[number];

export const SAMPLE_FILES: Record<TypeName, string> = {
  'AWS.ALB': 'AWS.ALB.log',
  'AWS.AuroraMySQLAudit': 'AWS.AuroraMySQLAudit.log',
  'AWS.CloudTrail': 'AWS.CloudTrail.json.gz',
  'AWS.GuardDuty': 'AWS.GuardDuty.jsonl',
  'AWS.S3ServerAccess': 'AWS.S3ServerAccess.log',
  'AWS.VPCFlow': 'AWS.VPCFlow.log',
};

export const JSON_TYPES: ReadonlySet<string> = new Set(['AWS.CloudTrail', 'AWS.GuardDuty']);

/** The sample of a type, decompressed. */
export function sampleText(type: TypeName): string {
  const raw = readFileSync(join(ROOT, 'samples', SAMPLE_FILES[type]));
  return (raw[0] === 0x1f ? gunzipSync(raw) : raw).toString('utf8');
}

/**
 * The sample's records, one per line: CloudTrail's trail file becomes one
 * event per line; VPC's header line comes first and stays a line.
 */
export function sampleLines(type: TypeName): string[] {
  const text = sampleText(type);
  if (type === 'AWS.CloudTrail') {
    return (JSON.parse(text) as { Records: unknown[] }).Records.map((r) => JSON.stringify(r));
  }
  return text.split('\n').filter((l) => l.trim().length > 0);
}

/** A record of each type that is bad in a way its parser must name. */
export const BAD_LINES: Record<TypeName, string[]> = {
  'AWS.ALB': [
    'http 2024-06-20T16:00:00.101520Z app/web/1 198.51.100.24:52314 10.0.1.17:80 0.000 0.002 0.000 301 301 132 412 "GET http://x/ HTTP/1.1" "ua" - - - "-" "-" "-" one 2024-06-20T16:00:00.099000Z "forward" "-" "-"',
    'garbage',
  ],
  'AWS.AuroraMySQLAudit': ['1718900000123456,host,user,10.0.0.1,not-a-number,0,CONNECT,db,,0', 'garbage'],
  'AWS.CloudTrail': ['{"eventVersion":"1.09","eventTime":"yesterday","eventID":"e","eventType":"AwsApiCall","awsRegion":"us-east-1","eventSource":"s","eventName":"n"}', 'garbage'],
  'AWS.GuardDuty': ['{"schemaVersion":"2.0","id":"missing-most-fields"}', 'garbage'],
  'AWS.S3ServerAccess': [
    'owner bucket [21/Jun/2024:16:00:01 +0000] 198.51.100.24 - 7A1B2C3D4E5F6071 REST.GET.OBJECT k "GET /k HTTP/1.1" OK - 5120 5120 14 13 "-" "ua" - hostid - - - host - - - -',
    'garbage',
  ],
  'AWS.VPCFlow': ['2 123456789012 eni-0a1b 172.31.16.139 172.31.16.21 http 22 6 20 4249 1718900000 1718900060 ACCEPT OK', 'garbage'],
};

const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\)|\(<anonymous>\))$/m;

/** Every hostile run must end with messages a person can read: no stack trace, no internal error. */
export function assertCleanStderr(stderr: string, context = ''): void {
  assert.doesNotMatch(stderr, STACK_FRAME, `stack trace on stderr ${context}:\n${stderr.slice(0, 2000)}`);
  assert.doesNotMatch(stderr, /internal error|please report/i, `internal error on stderr ${context}:\n${stderr.slice(0, 2000)}`);
}

/** Every stdout line is a normalized record: JSON with the standard fields. */
export function parseRecords(stdout: string): Record<string, unknown>[] {
  if (stdout === '') return [];
  assert.ok(stdout.endsWith('\n'), 'stdout ends with a line feed');
  return stdout.slice(0, -1).split('\n').map((line) => {
    const r = JSON.parse(line) as Record<string, unknown>;
    assert.equal(typeof r.p_log_type, 'string', line.slice(0, 200));
    assert.equal(typeof r.p_row_id, 'string');
    return r;
  });
}

export interface SummaryCounts {
  read: number;
  written: number;
  failed: number;
  skipped: number;
  filtered: number;
}

export interface JsonSummary {
  exitStatus: number;
  total: SummaryCounts;
  types: Record<string, SummaryCounts & { files: number }>;
  inputs: Array<SummaryCounts & { file: string; logType?: string; problem?: string; output?: string }>;
}

/** The `--summary json` object: the last line of stderr. */
export function jsonSummary(stderr: string): JsonSummary {
  return JSON.parse(stderr.trim().split('\n').at(-1)!) as JsonSummary;
}

/** read = written + failed + skipped, per input, per type and in total; filtered ⊆ skipped. */
export function assertBalanced(s: JsonSummary): void {
  const check = (c: SummaryCounts, what: string) => {
    assert.equal(c.read, c.written + c.failed + c.skipped, `${what}: read ${c.read} ≠ written ${c.written} + failed ${c.failed} + skipped ${c.skipped}`);
    assert.ok(c.filtered <= c.skipped, `${what}: filtered within skipped`);
  };
  check(s.total, 'total');
  for (const [name, c] of Object.entries(s.types)) check(c, name);
  for (const i of s.inputs) check(i, i.file);
  const sum = (key: keyof SummaryCounts) => s.inputs.reduce((n, i) => n + i[key], 0);
  for (const key of ['read', 'written', 'failed', 'skipped', 'filtered'] as const) assert.equal(sum(key), s.total[key], `inputs add up to the total ${key}`);
}

/** A seeded PRNG (mulberry32), so "random" inputs are the same on every run. */
export function seededBytes(seed: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let a = seed >>> 0;
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}
