package io.convspark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The demo on a real standalone cluster: 6 partitions on 2 executor JVMs, partition 2 failing
 * on its first attempt. The job still writes every row, and the model is deserialized once
 * per executor JVM (the executors' own accumulator), not once per task.
 */
class StandaloneClusterIT {
  @Test
  void demoOnTwoExecutorJvmsLoadsTheModelOncePerExecutor() throws Exception {
    Path jar = Path.of(System.getProperty("it.shaded.jar"));
    try (LocalCluster cluster = new LocalCluster(2)) {
      Path out = cluster.home.resolve("predictions");
      List<String> cmd = cluster.java();
      cmd.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", cluster.master,
          "--conf", "spark.ui.enabled=false", "--conf", "spark.executor.memory=512m",
          "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=2",
          "--conf", "spark.driver.host=127.0.0.1",
          "--conf", "spark.convspark.test.failFirstAttempt=2",
          "--class", "io.convspark.job.BatchJob", jar.toString(),
          "demo", "--partitions", "6", "--output", out.toString()));
      Path log = cluster.logs.resolve("submit.log");
      Process submit = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      try {
        assertTrue(submit.waitFor(4, TimeUnit.MINUTES), "the job did not finish in 4 minutes");
      } finally {
        submit.destroyForcibly();
      }
      String printed = Files.readString(log, StandardCharsets.UTF_8);
      assertEquals(0, submit.exitValue(), printed);
      assertTrue(printed.contains("rows 16, errors 1"), printed);
      assertTrue(printed.contains("injected failure of partition 2"),
          "partition 2 failed on its first attempt and was retried:\n" + printed);
      Matcher m = Pattern.compile("model loaded by (\\d+) executor JVM").matcher(printed);
      assertTrue(m.find(), printed);
      int loads = Integer.parseInt(m.group(1));
      assertTrue(loads >= 1 && loads <= 2, "6 tasks on 2 executors loaded the model " + loads
          + " times; once per executor JVM is at most 2\n" + printed);
    }
  }
}
