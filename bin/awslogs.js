#!/usr/bin/env node
// Thin launcher: everything lives in src/cli.ts (compiled to dist/ by `npm install`).
import { main } from '../dist/src/cli.js';

process.exitCode = await main(process.argv);
