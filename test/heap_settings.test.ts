// The heap settings issue 19's memory goal rests on (src/pipeline/heap_release.ts;
// README, Performance: "Memory"), seen from outside in the built CLI as a user
// runs it: a run on one thread caps its young generation at 8 MiB and limits
// the old generation's growth, both at run time (no node flag: start-up stays
// as fast); worker threads get a 12 MB young generation through
// resourceLimits; Parquet output, which holds row groups on purpose, keeps
// V8's defaults.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StringSink, findGenerator } from '../bench/generate/index.js';
import { Rng } from '../bench/prng.js';
import { WORKER_RESOURCE_LIMITS, YOUNG_GENERATION_CAP_BYTES } from '../src/pipeline/heap_release.js';
import { BIN, ROOT } from './helpers/cli.js';
import { textToParquet } from './helpers/parquet.js';
import { VPC_HEADER } from '../bench/generate/vpc.js';

/**
 * Preloaded into the CLI (NODE_OPTIONS --import): on exit it writes every V8
 * flag the program set at run time, the young generation's size, and the
 * resourceLimits of each worker thread made. node:v8's setFlagsFromString and
 * node:worker_threads' Worker are wrapped before the program imports them
 * (syncBuiltinESMExports carries the wrappers to ESM imports).
 */
const PROBE = `
import { writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import threads from 'node:worker_threads';
import { syncBuiltinESMExports } from 'node:module';
if (threads.isMainThread) {
  const flags = [];
  const workers = [];
  const setFlags = v8.setFlagsFromString;
  v8.setFlagsFromString = (f) => { flags.push(f); return setFlags(f); };
  const Worker = threads.Worker;
  threads.Worker = class extends Worker {
    constructor(file, options) { workers.push(options?.resourceLimits ?? null); super(file, options); }
  };
  syncBuiltinESMExports();
  process.on('exit', () => {
    const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    writeFileSync(process.env.HEAP_PROBE_OUT, JSON.stringify({ flags, workers, newSpaceBytes: newSpace.space_size }));
  });
}
`;

interface Seen {
  flags: string[];
  workers: (Record<string, number> | null)[];
  newSpaceBytes: number;
}

const dir = mkdtempSync(join(tmpdir(), 'awslogs-heap-'));
const probe = join(dir, 'probe.mjs');
writeFileSync(probe, PROBE);
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** 200,000 VPC flow lines (~24 MB): enough records for V8 to grow an uncapped young generation past 8 MiB. */
const vpc = join(dir, 'flows.log');
{
  const sink = new StringSink();
  findGenerator('AWS.VPCFlow')!.generate(new Rng(7), sink, { events: 200_000 });
  writeFileSync(vpc, sink.text());
}

let runs = 0;
function normalize(args: string[]): Promise<{ code: number | null; stderr: string; seen: Seen }> {
  return normalizeAs('AWS.VPCFlow', args);
}

function normalizeAs(type: string, args: string[], nodeArgs: string[] = []): Promise<{ code: number | null; stderr: string; seen: Seen }> {
  const out = join(dir, `seen-${runs++}.json`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, BIN, 'normalize', '--type', type, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', NODE_OPTIONS: `--import ${pathToFileURL(probe).href}`, HEAP_PROBE_OUT: out },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => { stderr += s; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, seen: JSON.parse(readFileSync(out, 'utf8')) as Seen }));
  });
}

const CAP_FLAG = '--semi-space-growth-factor=1';
/** The growth factor V8 was left with: the last such flag set, if any. */
function lastGrowthFactor(flags: string[]): string | undefined {
  return flags.filter((f) => f.startsWith('--semi-space-growth-factor=')).at(-1);
}
const GROWTH_FLAG = '--heap-growing-percent=50';

test('one thread (--jobs 1): the young generation stops at 8 MiB and the old generation grows by 50%, set at run time', async () => {
  const run = await normalize(['--jobs', '1', vpc]);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(run.seen.flags.includes(GROWTH_FLAG), JSON.stringify(run.seen.flags));
  assert.ok(run.seen.newSpaceBytes <= YOUNG_GENERATION_CAP_BYTES, `new space ${run.seen.newSpaceBytes} bytes`);
  assert.ok(run.seen.flags.includes(CAP_FLAG), JSON.stringify(run.seen.flags));
  assert.deepEqual(run.seen.workers, []);
});

test('worker threads (--jobs 2, one input and several) get a 12 MB young generation; the process-wide cap is not set', async () => {
  const one = await normalize(['--jobs', '2', vpc]);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(one.seen.workers.length, 2);
  for (const limits of one.seen.workers) assert.deepEqual(limits, WORKER_RESOURCE_LIMITS);
  assert.deepEqual(WORKER_RESOURCE_LIMITS, { maxYoungGenerationSizeMb: 12 });
  // Process-wide, the cap would freeze the workers' young generations wherever they stood: lifted when they start.
  assert.notEqual(lastGrowthFactor(one.seen.flags), CAP_FLAG, JSON.stringify(one.seen.flags));
  const sample = join(ROOT, 'samples', 'AWS.VPCFlow.log');
  const several = await normalize(['--jobs', '2', sample, vpc]);
  assert.equal(several.code, 0, several.stderr);
  assert.ok(several.seen.workers.length >= 1);
  for (const limits of several.seen.workers) assert.deepEqual(limits, WORKER_RESOURCE_LIMITS);
});

