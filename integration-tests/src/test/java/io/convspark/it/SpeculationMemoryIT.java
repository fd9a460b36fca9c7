package io.convspark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * 5,000 images on 2 executors with 1 GiB heaps: once plain, once with speculative execution on.
 * Both complete, give identical rows, and the executors' peak RSS (sampled from /proc) is
 * printed and bounded.
 */
class SpeculationMemoryIT {
  private static final int IMAGES = 5000;

  @Test
  void speculationChangesNothingAndMemoryStaysBounded() throws Exception {
    Path jar = Path.of(System.getProperty("it.shaded.jar"));
    try (LocalCluster cluster = new LocalCluster(2)) {
      Path images = Files.createDirectories(cluster.home.resolve("images"));
      Random r = new Random(11);
      BufferedImage img = new BufferedImage(128, 40, BufferedImage.TYPE_INT_RGB);
      for (int i = 0; i < IMAGES; i++) {
        for (int y = 0; y < 40; y++) {
          for (int x = 0; x < 128; x++) {
            img.setRGB(x, y, r.nextInt(1 << 24));
          }
        }
        ImageIO.write(img, "png", images.resolve(String.format("img%05d.png", i)).toFile());
      }
      Path model = cluster.home.resolve("cls.onnx");
      try (var zip = new java.util.zip.ZipFile(jar.toFile());
           InputStream in = zip.getInputStream(zip.getEntry("io/convspark/demo/cls.onnx"))) {
        Files.copy(in, model);
      }
      Path plain = cluster.home.resolve("plain");
      Path speculative = cluster.home.resolve("speculative");
      Map<Long, Long> peakKb = new ConcurrentHashMap<>();
      run(cluster, jar, images, model, plain, "plain", List.of(), peakKb);
      run(cluster, jar, images, model, speculative, "speculative", List.of(
          "--conf", "spark.speculation=true", "--conf", "spark.speculation.quantile=0.5",
          "--conf", "spark.speculation.multiplier=1.2", "--conf",
          "spark.speculation.minTaskRuntime=200ms",
          "--conf", "spark.convspark.test.slowPartition=3"), peakKb);
      String specLog = Files.readString(cluster.logs.resolve("speculative.log"),
          StandardCharsets.UTF_8);
      assertTrue(specLog.contains("speculatable") || specLog.contains("speculative task"),
          "a speculative copy of the slow partition ran:\n" + specLog);
      long maxKb = peakKb.values().stream().mapToLong(Long::longValue).max().orElse(0);
      System.out.printf("peak RSS per executor JVM (MiB): %s; max %d MiB%n",
          peakKb.values().stream().map(k -> k / 1024).toList(), maxKb / 1024);
      assertTrue(maxKb > 0, "no executor RSS was sampled");
      assertTrue(maxKb < 2L * 1024 * 1024, "an executor's RSS reached " + maxKb / 1024
          + " MiB with a 1 GiB heap");
      SparkSession spark = SparkSession.builder().master("local[1]")
          .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
          .getOrCreate();
      try {
        List<Row> a = spark.read().parquet(plain.toString()).orderBy("path").collectAsList();
        List<Row> b = spark.read().parquet(speculative.toString()).orderBy("path")
            .collectAsList();
        assertEquals(IMAGES, a.size());
        assertEquals(a, b, "speculative execution changed the output");
      } finally {
        spark.stop();
      }
    }
  }

  private static void run(LocalCluster cluster, Path jar, Path images, Path model, Path out,
      String name, List<String> conf, Map<Long, Long> peakKb) throws Exception {
    List<String> cmd = cluster.java();
    cmd.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", cluster.master,
        "--conf", "spark.ui.enabled=false", "--conf", "spark.executor.memory=1g",
        "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=2",
        "--conf", "spark.driver.host=127.0.0.1"));
    cmd.addAll(conf);
    cmd.addAll(List.of("--class", "io.convspark.job.BatchJob", jar.toString(),
        "--input", images.toString(), "--model", model.toString(), "--input-size", "48x192",
        "--preprocess", "paddle-cls", "--labels", "0,180", "--partitions", "16",
        "--output", out.toString()));
    Path log = cluster.logs.resolve(name + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (p.isAlive() && System.nanoTime() < deadline) {
        for (ProcessHandle e : cluster.executors()) {
          long kb = rssKb(e.pid());
          peakKb.merge(e.pid(), kb, Math::max);
        }
        Thread.sleep(200);
      }
      assertTrue(!p.isAlive(), name + " run timed out");
      String printed = Files.readString(log, StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), printed);
      assertTrue(printed.contains("rows " + IMAGES + ", errors 0"), printed);
    } finally {
      p.destroyForcibly();
    }
  }

  /** VmHWM (peak resident set) of a process, in KiB; 0 when it has already exited. */
  private static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception e) {
      // exited between listing and reading
    }
    return 0;
  }
}
