package io.convspark.hostile;

import static io.convspark.hostile.EncodedImages.animatedGif;
import static io.convspark.hostile.EncodedImages.ascii;
import static io.convspark.hostile.EncodedImages.chunk;
import static io.convspark.hostile.EncodedImages.cmykJpeg;
import static io.convspark.hostile.EncodedImages.concat;
import static io.convspark.hostile.EncodedImages.encode;
import static io.convspark.hostile.EncodedImages.exifApp1;
import static io.convspark.hostile.EncodedImages.indexOf;
import static io.convspark.hostile.EncodedImages.insert;
import static io.convspark.hostile.EncodedImages.jpeg;
import static io.convspark.hostile.EncodedImages.png;
import static io.convspark.hostile.EncodedImages.pngInterlaced;
import static io.convspark.hostile.EncodedImages.rgb;
import static io.convspark.hostile.EncodedImages.rowsOf;
import static io.convspark.hostile.EncodedImages.segment;
import static io.convspark.hostile.EncodedImages.set;
import static io.convspark.hostile.EncodedImages.smallPng;
import static io.convspark.hostile.EncodedImages.withAdobeTransform;
import static io.convspark.hostile.MalformedImages.bmpHeader;
import static io.convspark.hostile.MalformedImages.flipIdatCrc;
import static io.convspark.hostile.MalformedImages.gifHeader;
import static io.convspark.hostile.MalformedImages.ihdr;
import static io.convspark.hostile.MalformedImages.pngHeaderOnly;
import static io.convspark.hostile.MalformedImages.replace;
import static io.convspark.hostile.MalformedImages.withJpegSize;
import static io.convspark.hostile.MalformedImages.withoutChunk;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.image.ChannelOrder;
import io.convspark.image.ImageException;
import io.convspark.image.ImageException.Code;
import io.convspark.image.ImagePreprocessor;
import io.convspark.image.PreprocessOptions;
import io.convspark.image.ResizeMode;
import io.convspark.spark.ConvModelTransformer;
import io.convspark.testing.TestData;
import io.convspark.testing.WithSpark;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import scala.runtime.AbstractFunction1;

/**
 * Hostile encoded images, docs/hostile-inputs.md section 5.3 (I1-I17): each case is a row
 * error with its code or a documented decode, decided per row; a Spark job with the case
 * among good rows completes where the table says "executor survives" or "never a task
 * failure". The images are built in memory by {@link EncodedImages} and
 * {@link MalformedImages}.
 */
@WithSpark
class HostileImageTest {

  // ---- I1 - I3: empty, not an image, truncated -------------------------------------------

  @Test
  @Timeout(10)
  @DisplayName("I1 null and zero-length bytes are NULL_INPUT and EMPTY_INPUT")
  void i01_nullAndEmptyBytes() {
    ImageException nul = refused(null);
    assertEquals(Code.NULL_INPUT, nul.code());
    assertEquals("input", nul.stage());
    ImageException empty = refused(new byte[0]);
    assertEquals(Code.EMPTY_INPUT, empty.code());
    assertEquals("input", empty.stage());
  }

  @Test
  @Timeout(10)
  @DisplayName("I2 text, HTML, a PDF and an .onnx file are UNSUPPORTED_FORMAT")
  void i02_nonImagesAreUnsupportedFormat() throws Exception {
    byte[] onnx = io.convspark.testing.Models.resnetStyle(16); // an ONNX protobuf
    List<byte[]> inputs = List.of(ascii("hello, world\n"),
        ascii("<!DOCTYPE html><html><body><img src=x.png></body></html>"),
        ascii("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"), onnx);
    for (byte[] b : inputs) {
      ImageException e = refused(b);
      assertEquals(Code.UNSUPPORTED_FORMAT, e.code(), e.getMessage());
      assertEquals("header", e.stage());
      assertTrue(e.getMessage().contains("no JPEG, PNG, GIF or BMP signature"), e.getMessage());
    }
  }

