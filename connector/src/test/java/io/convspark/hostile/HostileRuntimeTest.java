package io.convspark.hostile;

import static io.convspark.hostile.RuntimeFixtures.TENSOR_ROWS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.ModelException;
import io.convspark.spark.ArrowMemory;
import io.convspark.spark.ConvInference;
import io.convspark.spark.InferenceMetrics;
import io.convspark.testing.IsolatedSparkSession;
import io.convspark.testing.Models;
import io.convspark.testing.SparkTestSupport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runtime and Spark cases R1, R3, R4, R6 and R11 of shared/docs/hostile-inputs.md on
 * {@code local[2,4]} (4 attempts per task). R2 and the JVM-crash half of R3 need executor JVMs:
 * see integration-tests (ExecutorKillIT, CrashLoopIT).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileRuntimeTest {
  private static final int SIZE = 29;
  private static final int FLOATS = 3 * SIZE * SIZE;
  private static IsolatedSparkSession iso;
  private static ConvModel model;

  @BeforeAll
  static void start() {
    iso = IsolatedSparkSession.start("local[2,4]", Map.of());
    model = ConvModel.load(Models.resnetStyle(SIZE), null);
  }

  @AfterAll
  static void stop() {
    iso.close();
  }

  private static Dataset<Row> input(SparkSession spark) {
    return spark.createDataFrame(RuntimeFixtures.tensorRows(60, FLOATS, 9), TENSOR_ROWS)
        .repartition(4);
  }

  private static ConvInference infer() {
    return model.infer().inputCol("t").rawScores().batchSize(5);
  }

  /** Fails attempt 0 of partition 1 after it has emitted {@code k} rows. */
  static Dataset<Row> failAfter(Dataset<Row> df, int k, boolean everyAttempt) {
    return df.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> new Iterator<>() {
      int emitted;

      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public Row next() {
        TaskContext t = TaskContext.get();
        if (t.partitionId() == 1 && emitted == k && (everyAttempt || t.attemptNumber() == 0)) {
          throw new IllegalStateException("injected infrastructure failure after " + k
              + " rows (attempt " + t.attemptNumber() + ")");
        }
        emitted++;
        return rows.next();
      }
    }, Encoders.row(df.schema()));
  }

  @Test
  @DisplayName("R1 a task failing after emitting rows is retried; same rows, same bits")
  void r01_retryAfterEmittedRowsGivesTheSameOutput() throws Exception {
    SparkSession spark = iso.spark();
    List<Row> clean = SparkTestSupport.collectSorted(input(spark).transform(infer()), "id");
    RuntimeFixtures.TaskWatcher watcher = new RuntimeFixtures.TaskWatcher();
    spark.sparkContext().addSparkListener(watcher);
    try {
      List<Row> retried = SparkTestSupport.collectSorted(
          failAfter(input(spark).transform(infer()), 3, false), "id");
      assertEquals(60, retried.size(), "no row lost or duplicated");
      assertEquals(60, retried.stream().map(r -> r.getInt(0)).distinct().count());
      RuntimeFixtures.assertSameBits(RuntimeFixtures.predictionBits(clean, "prediction"),
          RuntimeFixtures.predictionBits(retried, "prediction"), "retried vs clean");
      SparkTestSupport.assertSameRows(clean, retried);
      assertTrue(retried.stream().filter(r -> !r.isNullAt(3))
          .noneMatch(r -> r.getStruct(3).getString(1).contains("injected")),
          "a task failure never becomes a row error");
      spark.sparkContext().listenerBus().waitUntilEmpty();
      assertTrue(watcher.attempts.contains(1), "attempt 1 ran: " + watcher.attempts);
    } finally {
      spark.sparkContext().removeSparkListener(watcher);
    }
  }

  @Test
  @DisplayName("R3 a partition failing on every attempt fails the job after 4 attempts, no hang")
  void r03_alwaysFailingTaskFailsTheJobWithItsCause() {
    SparkSession spark = iso.spark();
    // Fails upstream of the inference, while ConvSpark pulls rows: it must stay a task failure.
    Dataset<Row> df = failAfter(input(spark), 2, true).transform(infer());
    SparkException e = assertThrows(SparkException.class, df::collectAsList);
    String msg = String.valueOf(e.getMessage());
    assertTrue(msg.contains("failed 4 times"), msg);
    assertTrue(msg.contains("injected infrastructure failure after 2 rows (attempt 3)"), msg);
    assertReleased();
  }

  @Test
  @DisplayName("R4 an invalid model or configuration fails on the driver before any task")
  void r04_invalidModelOrConfigFailsOnTheDriver() throws Exception {
    SparkSession spark = iso.spark();
    RuntimeFixtures.TaskWatcher watcher = new RuntimeFixtures.TaskWatcher();
    Dataset<Row> df = input(spark);
    spark.sparkContext().addSparkListener(watcher);
    try {
      byte[] onnx = Models.resnetStyle(SIZE);
      byte[] corrupt = java.util.Arrays.copyOf(onnx, onnx.length / 3);
      ModelException bad = assertThrows(ModelException.class, () -> ConvModel.load(corrupt,
          null));
      assertTrue(bad.getMessage().contains("cannot parse ONNX model"), bad.getMessage());
      IllegalArgumentException noCol = assertThrows(IllegalArgumentException.class,
          () -> df.transform(model.infer().inputCol("pixels")));
      assertTrue(noCol.getMessage().contains("cannot find input column 'pixels'"),
          noCol.getMessage());
      IllegalArgumentException wrongType = assertThrows(IllegalArgumentException.class,
          () -> df.transform(model.infer().inputCol("id")));
      assertTrue(wrongType.getMessage().contains("its type is int"), wrongType.getMessage());
      IllegalArgumentException batch = assertThrows(IllegalArgumentException.class,
          () -> model.infer().batchSize(0));
      assertTrue(batch.getMessage().contains("batch size 0"), batch.getMessage());
      IllegalArgumentException clash = assertThrows(IllegalArgumentException.class,
          () -> df.transform(model.infer().inputCol("t").outputCol("id")));
      assertTrue(clash.getMessage().contains("already has a column"), clash.getMessage());
      spark.sparkContext().listenerBus().waitUntilEmpty();
      assertEquals(0, watcher.started.get(), "no task started for a driver-side error");
    } finally {
      spark.sparkContext().removeSparkListener(watcher);
    }
  }

  @Test
  @DisplayName("R6 a cancelled job stops its workers, frees Arrow memory, keeps its cause")
  void r06_cancelledJobStopsWorkersAndFreesMemory() throws Exception {
    SparkSession spark = iso.spark();
    RuntimeFixtures.TaskWatcher watcher = new RuntimeFixtures.TaskWatcher();
    spark.sparkContext().addSparkListener(watcher);
    // Millions of rows made on the executors: far longer than the test waits.
    Dataset<Row> endless = RuntimeFixtures.generatedTensors(spark, 5_000_000L, 2, FLOATS)
        .transform(model.infer().inputCol("t").rawScores().batchSize(8).threadsPerTask(2));
    CompletableFuture<Long> job = CompletableFuture.supplyAsync(() -> {
      spark.sparkContext().setJobGroup("r06", "cancelled by HostileRuntimeTest", true);
      return endless.count();
    });
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (RuntimeFixtures.liveThreads("convspark-worker-").isEmpty()
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertFalse(RuntimeFixtures.liveThreads("convspark-worker-").isEmpty(),
          "inference started (its workers are alive)");
      Thread.sleep(300);
      spark.sparkContext().cancelJobGroup("r06");
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> job.get(30, TimeUnit.SECONDS));
      assertTrue(String.valueOf(e.getCause().getMessage()).contains("cancelled"),
          "the cancellation is what the caller sees: " + e.getCause());
      assertReleased();
    } finally {
      spark.sparkContext().removeSparkListener(watcher);
    }
  }

  @Test
  @DisplayName("R11 image and error counters are exact when a task is retried")
  void r11_countersAreExactUnderRetries() {
    SparkSession spark = iso.spark();
    Dataset<Row> out = failAfter(input(spark).transform(infer()), 4, false);
    InferenceMetrics metrics = ConvInference.lastMetrics();
    List<Row> rows = out.collectAsList();
    long bad = rows.stream().filter(r -> !r.isNullAt(3)).count();
    assertEquals(60 / 9, bad, "every 9th row is too short");
    assertEquals(60 - bad, metrics.images(), "failed attempts' counts are dropped");
    assertEquals(bad, metrics.errors());
    assertTrue(metrics.batches() >= 12 && metrics.batches() <= 16,
        "60 rows in 4 partitions at batch 5: " + metrics.batches());
  }

  /** No kernel worker or decoder thread and no Arrow buffer outlives its task (10 s bound). */
  static void assertReleased() {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<String> left = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      left.clear();
      left.addAll(RuntimeFixtures.liveThreads("convspark-worker-"));
      left.addAll(RuntimeFixtures.liveThreads("convspark-decode-"));
      if (left.isEmpty() && ArrowMemory.allocatedBytes() == 0) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new AssertionError("after 10 s: threads " + left + ", Arrow bytes "
        + ArrowMemory.allocatedBytes());
  }
}
