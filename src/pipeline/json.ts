// JSON framing: a sequence of JSON documents separated by white space; the
// arrays of wrapper objects (`{"Records":[…]}`, `Events`, `Findings`) are
// streamed element by element so a trail file of any size stays small in
// memory. NOT YET IMPLEMENTED (issue 4): every document is rejected.
import type { Framer, RecordHandler } from './lines.js';

export class JsonFramer implements Framer {
  private reported = false;

  constructor(private readonly handler: RecordHandler) {}

  push(chunk: Buffer): void {
    if (this.reported || chunk.length === 0) return;
    this.reported = true;
    this.handler.reject('JSON input is not supported yet', chunk.subarray(0, 200).toString('utf8'), 1);
  }

  end(): void {}
}
