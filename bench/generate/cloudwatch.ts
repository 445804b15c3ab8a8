// A Firehose → S3 object of CloudWatch Logs subscription payloads holding VPC
// flow records (issue 15's bench case): one gzip member per payload (level
// 6, as CloudWatch Logs compresses), 50–500 log events each, a
// CONTROL_MESSAGE now and then. The amount's bytes count the decompressed
// payloads, the figure the bench reports MB/s of. The messages come from the
// VPC generator, without its header lines (CloudWatch Logs has none).
import { gzipSync } from 'node:zlib';
import type { Rng } from '../prng.js';
import { wantMore, type Amount, type Generated, type LogGenerator, type TextSink } from './common.js';
import { VPC_HEADER, vpcGenerator } from './vpc.js';

const CONTROL = JSON.stringify({
  messageType: 'CONTROL_MESSAGE', owner: 'CloudwatchLogs', logGroup: '', logStream: '', subscriptionFilters: [],
  logEvents: [{ id: '', timestamp: 1741312971934, message: 'CWL CONTROL MESSAGE: Checking health of destination Firehose.' }],
});

/** Collects the VPC generator's lines and writes them out as gzip payloads. */
class PayloadWriter {
  private messages: string[] = [];
  private target: number;
  events = 0;
  skipped = 0;
  plainBytes = 0;
  private payloads = 0;

  constructor(private readonly out: TextSink, private readonly rng: Rng) {
    this.target = rng.range(50, 500);
  }

  line(text: string): void {
    if (text.length === 0 || text === VPC_HEADER) return;
    this.messages.push(text);
    if (this.messages.length >= this.target) this.flush();
  }

  flush(): void {
    if (this.messages.length === 0) return;
    const eni = this.messages[0]!.split(' ')[2]!;
    const logEvents = this.messages.map((message, i) => ({
      id: `3195310660696698337880902507980421114328961542429${(8221569 + this.events + i).toString().padStart(7, '0')}`,
      timestamp: Number(message.split(' ')[10]) * 1000,
      message,
    }));
    this.write(JSON.stringify({ messageType: 'DATA_MESSAGE', owner: '123456789012', logGroup: 'vpc-flow-logs', logStream: `${eni}-all`, subscriptionFilters: ['cwl-to-firehose'], logEvents }));
    this.events += this.messages.length;
    this.messages = [];
    this.target = this.rng.range(50, 500);
    if (++this.payloads % 1000 === 0) {
      this.write(CONTROL);
      this.skipped++;
    }
  }

  private write(text: string): void {
    this.plainBytes += Buffer.byteLength(text);
    this.out.writeBytes(gzipSync(text, { level: 6 }));
  }
}

export const cloudWatchVpcGenerator: LogGenerator = {
  type: 'AWS.VPCFlow',
  case: 'CloudWatchLogs(AWS.VPCFlow)',
  extension: 'firehose',
  defaultAmount: { bytes: 150_000_000 },

  generate(rng: Rng, sink: TextSink, amount: Amount): Generated {
    const writer = new PayloadWriter(sink, rng);
    // The VPC generator writes line by line; its amount is ours, counted in decompressed payload bytes.
    const lines: TextSink = {
      write: (text) => { for (const l of text.split('\n')) writer.line(l); },
      writeBytes: () => { throw new Error('VPC lines are text'); },
      get bytes() { return writer.plainBytes; },
    };
    const inner = { ...amount };
    const more = () => wantMore(amount, writer.events, lines);
    // Generate in rounds so the amount is checked against the payloads written.
    while (more()) {
      vpcGenerator.generate(rng, lines, { events: 20_000, ...(inner.events !== undefined ? { events: Math.min(20_000, inner.events - writer.events) } : {}) });
    }
    writer.flush();
    return { events: writer.events, skipped: writer.skipped, plainBytes: writer.plainBytes };
  },
};
