package io.convspark.image;

import static io.convspark.image.TestImages.encode;
import static io.convspark.image.TestImages.identity;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.image.ImageException.Code;
import io.convspark.testing.TestData;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;

/** Every bad input is a per-row {@link ImageException} with its own code; dst is untouched. */
class ImageErrorTest {
  private static final ImagePreprocessor PRE =
      new ImagePreprocessor(PreprocessOptions.imageNet());

  private static ImageException encoded(byte[] bytes) {
    float[] dst = new float[PRE.floatsPerImage()];
    Arrays.fill(dst, 42f);
    ImageException e = assertThrows(ImageException.class,
        () -> PRE.fromEncoded(bytes, 0, bytes == null ? 0 : bytes.length, dst, 0));
    for (float v : dst) {
      assertEquals(42f, v, "dst must be unchanged on error");
    }
    assertTrue(e.getMessage().startsWith("cannot "), e.getMessage());
    return e;
  }

  private static ImageException struct(int h, int w, int c, int mode, byte[] data) {
    float[] dst = new float[PRE.floatsPerImage()];
    return assertThrows(ImageException.class,
        () -> PRE.fromImageStruct(h, w, c, mode, data, dst, 0));
  }

  private static byte[] shared(String name) throws Exception {
    return Files.readAllBytes(TestData.sharedData().resolve("images").resolve(name));
  }

  @Test
  void nullAndEmpty() {
    assertEquals(Code.NULL_INPUT, encoded(null).code());
    ImageException e = encoded(new byte[0]);
    assertEquals(Code.EMPTY_INPUT, e.code());
    assertEquals("input", e.stage());
  }

  @Test
  void textHtmlAndRandomBytesAreUnsupportedFormats() {
    assertEquals(Code.UNSUPPORTED_FORMAT,
        encoded("hello, world\n".getBytes(StandardCharsets.UTF_8)).code());
    assertEquals(Code.UNSUPPORTED_FORMAT,
        encoded("<html><body>BM</body></html>".getBytes(StandardCharsets.UTF_8)).code());
    byte[] random = new byte[4096];
    new Random(20240601L).nextBytes(random);
    random[0] = 0x13;
    ImageException e = encoded(random);
    assertEquals(Code.UNSUPPORTED_FORMAT, e.code());
    assertTrue(e.getMessage().contains("13"), e.getMessage()); // shows the first bytes
    assertEquals(Code.UNSUPPORTED_FORMAT,
        encoded("BMxx".getBytes(StandardCharsets.US_ASCII)).code());
  }

  @Test
  void knownButUnsupportedFormats() {
    assertEquals(Code.UNSUPPORTED_FORMAT, encoded(new byte[] {'I', 'I', 42, 0, 8, 0, 0, 0})
        .code());
    byte[] webp = "RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII);
    assertEquals(Code.UNSUPPORTED_FORMAT, encoded(webp).code());
  }

  @Test
  void truncatedSignaturesAndHeaders() throws Exception {
    assertEquals(Code.TRUNCATED, encoded(new byte[] {(byte) 0x89, 'P', 'N'}).code());
    assertEquals(Code.TRUNCATED, encoded(new byte[] {(byte) 0xFF, (byte) 0xD8}).code());
    byte[] png = shared("chelsea.png");
    assertEquals(Code.TRUNCATED, encoded(Arrays.copyOf(png, 20)).code()); // inside IHDR
  }

  @Test
  void truncatedPngPixelData() throws Exception {
    byte[] png = shared("chelsea.png");
    for (int pct : new int[] {10, 50, 99}) {
      ImageException e = encoded(Arrays.copyOf(png, png.length * pct / 100));
      assertEquals(Code.TRUNCATED, e.code(), pct + "%: " + e.getMessage());
      assertEquals("decode", e.stage());
    }
  }

  @Test
  void truncatedJpeg() throws Exception {
    byte[] jpg = shared("rocket.jpg");
    for (int pct : new int[] {10, 50, 99}) {
      ImageException e = encoded(Arrays.copyOf(jpg, jpg.length * pct / 100));
      assertEquals(Code.TRUNCATED, e.code(), pct + "%: " + e.getMessage());
    }
  }

  @Test
  void corruptPngData() throws Exception {
    byte[] png = encode(TestImages.rgb(64, 64, (x, y) -> x * 4 << 16 | y * 4), "png");
    byte[] bad = png.clone();
    for (int i = 60; i < bad.length - 20; i++) { // inside IDAT: break the deflate stream
      bad[i] = (byte) 0xFF;
    }
    assertEquals(Code.CORRUPT, encoded(bad).code());
    byte[] badDepth = TestImages.pngHeaderOnly(4, 4, 7, 0); // bit depth 7 does not exist
    assertEquals(Code.CORRUPT, encoded(badDepth).code());
  }

