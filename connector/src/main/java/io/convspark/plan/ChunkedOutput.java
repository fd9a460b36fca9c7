package io.convspark.plan;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An output stream into fixed-size chunks, so that a compiled model may exceed the 2 GiB a
 * single {@code byte[]} holds (Spark broadcasts the chunks; SPARK-3721 had the same limit).
 */
final class ChunkedOutput extends OutputStream {
  private final int chunkBytes;
  private final List<byte[]> full = new ArrayList<>();
  private byte[] current;
  private int used;

  ChunkedOutput(int chunkBytes) {
    if (chunkBytes < 1) {
      throw new IllegalArgumentException("cannot use chunk size " + chunkBytes
          + ": must be positive");
    }
    this.chunkBytes = chunkBytes;
    this.current = new byte[Math.min(chunkBytes, 1 << 16)];
  }

  @Override
  public void write(int b) {
    ensureRoom();
    current[used++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    while (len > 0) {
      ensureRoom();
      int n = Math.min(len, current.length - used);
      System.arraycopy(b, off, current, used, n);
      used += n;
      off += n;
      len -= n;
    }
  }

  /** Grows the current chunk geometrically up to the chunk size, then starts a new one. */
  private void ensureRoom() {
    if (used < current.length) {
      return;
    }
    if (current.length < chunkBytes) {
      current = Arrays.copyOf(current, (int) Math.min(chunkBytes, 2L * current.length));
      return;
    }
    full.add(current);
    current = new byte[Math.min(chunkBytes, 1 << 16)];
    used = 0;
  }

  /** The chunks written so far: all full but the last. */
  byte[][] chunks() {
    byte[][] out = full.toArray(new byte[full.size() + 1][]);
    out[full.size()] = Arrays.copyOf(current, used);
    return out;
  }
}
