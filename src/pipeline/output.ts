// Batched writes with back-pressure. Lines are encoded straight into a large
// Buffer (json_bytes.ts); a full buffer is handed to the stream, and when the
// destination is full the producer waits for 'drain' before it reads more
// input.
import type { Writable } from 'node:stream';
import { JsonLineBuffer } from './json_bytes.js';

/** Resolves on 'drain'; rejects when the stream fails or closes first (a full disk must not hang the run). */
export function waitForDrain(stream: Writable): Promise<void> {
  if (stream.destroyed) return Promise.reject(stream.errored ?? new Error('the output was closed'));
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onError = (err: Error) => done(err);
    const onClose = () => done(stream.errored ?? new Error('the output was closed'));
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

const BATCH_BYTES = 1 << 20;
/** A batch this close to full is handed off before the next line, so lines rarely make it grow. */
const BATCH_SLACK = 64 << 10;

export class BatchedWriter {
  private readonly lines: JsonLineBuffer;

  constructor(private readonly stream: Writable, private readonly batchBytes = BATCH_BYTES) {
    this.lines = new JsonLineBuffer(batchBytes);
  }

  /** Appends a line of text (UTF-8). Never blocks: call flushIfFull at a convenient point. */
  write(text: string): void {
    if (this.lines.length > this.batchBytes - BATCH_SLACK) this.handOff();
    this.lines.appendText(text);
  }

  /** Appends a record as a JSON line; a record that cannot be encoded throws and leaves nothing. */
  writeRecord(record: object): void {
    if (this.lines.length > this.batchBytes - BATCH_SLACK) this.handOff();
    this.lines.appendRecord(record);
  }

  /**
   * Appends lines already encoded (each ending in `\n`, from another
   * thread's BatchedWriter); resolves once the stream has room for more.
   */
  async writeBytes(bytes: Uint8Array): Promise<void> {
    const room = this.handOff();
    if (bytes.length > 0 ? !this.stream.write(bytes) : !room) await waitForDrain(this.stream);
  }

  get full(): boolean {
    return this.lines.length >= this.batchBytes >>> 1;
  }

  /** Gives the filled part to the stream and starts a new buffer; returns the stream's answer. */
  private handOff(): boolean {
    if (this.lines.length === 0) return true;
    return this.stream.write(this.lines.take());
  }

  async flush(): Promise<void> {
    if (!this.handOff()) await waitForDrain(this.stream);
  }

  async flushIfFull(): Promise<void> {
    if (this.full) await this.flush();
  }
}
