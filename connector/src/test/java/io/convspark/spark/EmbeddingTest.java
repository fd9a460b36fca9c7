package io.convspark.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.ModelException;
import io.convspark.plan.Layouts;
import io.convspark.plan.ModelSession;
import io.convspark.testing.CnnBuilder;
import io.convspark.testing.OnnxModelBuilder;
import io.convspark.testing.SparkTestSupport;
import io.convspark.testing.WithSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** An intermediate value exposed as an output becomes the embedding column. */
@WithSpark
class EmbeddingTest {
  @Test
  void pooledFeaturesComeOutAsTheEmbedding(SparkSession spark) throws Exception {
    CnnBuilder c = new CnnBuilder(13, 9, "x", -1, 3, 15, 15);
    String features = c.globalAveragePool(c.relu(c.conv("x", 3, 24, 3, 2, 1, 1)));
    String logits = c.linear(c.flatten(features), 24, 4);
    Path onnx = SparkTestSupport.tempDir().resolve("embed.onnx");
    Files.write(onnx, c.output(logits).toBytes());
    ConvModel model = ConvModel.load(onnx, null, List.of(features));
    assertEquals(List.of(logits, features), model.compiled().outputNames());
    List<Row> data = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      data.add(RowFactory.create(i, OnnxModelBuilder.random(i, 3 * 15 * 15)));
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType)
        .add("t", DataTypes.createArrayType(DataTypes.FloatType));
    List<Row> out = SparkTestSupport.collectSorted(spark.createDataFrame(data, schema)
        .repartition(2).transform(model.infer().inputCol("t").embedding(features)
            .outputCol("embedding")), "id");
    try (ModelSession s = model.newSession(1)) {
      for (int i = 0; i < 9; i++) {
        float[] in = Layouts.nchwToNhwc((float[]) data.get(i).get(1), 1, 3, 15, 15);
        float[] expected = s.run(in, 1)[1];
        List<Object> got = out.get(i).getList(2);
        float[] f = new float[got.size()];
        for (int k = 0; k < f.length; k++) {
          f[k] = ((Number) got.get(k)).floatValue();
        }
        assertEquals(24, f.length);
        assertArrayEquals(expected, f, "row " + i);
      }
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model.infer().embedding("nope"));
    assertTrue(e.getMessage().contains("nope") && e.getMessage().contains(features),
        e.getMessage());
    ModelException missing = assertThrows(ModelException.class,
        () -> ConvModel.load(onnx, null, List.of("no_such_value")));
    assertTrue(missing.getMessage().contains("no_such_value"), missing.getMessage());
  }
}
