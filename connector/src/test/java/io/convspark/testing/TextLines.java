package io.convspark.testing;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Rendered text-line images for the PaddleOCR orientation classifier
 * ({@code ch_ppocr_mobile_v2.0_cls_infer.onnx}: N x 3 x 48 x 192, classes [0 deg, 180 deg]).
 * Everything is deterministic in {@code (text, seed)}; Java2D runs headless.
 */
public final class TextLines {
  static {
    // Test code only: rendering must work without a display (CI, containers).
    System.setProperty("java.awt.headless", "true");
  }

  /** Logical font families; always present, mapped by the JDK to installed fonts. */
  public static final List<String> FONT_FAMILIES = List.of("SansSerif", "Serif", "Monospaced");

  /** OpenCV type code for 8-bit, 3-channel images ({@code CV_8UC3}), as Spark uses. */
  public static final int CV_8UC3 = 16;

  /**
   * The struct of one Spark image column, exactly {@code
   * org.apache.spark.ml.image.ImageSchema.columnSchema} (spark-mllib): only origin is
   * nullable; data is uint8, row-major, channels interleaved in BGR order. Note that
   * {@code format("image")} returns the same fields all nullable (file sources make every
   * column nullable), so consumers must compare ignoring nullability.
   */
  public static final StructType IMAGE_COLUMN_SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("origin", DataTypes.StringType, true),
      DataTypes.createStructField("height", DataTypes.IntegerType, false),
      DataTypes.createStructField("width", DataTypes.IntegerType, false),
      DataTypes.createStructField("nChannels", DataTypes.IntegerType, false),
      DataTypes.createStructField("mode", DataTypes.IntegerType, false),
      DataTypes.createStructField("data", DataTypes.BinaryType, false)});

  /** A DataFrame schema with one image column named {@code image}, like {@code format("image")}. */
  public static final StructType IMAGE_SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("image", IMAGE_COLUMN_SCHEMA, true)});

  /** Classifier input height and width. */
  public static final int CLS_HEIGHT = 48;
  public static final int CLS_WIDTH = 192;

  private static final List<String> SAMPLES = List.of(
      "Invoice 2026-11-25 total 1,234.50",
      "The quick brown fox",
      "jumps over the lazy dog",
      "221B Baker Street, London NW1 6XE",
      "1600 Amphitheatre Parkway",
      "Order #A-77120-Q shipped",
      "Tel +1 (555) 010-2345",
      "Hello, World!",
      "Payment due within 30 days",
      "SKU 0042-BLK-XL qty 3",
      "Meeting room 4B at 10:30",
      "Subtotal 987.65 VAT 20%",
      "Please keep this receipt",
      "Main Street 12, Springfield",
      "Serial No. 8XK2-99Q1-ZT40",
      "Thank you for your purchase",
      "Departure 07:45 Gate 23",
      "Apache Spark connector",
      "Convolutional networks",
      "Batch size 64, epoch 12",
      "Account 4421 0098 7765",
      "Delivery on Monday morning",
      "Temperature 21.5 C",
      "Fragile - handle with care",
      "P.O. Box 3301, Austin TX",
      "Version 4.2.0 released",
      "Customer ID 000731",
      "Net weight 500 g",
      "Best before 2027-03-01",
      "Chapter 7: Results",
      "Room 101",
      "Total due 45.00 USD",
      "www.example.com/docs",
      "Model ch_ppocr_mobile",
      "Signature required",
      "Floor 3, Building C",
      "Ticket 12345678",
      "Open daily 9am - 6pm",
      "Lot 17 Expiry 11/2028",
      "Reference: QX-2231/B"
  );

  private TextLines() {}

  /** About 40 varied English/number strings (invoices, addresses, codes, prose). */
  public static List<String> sampleTexts() {
    return SAMPLES;
  }

  /**
   * Renders {@code text} as one dark text line on a light, slightly noisy background; font
   * family, size (28-36 px), colours, margins and noise come from {@code seed}. The image is as
   * wide as the text plus margins. If {@code rotated180}, the whole image is turned upside
   * down. Returns a {@link BufferedImage#TYPE_3BYTE_BGR} image.
   */
  public static BufferedImage render(String text, long seed, boolean rotated180) {
    Random rnd = new Random(seed);
    String family = FONT_FAMILIES.get(rnd.nextInt(FONT_FAMILIES.size()));
    int size = 28 + rnd.nextInt(9);
    Font font = new Font(family, rnd.nextInt(4) == 0 ? Font.BOLD : Font.PLAIN, size);
    int padLeft = 4 + rnd.nextInt(14);
    int padRight = 4 + rnd.nextInt(14);
    int padTop = 2 + rnd.nextInt(8);
    int padBottom = 2 + rnd.nextInt(8);
    int bg = 215 + rnd.nextInt(41);
    Color background = new Color(jitter(bg, rnd), jitter(bg, rnd), jitter(bg, rnd));
    int fg = rnd.nextInt(70);
    Color ink = new Color(jitter(fg, rnd), jitter(fg, rnd), jitter(fg, rnd));
    double noiseSigma = 2 + 4 * rnd.nextDouble();

    BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D pg = probe.createGraphics();
    FontMetrics fm = pg.getFontMetrics(font);
    int textWidth = fm.stringWidth(text);
    int ascent = fm.getAscent();
    int descent = fm.getDescent();
    pg.dispose();

    int w = Math.max(1, textWidth + padLeft + padRight);
    int h = ascent + descent + padTop + padBottom;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING,
          RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.setColor(background);
      g.fillRect(0, 0, w, h);
      g.setColor(ink);
      g.setFont(font);
      g.drawString(text, padLeft, padTop + ascent);
    } finally {
      g.dispose();
    }
    byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
    for (int i = 0; i < px.length; i++) {
      int v = (px[i] & 0xff) + (int) Math.round(rnd.nextGaussian() * noiseSigma);
      px[i] = (byte) Math.max(0, Math.min(255, v));
    }
    return rotated180 ? rotate180(img) : img;
  }

  private static int jitter(int v, Random rnd) {
    return Math.max(0, Math.min(255, v + rnd.nextInt(11) - 5));
  }

  /** The image turned by 180 degrees (exact pixel reversal, no resampling). */
  public static BufferedImage rotate180(BufferedImage src) {
    int w = src.getWidth();
    int h = src.getHeight();
    BufferedImage dst = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        dst.setRGB(w - 1 - x, h - 1 - y, src.getRGB(x, y));
      }
    }
    return dst;
  }

  /** PNG encoding of {@code img}. */
  public static byte[] pngBytes(BufferedImage img) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(img, "png", out)) {
        throw new IllegalStateException("cannot encode PNG: no ImageIO writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** JPEG encoding of {@code img} at quality 0.92 (lossy: pixels differ slightly). */
  public static byte[] jpegBytes(BufferedImage img) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      ImageWriteParam p = writer.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(0.92f);
      writer.setOutput(ios);
      writer.write(null, new IIOImage(toBgr(img), null, null), p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  /** Pixels as uint8, row-major, interleaved B, G, R (Spark's image layout). */
  public static byte[] bgrBytes(BufferedImage img) {
    BufferedImage bgr = toBgr(img);
    return ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData().clone();
  }

  private static BufferedImage toBgr(BufferedImage img) {
    if (img.getType() == BufferedImage.TYPE_3BYTE_BGR) {
      return img;
    }
    BufferedImage bgr =
        new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = bgr.createGraphics();
    g.drawImage(img, 0, 0, null);
    g.dispose();
    return bgr;
  }

  /**
   * The value of one image column ({@link #IMAGE_COLUMN_SCHEMA}): origin, height, width,
   * nChannels 3, mode {@link #CV_8UC3}, BGR data.
   */
  public static Row toSparkImageRow(BufferedImage img, String origin) {
    return RowFactory.create(origin, img.getHeight(), img.getWidth(), 3, CV_8UC3,
        bgrBytes(img));
  }

  /** Decodes a 3-channel BGR image column value back into an image. */
  public static BufferedImage fromSparkImageRow(Row image) {
    int h = image.getInt(1);
    int w = image.getInt(2);
    int c = image.getInt(3);
    byte[] data = (byte[]) image.get(5);
    if (c != 3 || data.length != h * w * 3) {
      throw new IllegalArgumentException("cannot decode image " + image.getString(0) + ": "
          + c + " channels and " + data.length + " bytes, expected 3 and " + (h * w * 3));
    }
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    System.arraycopy(data, 0, ((DataBufferByte) img.getRaster().getDataBuffer()).getData(), 0,
        data.length);
    return img;
  }

  /**
   * The classifier input for one line, PaddleOCR's {@code ClsResizeImg}: resize to height 48
   * keeping aspect (width capped at 192, bilinear), RGB scaled to [-1, 1], zero-padded on the
   * right to 192. Returns 3 x 48 x 192 floats, CHW.
   */
  public static float[] toClsInput(BufferedImage img) {
    int rw = (int) Math.min(CLS_WIDTH,
        Math.ceil(CLS_HEIGHT * (double) img.getWidth() / img.getHeight()));
    BufferedImage r = new BufferedImage(rw, CLS_HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = r.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION,
        RenderingHints.VALUE_INTERPOLATION_BILINEAR);
    g.drawImage(img, 0, 0, rw, CLS_HEIGHT, null);
    g.dispose();
    int plane = CLS_HEIGHT * CLS_WIDTH;
    float[] chw = new float[3 * plane];
    for (int y = 0; y < CLS_HEIGHT; y++) {
      for (int x = 0; x < rw; x++) {
        int rgb = r.getRGB(x, y);
        int i = y * CLS_WIDTH + x;
        chw[i] = ((rgb >> 16) & 0xff) / 127.5f - 1f;
        chw[plane + i] = ((rgb >> 8) & 0xff) / 127.5f - 1f;
        chw[2 * plane + i] = (rgb & 0xff) / 127.5f - 1f;
      }
    }
    return chw;
  }
}
