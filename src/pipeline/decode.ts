// Bytes to text for the framers. AWS logs are nearly always pure ASCII: such
// a chunk is copied as Latin-1 (a plain copy; the UTF-8 decoder cost 6 % of
// a VPC run). Other chunks go through StringDecoder, which carries a
// character split across chunks and turns invalid bytes into U+FFFD.
import { isAscii } from 'node:buffer';
import { StringDecoder } from 'node:string_decoder';

export class ChunkDecoder {
  private readonly decoder = new StringDecoder('utf8');
  /** The StringDecoder holds no part of a character. */
  private clean = true;

  write(chunk: Buffer): string {
    if (chunk.length === 0) return '';
    if (this.clean && isAscii(chunk)) return chunk.toString('latin1');
    // A chunk that ends in an ASCII byte leaves nothing pending in the decoder.
    this.clean = chunk[chunk.length - 1]! < 0x80;
    return this.decoder.write(chunk);
  }

  end(): string {
    return this.clean ? '' : this.decoder.end();
  }
}
