package io.convspark.hostile;

import static io.convspark.hostile.EncodedImages.chunk;
import static io.convspark.hostile.EncodedImages.encode;
import static io.convspark.hostile.EncodedImages.jpeg;
import static io.convspark.hostile.EncodedImages.png;
import static io.convspark.hostile.EncodedImages.rgb;
import static io.convspark.hostile.EncodedImages.rowsOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.graph.Attribute;
import io.convspark.image.ChannelOrder;
import io.convspark.image.ImageException.Code;
import io.convspark.image.PreprocessOptions;
import io.convspark.image.ResizeMode;
import io.convspark.testing.Models;
import io.convspark.testing.OnnxModelBuilder;
import io.convspark.testing.WithSpark;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile rows through Spark, docs/hostile-inputs.md section 5.4 (S1-S5, A1-A3) and I15: every
 * input row gives one output row; a bad row has a null prediction and an error struct (code,
 * message, stage); every good row's prediction is bitwise the one it gets when run alone.
 */
@WithSpark
class HostileRowTest {
  static final int SIZE = 16;
  private static final int PER = 3 * SIZE * SIZE;
  private static final int CLASSES = 10;
  private static ConvModel model;

  /** Spark's image struct with every field nullable, as {@code format("image")} reads it. */
  private static final StructType IMAGE = new StructType().add("origin", DataTypes.StringType)
      .add("height", DataTypes.IntegerType).add("width", DataTypes.IntegerType)
      .add("nChannels", DataTypes.IntegerType).add("mode", DataTypes.IntegerType)
      .add("data", DataTypes.BinaryType);
  private static final DataType FLOATS = DataTypes.createArrayType(DataTypes.FloatType, true);

  // ---- S1 - S5: the image struct ------------------------------------------------------

  @Test
  @Timeout(60)
  @DisplayName("S1 Spark's invalid image row (origin, -1, -1, -1, -1, []) is INVALID_IMAGE_STRUCT")
  void s01_sparkInvalidImageRow(SparkSession spark) {
    List<Object> values = List.of(struct(5, 4, 3, 16), invalidImageRow(), struct(3, 7, 1, 0));
    List<Row> out = infer(spark, IMAGE, values, 16);
    assertRowErr(out.get(1), Code.INVALID_IMAGE_STRUCT);
    assertTrue(error(out.get(1)).contains("size -1x-1"), error(out.get(1)));
    assertSameAsAlone(spark, IMAGE, values, out);
  }

  @Test
  @Timeout(60)
  @DisplayName("S2 a null image and a null data field are NULL_INPUT")
  void s02_nullImageAndNullData(SparkSession spark) {
    Row nullData = RowFactory.create("no-data", 2, 2, 3, 16, null);
    List<Object> values = Arrays.asList(struct(5, 4, 3, 16), null, nullData, struct(2, 9, 4, 24));
    List<Row> out = infer(spark, IMAGE, values, 16);
    assertRowErr(out.get(1), Code.NULL_INPUT);
    assertRowErr(out.get(2), Code.NULL_INPUT);
    assertTrue(error(out.get(2)).contains("'data' is null"), error(out.get(2)));
    assertSameAsAlone(spark, IMAGE, values, out);
  }

  @Test
  @Timeout(60)
  @DisplayName("S3 data.length != height x width x nChannels (short, long) is SHAPE_MISMATCH")
  void s03_dataLengthMismatch(SparkSession spark) {
    Row shortData = RowFactory.create("short", 4, 5, 3, 16, new byte[59]);
    Row longData = RowFactory.create("long", 4, 5, 3, 16, new byte[61]);
    Row overflow = RowFactory.create("int-overflow", 65536, 65536, 1, 0, new byte[0]);
    List<Object> values = List.of(struct(4, 5, 3, 16), shortData, longData, overflow);
    List<Row> out = infer(spark, IMAGE, values, 16);
    for (int i = 1; i <= 3; i++) {
      assertRowErr(out.get(i), Code.SHAPE_MISMATCH);
    }
    assertTrue(error(out.get(1)).contains("data has 59 bytes") && error(out.get(1))
        .contains("= 60"), error(out.get(1)));
    assertTrue(error(out.get(3)).contains("= 4294967296"), error(out.get(3))); // long product
    assertSameAsAlone(spark, IMAGE, values, out);
  }

