#!/usr/bin/env node
// Thin launcher: everything lives in src/cli.ts (compiled to dist/ by `npm install`).
import { setFlagsFromString } from 'node:v8';

// V8's young generation grows from 1 MB to 16 MB per semi-space under a
// steady stream of short-lived records, and peak RSS with it (~30 MB more):
// kept at its first size, one input of any size fits in 100 MB (issue 19;
// README, Performance: CPU time and RSS for both). Read at each collection,
// so it works set here, where --max-semi-space-size would be too late.
setFlagsFromString('--semi-space-growth-factor=1');

const { main } = await import('../dist/src/cli.js');
process.exitCode = await main(process.argv);
