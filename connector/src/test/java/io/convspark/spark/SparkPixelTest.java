package io.convspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.convspark.ConvModel;
import io.convspark.graph.Attribute;
import io.convspark.image.ChannelOrder;
import io.convspark.image.PreprocessOptions;
import io.convspark.image.ResizeMode;
import io.convspark.testing.OnnxModelBuilder;
import io.convspark.testing.TextLines;
import io.convspark.testing.WithSpark;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The three input kinds through Spark into an identity model (1x1 conv, identity weights), so
 * the raw output is the preprocessed input, compared with pixels computed by hand.
 */
@WithSpark
class SparkPixelTest {
  // 2x2 image, RGB per pixel, row-major.
  private static final int[][] RGB = {{30, 20, 10}, {200, 100, 50}, {0, 255, 128}, {7, 8, 9}};

  private static ConvModel identity() {
    float[] w = new float[9];
    w[0] = w[4] = w[8] = 1f;
    byte[] onnx = new OnnxModelBuilder(13).input("x", -1, 3, 2, 2)
        .initializer("w", new long[] {3, 3, 1, 1}, w)
        .node("id", "Conv", new String[] {"x", "w"}, new String[] {"y"},
            Attribute.ofInts("kernel_shape", 1, 1))
        .output("y").toBytes();
    return ConvModel.load(onnx, null);
  }

  /** NCHW floats the model must see: channel c of the model's order, then p * mul + add. */
  private static float[] expected(ChannelOrder order, float mul, float add) {
    float[] e = new float[12];
    for (int p = 0; p < 4; p++) {
      for (int c = 0; c < 3; c++) {
        int rgbIndex = order == ChannelOrder.RGB ? c : 2 - c;
        e[c * 4 + p] = RGB[p][rgbIndex] * mul + add;
      }
    }
    return e;
  }

  private static PreprocessOptions options(ChannelOrder order, float mul, float add) {
    return PreprocessOptions.scale(2, 2, 3, ResizeMode.STRETCH, 0, order,
        new float[] {mul, mul, mul}, new float[] {add, add, add});
  }

  @Test
  void structPngAndTensorGiveTheHandComputedPixels(SparkSession spark) throws Exception {
    BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
    for (int p = 0; p < 4; p++) {
      img.setRGB(p % 2, p / 2, RGB[p][0] << 16 | RGB[p][1] << 8 | RGB[p][2]);
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(img, "png", png);
    ConvModel model = identity();
    for (ChannelOrder order : ChannelOrder.values()) {
      for (float[] norm : new float[][] {{1f, 0f}, {2f / 255f, -1f}}) {
        PreprocessOptions p = options(order, norm[0], norm[1]);
        float[] want = expected(order, norm[0], norm[1]);
        Row structRow = RowFactory.create(TextLines.toSparkImageRow(img, "tiny"));
        StructType structSchema = new StructType().add("image", TextLines.IMAGE_COLUMN_SCHEMA);
        check(spark.createDataFrame(List.of(structRow), structSchema)
            .transform(model.infer().preprocess(p).rawScores()).collectAsList(), want,
            "struct " + order);
        StructType binSchema = new StructType().add("content", DataTypes.BinaryType);
        check(spark.createDataFrame(List.of(RowFactory.create((Object) png.toByteArray())),
            binSchema).transform(model.infer().inputCol("content").preprocess(p).rawScores())
            .collectAsList(), want, "png " + order);
      }
    }
    // A nested array<array<array<float>>> tensor in NCHW is passed through as given.
    float[] t = expected(ChannelOrder.RGB, 0.5f, 0.25f);
    Object nested = scala.jdk.javaapi.CollectionConverters.asScala(List.of(
        List.of(List.of(t[0], t[1]), List.of(t[2], t[3])),
        List.of(List.of(t[4], t[5]), List.of(t[6], t[7])),
        List.of(List.of(t[8], t[9]), List.of(t[10], t[11])))).toSeq();
    StructType nestedSchema = new StructType().add("t", DataTypes.createArrayType(
        DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType))));
    Row nestedRow = RowFactory.create(toSeqs(nested));
    check(spark.createDataFrame(List.of(nestedRow), nestedSchema)
        .transform(model.infer().inputCol("t").rawScores()).collectAsList(), t, "nested");
    assertEquals(0, ArrowMemory.allocatedBytes());
  }

  private static Object toSeqs(Object o) {
    if (o instanceof scala.collection.Seq<?> s) {
      java.util.List<Object> out = new java.util.ArrayList<>();
      scala.jdk.javaapi.CollectionConverters.asJava(s).forEach(x -> out.add(toSeqs(x)));
      return scala.jdk.javaapi.CollectionConverters.asScala(out).toSeq();
    }
    if (o instanceof java.util.List<?> l) {
      java.util.List<Object> out = new java.util.ArrayList<>();
      l.forEach(x -> out.add(toSeqs(x)));
      return scala.jdk.javaapi.CollectionConverters.asScala(out).toSeq();
    }
    return o;
  }

  private static void check(List<Row> rows, float[] want, String what) {
    assertEquals(1, rows.size(), what);
    Row r = rows.get(0);
    int n = r.length();
    assertNull(r.get(n - 1), what + " error");
    List<Object> got = r.getList(n - 2);
    assertEquals(want.length, got.size(), what);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], ((Number) got.get(i)).floatValue(), 1e-6f, what + " value " + i);
    }
  }
}
