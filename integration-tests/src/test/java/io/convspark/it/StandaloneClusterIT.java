package io.convspark.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A real standalone cluster on 127.0.0.1: a Master and two Workers, each its own JVM, whose
 * executors are more JVMs. The demo runs in 6 partitions on 2 executors; the model must be
 * deserialized once per executor JVM (counted by the executors' accumulator), not per task.
 */
class StandaloneClusterIT {
  private final List<Process> processes = new ArrayList<>();

  @Test
  void demoOnTwoExecutorJvmsLoadsTheModelOncePerExecutor() throws Exception {
    Path jar = Path.of(System.getProperty("it.shaded.jar"));
    Path home = Files.createTempDirectory("spark-home");
    Path jars = Files.createDirectories(home.resolve("jars"));
    Files.writeString(home.resolve("RELEASE"), "Spark from the Maven repository\n");
    List<String> cp = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> p.endsWith(".jar") && !p.contains("convspark")).toList();
    for (String p : cp) {
      Path target = Path.of(p);
      Path link = jars.resolve(target.getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, target);
      }
    }
    String classpath = jars + File.separator + "*";
    int masterPort = freePort();
    int masterUi = freePort();
    try {
      Path logs = Files.createDirectories(home.resolve("logs"));
      start(home, logs.resolve("master.log"), classpath, "org.apache.spark.deploy.master.Master",
          "--host", "127.0.0.1", "--port", Integer.toString(masterPort), "--webui-port",
          Integer.toString(masterUi));
      String master = "spark://127.0.0.1:" + masterPort;
      for (int i = 0; i < 2; i++) {
        start(home, logs.resolve("worker" + i + ".log"), classpath,
            "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--cores", "1",
            "--memory", "1g", "--webui-port", Integer.toString(freePort()), "--work-dir",
            Files.createDirectories(home.resolve("work" + i)).toString(), master);
      }
      waitForWorkers(masterUi, 2, logs);
      Path out = home.resolve("predictions");
      List<String> cmd = javaCommand(classpath);
      cmd.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", master,
          "--conf", "spark.ui.enabled=false", "--conf", "spark.executor.memory=512m",
          "--conf", "spark.executor.cores=1", "--conf", "spark.cores.max=2",
          "--conf", "spark.driver.host=127.0.0.1",
          "--class", "io.convspark.job.BatchJob", jar.toString(),
          "demo", "--partitions", "6", "--output", out.toString()));
      Path log = logs.resolve("submit.log");
      Process submit = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      processes.add(submit);
      assertTrue(submit.waitFor(4, TimeUnit.MINUTES), "the job did not finish in 4 minutes");
      String printed = Files.readString(log, StandardCharsets.UTF_8);
      assertEquals(0, submit.exitValue(), printed);
      assertTrue(printed.contains("rows 16, errors 1"), printed);
      Matcher m = Pattern.compile("model loaded by (\\d+) executor JVM").matcher(printed);
      assertTrue(m.find(), printed);
      int loads = Integer.parseInt(m.group(1));
      assertTrue(loads >= 1 && loads <= 2, "6 tasks on 2 executors loaded the model " + loads
          + " times; once per executor JVM is at most 2\n" + printed);
    } finally {
      for (Process p : processes) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      for (Process p : processes) {
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  private List<String> javaCommand(String classpath) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(System.getProperty("it.jvm.flags", "").trim().split("\\s+")));
    cmd.addAll(List.of("-Xmx512m", "-cp", classpath));
    return cmd;
  }

  private void start(Path home, Path log, String classpath, String main, String... args)
      throws IOException {
    List<String> cmd = javaCommand(classpath);
    cmd.add(main);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    processes.add(pb.start());
  }

  private static void waitForWorkers(int ui, int workers, Path logs) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        last = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ui + "/json/"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)").matcher(last);
        if (m.find() && Integer.parseInt(m.group(1)) >= workers) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the master did not see " + workers + " workers in 90 s: " + last
        + "\nmaster log: " + Files.readString(logs.resolve("master.log")));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
