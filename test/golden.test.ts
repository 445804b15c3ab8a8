// Golden files: test/golden/<LogType>/<case>/ holds an input (`input*`), the
// expected stdout (`expected.ndjson`, p_row_id and p_parse_time masked) and,
// when the case has bad records, the expected error reports
// (`errors.ndjson`). `args.json` may add CLI arguments, feed the input on
// stdin, or name the expected exit status.
// UPDATE_GOLDEN=1 npm test rewrites the expectations: review the diff.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, maskOutput, runCli } from './helpers/cli.js';

const GOLDEN = join(ROOT, 'test', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

interface CaseArgs {
  /** Extra arguments after `normalize --type <LogType>`. */
  args?: string[];
  /** Feed the input on stdin instead of naming it. */
  stdin?: boolean;
  /** Expected exit status (default: 1 when errors.ndjson lists errors, else 0). */
  exit?: number;
  /** Leave out `--type` (for detection cases). */
  noType?: boolean;
  /**
   * Run the case twice, with `--type` and without it (detection), each run
   * expected to give the same output, error reports and exit status.
   */
  alsoDetect?: boolean;
}

function readLines(path: string): string[] {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0) : [];
}

// Each case is its own process: run a few at once.
describe('golden files', { concurrency: 4 }, () => {
for (const logType of readdirSync(GOLDEN).sort()) {
  for (const name of readdirSync(join(GOLDEN, logType)).sort()) {
    const dir = join(GOLDEN, logType, name);
    const argsPath = join(dir, 'args.json');
    const spec: CaseArgs = existsSync(argsPath) ? JSON.parse(readFileSync(argsPath, 'utf8')) as CaseArgs : {};
    const runs: Array<{ label: string; noType: boolean }> = spec.alsoDetect
      ? [{ label: '', noType: false }, { label: ' (detected)', noType: true }]
      : [{ label: '', noType: spec.noType === true }];
    for (const run of runs) {
      test(`golden ${logType}/${name}${run.label}`, async () => {
        const input = readdirSync(dir).find((f) => f.startsWith('input'));
        assert.ok(input, `${dir} has no input file`);
        const tmp = mkdtempSync(join(tmpdir(), 'awslogs-golden-'));
        try {
          const errorsFile = join(tmp, 'errors.ndjson');
          const args = ['normalize', ...(run.noType ? [] : ['--type', logType]), '--errors', errorsFile, ...(spec.args ?? [])];
          const result = await runCli(spec.stdin ? [...args, '-'] : [...args, input], {
            cwd: dir,
            ...(spec.stdin ? { stdin: readFileSync(join(dir, input)) } : {}),
          });
          const actual = maskOutput(result.stdout);
          const actualErrors = readLines(errorsFile);
          // Only the first run of a case writes its expectations.
          if (UPDATE && run === runs[0]) {
            writeFileSync(join(dir, 'expected.ndjson'), actual.map((l) => l + '\n').join(''));
            if (actualErrors.length > 0) writeFileSync(join(dir, 'errors.ndjson'), actualErrors.map((l) => l + '\n').join(''));
            else rmSync(join(dir, 'errors.ndjson'), { force: true });
          }
          const expected = readLines(join(dir, 'expected.ndjson'));
          const expectedErrors = readLines(join(dir, 'errors.ndjson'));
          assert.deepEqual(actual, expected, `stdout differs from expected.ndjson\nstderr: ${result.stderr}`);
          assert.deepEqual(actualErrors, expectedErrors, 'error reports differ from errors.ndjson');
          const exit = spec.exit ?? (expectedErrors.length > 0 ? 1 : 0);
          assert.equal(result.code, exit, `exit status; stderr: ${result.stderr}`);
          assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace on stderr');
        } finally {
          rmSync(tmp, { recursive: true, force: true });
        }
      });
    }
  }
}
});