  @Test
  @Timeout(60)
  @DisplayName("S4 nChannels not in {1,3,4}, or mode inconsistent with nChannels: row error")
  void s04_badChannelsOrMode(SparkSession spark) {
    List<Object> values = List.of(struct(3, 3, 3, 16),
        RowFactory.create("2ch", 3, 3, 2, 8, new byte[18]),
        RowFactory.create("0ch", 3, 3, 0, 0, new byte[0]),
        RowFactory.create("16 with 4ch", 3, 3, 4, 16, new byte[36]),
        RowFactory.create("0 with 3ch", 3, 3, 3, 0, new byte[27]),
        RowFactory.create("null mode", 3, 3, 3, null, new byte[27]),
        struct(3, 3, 1, 0));
    List<Row> out = infer(spark, IMAGE, values, 16);
    for (int i = 1; i <= 5; i++) {
      assertRowErr(out.get(i), Code.INVALID_IMAGE_STRUCT);
    }
    assertTrue(error(out.get(1)).contains("[1, 3, 4]"), error(out.get(1)));
    assertTrue(error(out.get(3)).contains("mode 16 with nChannels 4, expected mode 24"),
        error(out.get(3)));
    assertSameAsAlone(spark, IMAGE, values, out);
  }

  @Test
  @Timeout(60)
  @DisplayName("S5 pure red and an asymmetric image: BGR struct bytes reach the model in order")
  void s05_channelOrderGolden(SparkSession spark) {
    ConvModel identity = identityModel();
    // pixels (R, G, B): pure red, pure green, pure blue, (10, 20, 30); Spark stores B, G, R
    int[][] rgb = {{255, 0, 0}, {0, 255, 0}, {0, 0, 255}, {10, 20, 30}};
    byte[] bgr = new byte[12];
    for (int p = 0; p < 4; p++) {
      for (int c = 0; c < 3; c++) {
        bgr[3 * p + c] = (byte) rgb[p][2 - c];
      }
    }
    byte[] red = {0, 0, (byte) 255, 0, 0, (byte) 255, 0, 0, (byte) 255, 0, 0, (byte) 255};
    byte[] png = encode(rgb(2, 2, (x, y) -> rgb[y * 2 + x][0] << 16 | rgb[y * 2 + x][1] << 8
        | rgb[y * 2 + x][2]), "png");
    for (ChannelOrder order : ChannelOrder.values()) {
      PreprocessOptions o = PreprocessOptions.scale(2, 2, 3, ResizeMode.STRETCH, 0, order,
          new float[] {1, 1, 1}, new float[3]);
      var infer = identity.infer().inputCol("value").preprocess(o).rawScores();
      List<Row> structs = collect(spark, IMAGE, List.of(RowFactory.create("red", 2, 2, 3, 16,
          red), RowFactory.create("asym", 2, 2, 3, 16, bgr)), infer);
      List<Row> encoded = collect(spark, DataTypes.BinaryType, List.of(png), infer);
      for (int p = 0; p < 4; p++) {
        for (int c = 0; c < 3; c++) {
          int rgbChannel = order == ChannelOrder.RGB ? c : 2 - c;
          float redWant = rgbChannel == 0 ? 255 : 0;
          assertEquals(redWant, floats(structs.get(0))[c * 4 + p], order + " red p" + p);
          assertEquals(rgb[p][rgbChannel], floats(structs.get(1))[c * 4 + p],
              order + " asym pixel " + p + " channel " + c);
        }
      }
      assertArrayEquals(floats(structs.get(1)), floats(encoded.get(0)),
          order + ": the struct and the PNG of the same pixels agree");
    }
  }

  // ---- A1 - A3: float arrays --------------------------------------------------------------

  @Test
  @Timeout(60)
  @DisplayName("A1 float arrays of wrong length or wrong (nested) shape are SHAPE_MISMATCH")
  void a01_wrongLengthOrShape(SparkSession spark) {
    List<Object> flat = List.of(tensor(1), new float[PER - 1], new float[PER + 1], new float[0],
        tensor(2));
    List<Row> out = infer(spark, FLOATS, flat, 16);
    for (int i = 1; i <= 3; i++) {
      assertRowErr(out.get(i), Code.SHAPE_MISMATCH);
    }
    assertTrue(error(out.get(1)).contains("tensor has 767 values, the model needs 768"),
        error(out.get(1)));
    assertSameAsAlone(spark, FLOATS, flat, out);

    // Nested: [3][16][16] (NCHW) fits; [16][16][3] holds 768 values but is NHWC; ragged fails.
    DataType nested3 = DataTypes.createArrayType(DataTypes.createArrayType(FLOATS));
    float[] t = tensor(3);
    List<Object> nested = List.of(nest(t, 3, SIZE, SIZE), nest(t, SIZE, SIZE, 3),
        ragged(t), nest(t, 3, SIZE * 2, SIZE / 2));
    List<Row> nestedOut = infer(spark, nested3, nested, 16);
    assertGood(nestedOut.get(0));
    assertArrayEquals(bits(floats(infer(spark, FLOATS, List.of(t), 1).get(0))),
        bits(floats(nestedOut.get(0))), "[3][16][16] is the flat tensor");
    for (int i = 1; i <= 3; i++) {
      assertRowErr(nestedOut.get(i), Code.SHAPE_MISMATCH);
    }
    assertTrue(error(nestedOut.get(1)).contains("shape [16][16][3]") && error(nestedOut.get(1))
        .contains("needs [3][16][16]"), error(nestedOut.get(1)));
    assertTrue(error(nestedOut.get(2)).contains("differ in length"), error(nestedOut.get(2)));
    // [1][3][16][16] (with the batch dimension) fits too
    DataType nested4 = DataTypes.createArrayType(nested3);
    assertGood(infer(spark, nested4, List.of(scalaSeqs(List.of(nest(t, 3, SIZE, SIZE)))), 1)
        .get(0));
  }

