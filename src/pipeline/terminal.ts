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

export class Terminal {
  readonly paint: ChalkInstance;
  /** Live status is drawn only on a TTY. */
  readonly live: boolean;
  private statusShown = false;

  constructor(private readonly stream: TerminalStream, env: NodeJS.ProcessEnv = process.env) {
    this.paint = new Chalk({ level: colorLevel(stream, env) });
    this.live = stream.isTTY === true && env.TERM !== 'dumb';
  }

  /** Writes one line of text (without its newline), keeping the status line out of its way. */
  line(text: string): void {
    this.clearStatus();
    this.stream.write(text + '\n');
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
