// The command line: parses options and wires streams; all the work is in
// the pipeline. Usage errors exit 2 with one line (OUTPUT.md).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { formatUnixMillis, normalizeRFC3339 } from './core/timestamp.js';
import { canonicalIp } from './pipeline/normalize.js';
import { Terminal, escapeForTerminal, jsonForTerminal } from './pipeline/terminal.js';
import { Command, CommanderError, Option } from 'commander';
import { LOG_TYPES, LOG_TYPE_NAMES, findLogType } from './logtypes/index.js';
import { parseVpcFormatOption } from './logtypes/vpc_flow.js';
import type { ParserOptions } from './logtypes/types.js';
import { detectInput, type DetectMode } from './pipeline/process_input.js';
import { expandInputs, skippedCounts } from './pipeline/inputs.js';
import { Reporter } from './pipeline/report.js';
import { EXIT_USAGE, runNormalize } from './pipeline/run.js';
import { DEFAULT_MAX_FILE_ROWS } from './pipeline/record_output.js';
import { removeTemporaryPathsOnExit, stopAndRemoveTemporaryPaths } from './pipeline/cleanup.js';
import { schemaPath } from './pipeline/validate.js';
import { configureS3 } from './s3/client.js';
import { isS3Url, parseS3Url } from './s3/url.js';
import { FORMAT_NAMES, findFormat, type FormatName } from './formats/index.js';

const DEFAULT_MAX_LINE_BYTES = 8 * 1024 * 1024;

class UsageError extends Error {}

/** Whether stdin is a terminal (a function, so that the check has one place). */
function stdinIsTerminal(): boolean {
  return process.stdin.isTTY === true;
}

/**
 * Reading stdin that is a terminal would wait for typed logs while the
 * user meant to name a file (`--errors flow.log` with no other argument):
 * a usage error, before anything is opened.
 */
function requireInputs(files: readonly string[]): void {
  if ((files.length === 0 || files.includes('-')) && stdinIsTerminal()) {
    throw new UsageError('no input: give files or directories, or pipe data in');
  }
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

// Option values are checked by hand: a schema library cost ~100 ms of
// start-up for five options, paid on every run of a shell tool.
function integerOption(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min || n > max) throw new UsageError(`${name}: must be an integer from ${min} to ${max}, not ${JSON.stringify(value)}`);
    return n;
  };
}

function detectMode(value: string): DetectMode {
  if (value !== 'input' && value !== 'per-line') throw new UsageError(`--detect: must be input or per-line, not ${JSON.stringify(value)}`);
  return value;
}

const RELATIVE_UNITS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3 };

/**
 * --since/--until: RFC3339, a date (`2024-01-31`: its start for --since, its
 * end for --until), or a time relative to now (`90m`, `2h`, `7d`).
 */
export function timeBound(name: string, edge: 'start' | 'end', now = Date.now()): (value: string) => string {
  return (value) => {
    const relative = /^(\d{1,9})([smhdw])$/.exec(value);
    if (relative !== null) {
      const t = formatUnixMillis(now - Number(relative[1]) * RELATIVE_UNITS[relative[2]!]!);
      if (t !== undefined) return t;
    }
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      const t = normalizeRFC3339(`${value}T00:00:00Z`);
      if (t !== undefined) return edge === 'start' ? t : t.slice(0, 11) + '23:59:59.999999999Z';
    }
    const t = normalizeRFC3339(value);
    if (t !== undefined) return t;
    throw new UsageError(`${name}: expected RFC3339 (2024-01-31T12:00:00Z), a date (2024-01-31) or a relative time (30m, 2h, 7d), not ${JSON.stringify(value)}`);
  };
}

function ipOption(value: string, previous: string[] = []): string[] {
  if (isIP(value) === 0) throw new UsageError(`--filter-ip: ${JSON.stringify(value)} is not an IP address`);
  return [...previous, value];
}

function outputFormat(value: string): FormatName {
  const format = findFormat(value);
  if (format === undefined) throw new UsageError(`--format: must be ${FORMAT_NAMES.slice(0, -1).join(', ')} or ${FORMAT_NAMES.at(-1)!}, not ${JSON.stringify(value)}`);
  return format.name;
}

function summaryFormat(value: string): 'text' | 'json' {
  if (value !== 'text' && value !== 'json') throw new UsageError(`--summary: must be text or json, not ${JSON.stringify(value)}`);
  return value;
}

/**
 * Checks every s3:// argument, --out-dir and --errors before anything runs
 * (a malformed one is a usage error, status 2), and sets the endpoint.
 */
