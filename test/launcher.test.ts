// The launcher (bin/awslogs.js) as users start it: executed (`awslogs …`,
// `npx awslogs …`), sh reads its first lines and execs node with a young
// generation of 4 MiB per semi-space; `node bin/awslogs.js …` still works,
// with V8's defaults. And the run-time half of the memory settings: the old
// generation's growth is limited for streaming runs, not for Parquet output
// (README, Performance: "Memory").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BIN, ROOT } from './helpers/cli.js';

/**
 * A module preloaded into the measured node (NODE_OPTIONS --import): on exit
 * it writes what that node was started with, and every V8 flag the program
 * set at run time (node:v8's setFlagsFromString wrapped before the program
 * imports it; syncBuiltinESMExports carries the wrapper to ESM imports).
 */
const PROBE = `
import { writeFileSync } from 'node:fs';
import v8 from 'node:v8';
import { syncBuiltinESMExports } from 'node:module';
import { isMainThread } from 'node:worker_threads';
const flags = [];
const original = v8.setFlagsFromString;
v8.setFlagsFromString = (f) => { flags.push(f); return original(f); };
syncBuiltinESMExports();
if (isMainThread) {
  const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  const seen = { pid: process.pid, execArgv: process.execArgv, argv: process.argv.slice(2), newSpaceBytes: newSpace.space_size };
  process.on('exit', () => writeFileSync(process.env.LAUNCHER_PROBE_OUT, JSON.stringify({ ...seen, flags })));
}
`;

interface Seen {
  pid: number;
  execArgv: string[];
  argv: string[];
  newSpaceBytes: number;
  flags: string[];
}

interface Started {
  code: number | null;
  pid: number | undefined;
  stderr: string;
  seen: Seen;
}

const dir = mkdtempSync(join(tmpdir(), 'awslogs-launcher-'));
const probe = join(dir, 'probe.mjs');
writeFileSync(probe, PROBE);
test.after(() => rmSync(dir, { recursive: true, force: true }));

let runs = 0;
/** Starts `command` (the launcher executed, or node with it) with the probe; resolves on exit. */
function start(command: string[], args: string[]): Promise<Started> {
  const out = join(dir, `seen-${runs++}.json`);
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, [...command.slice(1), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', NODE_OPTIONS: `--import ${pathToFileURL(probe).href}`, LAUNCHER_PROBE_OUT: out },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => { stderr += s; });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, pid: child.pid, stderr, seen: JSON.parse(readFileSync(out, 'utf8')) as Seen });
    });
  });
}

const SEMI_SPACE_FLAGS = ['--min-semi-space-size=4', '--max-semi-space-size=4'];
const SAMPLE = join(ROOT, 'samples', 'AWS.VPCFlow.log');

test('executed, the launcher becomes node itself (same pid: signals reach it) with a 4 MiB young generation', async () => {
  const run = await start([BIN], ['--version']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.seen.execArgv, SEMI_SPACE_FLAGS);
  assert.equal(run.seen.newSpaceBytes, 4 << 20, 'a semi-space starts at its 4 MiB minimum');
  assert.equal(run.seen.pid, run.pid, 'sh exec`d node: no shell process stays between the caller and node');
});

test('`node bin/awslogs.js` still runs the CLI, with no flag of the launcher', async () => {
  const run = await start([process.execPath, BIN], ['--version']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.seen.execArgv, []);
  assert.ok(run.seen.newSpaceBytes < 4 << 20, `V8's default young generation: ${run.seen.newSpaceBytes} bytes`);
});

test('the launcher passes every argument unchanged: spaces, quotes, shell characters, a leading dash, an empty one', async () => {
  const odd = ['normalize', '--type', 'AWS.VPCFlow', `a b "c" 'd' $HOME \`true\` ; | * \\ e`, '', '-e', '--', '$(true)', 'ünï\tcode'];
  const run = await start([BIN], odd);
  assert.deepEqual(run.seen.argv, odd);
  assert.notEqual(run.code, 0, 'those names are not files');
  assert.doesNotMatch(run.stderr, /^sh: |not found/m, 'the shell ran nothing of them');
});

test('streaming runs (NDJSON, OCSF) limit the old generation\'s growth; Parquet output, which holds row groups, does not', async () => {
  const ndjson = await start([BIN], ['normalize', '--type', 'AWS.VPCFlow', SAMPLE]);
  assert.equal(ndjson.code, 0, ndjson.stderr);
  assert.ok(ndjson.seen.flags.includes('--heap-growing-percent=50'), JSON.stringify(ndjson.seen.flags));
  const ocsf = await start([BIN], ['normalize', '--format', 'ocsf', '--type', 'AWS.VPCFlow', SAMPLE]);
  assert.ok(ocsf.seen.flags.includes('--heap-growing-percent=50'), JSON.stringify(ocsf.seen.flags));
  const parquet = await start([BIN], ['normalize', '--format', 'parquet', '--out-dir', join(dir, 'pq'), '--type', 'AWS.VPCFlow', SAMPLE]);
  assert.equal(parquet.code, 0, parquet.stderr);
  assert.ok(!parquet.seen.flags.some((f) => f.startsWith('--heap-growing-percent')), JSON.stringify(parquet.seen.flags));
});
