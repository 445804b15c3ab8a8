#!/bin/sh
":" //; exec node --min-semi-space-size=4 --max-semi-space-size=4 "$0" "$@"
// The line above is for sh, which runs this file when it is executed
// (`awslogs …`, `npx awslogs …`, npm's bin link): it starts node on this same
// file with a young generation of 4 MiB per semi-space. For JavaScript it is a
// string and a comment, so `node bin/awslogs.js …` also works (V8's defaults).
//
// Why these flags (README, Performance: "Memory"): V8 grows the young
// generation to 16 MiB per semi-space under a steady stream of short-lived
// records, ~30 MB of peak RSS; a fixed 4 MiB keeps issue 19's 100 MB at
// --jobs 1 with no measurable CPU cost (1 MiB cost 5-12%). Semi-space sizes
// cannot be changed once V8 has started, and --min-semi-space-size is refused
// in NODE_OPTIONS, so they must be on node's command line.
// Everything else lives in src/cli.ts (compiled to dist/ by `npm install`).
import { main } from '../dist/src/cli.js';

process.exitCode = await main(process.argv);