function checkS3Options(files: readonly string[], opts: { outDir?: string; errors?: string; endpointUrl?: string }): void {
  for (const f of files) {
    if (!isS3Url(f)) continue;
    const parsed = parseS3Url(f);
    if (typeof parsed === 'string') throw new UsageError(parsed);
  }
  for (const [name, value] of [['--out-dir', opts.outDir], ['--errors', opts.errors]] as const) {
    if (value === undefined || !isS3Url(value)) continue;
    const parsed = parseS3Url(value);
    if (typeof parsed === 'string') throw new UsageError(`${name}: ${parsed}`);
    if (name === '--errors' && (parsed.key === '' || parsed.key.endsWith('/'))) throw new UsageError(`--errors ${value}: needs an object key (s3://bucket/errors.ndjson), not a prefix`);
  }
  if (opts.endpointUrl !== undefined) configureS3({ endpointUrl: opts.endpointUrl });
}

function endpointOption(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--endpoint-url: ${JSON.stringify(value)} is not a URL (expected e.g. http://127.0.0.1:9000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--endpoint-url: must be http:// or https://, not ${JSON.stringify(value)}`);
  return value;
}

interface NormalizeOptions {
  endpointUrl?: string;
  outDir?: string;
  gzip?: boolean;
  skipExisting?: boolean;
  summary: 'text' | 'json';
  since?: string;
  until?: string;
  filterIp?: string[];
  type?: string;
  errors?: string;
  quiet?: boolean;
  jobs: number;
  detect?: DetectMode;
  vpcFormat?: string;
  maxLineBytes: number;
  follow?: boolean;
  format?: FormatName;
  maxFileRows?: number;
}

/** --format parquet: the options that do not apply to it, and a terminal on stdout (binary data). */
function checkParquetOptions(opts: NormalizeOptions, stdoutIsTerminal: boolean): void {
  if (opts.format !== 'parquet') {
    if (opts.maxFileRows !== undefined) throw new UsageError('--max-file-rows applies to --format parquet with --out-dir');
    return;
  }
  if (opts.gzip === true) throw new UsageError('--gzip does not apply to --format parquet: Parquet files are compressed inside (snappy)');
  if (opts.skipExisting === true) throw new UsageError('--skip-existing does not apply to --format parquet: records are packed into part files per log type, not one output per input');
  if (opts.outDir === undefined && opts.maxFileRows !== undefined) throw new UsageError('--max-file-rows needs --out-dir: stdout gets one Parquet file');
  if (opts.outDir === undefined && stdoutIsTerminal) throw new UsageError('--format parquet writes binary data: give --out-dir <dir>, or send stdout to a file or a pipe');
}

function parserOptions(vpcFormat: string | undefined): ParserOptions {
  if (vpcFormat === undefined) return {};
  const format = parseVpcFormatOption(vpcFormat);
  if (typeof format === 'string') throw new UsageError(`--vpc-format: ${format}`);
  return { vpcFormat };
}

function unknownTypeMessage(name: string): string {
  return `unknown log type ${JSON.stringify(name)}; valid types: ${LOG_TYPE_NAMES.join(', ')}`;
}

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command('awslogs')
    .description('Normalize raw AWS logs into Panther-style NDJSON')
    .version(packageVersion(), '-V, --version')
    .exitOverride()
    // One line per usage error, as scripts expect.
    .configureOutput({ outputError: (str) => usageError(`${str.trim().replace(/^error: /, '')} (see awslogs --help)`) })
    .addHelpText('after', `
Examples:
  awslogs normalize --type AWS.VPCFlow flow.log.gz | jq -c 'select(.action == "REJECT")'
  awslogs normalize --out-dir normalized/ synced-bucket/          # a whole aws s3 sync tree, types detected
  awslogs normalize --filter-ip 203.0.113.7 --since 7d synced-bucket/ | jq -c '[.p_event_time, .p_log_type]'
  awslogs detect downloads/*
  awslogs types
  awslogs schema AWS.CloudTrail

Exit status: 0 all records normalized, 1 some records failed (the rest written), 2 usage error or unreadable input/output.`);

  program
    .command('normalize')
    .description('parse log files (or stdin) and write one normalized JSON object per line to stdout')
    .argument('[files...]', 'input files, folders or s3://bucket/prefix, gzip or plain; - or nothing reads stdin')
    .addOption(new Option('-t, --type <LogType>', `the log type (${LOG_TYPE_NAMES.join(', ')})`))
    .option('-e, --errors <file>', 'write error reports to this file (or s3://bucket/key) as NDJSON instead of stderr')
    .option('-q, --quiet', 'no summary, notices or progress on stderr (errors are still reported)')
    .option('-L, --follow', 'follow symbolic links inside directories (loops detected, each file read once); links named as arguments are always followed')
    .option('-f, --format <format>', `what each record is written as: ndjson (the normalized record, the default), ocsf (an OCSF 1.1.0 event, validated; see awslogs schema --format ocsf <LogType>) or parquet (columnar files, one table per log type; with --out-dir: <dir>/<LogType>/part-….parquet)`, outputFormat)
    .option('-o, --out-dir <dir>', 'write one .ndjson file per input under <dir> (or s3://bucket/prefix), mirroring the input paths, instead of stdout')
    .option('-z, --gzip', 'with --out-dir: write .ndjson.gz files')
    .option('--skip-existing', 'with --out-dir: leave inputs whose output already exists (resume a run)')
    .option('--max-file-rows <n>', `with --format parquet --out-dir: rows a part file holds at most (default ${DEFAULT_MAX_FILE_ROWS})`, integerOption('--max-file-rows', 1, 1 << 30))
    .option('--since <time>', 'only records whose p_event_time is at or after <time> (RFC3339, 2024-01-31, or 2h/7d ago)', timeBound('--since', 'start'))
    .option('--until <time>', 'only records whose p_event_time is at or before <time>', timeBound('--until', 'end'))
    .option('--filter-ip <addr>', 'only records with this address in p_any_ip_addresses (repeat for any of several)', ipOption)
    .option('--summary <format>', 'the end-of-run summary on stderr as text or as one JSON object (json)', summaryFormat, 'text')
    .option('-j, --jobs <n>', 'inputs normalized at once on worker threads; stdout keeps the input order (default: the number of cores)', integerOption('--jobs', 1, 256), availableParallelism())
    .option('--detect <mode>', 'without --type: decide the type per input from its first records (input, the default) or line by line for mixed streams (per-line)', detectMode)
    .option('--vpc-format <fields>', 'AWS.VPCFlow field list for input without a header line, e.g. "version srcaddr dstaddr" or "${srcaddr} ${dstaddr}"')
    .option('--max-line-bytes <n>', 'longest line accepted in a text format', integerOption('--max-line-bytes', 1024, 1 << 29), DEFAULT_MAX_LINE_BYTES)
    .option('--endpoint-url <url>', 'S3-compatible endpoint for s3:// paths (path-style); default AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, or AWS', endpointOption)
    .addHelpText('after', `
Examples:
  awslogs normalize --type AWS.VPCFlow flow.log.gz
  awslogs normalize --since 2024-05-01 --until 2024-05-02 s3://my-log-bucket/AWSLogs/
  awslogs normalize --out-dir s3://my-normalized/flows/ --gzip s3://my-log-bucket/AWSLogs/
  awslogs normalize --format parquet --out-dir pq/ synced-bucket/   # then: duckdb -c "select count(*) from read_parquet('pq/**/*.parquet')"
  zcat flow.log.gz | awslogs normalize --type AWS.VPCFlow | jq -c 'select(.action == "REJECT")'
  awslogs normalize AWSLogs/123456789012/vpcflowlogs/us-east-1/2024/01/01/*.log.gz   # type detected
  awslogs normalize --detect per-line mixed.log
  awslogs normalize --type AWS.VPCFlow --vpc-format '\${srcaddr} \${dstaddr} \${action}' cwl-export.log
  awslogs normalize --type AWS.VPCFlow --errors bad.ndjson *.log.gz > flows.ndjson
  awslogs normalize --type AWS.CloudTrail AWSLogs/*/CloudTrail/*/2024/05/01/*.json.gz
  aws guardduty get-findings --detector-id D --finding-ids F | awslogs normalize --type AWS.GuardDuty`)
    .action(async (files: string[], opts: NormalizeOptions) => {
      const logType = opts.type === undefined ? undefined : findLogType(opts.type);
      requireInputs(files);
      checkS3Options(files, opts);
      if (opts.type !== undefined && logType === undefined) throw new UsageError(unknownTypeMessage(opts.type));
      if (logType !== undefined && opts.detect !== undefined) throw new UsageError('--detect and --type exclude each other');
      if (opts.outDir === undefined && (opts.gzip === true || opts.skipExisting === true)) {
        throw new UsageError(`${opts.gzip === true ? '--gzip' : '--skip-existing'} needs --out-dir`);
      }
      checkParquetOptions(opts, process.stdout.isTTY === true);
      if (opts.since !== undefined && opts.until !== undefined && opts.since > opts.until) {
        throw new UsageError('--since is later than --until: no record could match');
      }
      const filter = opts.since !== undefined || opts.until !== undefined || opts.filterIp !== undefined
        ? {
          ...(opts.since !== undefined ? { since: opts.since } : {}),
          ...(opts.until !== undefined ? { until: opts.until } : {}),
          ...(opts.filterIp !== undefined ? { ips: new Set(opts.filterIp.map(canonicalIp)) } : {}),
        }
        : undefined;
      setExit(await runNormalize({
        inputs: files,
        ...(logType !== undefined ? { logType } : {}),
        detect: opts.detect ?? 'input',
        candidates: LOG_TYPES,
        parserOptions: parserOptions(opts.vpcFormat),
        ...(opts.errors !== undefined ? { errorsFile: opts.errors } : {}),
        quiet: opts.quiet === true,
        maxLineBytes: opts.maxLineBytes,
        jobs: opts.jobs,
        ...(opts.outDir !== undefined ? { outDir: opts.outDir } : {}),
        gzip: opts.gzip === true,
        skipExisting: opts.skipExisting === true,
        summary: opts.summary,
        ...(filter !== undefined ? { filter } : {}),
        stdout: process.stdout,
        terminal: new Terminal(process.stderr, process.env, opts.summary),
        follow: opts.follow === true,
        ...(opts.format !== undefined && opts.format !== 'ndjson' ? { format: opts.format } : {}),
        ...(opts.maxFileRows !== undefined ? { maxFileRows: opts.maxFileRows } : {}),
      }));
    });

  program
    .command('detect')
    .description('print each input\'s detected log type (<file>\\t<LogType> or unknown); exit 1 if any is unknown')
    .argument('[files...]', 'input files or directories (walked as by normalize), gzip or plain; - or nothing reads stdin')
    .option('--vpc-format <fields>', 'as for normalize')
    .option('-L, --follow', 'as for normalize: follow symbolic links inside directories')
    .option('--endpoint-url <url>', 'as for normalize: S3-compatible endpoint for s3:// paths', endpointOption)
    .addHelpText('after', `
Examples:
  awslogs detect downloads/*.gz
  awslogs detect synced-bucket/ | awk -F'\t' '$2 == "unknown"'
  for f in *.gz; do [ "$(awslogs detect "$f" | cut -f2)" = AWS.ALB ] && echo "$f"; done`)
    .action(async (files: string[], raw: { vpcFormat?: string; follow?: boolean; endpointUrl?: string }) => {
      requireInputs(files);
      checkS3Options(files, raw);
      const settings = { detect: 'input' as const, candidates: LOG_TYPES, parserOptions: parserOptions(raw.vpcFormat), maxLineBytes: DEFAULT_MAX_LINE_BYTES };
      const reporter = new Reporter(new Terminal(process.stderr), undefined, false);
      const expanded = await expandInputs(files, { follow: raw.follow === true });
      if (expanded.fatal !== undefined) throw new UsageError(expanded.fatal);
      let code = 0;
      // A path that cannot be read is an error for it alone: the others are still detected.
      for (const u of expanded.unreadable) {
        reporter.inputProblem(u.file, u.problem);
        code = EXIT_USAGE;
      }
      if (expanded.skipped.length > 5) reporter.runNotice(skippedCounts(expanded.skipped));
      else for (const s of expanded.skipped) reporter.skippedFile(s);
      for (const input of expanded.files) {
        const file = input.path;
        const d = await detectInput(input, settings);
        if (d.problem !== undefined) {
          reporter.inputProblem(file, d.problem);
          code = EXIT_USAGE;
        } else if (d.type === undefined) {
          code = Math.max(code, 1);
          reporter.inputProblem(file, d.reason);
        }
        // Escaped: a tab or line end in a file name must not forge a result line.
        process.stdout.write(`${escapeForTerminal(file)}\t${d.type ?? 'unknown'}\n`);
      }
      setExit(code);
    });

  program
    .command('types')
    .description('list the supported log types, one per line')
    .addHelpText('after', '\nExample:\n  awslogs types | cut -f1 -d" "')
    .action(() => {
      const width = Math.max(...LOG_TYPE_NAMES.map((n) => n.length));
      for (const t of LOG_TYPES) process.stdout.write(`${t.name.padEnd(width)}  ${t.description}\n`);
    });

  program
    .command('schema')
    .description('print the JSON Schema of a log type (with --format ocsf: the OCSF classes its events map to)')
    .argument('<LogType>', 'e.g. AWS.VPCFlow')
    .option('-f, --format <format>', 'ndjson (default) or ocsf', outputFormat)
    .addHelpText('after', '\nExamples:\n  awslogs schema AWS.VPCFlow | jq .properties\n  awslogs schema --format ocsf AWS.CloudTrail | jq \'.classes[] | [.class_uid, .name]\'')
    .action(async (name: string, raw: { format?: FormatName }) => {
      if (findLogType(name) === undefined) throw new UsageError(unknownTypeMessage(name));
      // Loaded only here: the mappings are no part of a normalize run's start-up.
      if (raw.format === 'ocsf') process.stdout.write((await import('./formats/ocsf/describe.js')).ocsfSchemaText(name));
      else process.stdout.write(readFileSync(schemaPath(name), 'utf8'));
    });

  return program;
}

