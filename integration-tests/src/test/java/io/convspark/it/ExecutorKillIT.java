package io.convspark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Faults on a real cluster, each compared row by row with a clean run (deterministic kernels):
 * an executor JVM SIGKILLed in the middle of the inference stage, and a task that fails on its
 * first attempt.
 */
class ExecutorKillIT {
  private static final int IMAGES = 3000;

  @Test
  @DisplayName("R2 an executor JVM dies mid-stage: recomputed elsewhere, same output (and R1)")
  void killedExecutorChangesNothingInTheOutput() throws Exception {
    Path jar = Path.of(System.getProperty("it.shaded.jar"));
    try (LocalCluster cluster = new LocalCluster(2)) {
      Path images = Files.createDirectories(cluster.home.resolve("images"));
      Random r = new Random(7);
      BufferedImage img = new BufferedImage(96, 32, BufferedImage.TYPE_BYTE_GRAY);
      for (int i = 0; i < IMAGES; i++) {
        for (int y = 0; y < 32; y++) {
          for (int x = 0; x < 96; x++) {
            img.getRaster().setSample(x, y, 0, r.nextInt(256));
          }
        }
        ImageIO.write(img, "png", images.resolve(String.format("img%05d.png", i)).toFile());
      }
      Path model = cluster.home.resolve("cls.onnx");
      try (var zip = new java.util.zip.ZipFile(jar.toFile());
           InputStream in = zip.getInputStream(zip.getEntry("io/convspark/demo/cls.onnx"))) {
        Files.copy(in, model); // the demo's bundled model, from the jar under test
      }
      Path clean = cluster.home.resolve("clean");
      Path faulty = cluster.home.resolve("faulty");
      Process first = submit(cluster, jar, images, model, clean, "clean");
      assertTrue(first.waitFor(5, TimeUnit.MINUTES), "clean run timed out");
      assertEquals(0, first.exitValue(), log(cluster, "clean"));
      Process second = submit(cluster, jar, images, model, faulty, "faulty");
      // Kill once the inference stage (12 tasks after the repartition) is running.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (second.isAlive() && System.nanoTime() < deadline
          && !log(cluster, "faulty").contains("missing tasks from ResultStage")) {
        Thread.sleep(100);
      }
      Thread.sleep(2000);
      List<ProcessHandle> executors = cluster.executors();
      assertTrue(second.isAlive(), "the job ended before an executor could be killed:\n"
          + log(cluster, "faulty"));
      assertTrue(!executors.isEmpty(), "no executor JVM appeared");
      executors.get(0).destroyForcibly(); // SIGKILL
      assertTrue(second.waitFor(5, TimeUnit.MINUTES), "the run with a killed executor hung");
      String faultyLog = log(cluster, "faulty");
      assertEquals(0, second.exitValue(), faultyLog);
      assertTrue(faultyLog.contains("exited with code 137"), "the executor was SIGKILLed");
      assertTrue(faultyLog.contains("ExecutorLostFailure") || faultyLog.contains("Lost task"),
          "tasks of the killed executor were lost and rerun:\n" + faultyLog);
      // A third run whose partition 5 fails on its first attempt and is retried.
      Path retried = cluster.home.resolve("retried");
      Process third = submit(cluster, jar, images, model, retried, "retried",
          "--conf", "spark.convspark.test.failFirstAttempt=5");
      assertTrue(third.waitFor(5, TimeUnit.MINUTES), "the run with a failing task hung");
      String retriedLog = log(cluster, "retried");
      assertEquals(0, third.exitValue(), retriedLog);
      assertTrue(retriedLog.contains("injected failure of partition 5"), retriedLog);
      SparkSession spark = SparkSession.builder().master("local[1]")
          .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
          .getOrCreate();
      try {
        List<Row> a = spark.read().parquet(clean.toString()).orderBy("path").collectAsList();
        List<Row> b = spark.read().parquet(faulty.toString()).orderBy("path").collectAsList();
        assertEquals(IMAGES, a.size());
        assertEquals(a, b, "output after an executor was killed differs from the clean run");
        List<Row> c = spark.read().parquet(retried.toString()).orderBy("path").collectAsList();
        assertEquals(a, c, "output after a retried task differs from the clean run");
      } finally {
        spark.stop();
      }
    }
  }

  private static Process submit(LocalCluster cluster, Path jar, Path images, Path model,
      Path out, String name, String... conf) throws Exception {
    List<String> cmd = cluster.java();
    cmd.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", cluster.master));
    cmd.addAll(List.of(conf));
    cmd.addAll(List.of(
        "--conf", "spark.ui.enabled=false", "--conf", "spark.executor.memory=512m",
        "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=2",
        "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.task.maxFailures=4",
        "--class", "io.convspark.job.BatchJob", jar.toString(),
        "--input", images.toString(), "--model", model.toString(), "--input-size", "48x192",
        "--preprocess", "paddle-cls", "--labels", "0,180", "--partitions", "12",
        "--output", out.toString()));
    return new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(cluster.logs.resolve(name + ".log").toFile()).start();
  }

  private static String log(LocalCluster cluster, String name) throws Exception {
    return Files.readString(cluster.logs.resolve(name + ".log"), StandardCharsets.UTF_8);
  }
}
