package io.convspark.it;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A standalone Spark cluster on 127.0.0.1 for ITs: a SPARK_HOME built from the Maven-resolved
 * jars, one Master and {@code n} Workers (1 core each), every one its own JVM. Closing it
 * destroys every process it started and their descendants (the executors).
 */
final class LocalCluster implements AutoCloseable {
  final Path home;
  final Path logs;
  final String classpath;
  final String master;
  private final int masterUi;
  private final List<Process> processes = new ArrayList<>();

  LocalCluster(int workers) throws Exception {
    home = Files.createTempDirectory("spark-home");
    logs = Files.createDirectories(home.resolve("logs"));
    Path jars = Files.createDirectories(home.resolve("jars"));
    Files.writeString(home.resolve("RELEASE"), "Spark from the Maven repository\n");
    for (String p : Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(p -> p.endsWith(".jar") && !p.contains("convspark")).toList()) {
      Path link = jars.resolve(Path.of(p).getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, Path.of(p));
      }
    }
    classpath = jars + File.separator + "*";
    int port = freePort();
    masterUi = freePort();
    master = "spark://127.0.0.1:" + port;
    try {
      start(logs.resolve("master.log"), "org.apache.spark.deploy.master.Master", "--host",
          "127.0.0.1", "--port", Integer.toString(port), "--webui-port",
          Integer.toString(masterUi));
      for (int i = 0; i < workers; i++) {
        start(logs.resolve("worker" + i + ".log"), "org.apache.spark.deploy.worker.Worker",
            "--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port",
            Integer.toString(freePort()), "--work-dir",
            Files.createDirectories(home.resolve("work" + i)).toString(), master);
      }
      waitForWorkers(workers);
    } catch (Exception | AssertionError e) {
      close();
      throw e;
    }
  }

  /** The java command with the test JVM's module flags and the cluster's classpath. */
  List<String> java(String... extraJvmFlags) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(System.getProperty("it.jvm.flags", "").trim().split("\\s+")));
    cmd.addAll(List.of(extraJvmFlags));
    cmd.addAll(List.of("-Xmx512m", "-cp", classpath));
    return cmd;
  }

  /** Starts a process that close() will destroy; output goes to {@code log}. */
  Process start(Path log, String main, String... args) throws IOException {
    List<String> cmd = java();
    cmd.add(main);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", home.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    processes.add(p);
    return p;
  }

  /** The executor JVMs running now (children of the workers). */
  List<ProcessHandle> executors() {
    List<ProcessHandle> out = new ArrayList<>();
    for (Process p : processes) {
      p.descendants().filter(h -> h.info().commandLine().orElse("")
          .contains("CoarseGrainedExecutorBackend")).forEach(out::add);
    }
    return out;
  }

  private void waitForWorkers(int workers) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        last = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUi
            + "/json/")).timeout(Duration.ofSeconds(2)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)").matcher(last);
        if (m.find() && Integer.parseInt(m.group(1)) >= workers) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the master did not see " + workers + " workers in 90 s: " + last);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (Process p : processes) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : processes) {
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
