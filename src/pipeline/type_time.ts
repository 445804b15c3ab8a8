// Per-type time in the summary, as wall-clock time: with --jobs several
// inputs of one type are read at once, and adding up their times gave a
// type more seconds than the whole run took. A type's time is the time
// during which at least one of its inputs was being read (overlaps counted
// once), so it never exceeds the run's.
import type { TypeTotals } from './report.js';

/** When an input was read: epoch milliseconds (performance.timeOrigin + performance.now(), the same clock in every thread). */
export interface Span {
  start: number;
  end: number;
}

/** The now of Span, in epoch milliseconds. */
export function spanClock(): number {
  return performance.timeOrigin + performance.now();
}

/** Seconds covered by the union of the spans (overlapping or nested spans count once). */
export function coveredSeconds(spans: readonly Span[]): number {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  let total = 0;
  let start = -Infinity;
  let end = -Infinity;
  for (const s of sorted) {
    if (s.start > end) {
      if (end > start) total += end - start;
      start = s.start;
      end = s.end;
    } else if (s.end > end) {
      end = s.end;
    }
  }
  if (end > start) total += end - start;
  return total / 1000;
}

/** The spans of each type's inputs, gathered as results come in. */
export class TypeTime {
  private readonly spans = new Map<string, Span[]>();

  add(type: string, span: Span): void {
    let list = this.spans.get(type);
    if (list === undefined) this.spans.set(type, (list = []));
    list.push(span);
  }

  /** Sets each type's `seconds`: its wall-clock time, at most `runSeconds` (two clocks may differ by a rounding). */
  fill(types: TypeTotals, runSeconds: number): void {
    for (const [type, totals] of types) totals.seconds = Math.min(runSeconds, coveredSeconds(this.spans.get(type) ?? []));
  }
}
