package io.convspark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The shaded connector jar submitted through Spark's own {@code SparkSubmit} in a child JVM,
 * with the Spark jars from the Maven repository on its classpath (no Spark distribution here).
 */
class SparkSubmitIT {
  @Test
  void demoThroughSparkSubmitWritesParquetAndTheSummary() throws Exception {
    Path jar = Path.of(System.getProperty("it.shaded.jar"));
    assertTrue(Files.isRegularFile(jar), "shaded jar " + jar + " (run mvn verify at the root)");
    String sparkCp = Arrays.stream(System.getProperty("java.class.path")
        .split(File.pathSeparator))
        .filter(p -> p.endsWith(".jar") && !p.contains("convspark"))
        .collect(Collectors.joining(File.pathSeparator));
    Path out = Files.createTempDirectory("convspark-it").resolve("predictions");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(System.getProperty("it.jvm.flags", "").trim().split("\\s+")));
    cmd.addAll(List.of("-cp", sparkCp, "org.apache.spark.deploy.SparkSubmit",
        "--master", "local[2]", "--conf", "spark.ui.enabled=false",
        "--class", "io.convspark.job.BatchJob", jar.toString(),
        "demo", "--output", out.toString()));
    Path log = Files.createTempFile("spark-submit", ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    try {
      assertTrue(p.waitFor(5, TimeUnit.MINUTES), "spark-submit did not finish in 5 minutes");
      String printed = Files.readString(log, StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), printed);
      assertTrue(printed.contains("rows 16, errors 1"), printed);
      assertTrue(printed.contains("line00_rotated180.png") && printed.contains(" 180 "),
          printed);
      try (var files = Files.list(out)) {
        assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith(".parquet")),
            "Parquet files under " + out);
      }
    } finally {
      p.destroyForcibly();
    }
  }
}