  @Test
  @Timeout(20)
  @DisplayName("I3 truncated JPEG/PNG, JPEG without EOI, JPEG with 2 SOF markers: strict")
  void i03_truncatedAndDoubleSof() throws Exception {
    byte[] png = shared("chelsea.png");
    byte[] jpg = shared("rocket.jpg");
    for (int pct : new int[] {10, 50, 99}) {
      assertEquals(Code.TRUNCATED, refused(Arrays.copyOf(png, png.length * pct / 100)).code(),
          "png " + pct + "%");
      assertEquals(Code.TRUNCATED, refused(Arrays.copyOf(jpg, jpg.length * pct / 100)).code(),
          "jpeg " + pct + "%");
    }
    assertEquals(0xD9, jpg[jpg.length - 1] & 0xFF, "rocket.jpg ends with EOI");
    ImageException noEoi = refused(Arrays.copyOf(jpg, jpg.length - 2));
    assertEquals(Code.TRUNCATED, noEoi.code(), noEoi.getMessage());
    assertTrue(noEoi.getMessage().contains("no EOI marker"), noEoi.getMessage());
    byte[] trailing = concat(jpg, new byte[64]); // bytes after EOI: allowed
    assertArrayEquals(decode(identity(8, 8), jpg), decode(identity(8, 8), trailing));
    int sof = indexOf(jpg, new byte[] {(byte) 0xFF, (byte) 0xC0}, 2);
    int sofLen = 2 + ((jpg[sof + 2] & 0xFF) << 8 | jpg[sof + 3] & 0xFF);
    byte[] twoSof = insert(jpg, sof + sofLen, Arrays.copyOfRange(jpg, sof, sof + sofLen));
    ImageException e = refused(twoSof);
    assertEquals(Code.CORRUPT, e.code(), e.getMessage());
    assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains("sof"), e.getMessage());
  }

  // ---- I4: the PngSuite corrupt set, rebuilt ---------------------------------------------

  @Test
  @Timeout(20)
  @DisplayName("I4 the 14 PngSuite corrupt files (rebuilt) are all row errors")
  void i04_pngSuiteCorruptSet() throws Exception {
    byte[] g01 = png(32, 32, 1, 0, 0, rowsOf(32, 32, 1, 1, (x, y, c) -> (x + y) & 1));
    byte[] g04 = png(32, 32, 4, 0, 0, rowsOf(32, 32, 1, 4, (x, y, c) -> (x + y) & 15));
    byte[] g08 = png(32, 32, 8, 0, 0, rowsOf(32, 32, 1, 8, (x, y, c) -> x * 8 + y));
    byte[] c08 = png(32, 32, 8, 2, 0, rowsOf(32, 32, 3, 8, (x, y, c) -> x * 8 + c * 40));
    for (byte[] base : List.of(g01, g04, g08, c08)) {
      decode(identity(32, 32), base); // the originals are valid: the damage is what fails
    }
    int ihdrCrc = 8 + 8 + 13; // signature, IHDR length+type, IHDR data
    record Bad(String name, byte[] bytes, Code code) {}
    List<Bad> suite = List.of(
        new Bad("xs1n0g01", set(g01, 0, 0x09), Code.UNSUPPORTED_FORMAT), // MSBit reset
        new Bad("xs2n0g01", set(g01, 1, 'Q'), Code.UNSUPPORTED_FORMAT),
        new Bad("xs4n0g01", set(g01, 3, 'g'), Code.UNSUPPORTED_FORMAT),
        new Bad("xs7n0g01", set(g01, 6, ' '), Code.UNSUPPORTED_FORMAT),
        new Bad("xcrn0g04", replace(g04, "\n", "\r\n"), Code.UNSUPPORTED_FORMAT), // unix2dos
        new Bad("xlfn0g04", replace(g04, "\r", "\r\n"), Code.UNSUPPORTED_FORMAT),
        new Bad("xcsn0g01", flipIdatCrc(g01), Code.CORRUPT),
        new Bad("xhdn0g08", set(g08, ihdrCrc, g08[ihdrCrc] ^ 0x55), Code.CORRUPT),
        new Bad("xc1n0g08", ihdr(g08, 8, 1), Code.CORRUPT),
        new Bad("xc9n2c08", ihdr(c08, 8, 9), Code.CORRUPT),
        new Bad("xd0n2c08", ihdr(c08, 0, 2), Code.CORRUPT),
        new Bad("xd3n2c08", ihdr(c08, 3, 2), Code.CORRUPT),
        new Bad("xd9n2c08", ihdr(c08, 99, 2), Code.CORRUPT),
        new Bad("xdtn0g01", withoutChunk(g01, "IDAT"), Code.CORRUPT));
    assertEquals(14, suite.size());
    for (Bad b : suite) {
      ImageException e = assertThrows(ImageException.class,
          () -> decode(identity(32, 32), b.bytes()), b.name() + " must not decode");
      assertEquals(b.code(), e.code(), b.name() + ": " + e.getMessage());
    }
  }

  // ---- I5 - I7: bombs, int overflow, ratio ----------------------------------------------

  @Test
  @Timeout(30)
  @DisplayName("I5 65535x65535 PNG/GIF/JPEG/BMP headers: IMAGE_TOO_LARGE from the header")
  void i05_decompressionBombRejectedFromHeader(SparkSession spark) throws Exception {
    byte[] pngBomb = pngHeaderOnly(65535, 65535, 8, 2);
    byte[] gifBomb = gifHeader(65535, 65535);
    byte[] jpg = jpeg(rgb(16, 16, (x, y) -> 0x336699), 0.9f);
    byte[] jpegBomb = withJpegSize(jpg, 65500, 65500); // libjpeg's largest side
    byte[] jpegOverLibjpeg = withJpegSize(jpg, 65535, 65535);
    byte[] bmpBomb = bmpHeader(65535, 65535, 24);
    String overCap = "65535x65535 = 4294836225 pixels, more than maxPixels "
        + PreprocessOptions.DEFAULT_MAX_PIXELS;
    record Bomb(String name, byte[] bytes, String why) {}
    List<Bomb> bombs = List.of(new Bomb("png", pngBomb, overCap),
        new Bomb("gif", gifBomb, overCap), new Bomb("bmp", bmpBomb, overCap),
        new Bomb("jpeg", jpegBomb, "65500x65500 = 4290250000 pixels, more than maxPixels"),
        new Bomb("jpeg 65535", jpegOverLibjpeg, "Maximum supported image dimension is 65500"));
    for (Bomb bomb : bombs) {
      assertTrue(bomb.bytes().length < 1000, "a tiny file: " + bomb.bytes().length + " bytes");
      refused(bomb.bytes()); // warm up: ImageIO's registry, class loading
      long bytes0 = allocatedBytes();
      long t0 = System.nanoTime();
      ImageException e = refused(bomb.bytes());
      long millis = (System.nanoTime() - t0) / 1_000_000;
      long allocated = allocatedBytes() - bytes0;
      assertEquals(Code.IMAGE_TOO_LARGE, e.code(), bomb.name() + ": " + e.getMessage());
      assertEquals("header", e.stage(), bomb.name());
      assertTrue(e.getMessage().contains(bomb.why()), e.getMessage());
      assertTrue(millis < 1000, bomb.name() + " decided in " + millis + " ms");
      assertTrue(allocated < 1L << 20, bomb.name() + " allocated " + allocated + " bytes");
    }
    // Declared sizes inside the file that a reader would allocate from: a PNG chunk of 1 GiB
    // (metadata-extractor #273) and a BMP pixel-data offset of 2 GiB (the JDK's BMP reader
    // sizes its palette from it). Both are refused before the reader runs.
    byte[] hugeChunk = insert(smallPng(), 33, concat(ByteBuffer.allocate(4).putInt(1 << 30)
        .array(), ascii("tEXt")));
    byte[] hugeOffset = bmpHeader(4, 4, 8);
    ByteBuffer.wrap(hugeOffset).order(ByteOrder.LITTLE_ENDIAN).putInt(10, 0x7FFFFFF0);
    for (byte[] b : List.of(hugeChunk, hugeOffset)) {
      refused(b);
      long bytes0 = allocatedBytes();
      ImageException e = refused(b);
      assertTrue(allocatedBytes() - bytes0 < 1L << 20, "no allocation from a declared size");
      assertTrue(e.getMessage().contains(b == hugeChunk ? "a chunk of 1073741824 bytes"
          : "pixel data offset 2147483632"), e.getMessage());
    }
    // executor survives: the bombs are row errors among good rows of one job
    List<Row> out = HostileRowTest.inferEncoded(spark, List.of(smallPng(), pngBomb, gifBomb,
        jpegBomb, bmpBomb, jpegOverLibjpeg, smallPng()));
    HostileRowTest.assertGood(out.get(0));
    for (int i = 1; i <= 5; i++) {
      HostileRowTest.assertRowErr(out.get(i), Code.IMAGE_TOO_LARGE);
    }
    HostileRowTest.assertGood(out.get(6));
    // W x H over a configured cap, through the Spark ML transformer's params
    ConvModelTransformer t = new ConvModelTransformer(HostileRowTest.model());
    t.set(t.inputCol(), "value");
    t.set(t.maxPixels(), 200L);
    List<Row> capped = HostileRowTest.collect(spark, DataTypes.BinaryType, List.of(smallPng(),
        encode(rgb(20, 10, (x, y) -> x), "png")), new AbstractFunction1<>() {
          @Override
          public Dataset<Row> apply(Dataset<Row> df) {
            return t.transform(df);
          }
        });
    HostileRowTest.assertRowErr(capped.get(0), Code.IMAGE_TOO_LARGE); // 20x12 = 240 pixels
    assertTrue(capped.get(0).getStruct(3).getString(1).contains("more than maxPixels 200"));
    HostileRowTest.assertGood(capped.get(1)); // 20x10 = 200 pixels
  }

  @Test
  @Timeout(10)
  @DisplayName("I6 65536x65536 (0 in int arithmetic) is IMAGE_TOO_LARGE, also with no cap")
  void i06_intOverflowUsesLongArithmetic() {
    ImageException e = refused(pngHeaderOnly(65536, 65536, 8, 0));
    assertEquals(Code.IMAGE_TOO_LARGE, e.code());
    assertTrue(e.getMessage().contains("65536x65536 = 4294967296 pixels"), e.getMessage());
    // Without the pixel and ratio caps, the raster still could not exist: W*H*C > 2^31 - 9.
    ImagePreprocessor uncapped = new ImagePreprocessor(identity(4, 4)
        .withLimits(Long.MAX_VALUE, Double.POSITIVE_INFINITY));
    for (int[] whBits : new int[][] {{65536, 65536, 8}, {46341, 46341, 8}, {30000, 30000, 16}}) {
      int colourType = whBits[2] == 8 ? 0 : 2; // 8-bit gray: 1 byte; 16-bit RGB: 6 bytes
      byte[] header = pngHeaderOnly(whBits[0], whBits[1], whBits[2], colourType);
      ImageException u = assertThrows(ImageException.class, () -> uncapped.fromEncoded(header,
          0, header.length, new float[uncapped.floatsPerImage()], 0));
      assertEquals(Code.IMAGE_TOO_LARGE, u.code(), u.getMessage());
      assertTrue(u.getMessage().contains("more than one Java array holds"), u.getMessage());
    }
  }

  @Test
  @Timeout(10)
  @DisplayName("I7 decoded bytes / file bytes over 10^4 is IMAGE_TOO_LARGE (ratio guard)")
  void i07_ratioGuard() throws Exception {
    byte[] bomb = pngHeaderOnly(4000, 4000, 8, 2); // 16 Mpx, under the 64 Mpx pixel cap
    ImageException e = refused(bomb);
    assertEquals(Code.IMAGE_TOO_LARGE, e.code());
    assertTrue(e.getMessage().contains("at 24 bits per pixel = 48000000 bytes from " + bomb.length
        + " encoded bytes") && e.getMessage().contains("maxDecodedToFileRatio 10000.0"),
        e.getMessage());
    // The ratio is configuration: with the guard off, the same file fails later (no IDAT).
    ImagePreprocessor noRatio = new ImagePreprocessor(identity(4, 4)
        .withLimits(PreprocessOptions.DEFAULT_MAX_PIXELS, Double.POSITIVE_INFINITY));
    ImageException later = assertThrows(ImageException.class, () -> noRatio.fromEncoded(bomb,
        0, bomb.length, new float[noRatio.floatsPerImage()], 0));
    assertEquals(Code.CORRUPT, later.code(), later.getMessage());
    // A legitimate, extremely compressible image stays under the default ratio and decodes.
    byte[] black = encode(new BufferedImage(2000, 2000, BufferedImage.TYPE_3BYTE_BGR), "png");
    assertTrue(2000L * 2000 * 3 / black.length > 500, "ratio " + 12_000_000 / black.length);
    assertArrayEquals(new float[4 * 4 * 3], decode(identity(4, 4), black));
  }

  // ---- I8 - I12: colour models, bit depths, orientation, markers, formats ---------------

  @Test
  @Timeout(30)
  @DisplayName("I8 CMYK and YCCK (Adobe APP14) JPEGs are UNSUPPORTED_COLOR_MODEL, no task failure")
  void i08_cmykAndYcckJpeg(SparkSession spark) throws Exception {
    byte[] cmyk = cmykJpeg();
    byte[] ycck = withAdobeTransform(cmyk, 2);
    byte[] adobeCmyk = withAdobeTransform(cmyk, 0);
    for (byte[] b : List.of(cmyk, ycck, adobeCmyk)) {
      ImageException e = refused(b);
      assertEquals(Code.UNSUPPORTED_COLOR_MODEL, e.code(), e.getMessage());
    }
    List<Row> out = HostileRowTest.inferEncoded(spark, List.of(cmyk, smallPng(), ycck));
    HostileRowTest.assertRowErr(out.get(0), Code.UNSUPPORTED_COLOR_MODEL);
    HostileRowTest.assertGood(out.get(1));
    HostileRowTest.assertRowErr(out.get(2), Code.UNSUPPORTED_COLOR_MODEL);
  }

  @Test
  @Timeout(20)
  @DisplayName("I9 gray, gray+alpha, palette, RGBA, 16-bit, 1/2/4-bit, interlaced: golden bytes")
  void i09_bitDepthsAndColourTypes() throws Exception {
    int w = 5;
    int h = 3;
    // 8-bit gray: samples as stored, replicated to R, G, B
    assertGolden(png(w, h, 8, 0, 0, rowsOf(w, h, 1, 8, (x, y, c) -> 50 * x + y)),
        (x, y) -> gray(50 * x + y));
    // gray + alpha: alpha dropped, colour used as stored (not composited)
    assertGolden(png(w, h, 8, 4, 0, rowsOf(w, h, 2, 8, (x, y, c) -> c == 0 ? 40 * x + y : 0)),
        (x, y) -> gray(40 * x + y));
    // RGBA: alpha dropped
    assertGolden(png(w, h, 8, 6, 0, rowsOf(w, h, 4, 8, (x, y, c) -> c == 3 ? 7 : 60 * c + x)),
        (x, y) -> new int[] {x, 60 + x, 120 + x});
    // palette: looked up (palette alpha in tRNS dropped)
    byte[] plte = {10, 20, 30, (byte) 200, 100, 50, 0, (byte) 255, 1};
    assertGolden(png(w, h, 8, 3, 0, rowsOf(w, h, 1, 8, (x, y, c) -> (x + y) % 3),
        chunk("PLTE", plte), chunk("tRNS", new byte[] {0, (byte) 128, (byte) 255})),
        (x, y) -> {
          int i = (x + y) % 3;
          return new int[] {plte[3 * i] & 0xFF, plte[3 * i + 1] & 0xFF, plte[3 * i + 2] & 0xFF};
        });
    // 16-bit RGB and gray: the high byte (v >> 8)
    assertGolden(png(w, h, 16, 2, 0, rowsOf(w, h, 3, 16, (x, y, c) -> 0x1234 * (x + 1) + c)),
        (x, y) -> new int[] {(0x1234 * (x + 1)) >> 8, (0x1234 * (x + 1) + 1) >> 8,
            (0x1234 * (x + 1) + 2) >> 8});
    assertGolden(png(w, h, 16, 0, 0, rowsOf(w, h, 1, 16, (x, y, c) -> 0xFFFF - 4000 * x)),
        (x, y) -> gray((0xFFFF - 4000 * x) >> 8));
    // 1/2/4-bit gray: scaled to round(v * 255 / max)
    for (int bits : new int[] {1, 2, 4}) {
      int max = (1 << bits) - 1;
      assertGolden(png(w, h, bits, 0, 0, rowsOf(w, h, 1, bits, (x, y, c) -> (x + y) % (max + 1))),
          (x, y) -> gray(((x + y) % (max + 1) * 255 + max / 2) / max));
    }
    // interlaced (Adam7) PNG: the same pixels as the plain one
    BufferedImage img = rgb(13, 9, (x, y) -> (x * 19) << 16 | (y * 28) << 8 | (x * y));
    byte[] interlaced = pngInterlaced(img);
    assertEquals(1, interlaced[8 + 8 + 12], "IHDR interlace method is Adam7");
    assertArrayEquals(decode(identity(9, 13), encode(img, "png")),
        decode(identity(9, 13), interlaced));
    assertGolden(interlaced, (x, y) -> new int[] {x * 19, y * 28, x * y}, 13, 9);
  }

  @Test
  @Timeout(20)
  @DisplayName("I10 EXIF orientation 1..8 applied to JPEG; not applied to PNG or structs")
  void i10_exifOrientation() throws Exception {
    // 16x16 in four flat 8x8 blocks (JPEG-exact enough): TL red, TR green, BL blue, BR white
    int[] corners = {0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF};
    BufferedImage img = rgb(16, 16, (x, y) -> corners[(y / 8) * 2 + x / 8]);
    byte[] jpg = jpeg(img, 1f);
    // displayed corner (TL, TR, BL, BR) <- stored corner, EXIF 2.2 (rotation is clockwise)
    int[][] shown = {null, {0, 1, 2, 3}, {1, 0, 3, 2}, {3, 2, 1, 0}, {2, 3, 0, 1},
        {0, 2, 1, 3}, {2, 0, 3, 1}, {3, 1, 2, 0}, {1, 3, 0, 2}};
    for (int o = 1; o <= 8; o++) {
      float[] out = decode(identity(2, 2), insert(jpg, 2, exifApp1(o)));
      for (int k = 0; k < 4; k++) {
        int want = corners[shown[o][k]];
        for (int c = 0; c < 3; c++) {
          assertEquals(want >> (16 - 8 * c) & 0xFF, out[k * 3 + c], 3f,
              "orientation " + o + " corner " + k + " channel " + c);
        }
      }
    }
    // PNG eXIf is not applied (documented: EXIF orientation is read from JPEG only)
    byte[] png = encode(img, "png");
    byte[] pngExif = insert(png, 33, chunk("eXIf", Arrays.copyOfRange(exifApp1(6), 10,
        exifApp1(6).length)));
    assertArrayEquals(decode(identity(2, 2), png), decode(identity(2, 2), pngExif));
  }

  @Test
  @Timeout(20)
  @DisplayName("I11 ICC profile, Adobe APP14, COM/APPn/fill bytes, malformed EXIF: decodes")
  void i11_iccAndOddMarkersDecode() throws Exception {
    BufferedImage img = rgb(16, 16, (x, y) -> (x * 15) << 16 | (y * 15) << 8 | 90);
    byte[] plain = jpeg(img, 0.95f);
    float[] want = decode(identity(16, 16), plain);
    byte[] icc = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
    byte[] app2 = segment(0xE2, concat(ascii("ICC_PROFILE\0"), new byte[] {1, 1}, icc));
    byte[] adobe = segment(0xEE, concat(ascii("Adobe"), new byte[] {0, 100, 0, 0, 0, 0, 1}));
    byte[] com = segment(0xFE, ascii("made by a hostile test"));
    byte[] emptyApp15 = segment(0xEF, new byte[0]);
    byte[] badExif = segment(0xE1, concat(ascii("Exif\0\0"), ascii("MM\0*\0\0\0\u00ff")));
    byte[] fill = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF}; // fill bytes before a marker: legal
    for (byte[] seg : List.of(app2, adobe, com, emptyApp15, badExif)) {
      assertArrayEquals(want, decode(identity(16, 16), insert(plain, 2, seg)));
    }
    byte[] filled = insert(plain, 2, concat(fill, Arrays.copyOfRange(com, 1, com.length)));
    assertArrayEquals(want, decode(identity(16, 16), filled));
  }

  @Test
  @Timeout(20)
  @DisplayName("I12 animated GIF gives frame 1; TIFF, WebP, HEIC are UNSUPPORTED_FORMAT")
  void i12_multiFrameAndFormatsWithoutReader() throws Exception {
    BufferedImage first = rgb(4, 4, (x, y) -> 0xFF0000);
    BufferedImage second = rgb(4, 4, (x, y) -> 0x0000FF);
    byte[] gif = animatedGif(first, second);
    float[] out = decode(identity(4, 4), gif);
    for (int p = 0; p < 16; p++) {
      assertArrayEquals(new float[] {255, 0, 0}, Arrays.copyOfRange(out, 3 * p, 3 * p + 3),
          "pixel " + p + " is from frame 1");
    }
    byte[] tiff = encode(first, "tiff"); // the JDK writes TIFF; we do not decode it
    byte[] webp = concat(ascii("RIFF"), new byte[] {26, 0, 0, 0}, ascii("WEBPVP8 "),
        new byte[18]);
    byte[] heic = concat(new byte[] {0, 0, 0, 24}, ascii("ftypheic"), new byte[12]);
    for (byte[] b : List.of(tiff, webp, heic)) {
      ImageException e = refused(b);
      assertEquals(Code.UNSUPPORTED_FORMAT, e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("supported formats are [JPEG, PNG, GIF, BMP]"),
          e.getMessage());
    }
  }

  // ---- I13 - I17: sizes, mixed batches, decoder exceptions, many decodes ---------------

  @Test
  @Timeout(20)
  @DisplayName("I13 1x1, 1xN, Nx1 and smaller-than-crop images resize without errors")
  void i13_tinyImagesResize() throws Exception {
    for (ResizeMode mode : ResizeMode.values()) {
      PreprocessOptions o = mode == ResizeMode.SHORTER_SIDE_CENTER_CROP
          ? PreprocessOptions.imageNet()
          : PreprocessOptions.scale(48, 192, 3, mode, 0, ChannelOrder.RGB,
              new float[] {1, 1, 1}, new float[3]);
      float[] one = decode(o, encode(rgb(1, 1, (x, y) -> 0x0A141E), "png"));
      int valid = mode == ResizeMode.FIT_HEIGHT_PAD_RIGHT ? 48 : o.width(); // 1x1 fits 48 wide
      for (int y = 0; y < o.height(); y++) {
        for (int x = 0; x < o.width(); x++) {
          for (int c = 0; c < 3; c++) {
            float v = one[(y * o.width() + x) * 3 + c];
            float want = x < valid ? (10 + 10 * c) * o.mul()[c] + o.add()[c] : 0f;
            assertEquals(want, v, 1e-5f, mode + " 1x1 at " + x + "," + y + "," + c);
          }
        }
      }
      for (int[] wh : new int[][] {{1, 37}, {37, 1}, {2, 3}}) {
        float[] out = decode(o, encode(rgb(wh[0], wh[1], (x, y) -> (x + y) * 5 << 8), "png"));
        for (float v : out) {
          assertTrue(Float.isFinite(v), mode + " " + wh[0] + "x" + wh[1]);
        }
      }
    }
    // a 1x37 column stretched to 4x4: every output column equals the column
    float[] col = decode(identity(4, 4), encode(rgb(1, 37, (x, y) -> y << 8), "png"));
    for (int y = 0; y < 4; y++) {
      for (int x = 1; x < 4; x++) {
        assertEquals(col[(y * 4) * 3 + 1], col[(y * 4 + x) * 3 + 1], "row " + y);
      }
    }
  }

  @Test
  @Timeout(120)
  @DisplayName("I14 large legit photo: 8192x8192 (= the 64 Mpx cap) decodes; larger is refused")
  void i14_largePhotoWithinBudget() throws Exception {
    int side = 8192; // 2^26 pixels = DEFAULT_MAX_PIXELS: a 192 MiB raster
    assertEquals(PreprocessOptions.DEFAULT_MAX_PIXELS, (long) side * side);
    BufferedImage big = new BufferedImage(side, side, BufferedImage.TYPE_3BYTE_BGR);
    byte[] px = ((DataBufferByte) big.getRaster().getDataBuffer()).getData();
    for (int y = 0; y < side; y++) {
      for (int x = 0; x < side; x++) {
        int i = (y * side + x) * 3; // B, G, R
        px[i] = (byte) 128;
        px[i + 1] = (byte) (y >> 5);
        px[i + 2] = (byte) (x >> 5);
      }
    }
    byte[] jpg = jpeg(big, 0.9f);
    big = null;
    px = null;
    float[] out = decode(identity(4, 4), jpg);
    for (int oy = 0; oy < 4; oy++) {
      for (int ox = 0; ox < 4; ox++) {
        int sx = 2048 * ox + 1023; // bilinear at (2048 o + 1023.5): pixels 1023 and 1024
        int sy = 2048 * oy + 1023;
        int p = (oy * 4 + ox) * 3;
        assertEquals(sx >> 5, out[p], 3f, "R at " + ox + "," + oy);
        assertEquals(sy >> 5, out[p + 1], 3f, "G at " + ox + "," + oy);
        assertEquals(128, out[p + 2], 3f, "B at " + ox + "," + oy);
      }
    }
    // One row more than the cap (and a 12000x9000 photo) is refused from the header.
    for (int[] wh : new int[][] {{side, side + 1}, {12000, 9000}}) {
      ImageException e = refused(withJpegSize(jpg, wh[0], wh[1]));
      assertEquals(Code.IMAGE_TOO_LARGE, e.code(), e.getMessage());
      assertEquals("header", e.stage());
    }
  }

  @Test
  @Timeout(20)
  @DisplayName("I15 mixed sizes and channel counts in one batch: per-row preprocessing")
  void i15_mixedSizesDecoderLevel() throws Exception {
    // Decoder level; the Spark batch version is HostileRowTest.i15_mixedSizesInOneArrowBatch.
    List<byte[]> mixed = HostileRowTest.mixedEncodedImages();
    PreprocessOptions o = identity(6, 6);
    float[] batch = new float[mixed.size() * o.floatsPerImage()];
    ImagePreprocessor p = new ImagePreprocessor(o);
    for (int i = 0; i < mixed.size(); i++) {
      p.fromEncoded(mixed.get(i), 0, mixed.get(i).length, batch, i * o.floatsPerImage());
    }
    for (int i = 0; i < mixed.size(); i++) {
      assertArrayEquals(decode(o, mixed.get(i)), Arrays.copyOfRange(batch,
          i * o.floatsPerImage(), (i + 1) * o.floatsPerImage()), "image " + i);
    }
  }

  @Test
  @Timeout(20)
  @DisplayName("I16 decoder AIOOBE/RasterFormatException/NPE are CORRUPT; Errors propagate")
  void i16_decoderExceptionsAreCorruptErrorsPropagate() throws Exception {
    byte[] png = smallPng();
    List<RuntimeException> thrown = List.of(new ArrayIndexOutOfBoundsException(-7),
        new java.awt.image.RasterFormatException("Data array too small"),
        new NullPointerException("getRawImageType returned null"));
    for (RuntimeException t : thrown) {
      ImageException e = withThrowingPngReader(t, () -> refused(png)); // caught per row
      assertEquals(Code.CORRUPT, e.code(), e.getMessage());
      assertEquals("decode", e.stage());
      assertTrue(e.getMessage().contains(t.getClass().getSimpleName()), e.getMessage());
    }
    // Never a row error: the JVM is in trouble, the task must fail and be retried.
    ImagePreprocessor p = new ImagePreprocessor(identity(4, 4));
    float[] dst = new float[p.floatsPerImage()];
    Body<Object> decodeOnce = () -> {
      p.fromEncoded(png, 0, png.length, dst, 0);
      return null;
    };
    assertThrows(OutOfMemoryError.class, () -> withThrowingPngReader(
        new OutOfMemoryError("Java heap space"), decodeOnce));
    assertThrows(StackOverflowError.class, () -> withThrowingPngReader(
        new StackOverflowError(), decodeOnce));
    decode(identity(4, 4), png); // the stub reader is gone again
  }

  @Test
  @Timeout(60)
  @DisplayName("I17 10k decodes: no imageio*.tmp files, readers disposed, heap stable")
  void i17_manyDecodesNoTempFilesStableHeap() throws Exception {
    boolean cache = ImageIO.getUseCache();
    ImageIO.setUseCache(true); // the JDK default: a cached stream would write imageio*.tmp
    try {
      Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
      List<String> before = imageioTempFiles(tmp);
      BufferedImage img = rgb(8, 8, (x, y) -> x << 20 | y << 4);
      byte[][] inputs = {encode(img, "png"), jpeg(img, 0.9f), encode(img, "gif"),
          encode(img, "bmp")};
      ImagePreprocessor p = new ImagePreprocessor(identity(4, 4));
      float[] dst = new float[p.floatsPerImage()];
      long heapAt1k = 0;
      for (int i = 0; i < 10_000; i++) {
        byte[] b = inputs[i % inputs.length];
        p.fromEncoded(b, 0, b.length, dst, 0);
        if (i == 999) {
          heapAt1k = usedHeapAfterGc();
        }
      }
      long growth = usedHeapAfterGc() - heapAt1k;
      assertTrue(growth < 8L << 20, "heap grew " + growth + " bytes over 9,000 decodes");
      assertEquals(before, imageioTempFiles(tmp), "no imageio*.tmp files appeared");
    } finally {
      ImageIO.setUseCache(cache);
    }
  }

  // ---- helpers: decoding ------------------------------------------------------------------

  interface Pixel {
    int[] rgb(int x, int y);
  }

  /** Identity preprocessing to {@code h x w} RGB: output = resampled 0..255 pixel values. */
  private static PreprocessOptions identity(int h, int w) {
    return PreprocessOptions.scale(h, w, 3, ResizeMode.STRETCH, 0, ChannelOrder.RGB,
        new float[] {1, 1, 1}, new float[3]);
  }

  private static float[] decode(PreprocessOptions o, byte[] bytes) throws ImageException {
    ImagePreprocessor p = new ImagePreprocessor(o);
    float[] dst = new float[p.floatsPerImage()];
    p.fromEncoded(bytes, 0, bytes.length, dst, 0);
    return dst;
  }

  /** The refusal of {@code bytes} with default limits; dst must stay untouched. */
  private static ImageException refused(byte[] bytes) {
    ImagePreprocessor p = new ImagePreprocessor(identity(4, 4));
    float[] dst = new float[p.floatsPerImage()];
    Arrays.fill(dst, 42f);
    ImageException e = assertThrows(ImageException.class,
        () -> p.fromEncoded(bytes, 0, bytes == null ? 0 : bytes.length, dst, 0));
    for (float v : dst) {
      assertEquals(42f, v, "dst unchanged on error");
    }
    assertTrue(e.getMessage().startsWith("cannot "), e.getMessage());
    return e;
  }

  private static void assertGolden(byte[] png, Pixel want) throws ImageException {
    int w = ByteBuffer.wrap(png, 16, 4).getInt();
    int h = ByteBuffer.wrap(png, 20, 4).getInt();
    assertGolden(png, want, w, h);
  }

  /** Decoded at its own size (every output on a source pixel): exact values. */
  private static void assertGolden(byte[] png, Pixel want, int w, int h) throws ImageException {
    float[] out = decode(identity(h, w), png);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int[] rgb = want.rgb(x, y);
        for (int c = 0; c < 3; c++) {
          assertEquals(rgb[c], out[(y * w + x) * 3 + c], "pixel " + x + "," + y + " ch " + c
              + " of IHDR depth " + png[24] + " colour type " + png[25]);
        }
      }
    }
  }

  private static int[] gray(int v) {
    return new int[] {v, v, v};
  }

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  private static long usedHeapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  private static List<String> imageioTempFiles(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("imageio") && n.endsWith(".tmp")).sorted().toList();
    }
  }

  private static byte[] shared(String name) throws IOException {
    return Files.readAllBytes(TestData.sharedData().resolve("images").resolve(name));
  }

  // ---- helpers: a stub PNG reader that throws ------------------------------------------

  interface Body<T> {
    T run() throws Exception;
  }

  /** Runs {@code body} while the first "png" reader is a stub whose read() throws {@code t}. */
  private static <T> T withThrowingPngReader(Throwable t, Body<T> body) throws Exception {
    IIORegistry registry = IIORegistry.getDefaultInstance();
    ThrowingSpi stub = new ThrowingSpi(t);
    registry.registerServiceProvider(stub, ImageReaderSpi.class);
    try {
      var it = registry.getServiceProviders(ImageReaderSpi.class, true);
      while (it.hasNext()) {
        ImageReaderSpi spi = it.next();
        if (spi != stub && Arrays.asList(spi.getFormatNames()).contains("png")) {
          registry.setOrdering(ImageReaderSpi.class, stub, spi);
        }
      }
      assertTrue(ImageIO.getImageReadersByFormatName("png").next().getOriginatingProvider()
          == stub, "the stub reader is first for png");
      return body.run();
    } finally {
      registry.deregisterServiceProvider(stub, ImageReaderSpi.class);
    }
  }

  private static final class ThrowingSpi extends ImageReaderSpi {
    final Throwable toThrow;

    ThrowingSpi(Throwable toThrow) {
      super("hostile-test", "1", new String[] {"png"}, new String[] {"png"},
          new String[] {"image/png"}, ThrowingReader.class.getName(),
          new Class<?>[] {ImageInputStream.class}, null, false, null, null, null, null, false,
          null, null, null, null);
      this.toThrow = toThrow;
    }

    @Override
    public boolean canDecodeInput(Object source) {
      return false; // only found by format name
    }

    @Override
    public ImageReader createReaderInstance(Object extension) {
      return new ThrowingReader(this);
    }

    @Override
    public String getDescription(Locale locale) {
      return "a PNG reader that throws, for HostileImageTest";
    }
  }

  private static final class ThrowingReader extends ImageReader {
    ThrowingReader(ThrowingSpi spi) {
      super(spi);
    }

    @Override
    public int getNumImages(boolean allowSearch) {
      return 1;
    }

    @Override
    public int getWidth(int imageIndex) {
      return 4;
    }

    @Override
    public int getHeight(int imageIndex) {
      return 4;
    }

    @Override
    public java.util.Iterator<ImageTypeSpecifier> getImageTypes(int imageIndex) {
      return List.of(ImageTypeSpecifier.createFromBufferedImageType(
          BufferedImage.TYPE_3BYTE_BGR)).iterator();
    }

    @Override
    public IIOMetadata getStreamMetadata() {
      return null;
    }

    @Override
    public IIOMetadata getImageMetadata(int imageIndex) {
      return null;
    }

    @Override
    public BufferedImage read(int imageIndex, ImageReadParam param) {
      Throwable t = ((ThrowingSpi) originatingProvider).toThrow;
      if (t instanceof RuntimeException r) {
        throw r;
      }
      throw (Error) t;
    }
  }
}
