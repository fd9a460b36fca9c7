package io.convspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.image.ChannelOrder;
import io.convspark.image.ImagePreprocessor;
import io.convspark.image.PreprocessOptions;
import io.convspark.image.ResizeMode;
import io.convspark.plan.ModelSession;
import io.convspark.testing.Models;
import io.convspark.testing.OnnxModelBuilder;
import io.convspark.testing.TestData;
import io.convspark.testing.WithSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** df.transform(model.infer()) on a real local SparkSession, against the model outside Spark. */
@WithSpark
class SparkInferenceTest {
  private static final int SIZE = 37;

  private static ConvModel model() {
    return ConvModel.load(Models.resnetStyle(SIZE), null);
  }

  @Test
  void tensorRowsGiveTheSameBitsAsTheModelOutsideSpark(SparkSession spark) {
    ConvModel model = model();
    int per = 3 * SIZE * SIZE;
    int rows = 23;
    List<Row> data = new ArrayList<>();
    float[] all = OnnxModelBuilder.random(11, rows * per);
    for (int i = 0; i < rows; i++) {
      float[] img = java.util.Arrays.copyOfRange(all, i * per, (i + 1) * per);
      data.add(RowFactory.create(i, img));
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType)
        .add("tensor", DataTypes.createArrayType(DataTypes.FloatType));
    Dataset<Row> df = spark.createDataFrame(data, schema).repartition(5);
    List<Row> out = new ArrayList<>(df.transform(model.infer().inputCol("tensor").rawScores()
        .batchSize(4)).collectAsList());
    assertEquals(rows, out.size(), "one output row per input row");
    assertEquals(0, ArrowMemory.allocatedBytes(), "every task closed its Arrow allocator");
    out.sort(Comparator.comparingInt(r -> r.getInt(0)));
    try (ModelSession s = model.newSession(1)) {
      for (int i = 0; i < rows; i++) {
        float[] nhwc = io.convspark.plan.Layouts.nchwToNhwc(
            java.util.Arrays.copyOfRange(all, i * per, (i + 1) * per), 1, 3, SIZE, SIZE);
        float[] expected = s.run(nhwc, 1)[0];
        Row r = out.get(i);
        assertNull(r.get(3), "row " + i + " error");
        assertArrayEquals(expected, floats(r.getList(2)), "row " + i);
      }
    }
  }

  /** One broadcast per model and SparkContext: later transformations reuse it. */
  @Test
  void aModelIsBroadcastOncePerContext(SparkSession spark) {
    ConvModel model = model();
    var sc = spark.sparkContext();
    SparkInference.Shipment first = SparkInference.shipment(model, sc, 1 << 20);
    SparkInference.Shipment again = SparkInference.shipment(model, sc, 1 << 20);
    assertEquals(first.broadcast().id(), again.broadcast().id());
    assertEquals(first.hash(), again.hash());
    SparkInference.Shipment other = SparkInference.shipment(model(), sc, 1 << 20);
    assertTrue(other.broadcast().id() != first.broadcast().id(), "a new model, a new broadcast");
    assertEquals(first.hash(), other.hash(), "the same compiled bytes hash the same");
    SparkInference.Shipment rechunked = SparkInference.shipment(model, sc, 1 << 16);
    assertTrue(rechunked.broadcast().id() != first.broadcast().id(), "new chunk size");
    assertEquals(first.hash(), rechunked.hash(), "the hash covers bytes, not chunking");
  }

