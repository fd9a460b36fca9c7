package io.convspark.it;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * R3: a partition that crashes its executor JVM on every attempt. Spark must give up after 4
 * attempts ({@code spark.task.maxFailures}, or the stage's 4 attempts when lost executors take
 * shuffle output with them) and fail the job within a bound, not relaunch executors forever.
 */
class CrashLoopIT {
  @Test
  @DisplayName("R3 a task that always crashes its JVM fails the job after 4 attempts, no hang")
  void partitionThatAlwaysCrashesItsJvmFailsTheJob() throws Exception {
    Path jar = Path.of(System.getProperty("it.shaded.jar"));
    try (LocalCluster cluster = new LocalCluster(2)) {
      Path out = cluster.home.resolve("predictions");
      List<String> cmd = cluster.java();
      cmd.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", cluster.master,
          "--conf", "spark.ui.enabled=false", "--conf", "spark.executor.memory=512m",
          "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=2",
          "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.task.maxFailures=4",
          "--conf", "spark.convspark.test.haltPartition=3",
          "--class", "io.convspark.job.BatchJob", jar.toString(),
          "demo", "--partitions", "6", "--output", out.toString()));
      Path log = cluster.logs.resolve("crash-loop.log");
      Process submit = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      try {
        assertTrue(submit.waitFor(4, TimeUnit.MINUTES),
            "a crash-looping partition made the job hang:\n" + read(log));
      } finally {
        submit.destroyForcibly();
      }
      String printed = read(log);
      assertNotEquals(0, submit.exitValue(), printed);
      // The demo repartitions before the inference, so each lost executor also loses shuffle
      // output: Spark then fails the stage (4 attempts) rather than the task (4 failures).
      assertTrue(printed.contains("failed 4 times")
          || printed.contains("failed the maximum allowable number of times: 4"), printed);
      assertTrue(printed.contains("convspark: the job failed"), printed);
      assertTrue(printed.contains("exited with code 137")
          || printed.contains("exit code: 137") || printed.contains("ExecutorLostFailure"),
          "the executors were lost, not the task reported as an error:\n" + printed);
    }
  }

  private static String read(Path log) throws Exception {
    return Files.readString(log, StandardCharsets.UTF_8);
  }
}
