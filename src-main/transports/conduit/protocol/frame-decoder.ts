// Turns the TLS byte stream back into frames. Memory stays bounded whatever a peer sends: a length
// prefix above the limit (or below the header size) or an unknown type is a protocol error before
// anything is buffered for it, and at most one frame (≤ maxFrameBytes) is ever held.
import { FRAME_LENGTH_OVERHEAD, isFrameType, type Frame } from './frames.js';

export class ProtocolError extends Error {
  constructor(
    readonly code: 'frame_too_large' | 'frame_too_small' | 'unknown_frame_type' | 'bad_message' | 'unsupported_version' | 'unexpected_frame',
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed = false;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes held while waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /**
   * Feed bytes; calls onFrame for every complete frame. Throws ProtocolError on malformed input,
   * after which the decoder refuses further input (the connection must be closed).
   */
  push(chunk: Buffer, onFrame: (frame: Frame) => void): void {
    if (this.failed) throw new ProtocolError('bad_message', 'decoder already failed');
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      if (this.buffered < 4) return;
      const head = this.peek(9);
      const length = head.readUInt32BE(0);
      if (length > this.maxFrameBytes) return this.fail('frame_too_large', `frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes}`);
      if (length < FRAME_LENGTH_OVERHEAD) return this.fail('frame_too_small', `frame length ${length} is shorter than a frame header`);
      if (head.length >= 5 && !isFrameType(head.readUInt8(4))) return this.fail('unknown_frame_type', `unknown frame type 0x${head.readUInt8(4).toString(16)}`);
      if (this.buffered < 4 + length) return;
      const whole = this.take(4 + length);
      const type = whole.readUInt8(4);
      if (!isFrameType(type)) return this.fail('unknown_frame_type', `unknown frame type 0x${type.toString(16)}`);
      onFrame({ type, stream: whole.readUInt32BE(5), payload: whole.subarray(9) });
    }
  }

  private fail(code: ProtocolError['code'], message: string): never {
    this.failed = true;
    this.chunks = [];
    this.buffered = 0;
    throw new ProtocolError(code, message);
  }

  /** Up to n leading bytes without consuming them. */
  private peek(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= n || this.chunks.length === 1) return first.subarray(0, Math.min(n, first.length));
    return Buffer.concat(this.chunks, Math.min(n, this.buffered)).subarray(0, n);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    if (first.length === n) {
      this.chunks.shift();
      this.buffered -= n;
      return first;
    }
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      this.buffered -= n;
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let off = 0;
    while (off < n) {
      const c = this.chunks[0]!;
      const want = n - off;
      if (c.length <= want) {
        c.copy(out, off);
        off += c.length;
        this.chunks.shift();
      } else {
        c.copy(out, off, 0, want);
        this.chunks[0] = c.subarray(want);
        off += want;
      }
    }
    this.buffered -= n;
    return out;
  }
}
