package io.convspark.job;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The embedded demo's inputs: the bundled PaddleOCR orientation classifier, text lines rendered
 * upright and upside down, a few bundled photos, and one broken file (it shows the error column).
 * Public for the notebooks, which run on the same data.
 */
public final class DemoData {
  static final String MODEL = "cls.onnx";
  private static final List<String> PHOTOS = List.of("rocket.jpg", "palette_color.png",
      "camera.png");
  private static final List<String> LINES = List.of("Invoice 2026-11-25 total 1,234.50",
      "The quick brown fox jumps over the lazy dog", "Shipment 4471 leaves Rotterdam Friday",
      "Meeting moved to 3:30 pm in room B", "Order #88213 confirmed, thank you",
      "Temperature 21.5 C, humidity 40 %");

  private DemoData() {}

  /**
   * Writes the model and the images under {@code dir}; returns the model's path. The images go
   * to {@code dir/images}: lineNN_upright, lineNN_rotated180, photo_* and broken.png.
   */
  public static Path write(Path dir) throws IOException {
    Path images = Files.createDirectories(dir.resolve("images"));
    Path model = dir.resolve(MODEL);
    copy(MODEL, model);
    for (String p : PHOTOS) {
      copy(p, images.resolve("photo_" + p));
    }
    for (int i = 0; i < LINES.size(); i++) {
      ImageIO.write(render(LINES.get(i), false), "png",
          images.resolve(String.format("line%02d_upright.png", i)).toFile());
      ImageIO.write(render(LINES.get(i), true), "png",
          images.resolve(String.format("line%02d_rotated180.png", i)).toFile());
    }
    // A PNG signature followed by junk: decoding fails, the job goes on.
    Files.write(images.resolve("broken.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10,
        26, 10, 1, 2, 3, 4, 5, 6, 7, 8});
    return model;
  }

  private static void copy(String resource, Path to) throws IOException {
    try (InputStream in = DemoData.class.getResourceAsStream("/io/convspark/demo/" + resource)) {
      if (in == null) {
        throw new IOException("demo resource " + resource + " is missing from the jar");
      }
      Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Dark text on a light background, 48 px high, optionally rotated by 180 degrees. */
  public static BufferedImage render(String text, boolean rotated) {
    Font font = new Font("SansSerif", Font.PLAIN, 30);
    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    Graphics2D pg = probe.createGraphics();
    int width = pg.getFontMetrics(font).stringWidth(text) + 16;
    pg.dispose();
    BufferedImage img = new BufferedImage(width, 48, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setColor(new Color(235, 235, 228));
    g.fillRect(0, 0, width, 48);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
        RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    if (rotated) {
      g.setTransform(AffineTransform.getRotateInstance(Math.PI, width / 2.0, 24));
    }
    g.setColor(new Color(25, 25, 30));
    g.setFont(font);
    g.drawString(text, 8, 34);
    g.dispose();
    return img;
  }
}
