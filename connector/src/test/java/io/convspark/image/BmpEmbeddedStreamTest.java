package io.convspark.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzer findings: BMPs whose compression is BI_PNG with a garbled embedded PNG kept the JDK's
 * reader busy for minutes per row. They are refused from the header now.
 */
class BmpEmbeddedStreamTest {
  private static final String DIR = "/io/convspark/fuzz/ImageDecodeFuzzTestInputs/"
      + "decodeImageBytes/";

  @ParameterizedTest
  @ValueSource(strings = {"regression-bmp-embedded-png-minutes",
      "regression-bmp-embedded-png-timeout"})
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void embeddedPngInBmpIsRefusedFromTheHeader(String name) throws IOException {
    byte[] bmp;
    try (InputStream in = BmpEmbeddedStreamTest.class.getResourceAsStream(DIR + name)) {
      bmp = in.readAllBytes();
    }
    ImagePreprocessor p = new ImagePreprocessor(PreprocessOptions.imageNet());
    float[] out = new float[p.floatsPerImage()];
    long t0 = System.nanoTime();
    ImageException e = assertThrows(ImageException.class,
        () -> p.fromEncoded(bmp, 0, bmp.length, out, 0));
    assertEquals(ImageException.Code.UNSUPPORTED_FORMAT, e.code());
    assertEquals("header", e.stage());
    assertTrue(e.getMessage().contains("compression 5 (BI_PNG"), e.getMessage());
    assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "decided from the header");
  }
}
