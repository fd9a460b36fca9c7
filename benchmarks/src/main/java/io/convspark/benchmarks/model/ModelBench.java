package io.convspark.benchmarks.model;

import io.convspark.kernels.internal.KernelProvider;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole-model comparison of issue 6: every {@link ModelCase}, ConvSpark vs ONNX Runtime
 * interleaved, then the Spark part in a child JVM; writes models-LABEL.md and .png.
 * Usage (see benchmarks/run-models.sh): ModelBench [--quick] [--profile] [--label L]
 * [--out DIR] [--models DIR] [--spark-model ARCH] [--spark-heap SIZE] [--no-spark]
 * [--only ARCH] [--spark-only]
 */
public final class ModelBench {
  private ModelBench() {}

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    Files.createDirectories(o.models);
    Files.createDirectories(o.out);
    Report report = new Report(o.label, o.quick, o.command, KernelProvider.get().name(),
        OrtModel.version());
    System.out.println("ConvSpark kernels: " + report.species() + "; JDK " + report.jdk());
    for (ModelCase c : o.quick ? ModelCase.quick() : ModelCase.full()) {
      if (o.sparkOnly || o.only != null && !o.only.equals(c.arch())) {
        continue;
      }
      byte[] onnx = modelBytes(o.models, c.arch(), c.height(), c.width());
      // ResNet-50 batches take ~1 s per engine: 7 pairs keep the run short; the rest get 11.
      int runs = o.quick ? 3 : c.arch().equals("resnet50") ? 7 : 11;
      PairedRun.Result r = PairedRun.measure(c, onnx, o.quick ? 1 : 5, runs, o.profile);
      report.add(r);
      System.out.println(report.line(r));
      if (o.profile) {
        System.out.print(report.profile(r, Integer.getInteger("bench.profileRows", 10)));
        System.out.print(report.ortProfile(r, Integer.getInteger("bench.profileRows", 10)));
      }
    }
    if (o.spark) {
      Path model = o.models.resolve(o.sparkModel + "-224x224.onnx");
      modelBytes(o.models, o.sparkModel, 224, 224);
      Map<String, String> spark = runChild(SparkBench.class, List.of(model.toString(),
          "" + (o.quick ? 64 : 512), "" + (o.quick ? 2 : 7)), o.sparkHeap,
          Path.of("benchmarks", "target", "spark-" + o.label + ".log"));
      spark.putAll(runChild(SparkBaseline.class, List.of(), o.sparkHeap,
          Path.of("benchmarks", "target", "spark-baseline-" + o.label + ".log")));
      report.spark(o.sparkModel, spark);
    }
    String name = (o.sparkOnly ? "spark-" : "models-") + o.label + (o.quick ? "-quick" : "");
    Path md = o.out.resolve(name + ".md");
    Files.writeString(md, report.markdown(o.profile));
    if (!report.results().isEmpty()) {
      Chart.write(report, o.out.resolve(name + ".png"));
    }
    System.out.println("wrote " + md + (report.results().isEmpty() ? "" : " and the .png"));
  }

  /** Generates the architecture (seeded, deterministic) and keeps the file for reuse. */
  static byte[] modelBytes(Path dir, String arch, int h, int w) throws Exception {
    byte[] onnx = TorchvisionNets.build(arch, h, w).onnx();
    Files.write(dir.resolve(arch + "-" + h + "x" + w + ".onnx"), onnx);
    return onnx;
  }

  /** Runs {@code main} in a fresh JVM (same java, flags and classpath): its RESULT lines. */
  static Map<String, String> runChild(Class<?> main, List<String> args, String heap, Path log)
      throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (!a.startsWith("-Xmx")) {
        cmd.add(a);
      }
    }
    cmd.add("-Xmx" + heap);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(args);
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    Map<String, String> results = new LinkedHashMap<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        if (line.startsWith("RESULT ")) {
          String[] kv = line.split(" ", 3);
          results.put(kv[1], kv[2]);
          System.out.println("spark: " + kv[1] + " = " + kv[2]);
        }
      }
    }
    if (p.waitFor() != 0) {
      throw new IllegalStateException(main.getSimpleName() + " failed, see " + log);
    }
    return results;
  }

  private record Options(boolean quick, boolean profile, boolean spark, boolean sparkOnly,
      String label, Path out, Path models, String sparkModel, String sparkHeap, String only,
      String command) {
    static Options parse(String[] args) {
      boolean quick = false;
      boolean profile = false;
      boolean spark = true;
      boolean sparkOnly = false;
      String label = "jdk" + Runtime.version().feature();
      Path out = Path.of("benchmarks", "results");
      Path models = Path.of("benchmarks", "models");
      String sparkModel = "mobilenet_v2";
      // The Spark JVM's heap cap, as an executor's would be: the cached images and two task
      // arenas fit; a larger cap only lets the heap (and the RSS) grow before collecting.
      String sparkHeap = "1g";
      String only = null;
      String command = System.getProperty("bench.command", "ModelBench " + String.join(" ",
          args));
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--quick" -> quick = true;
          case "--profile" -> profile = true;
          case "--no-spark" -> spark = false;
          case "--spark-only" -> sparkOnly = true;
          case "--label" -> label = args[++i];
          case "--out" -> out = Path.of(args[++i]);
          case "--models" -> models = Path.of(args[++i]);
          case "--spark-model" -> sparkModel = args[++i];
          case "--spark-heap" -> sparkHeap = args[++i];
          case "--only" -> only = knownArch(args[++i]);
          default -> throw new IllegalArgumentException("unknown option " + args[i]
              + "; usage: [--quick] [--profile] [--no-spark] [--label L] [--out DIR]"
              + " [--models DIR] [--spark-model ARCH] [--spark-heap SIZE] [--only ARCH]"
              + " [--spark-only]");
        }
      }
      if (sparkOnly && !spark) {
        throw new IllegalArgumentException("cannot combine --spark-only with --no-spark");
      }
      return new Options(quick, profile, spark, sparkOnly, label, out, models, sparkModel,
          sparkHeap, only, command.replace(File.separatorChar, '/'));
    }

    private static String knownArch(String arch) {
      List<String> known = ModelCase.full().stream().map(ModelCase::arch).distinct().toList();
      if (!known.contains(arch)) {
        throw new IllegalArgumentException("cannot run --only " + arch + ": the models are "
            + known);
      }
      return arch;
    }
  }
}
