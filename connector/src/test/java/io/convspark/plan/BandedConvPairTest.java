package io.convspark.plan;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.testing.CnnBuilder;
import io.convspark.testing.OnnxModelBuilder;
import io.convspark.testing.OrtRunner;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Conv pairs run band by band give ONNX Runtime's output: producer and consumer kernels,
 * strides, groups and band heights of 1, 2 and more rows over odd image sizes, with and
 * without a residual on the consumer. The size threshold is lowered to 0 so small models band.
 */
class BandedConvPairTest {
  static Stream<Arguments> pairs() {
    return Stream.of(
        // name, producer kernel, consumer kernel, stride, groups, H, W, C, residual
        Arguments.of("1x1 -> 3x3/2 g2 (RegNetX)", 1, 3, 2, 2, 29, 23, 20, true),
        Arguments.of("3x3 -> 3x3/1", 3, 3, 1, 1, 17, 19, 24, true),
        Arguments.of("1x1 -> depthwise 3x3/1", 1, 3, 1, 32, 31, 13, 32, true),
        Arguments.of("1x1 -> depthwise 3x3/2", 1, 3, 2, 24, 27, 9, 24, false),
        Arguments.of("1x1 -> 5x5/2", 1, 5, 2, 1, 21, 11, 18, true),
        Arguments.of("3x3 -> 1x1/2 (rows skipped)", 3, 1, 2, 1, 15, 14, 17, false),
        Arguments.of("3x3 -> 3x3/1 unpadded", 3, 3, 1, 1, 12, 10, 16, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pairs")
  void bandedPairsMatchOnnxRuntime(String name, int kp, int k, int s, int g, int h, int w, int c,
      boolean residual) {
    byte[] onnx = model(kp, k, s, g, h, w, c, residual, name.endsWith("unpadded"));
    int batch = 2;
    float[] nchw = OnnxModelBuilder.random(h * 7L + w, batch * 3 * h * w);
    float[] ref = OrtRunner.run(onnx, nchw, new long[] {batch, 3, h, w}, 0);
    float[] nhwc = Layouts.nchwToNhwc(nchw, batch, 3, h, w);
    for (String kib : new String[] {"0", "1", "4", "64"}) {
      ConvModel m = compile(onnx, "0", kib);
      assertTrue(m.compiled().layerTable().stream().anyMatch(r -> r[4].startsWith("banded"))
          || kib.equals("64"), name + ": no pair was banded with " + kib + " KiB bands");
      for (int threads = 1; threads <= 2; threads++) {
        try (ModelSession session = m.newSession(threads)) {
          OrtRunner.assertCloseToReference(name + ", " + kib + " KiB bands, " + threads
              + " thread(s)", ref, session.run(nhwc, batch)[0], 1e-4);
        }
      }
    }
  }

  /**
   * x -> a = conv3x3(x) -> b = conv kp x kp(a) -> c = conv k x k / s (b), the pair (b, c);
   * a has a second reader (a 1x1/s shortcut added to c, or the output), so (a, b) stays apart.
   */
  private static byte[] model(int kp, int k, int s, int g, int h, int w, int c,
      boolean residual, boolean unpadded) {
    CnnBuilder n = new CnnBuilder(13, 5, "x", -1, 3, h, w);
    String a = n.relu(n.conv("x", 3, c, 3, 1, 1, 1));
    String b = n.relu(n.conv(a, c, c, kp, 1, unpadded ? 0 : kp / 2, 1));
    String y = n.conv(b, c, c, k, s, unpadded ? 0 : k / 2, g);
    if (residual) {
      return n.output(n.relu(n.binary("Add", y, n.conv(a, c, c, 1, s, 0, 1)))).toBytes();
    }
    return n.output(n.relu(y)).output(a).toBytes(); // output 0 is the pair's
  }

  private static ConvModel compile(byte[] onnx, String minKib, String bandKib) {
    String oldMin = System.getProperty(BandedConvPair.MIN_KIB_PROPERTY);
    String oldBand = System.getProperty(BandedConvPair.BAND_KIB_PROPERTY);
    System.setProperty(BandedConvPair.MIN_KIB_PROPERTY, minKib);
    System.setProperty(BandedConvPair.BAND_KIB_PROPERTY, bandKib);
    try {
      return ConvModel.load(onnx, null);
    } finally {
      restore(BandedConvPair.MIN_KIB_PROPERTY, oldMin);
      restore(BandedConvPair.BAND_KIB_PROPERTY, oldBand);
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }
}
