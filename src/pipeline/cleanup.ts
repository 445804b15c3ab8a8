// What must not outlive the process, whichever way it ends: temporary
// --out-dir files and --jobs spill folders. A normal end removes them as it
// goes; this registry is for the other ends: a signal (SIGINT, SIGTERM,
// SIGHUP), a closed stdout (process.exit from its 'error' handler), an
// internal error. Paths are removed synchronously in the 'exit' event, the
// one place every process.exit passes through.
import { rmSync } from 'node:fs';

/** Temporary paths (files or folders) that exist, or may exist, right now. */
export const temporaryPaths = new Set<string>();

/** Actions that stop whatever may still create temporary paths (worker threads). */
const stoppers = new Set<() => Promise<unknown>>();

/** How long an exit waits for the stoppers before it removes what it knows and goes. */
const STOP_TIMEOUT_MS = 3000;

/**
 * Registers an action that stops writers (e.g. terminates worker threads)
 * before the temporary paths are removed on a signal. Returns its removal.
 */
export function registerStopper(stop: () => Promise<unknown>): () => void {
  stoppers.add(stop);
  return () => { stoppers.delete(stop); };
}

/** Removes every registered temporary path now; errors are ignored (the process is ending). */
export function removeTemporaryPaths(): void {
  for (const path of temporaryPaths) {
    try {
      rmSync(path, { force: true, recursive: true });
    } catch {
      // A path that cannot be removed (its folder became unwritable) is left; nothing else can be done on the way out.
    }
    temporaryPaths.delete(path);
  }
}

/**
 * Stops the writers (at most STOP_TIMEOUT_MS), then removes the temporary
 * paths: a worker terminated first cannot create a file after the removal.
 */
export async function stopAndRemoveTemporaryPaths(): Promise<void> {
  const stopped = Promise.allSettled([...stoppers].map((stop) => stop()));
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => { timer = setTimeout(resolve, STOP_TIMEOUT_MS); });
  await Promise.race([stopped, timeout]);
  clearTimeout(timer);
  removeTemporaryPaths();
}

let installed = false;

/** Removes the temporary paths on every process exit (idempotent). */
export function removeTemporaryPathsOnExit(): void {
  if (installed) return;
  installed = true;
  process.on('exit', removeTemporaryPaths);
}
