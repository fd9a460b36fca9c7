package io.convspark.benchmarks.model;

import io.convspark.ConvModel;
import io.convspark.spark.ConvInference;
import io.convspark.spark.InferenceMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Where a Spark inference job's wall time goes: per job, the time before and after the tasks,
 * each task's launch, finish, run and CPU time, and the model's own time in the tasks; over the
 * last four jobs, the CPU each JVM thread used (from {@code /proc/self/task}, so the JIT and GC
 * threads show too). The same pre-decoded MobileNetV2 job as {@link SparkBench}.
 *
 * <p>Usage: {@code SparkJobProbe MODEL.onnx IMAGES PARTITIONS JOBS}.
 */
public final class SparkJobProbe {
  private SparkJobProbe() {}

  public static void main(String[] args) throws Exception {
    int images = Integer.parseInt(args[1]);
    int partitions = Integer.parseInt(args[2]);
    int jobs = Math.max(4, Integer.parseInt(args[3]));
    System.setProperty("bench.partitions", "" + partitions);
    ConvModel model = ConvModel.load(Files.readAllBytes(Path.of(args[0])),
        new int[] {SparkBench.SIZE, SparkBench.SIZE});
    SparkSession spark = SparkSession.builder().master("local[2]").appName("convspark-probe")
        .config("spark.ui.enabled", "false").getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    List<String> tasks = Collections.synchronizedList(new ArrayList<>());
    long[] jobTimes = new long[2];
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart e) {
        jobTimes[0] = e.time();
      }

      @Override
      public void onJobEnd(SparkListenerJobEnd e) {
        jobTimes[1] = e.time();
      }

      @Override
      public void onTaskEnd(SparkListenerTaskEnd e) {
        tasks.add(String.format("  task %d: launch +%d ms, finish +%d ms, run %d ms, CPU %d ms,"
            + " GC %d ms", e.taskInfo().index(), e.taskInfo().launchTime() - jobTimes[0],
            e.taskInfo().finishTime() - jobTimes[0], e.taskMetrics().executorRunTime(),
            e.taskMetrics().executorCpuTime() / 1_000_000, e.taskMetrics().jvmGCTime()));
      }
    });
    try {
      Dataset<Row> df = SparkBench.imageFrame(spark, images);
      Map<String, Long> before = Map.of();
      for (int j = 0; j < jobs; j++) {
        if (j == jobs - 4) {
          before = threadCpuMillis();
        }
        tasks.clear();
        long t0 = System.currentTimeMillis();
        df.transform(model.infer().inputCol("image").batchSize(SparkBench.BATCH)).write()
            .format("noop").mode("overwrite").save();
        long t1 = System.currentTimeMillis();
        InferenceMetrics m = ConvInference.lastMetrics();
        System.out.printf("job %d: %d ms (tasks from +%d to +%d ms), %.1f img/s; in the tasks:"
            + " model %.0f ms, converting %.0f ms (summed)%n", j, t1 - t0, jobTimes[0] - t0,
            jobTimes[1] - t0, images * 1e3 / (t1 - t0), m.inferenceSeconds() * 1e3,
            m.decodeSeconds() * 1e3);
        Thread.sleep(100); // the listener bus delivers task ends asynchronously
        if (tasks.size() <= 8) {
          tasks.forEach(System.out::println);
        }
      }
      Map<String, Long> after = threadCpuMillis();
      System.out.println("CPU by thread over the last 4 jobs:");
      Map<String, Long> b = before;
      after.entrySet().stream()
          .map(e -> Map.entry(e.getKey(), e.getValue() - b.getOrDefault(e.getKey(), 0L)))
          .filter(e -> e.getValue() > 0)
          .sorted((x, y) -> Long.compare(y.getValue(), x.getValue())).limit(10)
          .forEach(e -> System.out.printf("  %6d ms  %s%n", e.getValue(), e.getKey()));
    } finally {
      spark.stop();
    }
  }

  /** CPU time per thread name (digits folded), from /proc; empty where there is no /proc. */
  static Map<String, Long> threadCpuMillis() {
    Map<String, Long> m = new HashMap<>();
    long tick = 10; // USER_HZ is 100 on Linux
    try (Stream<Path> threads = Files.list(Path.of("/proc/self/task"))) {
      for (Path t : (Iterable<Path>) threads::iterator) {
        try {
          String name = Files.readString(t.resolve("comm")).trim().replaceAll("[0-9]+", "#");
          String stat = Files.readString(t.resolve("stat"));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          m.merge(name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * tick, Long::sum);
        } catch (IOException | RuntimeException e) {
          // the thread ended while we read it
        }
      }
    } catch (IOException e) {
      return m;
    }
    return m;
  }
}
