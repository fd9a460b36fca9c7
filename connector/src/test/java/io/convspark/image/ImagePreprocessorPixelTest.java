package io.convspark.image;

import static io.convspark.image.TestImages.encode;
import static io.convspark.image.TestImages.identity;
import static io.convspark.image.TestImages.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.color.ColorSpace;
import java.awt.Transparency;
import org.junit.jupiter.api.Test;

/** Exact output floats for tiny hand-built images, one behaviour per test. */
class ImagePreprocessorPixelTest {
  // 2x2: red, green / blue, (10, 20, 30)
  private static final int[][] RGB2X2 = {{0xFF0000, 0x00FF00}, {0x0000FF, 0x0A141E}};

  private static byte[] png2x2() {
    return encode(TestImages.rgb(2, 2, (x, y) -> RGB2X2[y][x]), "png");
  }

  private static int lum(int rgb) {
    int r = rgb >> 16 & 0xFF;
    int g = rgb >> 8 & 0xFF;
    int b = rgb & 0xFF;
    return (19595 * r + 38470 * g + 7471 * b + 32768) >> 16;
  }

  @Test
  void stretchAtIdentitySizeCopiesPixelsInRgbOrder() throws Exception {
    float[] out = run(identity(2, 2, 3, ChannelOrder.RGB), png2x2());
    assertArrayEquals(new float[] {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30}, out);
  }

  @Test
  void bgrModelGetsSwappedChannels() throws Exception {
    float[] out = run(identity(2, 2, 3, ChannelOrder.BGR), png2x2());
    assertArrayEquals(new float[] {0, 0, 255, 0, 255, 0, 255, 0, 0, 30, 20, 10}, out);
  }

  @Test
  void threeByFiveImageIsCopiedRowMajorHwc() throws Exception {
    TestImages.Rgb f = (x, y) -> (x * 40 + y) << 16 | (y * 50) << 8 | (200 - x * 10 - y);
    float[] out = run(identity(5, 3, 3, ChannelOrder.RGB), encode(TestImages.rgb(3, 5, f),
        "png"));
    for (int y = 0; y < 5; y++) {
      for (int x = 0; x < 3; x++) {
        int p = (y * 3 + x) * 3;
        assertEquals(x * 40 + y, out[p], "R at " + x + "," + y);
        assertEquals(y * 50, out[p + 1]);
        assertEquals(200 - x * 10 - y, out[p + 2]);
      }
    }
  }

  @Test
  void grayModelGetsPilLuma() throws Exception {
    float[] out = run(identity(2, 2, 1, ChannelOrder.RGB), png2x2());
    assertArrayEquals(new float[] {lum(0xFF0000), lum(0x00FF00), lum(0x0000FF), lum(0x0A141E)},
        out);
    assertEquals(76f, out[0]); // PIL: Image.new("RGB", (1, 1), "red").convert("L") == 76
  }

  @Test
  void grayImageIsReplicatedForColourModel() throws Exception {
    byte[] png = encode(TestImages.gray(2, 1, (x, y) -> x == 0 ? 7 : 200), "png");
    assertArrayEquals(new float[] {7, 7, 7, 200, 200, 200},
        run(identity(1, 2, 3, ChannelOrder.BGR), png));
  }

  @Test
  void meanStdNormalizationMatchesImageNetFormula() throws Exception {
    float[] mean = {0.485f, 0.456f, 0.406f};
    float[] std = {0.229f, 0.224f, 0.225f};
    PreprocessOptions o = PreprocessOptions.meanStd(2, 2, 3, ResizeMode.STRETCH, 0,
        ChannelOrder.RGB, mean, std);
    float[] out = run(o, png2x2());
    float[] raw = {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30};
    float[] mul = o.mul();
    float[] add = o.add();
    for (int i = 0; i < raw.length; i++) {
      int c = i % 3;
      assertEquals(raw[i] * mul[c] + add[c], out[i], 0f, "documented formula, index " + i);
      assertEquals((raw[i] / 255.0 - mean[c]) / std[c], out[i], 1e-5, "ImageNet, index " + i);
    }
  }

  @Test
  void scaleNormalizationPaddleOcr() throws Exception {
    PreprocessOptions o = PreprocessOptions.scale(2, 2, 3, ResizeMode.STRETCH, 0,
        ChannelOrder.BGR, new float[] {2f / 255, 2f / 255, 2f / 255}, new float[] {-1, -1, -1});
    float[] out = run(o, png2x2());
    float[] bgr = {0, 0, 255, 0, 255, 0, 255, 0, 0, 30, 20, 10};
    for (int i = 0; i < bgr.length; i++) {
      assertEquals(bgr[i] * (2f / 255) + -1f, out[i], 0f);
      assertEquals((bgr[i] / 255.0 - 0.5) / 0.5, out[i], 1e-6);
    }
  }

