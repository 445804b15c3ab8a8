#!/usr/bin/env node
// Thin launcher: everything lives in src/cli.ts (compiled to dist/ by `npm install`).
// No V8 flags here: any heap flag on node's command line costs ~20 ms of
// start-up (node refuses its code cache when V8's flags differ). The heap is
// sized at run time instead (src/pipeline/heap_release.ts; README, "Memory").
import { main } from '../dist/src/cli.js';

process.exitCode = await main(process.argv);