  @Test
  @Timeout(60)
  @DisplayName("A2 NaN and +-Inf inputs are flagged NON_FINITE_INPUT, prediction null")
  void a02_nonFiniteInputsAreFlagged(SparkSession spark) {
    // Policy (RowConverter.fromTensor): flagged rows are not run; prediction null like every
    // error row, so a NaN never reaches softmax/top-k and other rows are unaffected.
    List<Object> values = List.of(tensor(1), withValue(tensor(2), 0, Float.NaN),
        withValue(tensor(3), PER - 1, Float.POSITIVE_INFINITY),
        withValue(tensor(4), 100, Float.NEGATIVE_INFINITY), tensor(5));
    List<Row> out = infer(spark, FLOATS, values, 16);
    for (int i = 1; i <= 3; i++) {
      assertRowErr(out.get(i), Code.NON_FINITE_INPUT);
    }
    assertTrue(error(out.get(1)).contains("tensor value 0 (in flat order) is NaN"),
        error(out.get(1)));
    assertTrue(error(out.get(2)).contains("767 (in flat order) is Infinity"), error(out.get(2)));
    assertEquals("input", out.get(3).getStruct(3).getString(2));
    assertSameAsAlone(spark, FLOATS, values, out);
  }

  @Test
  @Timeout(60)
  @DisplayName("A3 a null element inside an array is NULL_INPUT")
  void a03_nullElementInsideArray(SparkSession spark) {
    Float[] withNull = new Float[PER];
    Arrays.fill(withNull, 0.5f);
    withNull[37] = null;
    Float[] boxed = new Float[PER];
    float[] t = tensor(9);
    for (int i = 0; i < PER; i++) {
      boxed[i] = t[i];
    }
    List<Object> values = List.of(boxed, withNull, boxed);
    List<Row> out = infer(spark, FLOATS, values, 16);
    assertRowErr(out.get(1), Code.NULL_INPUT);
    assertTrue(error(out.get(1)).contains("tensor element 37"), error(out.get(1)));
    assertSameAsAlone(spark, FLOATS, values, out);
    // a null inner array of a nested tensor
    DataType nested3 = DataTypes.createArrayType(DataTypes.createArrayType(FLOATS));
    List<Object> rows = new ArrayList<>(List.of(nest(t, 3, SIZE, SIZE)));
    List<Object> planes = new ArrayList<>(scala.jdk.javaapi.CollectionConverters.asJava(
        (scala.collection.Seq<?>) nest(t, 3, SIZE, SIZE)));
    planes.set(1, null);
    rows.add(scala.jdk.javaapi.CollectionConverters.asScala(planes).toSeq());
    List<Row> nestedOut = infer(spark, nested3, rows, 16);
    assertGood(nestedOut.get(0));
    assertRowErr(nestedOut.get(1), Code.NULL_INPUT);
  }

  // ---- I15: mixed images in one Arrow batch ----------------------------------------------

  @Test
  @Timeout(60)
  @DisplayName("I15 mixed sizes, formats and channel counts in one Arrow batch: per-row results")
  void i15_mixedSizesInOneArrowBatch(SparkSession spark) {
    List<Object> encoded = new ArrayList<>(mixedEncodedImages());
    encoded.add(2, EncodedImages.ascii("not an image"));
    encoded.add(5, Arrays.copyOf(EncodedImages.smallPng(), 40));
    List<Row> out = infer(spark, DataTypes.BinaryType, encoded, 64); // one batch
    assertRowErr(out.get(2), Code.UNSUPPORTED_FORMAT);
    assertRowErr(out.get(5), Code.TRUNCATED);
    assertSameAsAlone(spark, DataTypes.BinaryType, encoded, out);
    List<Object> structs = List.of(struct(1, 1, 1, 0), struct(40, 3, 3, 16),
        struct(7, 30, 4, 24), struct(16, 16, 3, 16), invalidImageRow(), struct(2, 50, 1, 0));
    List<Row> structOut = infer(spark, IMAGE, structs, 64);
    assertRowErr(structOut.get(4), Code.INVALID_IMAGE_STRUCT);
    assertSameAsAlone(spark, IMAGE, structs, structOut);
  }

