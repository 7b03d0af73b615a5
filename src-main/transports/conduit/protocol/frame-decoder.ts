// Turns the TLS byte stream back into frames. Memory stays bounded whatever a peer sends: a length
// prefix above the limit (or below the header size) or an unknown type is a protocol error before
// anything is buffered for it, and at most one frame (≤ maxFrameBytes) is ever held.
import { ByteQueue } from '../../byte-queue.js';
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
  private readonly queue = new ByteQueue();
  private failed = false;

  constructor(private readonly maxFrameBytes: number) {}

  /** Bytes held while waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.queue.length;
  }

  /**
   * Feed bytes; calls onFrame for every complete frame. Throws ProtocolError on malformed input,
   * after which the decoder refuses further input (the connection must be closed).
   */
  push(chunk: Buffer, onFrame: (frame: Frame) => void): void {
    if (this.failed) throw new ProtocolError('bad_message', 'decoder already failed');
    if (chunk.length === 0) return;
    this.queue.push(chunk);
    for (;;) {
      if (this.queue.length < 4) return;
      const head = this.queue.peek(9);
      const length = head.readUInt32BE(0);
      if (length > this.maxFrameBytes) return this.fail('frame_too_large', `frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes}`);
      if (length < FRAME_LENGTH_OVERHEAD) return this.fail('frame_too_small', `frame length ${length} is shorter than a frame header`);
      if (head.length >= 5 && !isFrameType(head.readUInt8(4))) return this.fail('unknown_frame_type', `unknown frame type 0x${head.readUInt8(4).toString(16)}`);
      if (this.queue.length < 4 + length) return;
      const whole = this.queue.take(4 + length);
      const type = whole.readUInt8(4);
      if (!isFrameType(type)) return this.fail('unknown_frame_type', `unknown frame type 0x${type.toString(16)}`);
      onFrame({ type, stream: whole.readUInt32BE(5), payload: whole.subarray(9) });
    }
  }

  private fail(code: ProtocolError['code'], message: string): never {
    this.failed = true;
    this.queue.clear();
    throw new ProtocolError(code, message);
  }
}
