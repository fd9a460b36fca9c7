package io.convspark.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.testing.TestData;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The shared sample images: right size, plausible values, exact at identity, reproducible. */
class ImageSharedDataTest {
  private static List<Path> images() throws Exception {
    try (Stream<Path> s = Files.list(TestData.sharedData().resolve("images"))) {
      List<Path> l = s.filter(p -> p.toString().matches(".*\\.(png|jpg|jpeg|gif|bmp)"))
          .sorted().collect(Collectors.toList());
      assertTrue(l.size() >= 5, "sample images: " + l);
      return l;
    }
  }

  @Test
  void everyImageDecodesForEveryPreset() throws Exception {
    PreprocessOptions[] presets = {PreprocessOptions.imageNet(),
        PreprocessOptions.paddleOcrClassifier(),
        PreprocessOptions.scale(32, 32, 1, ResizeMode.STRETCH, 0, ChannelOrder.RGB,
            new float[] {1}, new float[] {0})};
    for (Path p : images()) {
      byte[] bytes = Files.readAllBytes(p);
      for (PreprocessOptions o : presets) {
        ImagePreprocessor pre = new ImagePreprocessor(o);
        float[] dst = new float[pre.floatsPerImage() + 2];
        java.util.Arrays.fill(dst, Float.NaN);
        pre.fromEncoded(bytes, 0, bytes.length, dst, 1);
        assertTrue(Float.isNaN(dst[0]) && Float.isNaN(dst[dst.length - 1]), "wrote outside");
        float[] mul = o.mul();
        float[] add = o.add();
        float lo = Float.MAX_VALUE;
        float hi = -Float.MAX_VALUE;
        for (int i = 1; i <= pre.floatsPerImage(); i++) {
          int c = (i - 1) % o.channels();
          float a = add[c];
          float b = 255 * mul[c] + add[c];
          assertTrue(dst[i] >= Math.min(a, b) - 1e-4 && dst[i] <= Math.max(a, b) + 1e-4,
              p.getFileName() + " " + o + ": value " + dst[i] + " at " + i);
          lo = Math.min(lo, dst[i]);
          hi = Math.max(hi, dst[i]);
        }
        assertTrue(hi > lo, p.getFileName() + ": constant output " + lo);
      }
    }
  }

  @Test
  void identitySizeEqualsImageIoPixels() throws Exception {
    for (Path p : images()) {
      byte[] bytes = Files.readAllBytes(p);
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(bytes));
      int w = img.getWidth();
      int h = img.getHeight();
      boolean gray = img.getColorModel().getNumColorComponents() == 1
          && !(img.getColorModel() instanceof java.awt.image.IndexColorModel);
      float[] out = TestImages.run(TestImages.identity(h, w, 3, ChannelOrder.RGB), bytes);
      for (int y = 0; y < h; y += 7) {
        for (int x = 0; x < w; x += 5) {
          int rgb;
          if (gray) { // getRGB would apply a gamma conversion to linear gray
            int v = img.getRaster().getSample(x, y, 0);
            rgb = v << 16 | v << 8 | v;
          } else {
            rgb = img.getRGB(x, y);
          }
          int i = (y * w + x) * 3;
          String at = p.getFileName() + " at " + x + "," + y;
          assertEquals(rgb >> 16 & 0xFF, out[i], at);
          assertEquals(rgb >> 8 & 0xFF, out[i + 1], at);
          assertEquals(rgb & 0xFF, out[i + 2], at);
        }
      }
    }
  }

  @Test
  void sameInputTwiceGivesIdenticalBits() throws Exception {
    for (Path p : images()) {
      byte[] bytes = Files.readAllBytes(p);
      for (PreprocessOptions o : new PreprocessOptions[] {PreprocessOptions.imageNet(),
          PreprocessOptions.paddleOcrClassifier()}) {
        float[] a = TestImages.run(o, bytes);
        float[] b = TestImages.run(o, bytes);
        for (int i = 0; i < a.length; i++) {
          assertEquals(Float.floatToRawIntBits(a[i]), Float.floatToRawIntBits(b[i]),
              p.getFileName() + " index " + i);
        }
      }
    }
  }
}
