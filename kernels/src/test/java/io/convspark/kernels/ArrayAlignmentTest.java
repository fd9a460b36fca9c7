package io.convspark.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ArrayAlignmentTest {
  @Test
  void leadSkipsTheArrayHeaderToA64ByteBoundary() {
    assertEquals(12, ArrayAlignment.leadFor(16)); // JDK 17 and 25 defaults
    assertEquals(13, ArrayAlignment.leadFor(12)); // compact object headers
    assertEquals(0, ArrayAlignment.leadFor(64));
    assertEquals(0, ArrayAlignment.leadFor(18)); // not float-aligned: no lead helps
    assertTrue(ArrayAlignment.leadFloats() < ArrayAlignment.VECTOR_FLOATS);
  }

  @Test
  void roundUpGoesToWholeVectors() {
    assertEquals(0, ArrayAlignment.roundUp(0));
    assertEquals(16, ArrayAlignment.roundUp(1));
    assertEquals(16, ArrayAlignment.roundUp(16));
    assertEquals(1008, ArrayAlignment.roundUp(1000));
  }
}
