// Issue 19's per-core ratios are against its own naive scripts: they must
// stay byte for byte as issue 19 gave them (../shared/bench/), or the ratios
// the bench prints stop being comparable with the issue's figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const ISSUE_19_BASELINES: Readonly<Record<string, string>> = {
  'bench/naive-alb.js': '4ee98f60d32bcb8c3e3dd10822915d3037fed16c2a450aad3fdbd1f7c6f17e0f',
  'bench/naive-ct.js': '3bc46ec40358775db8032ebdbf84763438267a35fdf02dabc4f3cb6cbe1d10ee',
};

test('the naive ALB and CloudTrail baselines are issue 19\'s, unchanged (sha256)', () => {
  for (const [file, sha256] of Object.entries(ISSUE_19_BASELINES)) {
    assert.equal(createHash('sha256').update(readFileSync(join(ROOT, file))).digest('hex'), sha256, file);
  }
});
