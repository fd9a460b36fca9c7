package io.convspark.benchmarks.model;

import org.apache.spark.sql.SparkSession;

/**
 * The memory floor of the Spark part: a local[2] Spark JVM with the benchmark's flags and
 * config but no model and no images runs five trivial jobs and prints its peak RSS, as a
 * "RESULT key value" line for {@link ModelBench}. The memory bound is judged against it.
 */
public final class SparkBaseline {
  private SparkBaseline() {}

  public static void main(String[] args) {
    SparkSession spark = SparkSession.builder().master("local[2]").appName("convspark-baseline")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      for (int i = 0; i < 5; i++) {
        spark.range(0, 100_000, 1, 2).selectExpr("id * 2 AS x").write().format("noop")
            .mode("overwrite").save();
      }
      System.out.println("RESULT bareSparkPeakRssMiB " + Rss.peakMiB());
    } finally {
      spark.stop();
    }
  }
}
