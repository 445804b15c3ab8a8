// p_row_id: hex( 6 random bytes drawn once per process
//               ‖ uvarint(µs from 2020-01-01T00:00:00Z to process start)
//               ‖ uvarint(counter, from 1) )
// Panther's layout, with random bytes where Panther used the MAC address.
// Everything but the counter is computed once, so a row id costs one small
// loop and no RNG call per record.
import { randomBytes } from 'node:crypto';

const EPOCH_2020_MS = Date.UTC(2020, 0, 1);
const HEX = Array.from({ length: 256 }, (_, i) => (i + 0x100).toString(16).slice(1));

/** Hex of the unsigned LEB128 (Go `binary.PutUvarint`) encoding of n. */
export function uvarintHex(n: number): string {
  let out = '';
  while (n >= 0x80) {
    out += HEX[(n % 0x80) | 0x80];
    n = Math.floor(n / 0x80);
  }
  return out + HEX[n];
}

export interface RowIdSource {
  next(): string;
}

export class RowIds implements RowIdSource {
  private readonly prefix: string;
  private counter = 0;

  constructor(random: Uint8Array = randomBytes(6), startMillis: number = Date.now()) {
    let p = '';
    for (let i = 0; i < 6; i++) p += HEX[random[i] ?? 0];
    this.prefix = p + uvarintHex(Math.max(0, startMillis - EPOCH_2020_MS) * 1000);
  }

  next(): string {
    return this.prefix + uvarintHex(++this.counter);
  }
}