  @Test
  void bilinearDownscale4x4To2x2AveragesBlocks() throws Exception {
    byte[] png = encode(TestImages.gray(4, 4, (x, y) -> x * 10 + y * 40), "png");
    // half-pixel centres at scale 2 sample source 0.5 and 2.5: the mean of each 2x2 block
    assertArrayEquals(new float[] {25, 45, 105, 125},
        run(identity(2, 2, 1, ChannelOrder.RGB), png));
  }

  @Test
  void bilinearUpscale2To4MatchesTorch() throws Exception {
    byte[] png = encode(TestImages.gray(2, 1, (x, y) -> x == 0 ? 0 : 100), "png");
    // torch.nn.functional.interpolate([[0, 100]], size=4, mode="linear") = [0, 25, 75, 100]
    assertArrayEquals(new float[] {0, 25, 75, 100}, run(identity(1, 4, 1, ChannelOrder.RGB),
        png));
  }

  @Test
  void fitHeightPadRightKeepsAspectAndPadsZerosAfterNormalization() throws Exception {
    byte[] png = encode(TestImages.gray(4, 2, (x, y) -> 10 * x + 100 * y), "png");
    PreprocessOptions o = PreprocessOptions.scale(2, 8, 1, ResizeMode.FIT_HEIGHT_PAD_RIGHT, 0,
        ChannelOrder.RGB, new float[] {1}, new float[] {-1});
    float[] out = run(o, png); // ceil(2 * 4 / 2) = 4 columns kept, 4 padded
    assertArrayEquals(new float[] {-1, 9, 19, 29, 0, 0, 0, 0, 99, 109, 119, 129, 0, 0, 0, 0},
        out);
  }

  @Test
  void fitHeightPadRightCapsWideImagesAtModelWidth() throws Exception {
    byte[] png = encode(TestImages.gray(8, 1, (x, y) -> 10 * x), "png");
    float[] out = run(PreprocessOptions.scale(1, 4, 1, ResizeMode.FIT_HEIGHT_PAD_RIGHT, 0,
        ChannelOrder.RGB, new float[] {1}, new float[] {0}), png);
    assertArrayEquals(new float[] {5, 25, 45, 65}, out); // stretched, no padding
  }

  @Test
  void shorterSideCenterCropPicksCentreWindow() throws Exception {
    byte[] png = encode(TestImages.gray(6, 4, (x, y) -> 10 * x + 100 * y), "png");
    // shorter side already 4: resized 6x4, crop 2x2 at x = 2..3, y = 1..2
    float[] out = run(PreprocessOptions.scale(2, 2, 1, ResizeMode.SHORTER_SIDE_CENTER_CROP, 4,
        ChannelOrder.RGB, new float[] {1}, new float[] {0}), png);
    assertArrayEquals(new float[] {120, 130, 220, 230}, out);
  }

  @Test
  void shorterSideCenterCropDownscalesThenCrops() throws Exception {
    byte[] png = encode(TestImages.gray(8, 12, (x, y) -> 10 * x + y), "png");
    // shorter 8 -> 4: resized 4x6 (block means), crop 2x2 at x = 1..2, y = 2..3
    float[] out = run(PreprocessOptions.scale(2, 2, 1, ResizeMode.SHORTER_SIDE_CENTER_CROP, 4,
        ChannelOrder.RGB, new float[] {1}, new float[] {0}), png);
    assertArrayEquals(new float[] {25 + 4.5f, 45 + 4.5f, 25 + 6.5f, 45 + 6.5f}, out);
  }

  @Test
  void sixteenBitPngKeepsHighByte() throws Exception {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
    img.getRaster().setSample(0, 0, 0, 0x12FF);
    img.getRaster().setSample(1, 0, 0, 0xFFFF);
    assertArrayEquals(new float[] {0x12, 0xFF},
        run(identity(1, 2, 1, ChannelOrder.RGB), encode(img, "png")));
  }