  // ---- helpers: Spark -----------------------------------------------------------------

  static synchronized ConvModel model() {
    if (model == null) {
      model = ConvModel.load(Models.resnetStyle(SIZE), null);
    }
    return model;
  }

  private static PreprocessOptions options() {
    float s = 1f / 255f;
    return PreprocessOptions.scale(SIZE, SIZE, 3, ResizeMode.STRETCH, 0, ChannelOrder.RGB,
        new float[] {s, s, s}, new float[3]);
  }

  /** Encoded images through the model in one batch; rows in input order. */
  static List<Row> inferEncoded(SparkSession spark, List<byte[]> images) {
    return infer(spark, DataTypes.BinaryType, new ArrayList<>(images), 64);
  }

  /**
   * Rows (id, value) in one partition through {@code infer()} with raw scores; returns
   * (id, value, prediction, error) in input order, after checking one output row per input.
   */
  static List<Row> infer(SparkSession spark, DataType type, List<?> values, int batch) {
    return collect(spark, type, values, model().infer().inputCol("value").preprocess(options())
        .rawScores().batchSize(batch));
  }

  static List<Row> collect(SparkSession spark, DataType type, List<?> values,
      scala.Function1<Dataset<Row>, Dataset<Row>> infer) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      rows.add(RowFactory.create(i, values.get(i)));
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType).add("value", type);
    List<Row> out = new ArrayList<>(spark.createDataFrame(rows, schema).coalesce(1)
        .transform(infer).collectAsList());
    assertEquals(values.size(), out.size(), "one output row per input row");
    out.sort(Comparator.comparingInt(r -> r.getInt(0)));
    for (int i = 0; i < out.size(); i++) {
      assertEquals(i, out.get(i).getInt(0), "no row lost or duplicated");
      assertEquals(4, out.get(i).length(), "id, value, prediction, error");
    }
    return out;
  }

  /**
   * Every good row of {@code out} has the prediction it gets in a job of the good rows alone,
   * one per batch, bit for bit.
   */
  static void assertSameAsAlone(SparkSession spark, DataType type, List<?> values,
      List<Row> out) {
    List<Object> good = new ArrayList<>();
    List<Integer> at = new ArrayList<>();
    for (int i = 0; i < out.size(); i++) {
      if (out.get(i).isNullAt(3)) {
        good.add(values.get(i));
        at.add(i);
      }
    }
    assertFalse(good.isEmpty(), "the case has good rows to compare");
    List<Row> alone = infer(spark, type, good, 1);
    for (int k = 0; k < good.size(); k++) {
      assertGood(alone.get(k));
      assertArrayEquals(bits(floats(alone.get(k))), bits(floats(out.get(at.get(k)))),
          "row " + at.get(k) + " alone and among bad rows");
    }
  }

  static void assertRowErr(Row r, Code code) {
    assertTrue(r.isNullAt(2), "row " + r.get(0) + ": a bad row has no prediction");
    Row e = r.getStruct(3);
    assertNotNull(e, "row " + r.get(0) + " has an error");
    assertEquals(code.name(), e.getString(0), "row " + r.get(0) + ": " + e);
    assertFalse(e.getString(1).isBlank(), "message");
    assertTrue(List.of("input", "header", "decode", "convert", "struct")
        .contains(e.getString(2)), "stage " + e.getString(2));
  }

  static void assertGood(Row r) {
    assertNull(r.get(3), "row " + r.get(0) + " error");
    float[] p = floats(r);
    assertEquals(CLASSES, p.length, "raw scores");
    for (float v : p) {
      assertTrue(Float.isFinite(v), "finite scores");
    }
  }

  private static String error(Row r) {
    return r.getStruct(3).getString(1);
  }

  private static float[] floats(Row r) {
    List<Object> list = r.getList(2);
    assertNotNull(list, "row " + r.get(0) + " prediction");
    float[] f = new float[list.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = ((Number) list.get(i)).floatValue();
    }
    return f;
  }

  private static int[] bits(float[] f) {
    int[] b = new int[f.length];
    for (int i = 0; i < f.length; i++) {
      b[i] = Float.floatToRawIntBits(f[i]);
    }
    return b;
  }

  /** 1x1 conv with identity weights: raw output = the preprocessed 2x2 input, NCHW. */
  private static ConvModel identityModel() {
    float[] w = new float[9];
    w[0] = w[4] = w[8] = 1f;
    byte[] onnx = new OnnxModelBuilder(13).input("x", -1, 3, 2, 2)
        .initializer("w", new long[] {3, 3, 1, 1}, w)
        .node("id", "Conv", new String[] {"x", "w"}, new String[] {"y"},
            Attribute.ofInts("kernel_shape", 1, 1))
        .output("y").toBytes();
    return ConvModel.load(onnx, null);
  }

  // ---- helpers: values --------------------------------------------------------------------

  /** A valid image struct h x w x c (mode as given) with a deterministic pattern. */
  private static Row struct(int h, int w, int c, int mode) {
    byte[] data = new byte[h * w * c];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 37 + h * 11 + w);
    }
    return RowFactory.create(h + "x" + w + "x" + c, h, w, c, mode, data);
  }

  /** {@code ImageSchema.invalidImageRow(origin)}. */
  private static Row invalidImageRow() {
    return RowFactory.create("file:/broken.jpg", -1, -1, -1, -1, new byte[0]);
  }

  private static float[] tensor(long seed) {
    return OnnxModelBuilder.random(seed, PER);
  }

  private static float[] withValue(float[] t, int i, float v) {
    t[i] = v;
    return t;
  }

  /** {@code flat} as nested Scala Seqs of the given dims (row-major), leaves as Float. */
  private static Object nest(float[] flat, int... dims) {
    return scalaSeqs(nestList(flat, 0, dims, 0));
  }

  private static Object nestList(float[] flat, int off, int[] dims, int level) {
    int stride = 1;
    for (int k = level + 1; k < dims.length; k++) {
      stride *= dims[k];
    }
    List<Object> out = new ArrayList<>();
    for (int i = 0; i < dims[level]; i++) {
      out.add(level == dims.length - 1 ? (Object) flat[off + i]
          : nestList(flat, off + i * stride, dims, level + 1));
    }
    return out;
  }

  /** [3][16][16] where plane 0 row 0 has one value less and row 1 one more. */
  private static Object ragged(float[] t) {
    List<Object> planes = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      List<Object> rows = new ArrayList<>();
      int pos = c * SIZE * SIZE;
      for (int y = 0; y < SIZE; y++) {
        int n = c == 0 && y == 0 ? SIZE - 1 : c == 0 && y == 1 ? SIZE + 1 : SIZE;
        List<Object> row = new ArrayList<>();
        for (int x = 0; x < n; x++) {
          row.add(t[pos++]);
        }
        rows.add(row);
      }
      planes.add(rows);
    }
    return scalaSeqs(planes);
  }

  private static Object scalaSeqs(Object o) {
    if (o instanceof List<?> l) {
      List<Object> out = new ArrayList<>();
      l.forEach(x -> out.add(scalaSeqs(x)));
      return scala.jdk.javaapi.CollectionConverters.asScala(out).toSeq();
    }
    return o;
  }

  /** Different sizes, formats, bit depths and channel counts, all decodable. */
  static List<byte[]> mixedEncodedImages() {
    return List.of(
        png(5, 3, 8, 0, 0, rowsOf(5, 3, 1, 8, (x, y, c) -> 40 * x + y)),
        encode(rgb(40, 20, (x, y) -> x << 18 | y << 9 | 3), "png"),
        png(7, 7, 8, 6, 0, rowsOf(7, 7, 4, 8, (x, y, c) -> 30 * c + x * y)),
        png(10, 10, 8, 3, 0, rowsOf(10, 10, 1, 8, (x, y, c) -> (x * y) % 2),
            chunk("PLTE", new byte[] {1, 2, 3, (byte) 250, (byte) 240, (byte) 230})),
        png(6, 9, 16, 2, 0, rowsOf(6, 9, 3, 16, (x, y, c) -> 7000 * x + 900 * y + c)),
        jpeg(rgb(33, 17, (x, y) -> x * 7 << 16 | y * 15 << 8 | 40), 0.9f),
        encode(rgb(9, 9, (x, y) -> (x + y) % 2 == 0 ? 0xFF8000 : 0x0080FF), "gif"),
        encode(rgb(12, 8, (x, y) -> x * 20 << 8 | y * 30), "bmp"),
        encode(rgb(1, 1, (x, y) -> 0x123456), "png"));
  }
}
