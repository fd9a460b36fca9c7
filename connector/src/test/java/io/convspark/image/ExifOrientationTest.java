package io.convspark.image;

import static io.convspark.image.TestImages.exifApp1;
import static io.convspark.image.TestImages.identity;
import static io.convspark.image.TestImages.insertAfterSoi;
import static io.convspark.image.TestImages.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** EXIF orientation: parsed from APP1 by hand, applied before resizing, ignored if malformed. */
class ExifOrientationTest {
  // stored 32 wide x 16 high, gray quadrants aligned to JPEG blocks (near-lossless DC only)
  private static final int TL = 250;
  private static final int TR = 0;
  private static final int BL = 100;
  private static final int BR = 180;

  private static byte[] quadrantJpeg() {
    return TestImages.jpeg(TestImages.gray(32, 16,
        (x, y) -> y < 8 ? (x < 16 ? TL : TR) : (x < 16 ? BL : BR)), 1.0f);
  }

  @Test
  void parsesBothByteOrdersAndAllValues() {
    byte[] jpg = quadrantJpeg();
    for (int o = 1; o <= 8; o++) {
      for (boolean be : new boolean[] {true, false}) {
        byte[] with = insertAfterSoi(jpg, exifApp1(o, be));
        assertEquals(o, ExifOrientation.read(with, 0, with.length), "orientation " + o);
      }
    }
    assertEquals(1, ExifOrientation.read(jpg, 0, jpg.length)); // no APP1
  }

  @Test
  void orientation6RotatesClockwiseBeforeResizing() throws Exception {
    byte[] jpg = insertAfterSoi(quadrantJpeg(), exifApp1(6, true));
    // displayed 16 wide x 32 high: rotating 90 degrees clockwise moves stored BL to top-left
    float[] out = run(identity(32, 16, 1, ChannelOrder.RGB), jpg);
    assertQuadrants(out, 16, BL, TL, BR, TR);
    float[] plain = run(identity(16, 32, 1, ChannelOrder.RGB), quadrantJpeg());
    assertQuadrants(plain, 32, TL, TR, BL, BR);
  }

  private static void assertQuadrants(float[] out, int w, int tl, int tr, int bl, int br) {
    int h = out.length / w;
    int[][] at = {{w / 4, h / 4, tl}, {3 * w / 4, h / 4, tr}, {w / 4, 3 * h / 4, bl},
        {3 * w / 4, 3 * h / 4, br}};
    for (int[] q : at) {
      assertEquals(q[2], out[q[1] * w + q[0]], 3f, "pixel " + q[0] + "," + q[1]);
    }
  }

  @Test
  void allEightOrientationsMatchRotateAndFlipReference() {
    int w = 3;
    int h = 2;
    byte[] gray = {1, 2, 3, 4, 5, 6};
    for (int o = 1; o <= 8; o++) {
      PixelSource src = PixelSource.ofBgr(h, w, 1, gray, 0, true);
      int[][] ref = reference(new int[][] {{1, 2, 3}, {4, 5, 6}}, o);
      float[] out = new float[6];
      Resampler.run(src, o, identity(ref.length, ref[0].length, 1, ChannelOrder.RGB), out, 0);
      float[] expected = new float[6];
      for (int y = 0; y < ref.length; y++) {
        for (int x = 0; x < ref[0].length; x++) {
          expected[y * ref[0].length + x] = ref[y][x];
        }
      }
      assertArrayEquals(expected, out, "orientation " + o + ": " + Arrays.toString(out));
    }
  }

  /** EXIF 2.2 orientations composed from a clockwise rotation and a horizontal flip. */
  private static int[][] reference(int[][] m, int o) {
    switch (o) {
      case 2: return flipH(m);
      case 3: return rotCw(rotCw(m));
      case 4: return flipH(rotCw(rotCw(m)));
      case 5: return flipH(rotCw(m));
      case 6: return rotCw(m);
      case 7: return flipH(rotCw(rotCw(rotCw(m))));
      case 8: return rotCw(rotCw(rotCw(m)));
      default: return m;
    }
  }

  private static int[][] rotCw(int[][] m) {
    int h = m.length;
    int w = m[0].length;
    int[][] r = new int[w][h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        r[x][h - 1 - y] = m[y][x];
      }
    }
    return r;
  }

  private static int[][] flipH(int[][] m) {
    int[][] r = new int[m.length][];
    for (int y = 0; y < m.length; y++) {
      r[y] = new int[m[y].length];
      for (int x = 0; x < m[y].length; x++) {
        r[y][x] = m[y][m[y].length - 1 - x];
      }
    }
    return r;
  }

  @Test
  void malformedExifIsIgnored() throws Exception {
    byte[] jpg = quadrantJpeg();
    byte[] good = exifApp1(6, true);
    byte[][] bad = {
        TestImages.app1(new byte[] {'M', 'M', 0, 42, 0x7F, 0, 0, 0}), // IFD offset past end
        TestImages.app1(new byte[] {'X', 'X', 0, 42, 0, 0, 0, 8}), // bad byte order
        TestImages.app1(Arrays.copyOf(Arrays.copyOfRange(good, 10, good.length), 12)), // cut
        corruptValue(good, 9), // orientation 9 does not exist
        corruptType(good), // LONG instead of SHORT
        {(byte) 0xFF, (byte) 0xE1, 0, 5, 'E', 'x', 'i'}, // tiny segment
    };
    float[] expected = run(identity(16, 32, 1, ChannelOrder.RGB), jpg);
    for (int i = 0; i < bad.length; i++) {
      byte[] with = insertAfterSoi(jpg, bad[i]);
      assertEquals(1, ExifOrientation.read(with, 0, with.length), "case " + i);
      assertArrayEquals(expected, run(identity(16, 32, 1, ChannelOrder.RGB), with), "case " + i);
    }
    // a segment length running past the end of the data
    byte[] cut = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE1, 0x7F, 0x7F, 'E'};
    assertEquals(1, ExifOrientation.read(cut, 0, cut.length));
  }

  private static byte[] corruptValue(byte[] app1, int value) {
    byte[] b = app1.clone();
    b[10 + 8 + 2 + 8] = 0; // TIFF starts at 10; IFD at 8, entry after 2-byte count, value +8
    b[10 + 8 + 2 + 9] = (byte) value;
    return b;
  }

  private static byte[] corruptType(byte[] app1) {
    byte[] b = app1.clone();
    b[10 + 8 + 2 + 3] = 4;
    return b;
  }
}
