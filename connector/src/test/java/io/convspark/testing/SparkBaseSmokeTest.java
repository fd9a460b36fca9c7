package io.convspark.testing;

import static io.convspark.testing.SparkTestSupport.assertSameRows;
import static io.convspark.testing.SparkTestSupport.collectSorted;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.ml.image.ImageSchema;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.junit.jupiter.api.Test;

/** The Spark test base works: shared session, image/binaryFile sources, image rows, renders. */
@WithSpark
class SparkBaseSmokeTest {
  private static final long SEED = 20261125L;

  @Test
  void sharedSessionRunsGroupByWithConfiguredDefaults(SparkSession spark) {
    assertEquals("local[2,2]", spark.sparkContext().master());
    assertEquals("4", spark.conf().get("spark.sql.shuffle.partitions"));
    assertFalse(spark.sparkContext().uiWebUrl().isDefined(), "UI must be off");
    Dataset<Row> counts = spark.range(100).groupBy(col("id").mod(3).as("k")).count();
    assertSameRows(List.of(RowFactory.create(0L, 34L), RowFactory.create(1L, 33L),
        RowFactory.create(2L, 33L)), collectSorted(counts, "k"));
    assertTrue(SparkTestSupport.executedPlan(counts).contains("HashAggregate"),
        SparkTestSupport.executedPlan(counts));
    assertEquals(spark, SparkSessionExtension.sharedSession(), "one session per JVM");
  }

  @Test
  void withSqlConfRestoresPreviousValues(SparkSession spark) {
    spark.conf().unset("spark.sql.caseSensitive");
    String before = spark.conf().get("spark.sql.shuffle.partitions");
    SparkTestSupport.withSqlConf(spark,
        Map.of("spark.sql.shuffle.partitions", "7", "spark.sql.caseSensitive", "true"),
        () -> {
          assertEquals("7", spark.conf().get("spark.sql.shuffle.partitions"));
          assertEquals("true", spark.conf().get("spark.sql.caseSensitive"));
        });
    assertEquals(before, spark.conf().get("spark.sql.shuffle.partitions"));
    assertEquals("false", spark.conf().get("spark.sql.caseSensitive"));
  }

