package io.convspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WeightStoreTest {
  private static float[] filled(int n, float v) {
    float[] f = new float[n];
    Arrays.fill(f, v);
    return f;
  }

  @Test
  void slicesShareAChunkOnVectorBoundariesWithoutOverlap() {
    WeightStore store = new WeightStore();
    WeightStore.Slice a = store.place(filled(5, 1f));
    WeightStore.Slice b = store.place(filled(33, 2f));
    assertSame(a.array(), b.array());
    int lead = ArrayAlignment.leadFloats();
    assertEquals(lead, a.offset());
    assertEquals(lead + 16, b.offset());
    assertArrayEquals(filled(5, 1f), Arrays.copyOfRange(a.array(), a.offset(), a.offset() + 5));
    assertArrayEquals(filled(33, 2f), Arrays.copyOfRange(b.array(), b.offset(), b.offset() + 33));
  }

  @Test
  void aFullChunkStartsANewOneAndLargeWeightsGetTheirOwnArray() {
    WeightStore store = new WeightStore();
    WeightStore.Slice a = store.place(new float[WeightStore.CHUNK_FLOATS / 2 - 64]);
    WeightStore.Slice b = store.place(new float[WeightStore.CHUNK_FLOATS / 2 - 64]);
    WeightStore.Slice c = store.place(new float[WeightStore.CHUNK_FLOATS / 2 - 64]);
    assertSame(a.array(), b.array());
    assertNotSame(b.array(), c.array());
    assertEquals(ArrayAlignment.leadFloats(), c.offset());
    WeightStore.Slice big = store.place(filled(WeightStore.CHUNK_FLOATS, 3f));
    assertEquals(WeightStore.CHUNK_FLOATS + ArrayAlignment.leadFloats(), big.array().length);
    assertEquals(3f, big.array()[big.offset() + WeightStore.CHUNK_FLOATS - 1]);
  }

  @Test
  void aSmallModelGetsASmallChunk() {
    WeightStore store = new WeightStore(10_000);
    WeightStore.Slice a = store.place(new float[9_000]);
    assertEquals(WeightStore.MIN_CHUNK_FLOATS, a.array().length);
    WeightStore large = new WeightStore(100L << 20);
    assertEquals(WeightStore.CHUNK_FLOATS, large.place(new float[5]).array().length);
  }
}
