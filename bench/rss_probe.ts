// Preloaded into a measured child (`node --import …/rss_probe.js …`): on exit
// it writes the process's peak resident set size (KiB) to the file named by
// AWSLOGS_BENCH_RSS_FILE, and the main thread's event-loop utilization (the
// share of the run its thread was busy, 0–1; perf_hooks) to the file named
// by AWSLOGS_BENCH_ELU_FILE. Works wherever Node runs; GNU time
// (`/usr/bin/time -f %M`) is not installed on a fresh Debian.
//
// The peak is this program's own: Linux's VmHWM (/proc/self/status), not
// getrusage's maxRSS, which also keeps the peak of the process image it
// replaced (Linux carries it over execve) — for a child forked by a parent
// that holds 120 MB (the bench building its one-input file), maxRSS said
// 120 MB where the program itself peaked at 86. Elsewhere: maxRSS.
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { isMainThread } from 'node:worker_threads';

const target = process.env.AWSLOGS_BENCH_RSS_FILE;
const eluTarget = process.env.AWSLOGS_BENCH_ELU_FILE;
// Worker threads load this too (they inherit --import): only the main thread reports.
if (isMainThread && target !== undefined && target !== '') {
  process.on('exit', () => writeFileSync(target, String(peakRssKiB())));
}

/** This process image's peak resident set size (KiB). */
function peakRssKiB(): number {
  try {
    const hwm = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'latin1'));
    if (hwm !== null) return Number(hwm[1]);
  } catch {
    // Not Linux: getrusage's figure.
  }
  return process.resourceUsage().maxRSS;
}
if (isMainThread && eluTarget !== undefined && eluTarget !== '') {
  process.on('exit', () => writeFileSync(eluTarget, String(performance.eventLoopUtilization().utilization)));
}
