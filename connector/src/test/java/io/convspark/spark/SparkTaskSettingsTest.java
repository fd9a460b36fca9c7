package io.convspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.testing.IsolatedSparkSession;
import io.convspark.testing.Models;
import io.convspark.testing.OnnxModelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** spark.task.cpus sizes each task's worker pool; the accumulators count what ran. */
class SparkTaskSettingsTest {
  @Test
  void taskCpusSizesTheWorkerPoolAndMetricsCountRows() {
    try (IsolatedSparkSession iso = IsolatedSparkSession.start("local[2]",
        Map.of("spark.task.cpus", "2"))) {
      SparkSession spark = iso.spark();
      ConvModel model = ConvModel.load(Models.convBnRelu(9), null);
      List<Row> data = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        data.add(RowFactory.create((Object) (i % 7 == 0 ? new float[5]
            : OnnxModelBuilder.random(i, 3 * 9 * 9))));
      }
      StructType schema = new StructType()
          .add("t", DataTypes.createArrayType(DataTypes.FloatType));
      Dataset<Row> df = spark.createDataFrame(data, schema).repartition(3);
      Dataset<Row> out = df.transform(model.infer().inputCol("t").rawScores());
      InferenceMetrics metrics = ConvInference.lastMetrics();
      List<Row> rows = out.collectAsList();
      assertEquals(30, rows.size());
      assertEquals(2, ExecutorModels.lastTaskThreads(), "spark.task.cpus=2 gives 2 workers");
      long bad = rows.stream().filter(r -> !r.isNullAt(2)).count();
      assertEquals(5, bad, "rows 0, 7, 14, 21, 28 have the wrong tensor size");
      assertTrue(rows.stream().filter(r -> !r.isNullAt(2))
          .allMatch(r -> r.getStruct(2).getString(0).equals("SHAPE_MISMATCH")));
      assertEquals(25, metrics.images());
      assertEquals(5, metrics.errors());
      assertTrue(metrics.inferenceSeconds() > 0);
    }
  }
}
