// Preloaded into a measured child (`node --import …/rss_probe.js …`): on exit
// it writes the process's peak resident set size (KiB) to the file named by
// AWSLOGS_BENCH_RSS_FILE. Works wherever Node runs; GNU time (`/usr/bin/time
// -f %M`) is not installed on a fresh Debian.
import { writeFileSync } from 'node:fs';

const target = process.env.AWSLOGS_BENCH_RSS_FILE;
if (target !== undefined && target !== '') {
  process.on('exit', () => writeFileSync(target, String(process.resourceUsage().maxRSS)));
}