test('a JSON input read on this thread under the default --jobs (no worker starts) is capped as at --jobs 1', async () => {
  const trail = join(dir, 'trail.json');
  const sink = new StringSink();
  findGenerator('AWS.CloudTrail')!.generate(new Rng(7), sink, { bytes: 30_000_000 });
  writeFileSync(trail, sink.text());
  const run = await normalizeAs('AWS.CloudTrail', ['--jobs', '2', trail]);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.seen.workers, []);
  assert.ok(run.seen.newSpaceBytes <= YOUNG_GENERATION_CAP_BYTES, `new space ${run.seen.newSpaceBytes} bytes`);
  assert.equal(lastGrowthFactor(run.seen.flags), CAP_FLAG, JSON.stringify(run.seen.flags));
});

test('Parquet output, which holds a row group on purpose, keeps V8\'s heap defaults', async () => {
  const run = await normalize(['--jobs', '1', '--format', 'parquet', '--out-dir', join(dir, 'pq'), vpc]);
  assert.equal(run.code, 0, run.stderr);
  assert.ok(!run.seen.flags.some((f) => f === CAP_FLAG || f === GROWTH_FLAG), JSON.stringify(run.seen.flags));
});

test('a Parquet input puts V8\'s heap defaults back (a row group is held on purpose: the limits cost 12% CPU there)', async () => {
  // Plain IPv4 flows only (the generated input also holds repeated headers and NODATA lines DuckDB's CSV reader would choke on).
  const plain = readFileSync(vpc, 'latin1').split('\n').filter((l) => /^2 \d{12} eni-\S+ [\d.]+ [\d.]+( \d+){7} (ACCEPT|REJECT) OK$/.test(l));
  const text = join(dir, 'plain.log');
  writeFileSync(text, [VPC_HEADER, ...plain.slice(0, 20_000)].join('\n') + '\n');
  const parquet = join(dir, 'flows.parquet');
  await textToParquet(text, VPC_HEADER.split(' '), parquet);
  const run = await normalize(['--jobs', '1', parquet]);
  assert.equal(run.code, 0, run.stderr);
  const growth = run.seen.flags.filter((f) => f.startsWith('--heap-growing-percent='));
  assert.deepEqual(growth, [GROWTH_FLAG, '--heap-growing-percent=0'], JSON.stringify(run.seen.flags));
  assert.notEqual(lastGrowthFactor(run.seen.flags), CAP_FLAG, JSON.stringify(run.seen.flags));
});

test('node --freeze-flags-after-init: V8 would abort on a flag set at run time; the CLI sets none and runs (--jobs 1, 2, Parquet in)', async () => {
  const frozen = ['--freeze-flags-after-init'];
  for (const args of [['--jobs', '1', vpc], ['--jobs', '2', vpc], ['--jobs', '2', join(ROOT, 'samples', 'AWS.VPCFlow.log'), vpc]]) {
    const run = await normalizeAs('AWS.VPCFlow', args, frozen);
    assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
    assert.deepEqual(run.seen.flags, [], args.join(' '));
  }
});

test('the Lambda handler sizes the heap as a --jobs 1 run does (it reads on one thread)', async () => {
  const out = join(dir, `seen-${runs++}.json`);
  const handlerUrl = pathToFileURL(join(ROOT, 'dist', 'src', 'lambda', 'handler.js')).href;
  // No AWSLOGS_OUTPUT: the handler throws its ConfigError after the settings; then
  // short-lived garbage grows the young generation for the cap's watch to see.
  const script = `import { handler } from ${JSON.stringify(handlerUrl)};
    await handler({}).then(() => { throw new Error('expected a ConfigError'); }, (err) => { if (err.name !== 'ConfigError') throw err; });
    let kept = [];
    const until = Date.now() + 300;
    while (Date.now() < until) { kept.push({ at: Date.now(), text: 'x'.repeat(40) }); if (kept.length > 50000) kept = []; await new Promise(setImmediate); }`;
  const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: `--import ${pathToFileURL(probe).href}`, HEAP_PROBE_OUT: out };
  for (const key of Object.keys(env)) if (key.startsWith('AWSLOGS_')) delete env[key];
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', resolve);
  });
  assert.equal(code, 0);
  const seen = JSON.parse(readFileSync(out, 'utf8')) as Seen;
  assert.ok(seen.flags.includes(GROWTH_FLAG), JSON.stringify(seen.flags));
  assert.equal(lastGrowthFactor(seen.flags), CAP_FLAG, JSON.stringify(seen.flags));
});

test('a user who starts node with heap flags of their own keeps them: the CLI sets neither the cap nor the growth over them', async () => {
  const young = await normalizeAs('AWS.VPCFlow', ['--jobs', '1', vpc], ['--max-semi-space-size=32']);
  assert.equal(young.code, 0, young.stderr);
  assert.equal(lastGrowthFactor(young.seen.flags), undefined, JSON.stringify(young.seen.flags));
  assert.ok(young.seen.newSpaceBytes > YOUNG_GENERATION_CAP_BYTES, `new space ${young.seen.newSpaceBytes} bytes`);
  const old = await normalizeAs('AWS.VPCFlow', ['--jobs', '1', vpc], ['--heap_growing_percent=80']);
  assert.equal(old.code, 0, old.stderr);
  assert.ok(!old.seen.flags.some((f) => f.startsWith('--heap-growing-percent')), JSON.stringify(old.seen.flags));
  assert.equal(lastGrowthFactor(old.seen.flags), CAP_FLAG, 'the young generation is still capped');
});