/** The exit status after a signal, as shells give it: 128 + the signal's number. */
const SIGNAL_EXIT_STATUS = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/**
 * Ctrl-C, `kill`, a dropped SSH session: the workers are stopped and no
 * half output file or spill folder is left behind; 128 + the signal's
 * number, as shells expect. Every other way out removes them too (the
 * 'exit' event).
 */
function cleanUpOnSignals(): void {
  removeTemporaryPathsOnExit();
  let stopping = false;
  const stop = (signal: keyof typeof SIGNAL_EXIT_STATUS) => {
    // A second signal while cleaning up changes nothing: the cleanup is bounded in time.
    if (stopping) return;
    stopping = true;
    void stopAndRemoveTemporaryPaths().finally(() => {
      // After SIGHUP the terminal may be gone: a failed write must not stop the exit.
      try {
        const message = `interrupted (${signal}); no partial output files left`;
        // On a terminal the line starts afresh (a progress line may be drawn); in a log, no empty line.
        const lineStart = process.stderr.isTTY ? '\n' : '';
        process.stderr.write(messagesAsJson ? jsonForTerminal({ kind: 'interrupted', signal, message, exitStatus: SIGNAL_EXIT_STATUS[signal] }) + '\n' : `${lineStart}awslogs: ${message}\n`);
      } catch { /* nothing to tell it to */ }
      process.exit(SIGNAL_EXIT_STATUS[signal]);
    });
  };
  for (const signal of Object.keys(SIGNAL_EXIT_STATUS) as Array<keyof typeof SIGNAL_EXIT_STATUS>) process.on(signal, stop);
}