  @Test
  void grayAlphaPngDropsAlpha() throws Exception {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY),
        true, false, Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
    BufferedImage img = new BufferedImage(cm, cm.createCompatibleWritableRaster(2, 1), false,
        null);
    img.getRaster().setPixel(0, 0, new int[] {40, 0});
    img.getRaster().setPixel(1, 0, new int[] {90, 255});
    assertArrayEquals(new float[] {40, 40, 40, 90, 90, 90},
        run(identity(1, 2, 3, ChannelOrder.RGB), encode(img, "png")));
  }

  @Test
  void rgbaPngDropsAlphaWithoutCompositing() throws Exception {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    img.setRGB(0, 0, 0x00_10_20_30); // fully transparent: colour kept as stored
    img.setRGB(1, 0, 0x80_40_50_60);
    assertArrayEquals(new float[] {0x10, 0x20, 0x30, 0x40, 0x50, 0x60},
        run(identity(1, 2, 3, ChannelOrder.RGB), encode(img, "png")));
  }

  @Test
  void oneBitPngScalesToFullRange() throws Exception {
    BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_BYTE_BINARY);
    img.setRGB(1, 0, 0xFFFFFF);
    assertArrayEquals(new float[] {0, 255, 0},
        run(identity(1, 3, 1, ChannelOrder.RGB), encode(img, "png")));
  }

  @Test
  void gifAndBmpDecodeExactly() throws Exception {
    BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED);
    indexed.setRGB(0, 0, 0xFF0000);
    indexed.setRGB(1, 0, 0x0000FF);
    assertArrayEquals(new float[] {255, 0, 0, 0, 0, 255},
        run(identity(1, 2, 3, ChannelOrder.RGB), encode(indexed, "gif")));
    BufferedImage rgb = TestImages.rgb(2, 2, (x, y) -> RGB2X2[y][x]);
    assertArrayEquals(new float[] {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30},
        run(identity(2, 2, 3, ChannelOrder.RGB), encode(rgb, "bmp")));
  }

  @Test
  void packed565BmpUsesGenericPath() throws Exception {
    BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_565_RGB);
    img.setRGB(0, 0, 0xFFFFFF);
    img.setRGB(1, 0, 0xFF0000);
    assertArrayEquals(new float[] {255, 255, 255, 255, 0, 0},
        run(identity(1, 2, 3, ChannelOrder.RGB), encode(img, "bmp")));
  }

  @Test
  void sparkStructBgrBecomesModelOrder() throws Exception {
    // pure red and pure blue pixels as Spark stores them: B, G, R
    byte[] bgr = {0, 0, (byte) 255, (byte) 255, 0, 0};
    float[] rgb = new float[6];
    new ImagePreprocessor(identity(1, 2, 3, ChannelOrder.RGB))
        .fromImageStruct(1, 2, 3, ImagePreprocessor.CV_8UC3, bgr, rgb, 0);
    assertArrayEquals(new float[] {255, 0, 0, 0, 0, 255}, rgb);
    float[] out = new float[8];
    new ImagePreprocessor(identity(1, 2, 3, ChannelOrder.BGR))
        .fromImageStruct(1, 2, 3, ImagePreprocessor.CV_8UC3, bgr, out, 2);
    assertArrayEquals(new float[] {0, 0, 0, 0, 255, 255, 0, 0}, out); // at offset 2
  }

  @Test
  void sparkStructBgraAndGray() throws Exception {
    byte[] bgra = {1, 2, 3, 4, 5, 6, 7, 8};
    float[] out = new float[6];
    new ImagePreprocessor(identity(1, 2, 3, ChannelOrder.RGB))
        .fromImageStruct(1, 2, 4, ImagePreprocessor.CV_8UC4, bgra, out, 0);
    assertArrayEquals(new float[] {3, 2, 1, 7, 6, 5}, out);
    float[] gray = new float[1];
    new ImagePreprocessor(identity(1, 1, 1, ChannelOrder.RGB))
        .fromImageStruct(1, 1, 3, ImagePreprocessor.CV_8UC3, new byte[] {0, 0, (byte) 255},
            gray, 0);
    assertArrayEquals(new float[] {76}, gray);
  }

  @Test
  void sparkStructAtModelSizeIsNormalizedPerChannel() throws Exception {
    byte[] bgr = new byte[3 * 5 * 3];
    for (int i = 0; i < bgr.length; i++) {
      bgr[i] = (byte) (i * 37 + 11);
    }
    for (ChannelOrder order : ChannelOrder.values()) {
      PreprocessOptions o = PreprocessOptions.meanStd(3, 5, 3, ResizeMode.STRETCH, 0, order,
          new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f});
      float[] out = new float[3 * 5 * 3];
      new ImagePreprocessor(o).fromImageStruct(3, 5, 3, ImagePreprocessor.CV_8UC3, bgr, out, 0);
      for (int i = 0; i < out.length; i++) {
        int c = i % 3;
        int stored = order == ChannelOrder.RGB ? 2 - c : c; // B, G, R in the struct
        float v = bgr[i - c + stored] & 0xFF;
        assertEquals(v * o.mul()[c] + o.add()[c], out[i], 0f, order + ", index " + i);
      }
    }
  }
}