  @Test
  void imageSourceDecodesSharedImagesAsBgr(SparkSession spark) throws IOException {
    Path dir = TestData.sharedData().resolve("images");
    int decodable = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : files.toList()) {
        if (ImageIO.read(p.toFile()) != null) {
          decodable++;
        }
      }
    }
    Dataset<Row> df = spark.read().format("image").load(dir.toAbsolutePath().toString());
    assertEquals(ImageSchema.columnSchema(), TextLines.IMAGE_COLUMN_SCHEMA);
    assertEquals(ImageSchema.imageSchema(), TextLines.IMAGE_SCHEMA);
    // The file source returns every field nullable; equal otherwise.
    assertTrue(DataType.equalsStructurally(TextLines.IMAGE_SCHEMA, df.schema(), true),
        df.schema().treeString());

    List<Row> images = df.select("image.*").collectAsList();
    assertEquals(decodable, images.size());
    for (Row r : images) {
      String origin = r.getString(0);
      int h = r.getInt(1);
      int w = r.getInt(2);
      int c = r.getInt(3);
      int mode = r.getInt(4);
      byte[] data = (byte[]) r.get(5);
      BufferedImage ref = ImageIO.read(Path.of(URI.create(origin)).toFile());
      assertEquals(ref.getHeight(), h, origin);
      assertEquals(ref.getWidth(), w, origin);
      assertEquals(h * w * c, data.length, origin);
      assertEquals(switch (c) { case 1 -> 0; case 3 -> 16; case 4 -> 24; default -> -1; },
          mode, origin);
      if (c == 3 && ref.getType() == BufferedImage.TYPE_3BYTE_BGR) {
        assertArrayEquals(TextLines.bgrBytes(ref), data, origin + " is not BGR");
      }
    }
  }

  @Test
  void imageSourceKeepsUndecodableFilesUnlessDropInvalid(SparkSession spark)
      throws IOException {
    Path dir = SparkTestSupport.tempDir();
    Files.write(dir.resolve("line.png"), TextLines.pngBytes(TextLines.render("ok", SEED, false)));
    Files.writeString(dir.resolve("notes.png"), "not an image");
    String path = dir.toString();
    List<Row> all = collectSorted(spark.read().format("image").load(path).select("image.*"),
        "origin");
    assertEquals(2, all.size());
    assertEquals(-1, all.get(1).getInt(1), "undecodable file gives height -1");
    assertEquals(1, spark.read().format("image").option("dropInvalid", true).load(path)
        .count());
  }

  @Test
  void binaryFileSourceReturnsEncodedBytes(SparkSession spark) throws IOException {
    Path dir = TestData.sharedData().resolve("images");
    List<Row> rows = collectSorted(spark.read().format("binaryFile")
        .option("pathGlobFilter", "*.{png,jpg}").load(dir.toString()), "path");
    assertEquals(9, rows.size());
    for (Row r : rows) {
      Path p = Path.of(URI.create(r.getString(r.fieldIndex("path"))));
      byte[] content = (byte[]) r.get(r.fieldIndex("content"));
      assertArrayEquals(Files.readAllBytes(p), content, p.toString());
      assertEquals(content.length, r.getLong(r.fieldIndex("length")));
    }
  }

  @Test
  void textLineImageRowsRoundTripThroughShuffle(SparkSession spark) {
    List<Row> expected = new ArrayList<>();
    List<String> texts = TextLines.sampleTexts();
    for (int i = 0; i < 8; i++) {
      BufferedImage img = TextLines.render(texts.get(i), SEED + i, i % 2 == 1);
      expected.add(RowFactory.create(TextLines.toSparkImageRow(img, "mem://line/" + i)));
    }
    Dataset<Row> df = spark.createDataFrame(expected, TextLines.IMAGE_SCHEMA).repartition(3);
    List<Row> actual = collectSorted(df, "image.origin");
    assertSameRows(expected, actual);
    BufferedImage back = TextLines.fromSparkImageRow(actual.get(0).getStruct(0));
    assertArrayEquals(TextLines.bgrBytes(TextLines.render(texts.get(0), SEED, false)),
        TextLines.bgrBytes(back));
  }

  @Test
  void rendersReadableUprightAndRotatedLines() throws IOException {
    Path out = Path.of("target", "textlines");
    Files.createDirectories(out);
    for (int i = 0; i < 2; i++) {
      String text = TextLines.sampleTexts().get(i);
      BufferedImage up = TextLines.render(text, SEED + i, false);
      BufferedImage down = TextLines.render(text, SEED + i, true);
      assertTrue(up.getHeight() >= 30 && up.getHeight() <= 70, "height " + up.getHeight());
      assertTrue(up.getWidth() > 8 * text.length(), "width " + up.getWidth());
      assertArrayEquals(TextLines.bgrBytes(TextLines.rotate180(up)), TextLines.bgrBytes(down),
          "seed " + (SEED + i));
      Files.write(out.resolve("upright-" + i + ".png"), TextLines.pngBytes(up));
      Files.write(out.resolve("rotated-" + i + ".png"), TextLines.pngBytes(down));
      BufferedImage jpeg = ImageIO.read(new ByteArrayInputStream(TextLines.jpegBytes(up)));
      assertEquals(up.getWidth(), jpeg.getWidth());
    }
  }

  @Test
  void isolatedSessionWithThreeAttemptsSurvivesTwoTaskFailures(SparkSession shared) {
    MapFunction<Long, Long> failTwice = x -> {
      if (TaskContext.get().attemptNumber() < 2) {
        throw new IllegalStateException("injected failure, attempt "
            + TaskContext.get().attemptNumber());
      }
      return x;
    };
    assertThrows(SparkException.class,
        () -> shared.range(2).coalesce(1).map(failTwice, Encoders.LONG()).count(),
        "local[2,2] allows only 2 attempts");
    try (IsolatedSparkSession iso = IsolatedSparkSession.start("local[2,3]")) {
      assertTrue(shared.sparkContext().isStopped(), "shared session is stopped meanwhile");
      assertEquals(2L, iso.spark().range(2).coalesce(1).map(failTwice, Encoders.LONG())
          .count());
    }
    SparkSession again = SparkSessionExtension.sharedSession();
    assertEquals("local[2,2]", again.sparkContext().master());
    assertEquals(5L, again.range(5).count());
  }
}