  @Test
  void pngHeaderDeclaring100000x100000IsTooLargeWithoutDecoding() {
    byte[] bomb = TestImages.pngHeaderOnly(100_000, 100_000, 8, 2);
    ImageException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> encoded(bomb));
    assertEquals(Code.IMAGE_TOO_LARGE, e.code());
    assertEquals("header", e.stage());
    assertTrue(e.getMessage().contains("100000x100000 = 10000000000 pixels"), e.getMessage());
    // 65536 x 65536 overflows int arithmetic to 0; long arithmetic still refuses it
    assertEquals(Code.IMAGE_TOO_LARGE,
        encoded(TestImages.pngHeaderOnly(65536, 65536, 8, 0)).code());
  }

  @Test
  void headerOnlyBombUnderPixelCapIsRefusedByRatio() {
    byte[] bomb = TestImages.pngHeaderOnly(4000, 4000, 8, 2); // 16 Mpx < 64 Mpx, 57 bytes
    ImageException e = encoded(bomb);
    assertEquals(Code.IMAGE_TOO_LARGE, e.code());
    assertTrue(e.getMessage().contains("maxDecodedToFileRatio"), e.getMessage());
  }

  @Test
  void maxPixelsIsConfigurable() throws Exception {
    byte[] png = shared("palette_color.png"); // 10x10
    ImagePreprocessor tight = new ImagePreprocessor(
        PreprocessOptions.imageNet().withLimits(99, Double.POSITIVE_INFINITY));
    float[] dst = new float[tight.floatsPerImage()];
    assertEquals(Code.IMAGE_TOO_LARGE, assertThrows(ImageException.class,
        () -> tight.fromEncoded(png, 0, png.length, dst, 0)).code());
  }

  @Test
  void cmykJpegIsAnUnsupportedColourModel() throws Exception {
    WritableRaster r = Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 16,
        16, 4, null);
    ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      w.setOutput(ios);
      w.write(new IIOImage(r, null, null)); // 4 components, no JFIF: read back as CMYK
    } finally {
      w.dispose();
    }
    ImageException e = encoded(out.toByteArray());
    assertEquals(Code.UNSUPPORTED_COLOR_MODEL, e.code(), e.getMessage());
  }

  @Test
  void structSizeMismatchShortAndLong() {
    ImageException e = struct(2, 3, 3, 16, new byte[17]);
    assertEquals(Code.SHAPE_MISMATCH, e.code());
    assertEquals("struct", e.stage());
    assertTrue(e.getMessage().contains("17 bytes") && e.getMessage().contains("= 18"),
        e.getMessage());
    assertEquals(Code.SHAPE_MISMATCH, struct(2, 3, 3, 16, new byte[19]).code());
  }

  @Test
  void structBadChannelsModeAndSizes() {
    ImageException e = struct(2, 2, 2, 8, new byte[8]);
    assertEquals(Code.INVALID_IMAGE_STRUCT, e.code());
    assertTrue(e.getMessage().contains("[1, 3, 4]"), e.getMessage());
    // CV_8UC3 with 4 channels
    assertEquals(Code.INVALID_IMAGE_STRUCT, struct(2, 2, 4, 16, new byte[16]).code());
    // Spark's invalidImageRow
    assertEquals(Code.INVALID_IMAGE_STRUCT, struct(-1, -1, -1, -1, new byte[0]).code());
    assertEquals(Code.INVALID_IMAGE_STRUCT, struct(0, 5, 3, 16, new byte[0]).code());
    assertEquals(Code.NULL_INPUT, struct(2, 2, 3, 16, null).code());
    // 65536 x 65536 x 3 overflows int; the long product still mismatches
    assertEquals(Code.SHAPE_MISMATCH, struct(65536, 65536, 1, 0, new byte[0]).code());
  }

  @Test
  void callerBugsAreUncheckedExceptions() {
    byte[] png = encode(TestImages.gray(1, 1, (x, y) -> 0), "png");
    ImagePreprocessor p = new ImagePreprocessor(identity(2, 2, 1, ChannelOrder.RGB));
    assertThrows(IndexOutOfBoundsException.class,
        () -> p.fromEncoded(png, 0, png.length, new float[5], 2));
    assertThrows(IndexOutOfBoundsException.class,
        () -> p.fromEncoded(png, 1, png.length, new float[4], 0));
    assertThrows(NullPointerException.class, () -> p.fromEncoded(png, 0, png.length, null, 0));
  }

  @Test
  void offsetSliceOfALargerArrayDecodes() throws Exception {
    byte[] png = encode(TestImages.gray(1, 1, (x, y) -> 77), "png");
    byte[] padded = new byte[png.length + 10];
    System.arraycopy(png, 0, padded, 3, png.length);
    float[] dst = new float[1];
    new ImagePreprocessor(identity(1, 1, 1, ChannelOrder.RGB))
        .fromEncoded(padded, 3, png.length, dst, 0);
    assertArrayEquals(new float[] {77}, dst);
  }

  @Test
  void manySmallDecodesDoNotLeakOrFail() throws Exception {
    BufferedImage img = TestImages.rgb(8, 8, (x, y) -> x << 16 | y);
    byte[] png = encode(img, "png");
    byte[] jpg = TestImages.jpeg(img, 0.9f);
    ImagePreprocessor p = new ImagePreprocessor(identity(4, 4, 3, ChannelOrder.RGB));
    float[] dst = new float[p.floatsPerImage()];
    for (int i = 0; i < 2000; i++) {
      p.fromEncoded(png, 0, png.length, dst, 0);
      p.fromEncoded(jpg, 0, jpg.length, dst, 0);
    }
  }
}
