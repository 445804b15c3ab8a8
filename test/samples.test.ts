// Every sample file (samples/<LogType>.log, shown in the README) normalizes
// without a single error, so the examples users try first never fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LOG_TYPES } from '../src/logtypes/index.js';
import { ROOT, runCli } from './helpers/cli.js';

for (const lt of LOG_TYPES) {
  const sample = join(ROOT, 'samples', `${lt.name}.log`);
  if (!existsSync(sample)) continue;
  test(`sample ${lt.name}.log normalizes cleanly`, async () => {
    const result = await runCli(['normalize', '--type', lt.name, sample]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, / 0 failed/);
    assert.ok(result.stdout.split('\n').filter((l) => l.length > 0).length > 0, 'writes records');
  });
}
