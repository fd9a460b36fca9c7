package io.convspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.image.ImagePreprocessor;
import io.convspark.image.PreprocessOptions;
import io.convspark.plan.ModelSession;
import io.convspark.testing.TestData;
import io.convspark.testing.TextLines;
import io.convspark.testing.WithSpark;
import java.awt.image.BufferedImage;
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

/**
 * The real PaddleOCR text-line orientation classifier through Spark, on lines rendered with
 * Java2D upright and rotated 180 degrees, as PNG bytes and as image-source structs.
 */
@WithSpark
class TextOrientationSparkTest {
  private static final List<String> LABELS = List.of("0", "180");

  @Test
  void classifiesRenderedLinesAndMatchesTheModelOutsideSpark(SparkSession spark)
      throws Exception {
    ConvModel model = ConvModel.load(TestData.model("ch_ppocr_mobile_v2.0_cls_infer.onnx"),
        new int[] {48, 192});
    PreprocessOptions p = PreprocessOptions.paddleOcrClassifier();
    List<Row> png = new ArrayList<>();
    List<Row> structs = new ArrayList<>();
    List<String> texts = TextLines.sampleTexts();
    int id = 0;
    for (int i = 0; i < texts.size(); i++) {
      for (boolean rotated : new boolean[] {false, true}) {
        BufferedImage img = TextLines.render(texts.get(i), i, rotated);
        png.add(RowFactory.create(id, rotated, TextLines.pngBytes(img)));
        structs.add(RowFactory.create(id, rotated, TextLines.toSparkImageRow(img, "line" + id)));
        id++;
      }
    }
    StructType pngSchema = new StructType().add("id", DataTypes.IntegerType)
        .add("rotated", DataTypes.BooleanType).add("content", DataTypes.BinaryType);
    StructType structSchema = new StructType().add("id", DataTypes.IntegerType)
        .add("rotated", DataTypes.BooleanType).add("image", TextLines.IMAGE_COLUMN_SCHEMA);
    ConvInference infer = model.infer().preprocess(p).topK(2, LABELS).batchSize(8);
    List<Row> fromPng = sorted(spark.createDataFrame(png, pngSchema).repartition(4)
        .transform(infer.inputCol("content")));
    List<Row> fromStruct = sorted(spark.createDataFrame(structs, structSchema).repartition(3)
        .transform(infer.inputCol("image")));
    assertEquals(png.size(), fromPng.size());
    assertEquals(png.size(), fromStruct.size());
    int correct = 0;
    ImagePreprocessor pre = new ImagePreprocessor(p);
    try (ModelSession s = model.newSession(1)) {
      for (int i = 0; i < fromPng.size(); i++) {
        Row r = fromPng.get(i);
        assertNull(r.get(4), "row " + i + " error");
        Row top = r.<Row>getList(3).get(0);
        boolean rotated = r.getBoolean(1);
        if (top.getString(1).equals(rotated ? "180" : "0")) {
          correct++;
        }
        // Same probabilities as the compiled model on the same preprocessing, outside Spark.
        byte[] bytes = (byte[]) png.get(i).get(2);
        float[] nhwc = new float[pre.floatsPerImage()];
        pre.fromEncoded(bytes, 0, bytes.length, nhwc, 0);
        float[] probs = s.run(nhwc, 1)[0];
        float[] spark2 = new float[2];
        for (Row e : r.<Row>getList(3)) {
          spark2[e.getInt(0)] = e.getFloat(2);
        }
        assertArrayEquals(probs, spark2, "row " + i + " probabilities");
        // Lossless PNG and the BGR struct carry the same pixels: the same prediction.
        assertEquals(top, fromStruct.get(i).<Row>getList(3).get(0), "row " + i + " struct");
      }
    }
    double accuracy = correct / (double) fromPng.size();
    System.out.printf("PaddleOCR orientation accuracy on %d rendered lines: %.3f%n",
        fromPng.size(), accuracy);
    assertTrue(accuracy >= 0.95, "accuracy " + accuracy + " < 0.95");
  }

  private static List<Row> sorted(Dataset<Row> df) {
    List<Row> rows = new ArrayList<>(df.collectAsList());
    rows.sort(Comparator.comparingInt(r -> r.getInt(0)));
    return rows;
  }
}
