#!/usr/bin/env node
// Thin launcher: everything lives in src/cli.ts (compiled to dist/ by `npm install`).
// No V8 flags are set here: a young generation kept small (about 15 MB less
// peak RSS) cost 5-12% more CPU (README, Performance: "Memory"); where memory
// counts more, NODE_OPTIONS=--max-semi-space-size=1 gives it.
import { main } from '../dist/src/cli.js';

process.exitCode = await main(process.argv);
