// Batched writes with back-pressure: records are appended to one string and
// written in large chunks; when the destination is full, the producer waits
// for 'drain' before it reads more input.
import { once } from 'node:events';
import type { Writable } from 'node:stream';

const BATCH_CHARS = 256 * 1024;

export class BatchedWriter {
  private buffer = '';

  constructor(private readonly stream: Writable, private readonly batchChars = BATCH_CHARS) {}

  write(text: string): void {
    this.buffer += text;
  }

  get full(): boolean {
    return this.buffer.length >= this.batchChars;
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const text = this.buffer;
    this.buffer = '';
    if (!this.stream.write(text)) await once(this.stream, 'drain');
  }

  async flushIfFull(): Promise<void> {
    if (this.buffer.length >= this.batchChars) await this.flush();
  }
}