  @Test
  void encodedImagesAndBadRowsInOneJob(SparkSession spark) throws Exception {
    ConvModel model = model();
    Path dir = TestData.sharedData().resolve("images");
    List<Row> data = new ArrayList<>();
    List<Path> files;
    try (var list = Files.list(dir)) {
      files = list.sorted().toList();
    }
    for (Path f : files) {
      data.add(RowFactory.create(f.getFileName().toString(), Files.readAllBytes(f)));
    }
    byte[] png = Files.readAllBytes(dir.resolve("chelsea.png"));
    data.add(RowFactory.create("null", null));
    data.add(RowFactory.create("empty", new byte[0]));
    data.add(RowFactory.create("text", "this is not an image".getBytes()));
    data.add(RowFactory.create("truncated", java.util.Arrays.copyOf(png, png.length / 3)));
    byte[] corrupt = png.clone();
    java.util.Arrays.fill(corrupt, corrupt.length / 2, corrupt.length / 2 + 400, (byte) 0x5A);
    data.add(RowFactory.create("corrupt", corrupt));
    // A decompression bomb: a valid PNG header declaring 100000 x 100000 pixels.
    data.add(RowFactory.create("bomb",
        io.convspark.image.TestImages.pngHeaderOnly(100_000, 100_000, 8, 2)));
    StructType schema = new StructType().add("name", DataTypes.StringType)
        .add("content", DataTypes.BinaryType);
    Dataset<Row> df = spark.createDataFrame(data, schema).repartition(3);
    PreprocessOptions p = PreprocessOptions.meanStd(SIZE, SIZE, 3, ResizeMode.STRETCH, 0,
        ChannelOrder.RGB, new float[] {0.485f, 0.456f, 0.406f},
        new float[] {0.229f, 0.224f, 0.225f});
    List<Row> out = df.transform(model.infer().inputCol("content").preprocess(p)
        .topK(3, List.of())).collectAsList();
    assertEquals(data.size(), out.size(), "no row lost or added");
    assertEquals(0, ArrowMemory.allocatedBytes(), "every task closed its Arrow allocator");
    ImagePreprocessor pre = new ImagePreprocessor(p);
    try (ModelSession s = model.newSession(1)) {
      for (Row r : out) {
        String name = r.getString(0);
        Row error = r.getStruct(3);
        switch (name) {
          case "null" -> assertEquals("NULL_INPUT", error.getString(0));
          case "empty" -> assertEquals("EMPTY_INPUT", error.getString(0));
          case "text" -> assertEquals("UNSUPPORTED_FORMAT", error.getString(0), error.toString());
          case "truncated" -> assertEquals("TRUNCATED", error.getString(0), error.toString());
          case "bomb" -> assertEquals("IMAGE_TOO_LARGE", error.getString(0), error.toString());
          // Overwritten deflate data often reads as a stream that ends early.
          case "corrupt" -> assertTrue(List.of("CORRUPT", "TRUNCATED")
              .contains(error.getString(0)), error.toString());
          default -> {
            assertNull(error, name + ": " + error);
            List<Row> top = r.getList(2);
            assertEquals(3, top.size());
            float[] nhwc = new float[pre.floatsPerImage()];
            pre.fromEncoded(Files.readAllBytes(dir.resolve(name)), 0,
                (int) Files.size(dir.resolve(name)), nhwc, 0);
            float[] logits = s.run(nhwc, 1)[0];
            Predictions.softmax(logits);
            int best = 0;
            for (int i = 1; i < logits.length; i++) {
              best = logits[i] > logits[best] ? i : best;
            }
            assertEquals(best, top.get(0).getInt(0), name + " top-1 class");
            assertEquals(logits[best], top.get(0).getFloat(2), name + " top-1 score");
          }
        }
        if (error != null) {
          assertNull(r.get(2), name + ": a bad row has no prediction");
          assertTrue(!error.getString(1).isEmpty(), name + " has a message");
        }
      }
    }
  }

  @Test
  void wrongInputTypeFailsOnTheDriverWithTheTypesAccepted(SparkSession spark) {
    Dataset<Row> df = spark.range(3).toDF("id");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> df.transform(model().infer().inputCol("id")));
    assertTrue(e.getMessage().contains("column 'id'") && e.getMessage().contains("bigint")
        && e.getMessage().contains("binary"), e.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> df.transform(model().infer().inputCol("image")));
    assertTrue(missing.getMessage().contains("[id]"), missing.getMessage());
  }

  @Test
  void modelIsDeserializedOncePerExecutorWhateverThePartitions(SparkSession spark) {
    ConvModel model = ConvModel.load(Models.convBnRelu(9), null);
    ExecutorModels.clear(); // another test class may have cached the same model in this JVM
    int before = ExecutorModels.deserializations();
    int per = 3 * 9 * 9;
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      data.add(RowFactory.create((Object) OnnxModelBuilder.random(i, per)));
    }
    StructType schema = new StructType()
        .add("t", DataTypes.createArrayType(DataTypes.FloatType));
    Dataset<Row> df = spark.createDataFrame(data, schema).repartition(8);
    assertEquals(40, df.transform(model.infer().inputCol("t").rawScores()).count());
    assertEquals(1, ConvInference.lastMetrics().modelLoads(), "the first job loads it once");
    assertEquals(40, df.transform(model.infer().inputCol("t").rawScores()).count());
    assertEquals(0, ConvInference.lastMetrics().modelLoads(), "the second job finds it cached");
    assertEquals(before + 1, ExecutorModels.deserializations(),
        "16 tasks over 2 jobs in one executor JVM deserialize the model once");
  }

  private static float[] floats(List<Object> list) {
    assertNotNull(list);
    float[] f = new float[list.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = ((Number) list.get(i)).floatValue();
    }
    return f;
  }
}
