package io.convspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.ModelException;
import io.convspark.testing.IsolatedSparkSession;
import io.convspark.testing.Models;
import io.convspark.testing.OnnxModelBuilder;
import io.convspark.testing.SparkTestSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Retried tasks give the same rows; models load from Hadoop URIs. */
class SparkFaultsTest {
  @Test
  void aRetriedTaskGivesIdenticalOutput() throws Exception {
    Path onnx = SparkTestSupport.tempDir().resolve("resnet.onnx");
    Files.write(onnx, Models.resnetStyle(29));
    try (IsolatedSparkSession iso = IsolatedSparkSession.start("local[2,3]", Map.of())) {
      SparkSession spark = iso.spark();
      ConvModel model = ConvModel.load(onnx.toUri().toString(), null);
      int per = 3 * 29 * 29;
      List<Row> data = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        data.add(RowFactory.create(i, OnnxModelBuilder.random(i, per)));
      }
      StructType schema = new StructType().add("id", DataTypes.IntegerType)
          .add("t", DataTypes.createArrayType(DataTypes.FloatType));
      Dataset<Row> df = spark.createDataFrame(data, schema).repartition(4);
      ConvInference infer = model.infer().inputCol("t").probabilities().batchSize(5);
      List<Row> clean = SparkTestSupport.collectSorted(df.transform(infer), "id");
      Dataset<Row> flaky = df.map((MapFunction<Row, Row>) r -> {
        TaskContext t = TaskContext.get();
        if (t.attemptNumber() == 0 && t.partitionId() == 1) {
          throw new IllegalStateException("injected failure on the first attempt");
        }
        return r;
      }, Encoders.row(schema));
      List<Row> retried = SparkTestSupport.collectSorted(flaky.transform(infer), "id");
      SparkTestSupport.assertSameRows(clean, retried);
      assertEquals(24, retried.size());
    }
  }

  @Test
  void missingRemoteModelIsAModelError() {
    ModelException e = assertThrows(ModelException.class,
        () -> ConvModel.load("file:///nonexistent/dir/model.onnx"));
    assertTrue(e.getMessage().contains("/nonexistent/dir/model.onnx"), e.getMessage());
  }
}