/** A closed stdout (`| head`) ends the program quietly with status 0 (the 'exit' event removes spill files). */
function exitQuietlyOnClosedStdout(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') process.exit(0);
    process.stderr.write(`awslogs: cannot write to stdout: ${err.message}\n`);
    process.exit(EXIT_USAGE);
  });
  // A closed stderr (`2>&1 | head -1`, a reader that went away) must not
  // turn into an uncaught error and a false status: the run goes on, its
  // messages unseen, and its exit status stays the one the table gives.
  process.stderr.on('error', () => { /* nothing left to tell it to */ });
}

/**
 * `--summary json` anywhere on the command line: usage errors and the
 * interrupt message are JSON too (whichever option failed first).
 */
let messagesAsJson = false;

function wantsJsonSummary(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
    if (argv[i] === '--summary=json' || (argv[i] === '--summary' && argv[i + 1] === 'json')) return true;
  }
  return false;
}

/**
 * A usage error: one line on stderr (`awslogs: MESSAGE`), or with
 * `--summary json` one object `{"kind":"usage-error","message",
 * "exitStatus":2}`; no summary follows it. The message is escaped whole
 * (it is never painted), so a file name in it is safe.
 */
function usageError(message: string): void {
  process.stderr.write(messagesAsJson
    ? jsonForTerminal({ kind: 'usage-error', message, exitStatus: EXIT_USAGE }) + '\n'
    : `awslogs: ${escapeForTerminal(message)}\n`);
}

export async function main(argv: readonly string[]): Promise<number> {
  messagesAsJson = wantsJsonSummary(argv);
  exitQuietlyOnClosedStdout();
  cleanUpOnSignals();
  let code = 0;
  const program = buildProgram((c) => { code = c; });
  try {
    await program.parseAsync(argv as string[]);
  } catch (err) {
    if (err instanceof UsageError) {
      usageError(err.message);
      return EXIT_USAGE;
    }
    if (err instanceof CommanderError) {
      // help and version exit 0; everything else commander rejects is a usage error
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    const detail = (err as Error).stack ?? String(err);
    process.stderr.write(messagesAsJson
      ? jsonForTerminal({ kind: 'internal-error', message: `internal error (please report it): ${detail}`, exitStatus: EXIT_USAGE }) + '\n'
      : `awslogs: internal error (please report it): ${detail}\n`);
    return EXIT_USAGE;
  }
  return code;
}
