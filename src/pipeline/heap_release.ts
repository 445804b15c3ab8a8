// How this process keeps V8's heap near what is live (issue 19: peak RSS
// under 100 MB at --jobs 1): old-generation growth limited and the young
// generation capped for streaming runs, worker threads' heap limits (below),
// and a full garbage collection between two large batches of short-lived data.
//
// A full garbage collection between two large batches of short-lived data
// (a decoded Parquet row group: issue 17's "peak RSS under 300 MB"); its
// fullCollection is also what the --jobs chunk pool calls (chunks.ts).
//
// Why: a row group is decoded whole (DuckDB and AWS write one page per
// column chunk, so there is nothing smaller to decode) and its columns stay
// alive while its rows are written, long enough for V8 to promote them to
// the old generation. V8 then lets the old generation grow to two or three
// times what was live at its last full collection before collecting again:
// measured on 122,880-row groups, 318-500 MB RSS, of which ~45 MB is the
// decoded group. A collection once a group is done keeps the peak near one
// group's worth. It costs one full GC (8-25 ms measured) a group, about
// 1-2% of the group's time; it is only asked when the heap has grown by
// more than GROWTH_BYTES since the last one, so small groups pay nothing.
//
// How: `gc` exists only with --expose-gc; the flag is switched on at run
// time and the function taken from a new context, as Jest's leak detector
// does (jest-leak-detector), so the CLI needs no node flag and no relaunch.
import { getHeapSpaceStatistics, getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Where the main thread tells worker threads that V8's flags are frozen (they copy its environment). */
const FROZEN_ENV = 'AWSLOGS_V8_FLAGS_FROZEN';

/**
 * True when V8's flags were frozen at start (`node --freeze-flags-after-init`):
 * V8 then aborts the whole process on setFlagsFromString (a fatal check, not
 * an exception). The last of the two spellings on node's command line wins.
 * Flags are process-wide; a worker thread made with `execArgv: []` sees none
 * of them, so the main thread leaves its answer in the environment workers copy.
 */
function v8FlagsFrozen(): boolean {
  if (process.env[FROZEN_ENV] === '1') return true;
  let frozen = false;
  for (const arg of process.execArgv) {
    const name = arg.replace(/_/g, '-');
    if (name === '--freeze-flags-after-init') frozen = true;
    else if (name === '--no-freeze-flags-after-init') frozen = false;
  }
  if (frozen) process.env[FROZEN_ENV] = '1';
  return frozen;
}

/**
 * Sets one V8 flag at run time; false when it cannot be (flags frozen, or the
 * engine refuses it): the caller's memory figure is lost, nothing else.
 */
function setV8Flag(flag: string): boolean {
  if (v8FlagsFrozen()) return false;
  try {
    setFlagsFromString(flag);
    return true;
  } catch {
    return false;
  }
}

/** Heap growth (bytes) since the last collection that makes one worth its cost. */
export const GROWTH_BYTES = 32 << 20;

let collect: (() => void) | undefined;
let usedAfterLast = 0;

/**
 * V8's full collection as a function, reached the way jest-leak-detector
 * does (--expose-gc switched on at run time, `gc` taken from a new
 * context); a function that does nothing should the engine refuse the flag
 * (the memory figure is lost, nothing else). Made once per thread.
 */
export function fullCollection(): () => void {
  if (collect === undefined) {
    let gc: unknown;
    try {
      gc = setV8Flag('--expose-gc') ? runInNewContext('gc') : undefined;
    } catch {
      gc = undefined;
    }
    collect = typeof gc === 'function' ? () => { (gc as () => void)(); } : () => undefined;
  }
  return collect;
}

/**
 * Collects garbage now if the heap has grown by GROWTH_BYTES since the last
 * time this ran a collection. Call it where the large data just let go is
 * unreachable (after the function that held it has returned).
 */
export function releaseHeap(): void {
  const used = getHeapStatistics().used_heap_size;
  if (used - usedAfterLast < GROWTH_BYTES) return;
  fullCollection()();
  usedAfterLast = getHeapStatistics().used_heap_size;
}

/**
 * How far (percent) V8 lets the old generation grow past what was live at
 * its last full collection before the next one, for a streaming run.
 *
 * Why: a streaming run keeps little alive (one batch of records, one read
 * chunk), yet V8's default growth, tuned for pages that build large object
 * graphs, lets dead chunks and promoted records pile up to two or three times
 * the live heap. 50% keeps peak RSS under issue 19's 100 MB at --jobs 1
 * (README, Performance: "Memory") for no measurable CPU on the text and JSON
 * types (CloudWatch Logs envelopes: 5-7%). Not for Parquet, which holds a
 * row group on purpose: there it cost ~30% CPU (output) and 12% (input).
 */
export const STREAMING_OLD_GENERATION_GROWTH_PERCENT = 50;

/**
 * Sets V8's old-generation growth to STREAMING_OLD_GENERATION_GROWTH_PERCENT
 * for this process (all threads); unlike the young generation's size, V8
 * reads this flag at each collection, so it takes effect at run time. Does
 * nothing should the engine refuse the flag, or its flags be frozen, or
 * the user have set it (node's command line or NODE_OPTIONS).
 */
export function limitOldGenerationGrowth(): void {
  if (userSets(['heap-growing-percent'])) return;
  setV8Flag(`--heap-growing-percent=${STREAMING_OLD_GENERATION_GROWTH_PERCENT}`);
}

/**
 * True when node was started with one of these V8 flags (`--name` or
 * `--name=…`, dashes or underscores; on its command line or in NODE_OPTIONS):
 * a user who sizes the heap that way keeps that part of it.
 */
function userSets(names: readonly string[]): boolean {
  const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return given.some((arg) => {
    const name = arg.replace(/_/g, '-').replace(/^--/, '').split('=')[0]!;
    return names.includes(name);
  });
}

/**
 * Capacity (bytes, both semi-spaces) at which this thread's young
 * generation stops growing: what `--max-semi-space-size=4` gives.
 */
export const YOUNG_GENERATION_CAP_BYTES = 8 << 20;
/** How often (ms) the young generation's size is looked at until it is capped. */
const YOUNG_GENERATION_CHECK_MS = 5;
/**
 * Looks before the watch gives up (10 s): with V8's defaults the young
 * generation holds 8 MiB within the first milliseconds (start-up fills it),
 * so one that has not by then was kept smaller on purpose
 * (`NODE_OPTIONS=--max-semi-space-size=1`) or sees little work, and a
 * long-running stream (`tail -f | awslogs`) must not wake 200 times a second.
 */
const YOUNG_GENERATION_CHECKS = 2_000;

let youngCapTimer: NodeJS.Timeout | undefined;
let youngCapped = false;

function newSpaceBytes(): number {
  for (const space of getHeapSpaceStatistics()) if (space.space_name === 'new_space') return space.space_size;
  return 0;
}

/** V8's own --semi-space-growth-factor (V8 11, Node 20), put back by uncapYoungGeneration. */
const V8_SEMI_SPACE_GROWTH_FACTOR = 2;

function setGrowthFactor(factor: number): void {
  setV8Flag(`--semi-space-growth-factor=${factor}`);
}

/**
 * Stops the young generation growing once it holds YOUNG_GENERATION_CAP_BYTES.
 * Why at run time: semi-space sizes are read once, when V8 starts, and any
 * heap flag on node's command line costs ~20 ms of start-up (node's code
 * cache of its own modules is refused when V8's flags differ); the growth
 * factor, though, is read at every growth, so it is set to 1 once the
 * capacity is reached. Process-wide, so worker threads would stop growing
 * too, wherever they stood: uncapYoungGeneration before any starts (they
 * get resourceLimits instead). Idempotent; the timer is unref'd. Left to
 * the user who starts node with a semi-space flag of their own.
 */
export function capYoungGeneration(): void {
  if (youngCapped || youngCapTimer !== undefined) return;
  if (userSets(['max-semi-space-size', 'min-semi-space-size', 'semi-space-growth-factor'])) return;
  let checks = 0;
  youngCapTimer = setInterval(() => {
    const full = newSpaceBytes() >= YOUNG_GENERATION_CAP_BYTES;
    if (!full && ++checks < YOUNG_GENERATION_CHECKS) return;
    clearInterval(youngCapTimer);
    youngCapTimer = undefined;
    if (!full) return;
    youngCapped = true;
    setGrowthFactor(1);
  }, YOUNG_GENERATION_CHECK_MS);
  youngCapTimer.unref();
}

/**
 * Undoes capYoungGeneration (the watch, or V8's growth factor once set):
 * called as worker threads start, whose young generations must grow to
 * their resourceLimits. Does nothing when no cap was asked.
 */
export function uncapYoungGeneration(): void {
  if (youngCapTimer !== undefined) {
    clearInterval(youngCapTimer);
    youngCapTimer = undefined;
  }
  if (youngCapped) {
    youngCapped = false;
    setGrowthFactor(V8_SEMI_SPACE_GROWTH_FACTOR);
  }
}

/** V8's own --heap-growing-percent: 0, its own heuristics. */
const V8_HEAP_GROWING_PERCENT = 0;

/**
 * Puts V8's heap defaults back for the rest of the run (process-wide): for a
 * Parquet input, which holds a decoded row group on purpose, as Parquet
 * output does. Measured on 500k rows: the two limits cost 12% CPU there
 * (4.2 -> 4.7 s) for 176 -> 150 MiB, still far from 100 MB (releaseHeap
 * bounds it instead). The growth is reset from any thread, whichever set it
 * (a worker reading a Parquet file of a --jobs run too); a user's own
 * --heap-growing-percent stays.
 */
export function restoreHeapDefaults(): void {
  uncapYoungGeneration();
  if (!userSets(['heap-growing-percent'])) setV8Flag(`--heap-growing-percent=${V8_HEAP_GROWING_PERCENT}`);
}

/**
 * A worker thread's heap limits: a young generation of 12 MiB (V8 makes it
 * three semi-space sizes: 4 MiB each, as capYoungGeneration gives the main
 * thread). Set when the worker is made: a supported option, unlike V8 flags
 * changed at run time, and per thread, unlike them.
 */
export const WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 12 } as const;
