package io.convspark.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
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
  private static final Pattern MASTER_URL =
      Pattern.compile("Starting Spark master at (spark://[\\w.:-]+)");
  private static final Pattern REGISTERED_WORKER = Pattern.compile("Registering worker ");
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
    try {
      // Port 0 everywhere: a port picked in advance can be taken by another JVM's ephemeral
      // port before the master binds it, and Spark then silently binds the next one.
      Path masterLog = logs.resolve("master.log");
      start(masterLog, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
          "--port", "0", "--webui-port", "0");
      master = awaitLog(masterLog, MASTER_URL, 1).group(1);
      for (int i = 0; i < workers; i++) {
        start(logs.resolve("worker" + i + ".log"), "org.apache.spark.deploy.worker.Worker",
            "--host", "127.0.0.1", "--port", "0", "--cores", "1", "--memory", "1g",
            "--webui-port", "0", "--work-dir",
            Files.createDirectories(home.resolve("work" + i)).toString(), master);
      }
      awaitLog(masterLog, REGISTERED_WORKER, workers);
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

  /** Waits until {@code log} holds {@code count} matches of {@code p}; returns the last one. */
  private static MatchResult awaitLog(Path log, Pattern p, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    String text = "";
    while (System.nanoTime() < deadline) {
      text = Files.exists(log) ? Files.readString(log) : "";
      Matcher m = p.matcher(text);
      int seen = 0;
      MatchResult last = null;
      while (m.find()) {
        seen++;
        last = m.toMatchResult();
      }
      if (seen >= count) {
        return last;
      }
      Thread.sleep(250);
    }
    throw new AssertionError("waited 90 s for " + count + " line(s) matching '" + p + "' in "
        + log + "; it holds:\n" + text);
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
