package io.convspark.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.convspark.kernels.internal.KernelSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** 8-bit pixels to 3 floats against the formula, bit for bit, on every provider. */
class PixelConversionTest {
  private static final int[][] ORDERS = {{2, 1, 0}, {0, 1, 2}, {1, 2, 0}, {2, 0, 1}, {0, 2, 1},
      {1, 0, 2}};
  /** Other pixel strides (BGRA, gray replicated) and their channel picks; only 3 vectorizes. */
  private static final int[][] OTHER = {{4, 2, 1, 0}, {4, 3, 1, 0}, {1, 0, 0, 0}};
  // Short rows, rows around a vector pass (48 floats at 16 lanes), a 224 row, a long odd run.
  private static final int[] PIXELS = {0, 1, 2, 5, 16, 17, 18, 33, 49, 224, 1001};

  static List<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (Named<KernelSupport> ks : ConformanceSupport.providers()) {
      for (int[] order : ORDERS) {
        for (int pixels : PIXELS) {
          cases.add(Arguments.of(ks, 3, order, pixels));
        }
      }
      for (int[] o : OTHER) {
        for (int pixels : PIXELS) {
          cases.add(Arguments.of(ks, o[0], new int[] {o[1], o[2], o[3]}, pixels));
        }
      }
    }
    return cases;
  }

  @ParameterizedTest(name = "{0} stride {1} from {2} pixels {3}")
  @MethodSource("cases")
  void matchesTheFormula(KernelSupport ks, int stride, int[] from, int pixels) {
    SplittableRandom r = new SplittableRandom(31L * pixels + from[0]);
    float[] mul = {1 / (255 * 0.229f), 1 / (255 * 0.224f), 1 / (255 * 0.225f)};
    float[] add = {-0.485f / 0.229f, -0.456f / 0.224f, -0.406f / 0.225f};
    // An odd source offset, and the run ending at the array's last byte (loads near the end).
    int srcOff = 7;
    byte[] src = new byte[srcOff + stride * pixels];
    r.nextBytes(src);
    int outOff = 5;
    float[] out = new float[outOff + 3 * pixels + 4];
    java.util.Arrays.fill(out, Float.NaN);
    ks.elementwise().bytesToFloats3(src, srcOff, pixels, stride, from, mul, add, out, outOff);
    float[] expected = out.clone();
    for (int x = 0; x < pixels; x++) {
      for (int c = 0; c < 3; c++) {
        expected[outOff + 3 * x + c] =
            (src[srcOff + stride * x + from[c]] & 0xFF) * mul[c] + add[c];
      }
    }
    assertArrayEquals(expected, out, 0f);
    for (int i = 0; i < outOff; i++) {
      assertEquals(Float.NaN, out[i], "wrote before the range at " + i);
    }
    for (int i = outOff + 3 * pixels; i < out.length; i++) {
      assertEquals(Float.NaN, out[i], "wrote after the range at " + i);
    }
  }

  @Test
  void everyByteValueConvertsExactly() {
    byte[] src = new byte[3 * 256];
    for (int v = 0; v < 256; v++) {
      src[3 * v] = (byte) v;
      src[3 * v + 1] = (byte) (255 - v);
      src[3 * v + 2] = (byte) (v * 7);
    }
    float[] out = new float[3 * 256];
    PixelConversion.bytesToFloats3(src, 0, 256, 3, new int[] {2, 1, 0}, new float[] {1, 1, 1},
        new float[] {0, 0, 0}, out, 0);
    for (int v = 0; v < 256; v++) {
      assertEquals((v * 7) & 0xFF, out[3 * v]);
      assertEquals(255 - v, out[3 * v + 1]);
      assertEquals(v, out[3 * v + 2]);
    }
  }

  @Test
  void rejectsBadArguments() {
    byte[] src = new byte[30];
    float[] out = new float[30];
    float[] one = {1, 1, 1};
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PixelConversion.bytesToFloats3(src, 0, 10, 3, new int[] {0, 3, 1}, one, one, out,
            0));
    assertEquals("cannot convert pixels: from[1] = 3, must be in [0, 3)", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> PixelConversion.bytesToFloats3(src, 0, 10, 3, new int[] {0, 1}, one, one, out, 0));
    assertThrows(IllegalArgumentException.class,
        () -> PixelConversion.bytesToFloats3(src, 0, 10, 0, new int[] {0, 0, 0}, one, one, out,
            0));
    assertThrows(IndexOutOfBoundsException.class,
        () -> PixelConversion.bytesToFloats3(src, 1, 10, 3, new int[] {0, 1, 2}, one, one, out,
            0));
    assertThrows(IndexOutOfBoundsException.class,
        () -> PixelConversion.bytesToFloats3(src, 0, 10, 3, new int[] {0, 1, 2}, one, one, out,
            1));
    // The last pixel needs only the bytes it reads: 7 BGRx pixels, the last one 3 bytes long.
    float[] seven = new float[21];
    PixelConversion.bytesToFloats3(new byte[27], 0, 7, 4, new int[] {2, 1, 0}, one, one, seven,
        0);
    assertThrows(IndexOutOfBoundsException.class,
        () -> PixelConversion.bytesToFloats3(new byte[26], 0, 7, 4, new int[] {2, 1, 0}, one,
            one, seven, 0));
  }
}
