package io.convspark.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class PreprocessOptionsTest {
  private static final float[] ONE3 = {1, 1, 1};
  private static final float[] ZERO3 = {0, 0, 0};

  private static void rejects(String fragment, Executable e) {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
    assertTrue(x.getMessage().startsWith("cannot ") && x.getMessage().contains(fragment),
        x.getMessage());
  }

  @Test
  void validatesEveryField() {
    rejects("0x5", () -> PreprocessOptions.scale(0, 5, 3, ResizeMode.STRETCH, 0,
        ChannelOrder.RGB, ONE3, ZERO3));
    rejects("[1, 3]", () -> PreprocessOptions.scale(5, 5, 2, ResizeMode.STRETCH, 0,
        ChannelOrder.RGB, new float[2], new float[2]));
    rejects("at least 224", () -> PreprocessOptions.scale(224, 224, 3,
        ResizeMode.SHORTER_SIDE_CENTER_CROP, 200, ChannelOrder.RGB, ONE3, ZERO3));
    rejects("pass 0", () -> PreprocessOptions.scale(5, 5, 3, ResizeMode.STRETCH, 8,
        ChannelOrder.RGB, ONE3, ZERO3));
    rejects("expected 3 values", () -> PreprocessOptions.scale(5, 5, 3, ResizeMode.STRETCH, 0,
        ChannelOrder.RGB, new float[1], ZERO3));
    rejects("must be finite", () -> PreprocessOptions.scale(5, 5, 3, ResizeMode.STRETCH, 0,
        ChannelOrder.RGB, ONE3, new float[] {0, Float.NaN, 0}));
    rejects("std[1] 0.0", () -> PreprocessOptions.meanStd(5, 5, 3, ResizeMode.STRETCH, 0,
        ChannelOrder.RGB, ZERO3, new float[] {1, 0, 1}));
    rejects("maxPixels", () -> PreprocessOptions.imageNet().withLimits(0, 1));
    rejects("maxDecodedToFileRatio", () -> PreprocessOptions.imageNet().withLimits(1,
        Double.NaN));
    rejects("floats per image", () -> PreprocessOptions.scale(50_000, 50_000, 3,
        ResizeMode.STRETCH, 0, ChannelOrder.RGB, ONE3, ZERO3));
    assertThrows(NullPointerException.class, () -> PreprocessOptions.scale(5, 5, 3, null, 0,
        ChannelOrder.RGB, ONE3, ZERO3));
  }

  @Test
  void arraysAreCopiedAndValueEquality() {
    float[] mul = {1, 2, 3};
    PreprocessOptions a = PreprocessOptions.scale(4, 4, 3, ResizeMode.STRETCH, 0,
        ChannelOrder.RGB, mul, ZERO3);
    mul[0] = 99;
    a.mul()[1] = 99;
    assertEquals(1f, a.mul()[0]);
    assertEquals(2f, a.mul()[1]);
    assertEquals(a, PreprocessOptions.scale(4, 4, 3, ResizeMode.STRETCH, 0, ChannelOrder.RGB,
        new float[] {1, 2, 3}, ZERO3));
    assertEquals(48, a.floatsPerImage());
    assertEquals(224 * 224 * 3, new ImagePreprocessor(PreprocessOptions.imageNet())
        .floatsPerImage());
  }
}
