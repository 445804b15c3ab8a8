// AWS.VPCFlow in the default version-2 layout, as delivered to S3: files
// concatenated, so a header line starts every few thousand lines.
import { Weighted, type Rng } from '../prng.js';
import { Clock, accountId, ipv6, pool, privateIPv4, publicIPv4, wantMore, type Amount, type Generated, type LogGenerator, type TextSink } from './common.js';

export const VPC_HEADER = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

const SERVICE_PORTS = [443, 443, 443, 80, 22, 3389, 53, 123, 5432, 3306, 6379, 8080, 9200, 25];
const OUTBOUND_PORTS = [443, 443, 443, 443, 80, 53, 123];

type Direction = 'inbound' | 'outbound' | 'internal';
const DIRECTION = new Weighted<Direction>([['inbound', 45], ['outbound', 35], ['internal', 20]]);

function ephemeral(rng: Rng): number {
  return rng.range(1024, 65535);
}

export const vpcGenerator: LogGenerator = {
  type: 'AWS.VPCFlow',
  extension: 'log',
  defaultAmount: { events: 1_000_000 },

  generate(rng: Rng, sink: TextSink, amount: Amount): Generated {
    const accounts = pool(rng, 3, accountId);
    const enis = pool(rng, 400, (r) => 'eni-' + r.hex(17));
    const clock = new Clock(5_000);
    let events = 0;
    let skipped = 0;
    let untilHeader = 0;
    while (wantMore(amount, events, sink)) {
      if (untilHeader === 0) {
        sink.write(VPC_HEADER + '\n');
        skipped++;
        untilHeader = rng.range(1_000, 60_000);
      }
      untilHeader--;
      const start = Math.floor(clock.tick(rng) / 1000);
      const end = start + rng.range(0, 59);
      const eni = rng.pick(enis);
      const odd = rng.float();
      if (odd < 0.013) {
        // No traffic in the window, or records dropped: `-` in every traffic field.
        const account = rng.chance(0.5) ? 'unknown' : rng.pick(accounts);
        sink.write(`2 ${account} ${eni} - - - - - - - ${start} ${end} - ${odd < 0.01 ? 'NODATA' : 'SKIPDATA'}\n`);
        events++;
        continue;
      }
      const v6 = rng.chance(0.04);
      const direction = DIRECTION.pick(rng);
      const inside = (): string => (v6 ? ipv6(rng) : privateIPv4(rng));
      const outside = (): string => (v6 ? ipv6(rng) : publicIPv4(rng));
      let src: string;
      let dst: string;
      let srcPort: number;
      let dstPort: number;
      if (direction === 'inbound') {
        src = outside(); dst = inside(); srcPort = ephemeral(rng); dstPort = rng.pick(SERVICE_PORTS);
      } else if (direction === 'outbound') {
        src = inside(); dst = outside(); srcPort = ephemeral(rng); dstPort = rng.pick(OUTBOUND_PORTS);
      } else {
        src = inside(); dst = inside(); srcPort = ephemeral(rng); dstPort = rng.pick(SERVICE_PORTS);
      }
      const p = rng.float();
      let protocol = p < 0.8 ? 6 : p < 0.97 ? 17 : v6 ? 58 : 1;
      if (protocol === 17 && dstPort !== 53 && dstPort !== 123) protocol = 6;
      if (protocol === 1 || protocol === 58) { srcPort = 0; dstPort = 0; }
      const reject = rng.chance(direction === 'inbound' ? 0.35 : 0.02);
      const packets = reject ? rng.range(1, 4) : rng.logUniform(20_000);
      const bytes = packets * rng.range(40, 1500);
      sink.write(`2 ${rng.pick(accounts)} ${eni} ${src} ${dst} ${srcPort} ${dstPort} ${protocol} ${packets} ${bytes} ${start} ${end} ${reject ? 'REJECT' : 'ACCEPT'} OK\n`);
      events++;
    }
    return { events, skipped };
  },
};
