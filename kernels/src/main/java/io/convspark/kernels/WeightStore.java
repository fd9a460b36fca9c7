package io.convspark.kernels;

/**
 * Holds the packed weights of many plans in a few large arrays, each plan's slice starting on a
 * 64-byte boundary. A plan's own array of a few hundred KB sits wherever the heap put it, so
 * its weight vectors often straddle cache lines: a 400x400 1x1 conv ran at 201-231 GFLOP/s
 * from run to run. Chunks of {@value #CHUNK_FLOATS} floats are humongous for G1 (region size
 * up to 16 MB, heaps under 32 GB), so they start on a region boundary and never move (see
 * {@link ArrayAlignment}); a small model's smaller chunk is humongous for smaller heaps. Not thread-safe: fill it from one thread, while planning.
 */
public final class WeightStore {
  static final int CHUNK_FLOATS = 2 << 20; // 8 MB
  static final int MIN_CHUNK_FLOATS = 1 << 18; // 1 MB

  private final int chunkFloats;
  private float[] chunk;
  private int used;

  /** A store with {@value #CHUNK_FLOATS}-float chunks. */
  public WeightStore() {
    this(CHUNK_FLOATS);
  }

  /**
   * A store for about {@code expectedFloats} of weights: a small model gets one chunk its size
   * (at least 1 MB), not 8 MB.
   */
  public WeightStore(long expectedFloats) {
    long want = ArrayAlignment.roundUp(expectedFloats + expectedFloats / 8) + 64;
    this.chunkFloats = (int) Math.max(MIN_CHUNK_FLOATS, Math.min(CHUNK_FLOATS, want));
  }

  /** Packed weights and where they start. */
  public record Slice(float[] array, int offset) {}

  /** Copies {@code packed} into the store (or keeps it, when larger than a chunk). */
  public Slice place(float[] packed) {
    int lead = ArrayAlignment.leadFloats();
    if (packed.length + lead > chunkFloats / 2) {
      // Large enough to be humongous on its own: aligned the same way, no copy into a chunk.
      float[] own = new float[packed.length + lead];
      System.arraycopy(packed, 0, own, lead, packed.length);
      return new Slice(own, lead);
    }
    int at = chunk == null ? -1 : lead + (int) ArrayAlignment.roundUp(used);
    if (chunk == null || at + packed.length > chunkFloats) {
      chunk = new float[chunkFloats];
      used = 0;
      at = lead;
    }
    System.arraycopy(packed, 0, chunk, at, packed.length);
    used = at - lead + packed.length;
    return new Slice(chunk, at);
  }
}
