// Runs the built binary as a user would, for CLI and golden tests.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (tests run from dist/test/…). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = join(ROOT, 'bin', 'awslogs.js');

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  stdin?: Buffer | string;
  env?: Record<string, string>;
  /** Kill the run (SIGKILL) after this long, so a hang fails its test instead of stalling CI (default 120 s). */
  timeoutMs?: number;
}

export function runCli(args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => { /* the program may exit before reading all of stdin */ });
    if (opts.stdin !== undefined) child.stdin.end(opts.stdin);
    else child.stdin.end();
  });
}

const ROW_ID = /^[0-9a-f]{28,40}$/;
const NINE_DIGIT_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{9}Z$/;

/**
 * Masks the two values that change from run to run, after checking their
 * form, so the rest of a line can be compared byte for byte. The line is
 * masked as text, not re-serialized: a number kept as its exact text
 * (9007199254740993, 1e400) must reach the comparison as written, which
 * JSON.parse then JSON.stringify would not do.
 */
export function maskLine(line: string): string {
  const parsed = JSON.parse(line) as Record<string, unknown>;
  // --format ocsf keeps the two under `unmapped`.
  const nested = parsed.unmapped;
  const record = typeof nested === 'object' && nested !== null && !('p_row_id' in parsed) ? nested as Record<string, unknown> : parsed;
  let masked = line;
  if ('p_row_id' in record) {
    if (typeof record.p_row_id !== 'string' || !ROW_ID.test(record.p_row_id)) throw new Error(`bad p_row_id in ${line}`);
    masked = maskMember(masked, 'p_row_id', record.p_row_id, '<row-id>');
  }
  if ('p_parse_time' in record) {
    if (typeof record.p_parse_time !== 'string' || !NINE_DIGIT_UTC.test(record.p_parse_time)) throw new Error(`bad p_parse_time in ${line}`);
    masked = maskMember(masked, 'p_parse_time', record.p_parse_time, '<parse-time>');
  }
  return masked;
}

/**
 * Replaces the top-level member `"key":"value"` with `"key":"mask"`. The p_
 * fields come after the event's own fields, so the last occurrence is the
 * top-level one.
 */
function maskMember(line: string, key: string, value: string, mask: string): string {
  const member = `${JSON.stringify(key)}:${JSON.stringify(value)}`;
  const at = line.lastIndexOf(member);
  if (at < 0) throw new Error(`${key} not found as written in ${line}`);
  return line.slice(0, at) + `${JSON.stringify(key)}:${JSON.stringify(mask)}` + line.slice(at + member.length);
}

export function maskOutput(ndjson: string): string[] {
  return ndjson.split('\n').filter((l) => l.length > 0).map(maskLine);
}

/** Every file below `dir` (relative paths, sorted); none when `dir` does not exist. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else out.push(relative(dir, p));
    }
  }
  return out.sort();
}

/**
 * stderr with each `--summary json` line written back as the text line the
 * same message has without it (`awslogs: FILE:LINE: TYPE: MESSAGE`,
 * `awslogs: FILE: MESSAGE`), so a test can match either mode; other lines
 * are kept as they are.
 */
export function stderrAsText(stderr: string): string {
  return stderr.split('\n').map((line) => {
    if (!line.startsWith('{')) return line;
    let o: Record<string, unknown>;
    try {
      o = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return line;
    }
    const file = typeof o.file === 'string' ? o.file : undefined;
    const message = typeof o.message === 'string' ? o.message : '';
    if (o.kind === 'error') {
      const logEvent = typeof o.logEvent === 'number' ? ` logEvent ${o.logEvent}:` : '';
      return `awslogs: ${file}:${String(o.line)}:${logEvent}${typeof o.logType === 'string' ? ` ${o.logType}:` : ''} ${message}`;
    }
    if (file !== undefined) return `awslogs: ${file}: ${message}`;
    if (o.kind === 'summary') return line;
    return `awslogs: ${message}`;
  }).join('\n');
}
