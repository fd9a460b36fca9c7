package io.convspark.plan;

import java.nio.BufferUnderflowException;

/**
 * Big-endian primitive reads across a sequence of chunks, as {@link java.io.DataOutputStream}
 * wrote them. Reads past the end throw {@link BufferUnderflowException}.
 */
final class ChunkedInput {
  private final byte[][] chunks;
  private final long size;
  private int chunk;
  private int offset;
  private long position;

  ChunkedInput(byte[][] chunks) {
    this.chunks = chunks.clone();
    long s = 0;
    for (byte[] c : this.chunks) {
      s += c.length;
    }
    this.size = s;
  }

  long position() {
    return position;
  }

  long remaining() {
    return size - position;
  }

  byte get() {
    while (offset == chunks[chunk].length) {
      chunk++;
      offset = 0;
      if (chunk == chunks.length) {
        chunk--;
        offset = chunks[chunk].length;
        throw new BufferUnderflowException();
      }
    }
    position++;
    return chunks[chunk][offset++];
  }

  int getInt() {
    requireBytes(4);
    return (get() & 0xFF) << 24 | (get() & 0xFF) << 16 | (get() & 0xFF) << 8 | get() & 0xFF;
  }

  short getShort() {
    requireBytes(2);
    return (short) ((get() & 0xFF) << 8 | get() & 0xFF);
  }

  long getLong() {
    requireBytes(8);
    return (long) getInt() << 32 | getInt() & 0xFFFFFFFFL;
  }

  float getFloat() {
    return Float.intBitsToFloat(getInt());
  }

  /** Copies the next {@code len} bytes into {@code dst[off..]}. */
  void get(byte[] dst, int off, int len) {
    requireBytes(len);
    while (len > 0) {
      if (offset == chunks[chunk].length) {
        chunk++;
        offset = 0;
        continue;
      }
      int n = Math.min(len, chunks[chunk].length - offset);
      System.arraycopy(chunks[chunk], offset, dst, off, n);
      offset += n;
      off += n;
      len -= n;
      position += n;
    }
  }

  private void requireBytes(long n) {
    if (n > remaining()) {
      throw new BufferUnderflowException();
    }
  }
}
