package io.convspark.hostile;

import static io.convspark.hostile.RuntimeFixtures.TENSOR_ROWS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.spark.ConvInference;
import io.convspark.spark.ExecutorModels;
import io.convspark.spark.InferenceMetrics;
import io.convspark.testing.CnnBuilder;
import io.convspark.testing.IsolatedSparkSession;
import io.convspark.testing.Models;
import io.convspark.testing.SparkTestSupport;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runtime cases R5, R7, R8 and R10 of shared/docs/hostile-inputs.md: determinism across Spark
 * layouts, batches split by bytes, the thread budget per task, and no model in task closures.
 * R9 (a model of 2 GiB or more) is covered by CompiledModelChunksTest.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class HostileSparkResourcesTest {
  private static final int SIZE = 29;
  private static final int FLOATS = 3 * SIZE * SIZE;

  private static List<int[]> run(SparkSession spark, ConvModel model, int partitions,
      int batch, int threads) {
    Dataset<Row> df = spark.createDataFrame(RuntimeFixtures.tensorRows(41, FLOATS, 10),
        TENSOR_ROWS).repartition(partitions);
    ConvInference infer = model.infer().inputCol("t").rawScores().batchSize(batch)
        .threadsPerTask(threads);
    return RuntimeFixtures.predictionBits(
        SparkTestSupport.collectSorted(df.transform(infer), "id"), "prediction");
  }

  @Test
  @DisplayName("R5 same bits across partitions, batch sizes, threads, task.cpus and masters")
  void r05_sameBitsAcrossSparkLayouts() {
    ConvModel model = ConvModel.load(Models.resnetStyle(SIZE), null);
    List<int[]> reference;
    try (IsolatedSparkSession iso = IsolatedSparkSession.start("local[1]", Map.of())) {
      reference = run(iso.spark(), model, 1, 64, 0);
      RuntimeFixtures.assertSameBits(reference, run(iso.spark(), model, 3, 7, 2),
          "local[1], 3 partitions, batch 7, 2 threads");
    }
    assertEquals(41, reference.size());
    assertEquals(4, reference.stream().filter(r -> r == null).count(), "4 short rows");
    try (IsolatedSparkSession iso = IsolatedSparkSession.start("local[2]", Map.of())) {
      for (int partitions : new int[] {1, 3, 8}) {
        for (int batch : new int[] {1, 7, 64}) {
          RuntimeFixtures.assertSameBits(reference, run(iso.spark(), model, partitions, batch,
              0), "local[2], " + partitions + " partitions, batch " + batch);
        }
      }
    }
    try (IsolatedSparkSession iso = IsolatedSparkSession.start("local[2]",
        Map.of("spark.task.cpus", "2"))) {
      RuntimeFixtures.assertSameBits(reference, run(iso.spark(), model, 3, 7, 0),
          "local[2], spark.task.cpus=2");
      assertEquals(2, ExecutorModels.lastTaskThreads());
    }
  }

  private static byte[] png(int seed, int w, int h) throws IOException {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        img.setRGB(x, y, rnd.nextInt(1 << 24));
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    return out.toByteArray();
  }

  @Test
  @DisplayName("R7 batches close on a byte budget (Arrow binary vectors hold < 2 GiB)")
  void r07_batchesAreSplitByBytes() throws IOException {
    ConvModel model = ConvModel.load(Models.resnetStyle(SIZE), null);
    List<Row> data = new ArrayList<>();
    long largest = 0;
    for (int i = 0; i < 24; i++) {
      byte[] b = png(i, 40, 30);
      largest = Math.max(largest, b.length);
      data.add(RowFactory.create(i, b));
    }
    StructType schema = new StructType().add("id", DataTypes.IntegerType)
        .add("content", DataTypes.BinaryType);
    try (IsolatedSparkSession iso = IsolatedSparkSession.start("local[2]", Map.of())) {
      Dataset<Row> df = iso.spark().createDataFrame(data, schema).repartition(1);
      ConvInference infer = model.infer().inputCol("content").rawScores().batchSize(16);
      Dataset<Row> whole = df.transform(infer);
      InferenceMetrics wholeMetrics = ConvInference.lastMetrics();
      List<Row> expected = SparkTestSupport.collectSorted(whole, "id");
      assertEquals(2, wholeMetrics.batches(), "24 rows at batch 16 under the default budget");
      // Room for two of these images, never three: batches of 2.
      Dataset<Row> split = df.transform(infer.maxBatchBytes(2 * largest + 10));
      InferenceMetrics splitMetrics = ConvInference.lastMetrics();
      List<Row> actual = SparkTestSupport.collectSorted(split, "id");
      assertEquals(12, splitMetrics.batches(), "24 rows, 2 per batch");
      assertEquals(24, splitMetrics.images());
      RuntimeFixtures.assertSameBits(RuntimeFixtures.predictionBits(expected, "prediction"),
          RuntimeFixtures.predictionBits(actual, "prediction"), "split vs whole batches");
      // A budget below one image still runs it, alone.
      Dataset<Row> tiny = df.transform(infer.maxBatchBytes(1));
      InferenceMetrics tinyMetrics = ConvInference.lastMetrics();
      assertEquals(24, tiny.collectAsList().size());
      assertEquals(24, tinyMetrics.batches());
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> model.infer().maxBatchBytes(3L << 30));
    assertTrue(e.getMessage().contains("cannot use maxBatchBytes 3221225472"), e.getMessage());
  }

  @Test
  @DisplayName("R8 at most spark.task.cpus threads per task, no oversubscription")
  void r08_workerThreadsStayWithinTaskCpus() throws Exception {
    ConvModel model = ConvModel.load(Models.resnetStyle(61), null);
    for (int cpus : new int[] {1, 2}) {
      try (IsolatedSparkSession iso = IsolatedSparkSession.start("local[2]",
          Map.of("spark.task.cpus", Integer.toString(cpus)))) {
        Dataset<Row> df = RuntimeFixtures.generatedTensors(iso.spark(), 600, 4, 3 * 61 * 61);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger maxWorkers = new AtomicInteger();
        AtomicInteger samples = new AtomicInteger();
        Thread sampler = new Thread(() -> {
          while (!done.get()) {
            maxWorkers.accumulateAndGet(
                RuntimeFixtures.liveThreads("convspark-worker-").size(), Math::max);
            samples.incrementAndGet();
            try {
              Thread.sleep(5);
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        sampler.start();
        long n = df.transform(model.infer().inputCol("t").rawScores()).count();
        done.set(true);
        sampler.join();
        assertEquals(600, n);
        assertEquals(cpus, ExecutorModels.lastTaskThreads(), "threads of the last task");
        // local[2]: 2 / cpus concurrent tasks; each task's caller is its worker 0.
        int allowed = (2 / cpus) * (cpus - 1);
        assertTrue(maxWorkers.get() <= allowed, "spark.task.cpus=" + cpus + ": "
            + maxWorkers.get() + " pool threads alive, at most " + allowed);
        if (cpus == 2) {
          assertEquals(1, maxWorkers.get(), "the 2-thread pool was seen running ("
              + samples.get() + " samples)");
        }
      }
    }
  }

  /**
   * Collects Spark's warnings about big tasks while attached: the serialized task over 1000 KiB
   * (TaskSetManager) and the task binary, where closures go, over 1000 KiB (DAGScheduler).
   */
  private static final class TaskSizeWarnings extends AbstractAppender implements AutoCloseable {
    private static final String[] LOGGERS = {"org.apache.spark.scheduler.TaskSetManager",
        "org.apache.spark.scheduler.DAGScheduler"};
    final List<String> messages = new CopyOnWriteArrayList<>();
    private final LoggerContext ctx = (LoggerContext) LogManager.getContext(false);

    TaskSizeWarnings() {
      super("task-size-warnings", null, null, true, Property.EMPTY_ARRAY);
      start();
      for (String name : LOGGERS) {
        LoggerConfig own = new LoggerConfig(name, Level.WARN, true);
        own.addAppender(this, Level.WARN, null);
        ctx.getConfiguration().addLogger(name, own);
      }
      ctx.updateLoggers();
    }

    boolean sawLargeTask() {
      return messages.stream().anyMatch(m -> m.contains("very large size")
          || m.contains("large task binary"));
    }

    @Override
    public void append(LogEvent event) {
      messages.add(event.getMessage().getFormattedMessage());
    }

    @Override
    public void close() {
      for (String name : LOGGERS) {
        ctx.getConfiguration().removeLogger(name);
      }
      ctx.updateLoggers();
      stop();
    }
  }

  @Test
  @DisplayName("R10 the model is broadcast, never captured in a task closure")
  void r10_noTaskOfVeryLargeSize() {
    // 3->256 conv, 256->512 and 512->256 1x1 convs: 1.05 MiB of weights, over 1000 KiB.
    CnnBuilder c = new CnnBuilder(13, 5, "x", -1, 3, 9, 9);
    String y = c.relu(c.conv("x", 3, 256, 3, 1, 1, 1));
    y = c.relu(c.conv(y, 256, 512, 1, 1, 0, 1));
    y = c.conv(y, 512, 256, 1, 1, 0, 1);
    ConvModel model = ConvModel.load(c.output(c.flatten(c.globalAveragePool(y))).toBytes(),
        null);
    assertTrue(model.toCompiledBytes().length > 1000 * 1024, "the model is over 1000 KiB");
    try (IsolatedSparkSession iso = IsolatedSparkSession.start("local[2]", Map.of());
        TaskSizeWarnings warnings = new TaskSizeWarnings()) {
      SparkSession spark = iso.spark();
      Dataset<Row> df = spark.createDataFrame(RuntimeFixtures.tensorRows(8, 3 * 81, 0),
          TENSOR_ROWS).repartition(2);
      assertEquals(8, df.transform(model.infer().inputCol("t").rawScores()).count());
      assertFalse(warnings.sawLargeTask(), "inference tasks stay small: " + warnings.messages);
      // The detector works: a closure that does capture 2 MiB is reported.
      byte[] captured = new byte[2 << 20];
      long n = df.map((MapFunction<Row, Integer>) r -> captured.length, Encoders.INT()).count();
      assertEquals(8, n);
      assertTrue(warnings.sawLargeTask(), "a 2 MiB closure is reported: " + warnings.messages);
    }
  }
}
