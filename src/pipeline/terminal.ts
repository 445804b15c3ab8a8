// stderr as a person sees it: colours only where they are wanted (NO_COLOR,
// FORCE_COLOR, a TTY), and a live status line on a TTY that other messages
// clear and redraw, so it never mixes with them. On a non-TTY stderr there
// are no escape codes at all.
import { Chalk, type ChalkInstance } from 'chalk';

export interface TerminalStream {
  write(text: string): boolean;
  isTTY?: boolean;
  columns?: number;
}

/** chalk 5 ignores NO_COLOR on a TTY, so the level is decided here. */
export function colorLevel(stream: TerminalStream, env: NodeJS.ProcessEnv): 0 | 1 | 2 | 3 {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') {
    if (force === '0' || force === 'false') return 0;
    const n = Number(force);
    return n === 2 || n === 3 ? n : 1;
  }
  return stream.isTTY === true && env.TERM !== 'dumb' ? 1 : 0;
}

// C0 controls, DEL, C1 controls (U+0080–U+009F: U+009B is a one-character
// CSI on many terminals), the line and paragraph separators, and the
// bidirectional embeddings, overrides and isolates (U+202A–U+202E,
// U+2066–U+2069) that make a name display in an order other than its bytes.
// A lone surrogate (a file name that is not valid UTF-16) is shown escaped too.
const UNSAFE_FOR_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  if (c === '\t') return '\\t';
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Text from an input (a file name, a log line, a parser message quoting
 * one) made safe to print on a terminal, as `ls` and `rg` do: control
 * characters, bidirectional overrides and lone surrogates become visible
 * escapes (`\x1b`, `\u202e`, `\t`). Printable text, non-ASCII letters
 * included, is unchanged. Apply it to every piece of input text before it is
 * painted or written to stderr or to a `detect` line; never to the
 * `--errors` file or stdout NDJSON (JSON escaping is exact there).
 */
export function escapeForTerminal(text: string): string {
  UNSAFE_FOR_TERMINAL.lastIndex = 0;
  return UNSAFE_FOR_TERMINAL.test(text) ? text.replace(UNSAFE_FOR_TERMINAL, escapeOne) : text;
}

// What JSON.stringify leaves as it is but a terminal acts on: DEL, the C1
// controls, the line separators and the bidirectional controls. (It already
// escapes C0 controls and lone surrogates.) In a JSON string, \uXXXX is the
// same text, so a reader gets every character back exactly.
const UNSAFE_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * `JSON.stringify(value)` with every character a terminal would act on
 * written as a `\uXXXX` escape: one line, exact for a JSON reader, inert on
 * a terminal. For JSON written to stderr (`--summary json`).
 */
export function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_IN_JSON, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** How the run's messages are written on stderr: lines for people, or one JSON object per line (`--summary json`). */
export type MessageFormat = 'text' | 'json';

/** The prefix of every line of text the tool writes on stderr. */
const PREFIX = 'awslogs: ';

export class Terminal {
  readonly paint: ChalkInstance;
  /** Live status is drawn only on a TTY, and never between JSON lines. */
  readonly live: boolean;
  /** Every line is one JSON object with a `kind` (`--summary json`). */
  readonly json: boolean;
  private statusShown = false;

  constructor(private readonly stream: TerminalStream, env: NodeJS.ProcessEnv = process.env, format: MessageFormat = 'text') {
    this.json = format === 'json';
    this.paint = new Chalk({ level: this.json ? 0 : colorLevel(stream, env) });
    this.live = !this.json && stream.isTTY === true && env.TERM !== 'dumb';
  }

  /**
   * Writes one line of the tool's own text (without its newline), keeping
   * the status line out of its way. Input text in it must have been passed
   * through escapeForTerminal. In JSON mode the line becomes
   * `{"kind":"message","message":…}`, so no plain line ever mixes with the
   * JSON objects.
   */
  line(text: string): void {
    if (this.json) {
      this.jsonLine({ kind: 'message', message: text.startsWith(PREFIX) ? text.slice(PREFIX.length) : text });
      return;
    }
    this.clearStatus();
    this.stream.write(text + '\n');
  }

  /**
   * A line that ends the run with `exitStatus` before its summary (a usage
   * error found before anything is written, an --errors file that failed):
   * `awslogs: TEXT`, or in JSON mode `{"kind":KIND,"message",…,"exitStatus"}`,
   * so the last line of a `--summary json` run always carries the status.
   */
  finalLine(kind: 'usage-error' | 'fatal', text: string, exitStatus: number): void {
    if (this.json) this.jsonLine({ kind, message: text, exitStatus });
    else this.line(`${PREFIX}${escapeForTerminal(text)}`);
  }

  /** Writes one JSON object as a line (see jsonForTerminal), whatever the format. */
  jsonLine(value: Readonly<Record<string, unknown>>): void {
    this.clearStatus();
    this.stream.write(jsonForTerminal(value) + '\n');
  }

  status(text: string): void {
    if (!this.live) return;
    const width = Math.max(20, (this.stream.columns || 100) - 1);
    this.stream.write('\r\x1b[2K' + (text.length > width ? text.slice(0, width) : text));
    this.statusShown = true;
  }

  clearStatus(): void {
    if (!this.statusShown) return;
    this.stream.write('\r\x1b[2K');
    this.statusShown = false;
  }
}
