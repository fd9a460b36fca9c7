package io.convspark.benchmarks.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Collects the measured results and renders them as the Markdown report. */
final class Report {
  /**
   * Peak FP32 per core of the benchmark machine (Xeon, AVX-512: 2 FMA units x 16 lanes x 2
   * FLOP x 4 GHz); -Dbench.peakGflopsPerCore=... for another machine.
   */
  static final double PEAK_PER_CORE = Double.parseDouble(
      System.getProperty("bench.peakGflopsPerCore", "256"));

  private final String label;
  private final boolean quick;
  private final String command;
  private final String species;
  private final String ortVersion;
  private final String date = ZonedDateTime.now(ZoneOffset.UTC)
      .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
  private final List<PairedRun.Result> results = new ArrayList<>();
  private String sparkModel;
  private Map<String, String> spark;

  Report(String label, boolean quick, String command, String species, String ortVersion) {
    this.label = label;
    this.quick = quick;
    this.command = command;
    this.species = species;
    this.ortVersion = ortVersion;
  }

  String species() {
    return species;
  }

  String jdk() {
    return System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.version");
  }

  String label() {
    return label;
  }

  List<PairedRun.Result> results() {
    return results;
  }

  void add(PairedRun.Result r) {
    results.add(r);
  }

  void spark(String model, Map<String, String> numbers) {
    this.sparkModel = model;
    this.spark = numbers;
  }

  private static String f(String fmt, Object... args) {
    return String.format(Locale.ROOT, fmt, args);
  }

  /** One console line per case. */
  String line(PairedRun.Result r) {
    Stats a = Stats.of(r.convspark());
    Stats b = Stats.of(r.ort());
    Stats q = Stats.of(r.ratios());
    return f("%-32s ConvSpark %8.1f img/s  ORT %8.1f img/s  ratio %.2f (%.2f-%.2f)  %.1f GFLOP/s"
        + " (%.0f%% of peak)", r.c().label(), a.median(), b.median(), q.median(), q.min(),
        q.max(), a.median() * r.gflopsPerImage(), percentOfPeak(r, a.median()));
  }

  static double percentOfPeak(PairedRun.Result r, double imagesPerSecond) {
    return 100 * imagesPerSecond * r.gflopsPerImage() / (PEAK_PER_CORE * r.c().threads());
  }

  String markdown(boolean withProfile) {
    StringBuilder s = new StringBuilder();
    s.append("# Model benchmark: ConvSpark vs ONNX Runtime (").append(label).append(")\n\n");
    if (quick) {
      s.append("**Smoke run (`--quick`): too few runs to be a measurement.**\n\n");
    }
    s.append("- Date: ").append(date).append('\n');
    s.append("- Machine: ").append(machine()).append('\n');
    s.append("- JDK: ").append(jdk()).append("; ConvSpark kernels: ").append(species)
        .append('\n');
    s.append("- ONNX Runtime ").append(ortVersion).append(" (Java). ").append(OrtModel.SETTINGS)
        .append('\n');
    s.append("- Command: `").append(command).append("`\n");
    s.append("- Method: seeded full-size torchvision architectures (BN unfused in the file);")
        .append(" one JVM, ConvSpark and ORT interleaved per iteration (A B A B) on the same")
        .append(" input, after >= 5 s of warm-up; images/s is the median over the timed runs,")
        .append(" the ratio's median/min/max are over the paired runs. GFLOP/s counts the")
        .append(" compiled model's FLOPs (2 per multiply-add) for both engines; peak is ")
        .append(f("%.0f", PEAK_PER_CORE)).append(" GFLOP/s per thread.\n\n");
    s.append("| Model | Input | Batch | Threads | ConvSpark img/s | ORT img/s |")
        .append(" ConvSpark/ORT median (min-max) | GFLOP/img | ConvSpark GFLOP/s (% peak) |")
        .append(" ORT GFLOP/s (% peak) | Runs |\n");
    s.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (PairedRun.Result r : results) {
      Stats a = Stats.of(r.convspark());
      Stats b = Stats.of(r.ort());
      Stats q = Stats.of(r.ratios());
      s.append(f("| %s | %dx%d | %d | %d | %.1f | %.1f | %.2f (%.2f-%.2f) | %.3f | %.1f (%.0f%%)"
          + " | %.1f (%.0f%%) | %d |\n", r.c().arch(), r.c().height(), r.c().width(),
          r.c().batch(), r.c().threads(), a.median(), b.median(), q.median(), q.min(), q.max(),
          r.gflopsPerImage(), a.median() * r.gflopsPerImage(), percentOfPeak(r, a.median()),
          b.median() * r.gflopsPerImage(), percentOfPeak(r, b.median()),
          r.convspark().length));
    }
    if (spark != null) {
      s.append(sparkSection());
    }
    if (withProfile) {
      s.append("\n## Time per fused op (`--profile`, slowest first): ConvSpark over 3 batches,")
          .append(" then ORT's own profiler (median of 5 batches, node names as ORT fused them)\n");
      for (PairedRun.Result r : results) {
        s.append('\n').append(profile(r, 8)).append(ortProfile(r, 8));
      }
    }
    s.append("\n## Raw images/s per timed run (ConvSpark / ORT, in run order)\n\n");
    for (PairedRun.Result r : results) {
      s.append("- ").append(r.c().label()).append(": ").append(raw(r.convspark()))
          .append(" / ").append(raw(r.ort())).append('\n');
    }
    return s.toString();
  }

  private String sparkSection() {
    double plain = Double.parseDouble(spark.get("plain"));
    double ours = Double.parseDouble(spark.get("convspark"));
    double ort = Double.parseDouble(spark.get("ortMapPartitions"));
    long modelMiB = Long.parseLong(spark.get("modelBytes")) >> 20;
    long arenaMiB = Long.parseLong(spark.get("arenaBytesPerTask")) >> 20;
    long bound = modelMiB + 2 * arenaMiB + 300;
    long peak = Long.parseLong(spark.get("peakRssMiB"));
    StringBuilder s = new StringBuilder();
    s.append("\n## Spark part: ").append(sparkModel).append(" 224x224, ")
        .append(spark.get("images")).append(" pre-decoded image structs (BGR), local[2],")
        .append(" batch 16, median of ").append(spark.get("runs")).append(" runs\n\n");
    s.append("| Path | img/s | vs plain model |\n|---|---:|---:|\n");
    s.append(f("| plain compiled model, 2 threads, outside Spark | %.1f | 100%% |%n", plain));
    s.append(f("| `df.transform(model.infer())`, 2 tasks x 1 thread | %.1f | %.0f%% |%n", ours,
        100 * ours / plain));
    if (spark.containsKey("tasksInferenceImagesPerSecond")) {
      double inTasks = Double.parseDouble(spark.get("tasksInferenceImagesPerSecond"));
      s.append(f("| the same job, time inside `ModelSession.run` only (2 tasks) | %.1f | %.0f%% |%n",
          inTasks, 100 * inTasks / plain));
    }
    s.append(f("| ORT in `mapPartitions`, one session per partition, 1 intra-op thread |"
        + " %.1f | %.0f%% |%n", ort, 100 * ort / plain));
    if (spark.containsKey("convsparkLong")) {
      String n = spark.get("longImages");
      double ourLong = Double.parseDouble(spark.get("convsparkLong"));
      double inLong = Double.parseDouble(spark.get("tasksInferenceImagesPerSecondLong"));
      double ortLong = Double.parseDouble(spark.get("ortMapPartitionsLong"));
      s.append(f("| `df.transform(model.infer())`, jobs of %s images | %.1f | %.0f%% |%n", n,
          ourLong, 100 * ourLong / plain));
      s.append(f("| the same, time inside `ModelSession.run` only | %.1f | %.0f%% |%n", inLong,
          100 * inLong / plain));
      s.append(f("| ORT in `mapPartitions`, jobs of %s images | %.1f | %.0f%% |%n", n, ortLong,
          100 * ortLong / plain));
      s.append(f("%nA job of %s images takes about a second: Spark's planning and scheduling,"
          + " its driver code still being JIT-compiled (C2 threads took 7 %% of the CPU in"
          + " such runs) and the two tasks ending apart weigh on it; the %s-image jobs show"
          + " the rate a batch job settles to.%n", spark.get("images"), n));
    }
    s.append(f("%nMemory of the Spark JVM (max heap %s MiB): peak RSS (VmHWM) after the"
        + " ConvSpark job, before the ORT baseline runs, **%d MiB**; bound: model %d MiB +"
        + " arena %d MiB x 2 tasks + 300 MiB = %d MiB: %s. For scale: peak before Spark"
        + " started (model compiled, plain runs done) %s MiB; RSS with Spark up and the images"
        + " cached, before inference, %s MiB.%n", spark.get("heap"), peak, modelMiB, arenaMiB,
        bound, peak < bound ? "within" : "over", spark.get("rssAfterPlainMiB"),
        spark.get("rssImagesCachedMiB")));
    if (spark.containsKey("bareSparkPeakRssMiB")) {
      long bare = Long.parseLong(spark.get("bareSparkPeakRssMiB"));
      s.append(f("%nThe floor: a bare local[2] Spark JVM with the same flags (no model, no"
          + " images, five trivial jobs) peaks at **%d MiB**, %s the whole bound (%d MiB)"
          + " before any model or image is loaded; Spark refuses a max heap below 450 MiB.%n",
          bare, bare < bound ? "below" : "above", bound));
    }
    return s.toString();
  }

  String profile(PairedRun.Result r, int top) {
    if (r.layers().isEmpty()) {
      return "(no profile for " + r.c().label() + ": ModelSession.profile not available)\n";
    }
    double total = r.layers().stream().mapToDouble(LayerProfile.Layer::msPerBatch).sum();
    StringBuilder s = new StringBuilder(f("%s: %.1f ms per batch over %d fused ops%n%n",
        r.c().label(), total, r.layers().size()));
    s.append("| Op | Type | Output, algorithm | ms/batch | % of time | GFLOP/s |\n")
        .append("|---|---|---|---:|---:|---:|\n");
    for (LayerProfile.Layer l : r.layers().subList(0, Math.min(top, r.layers().size()))) {
      s.append(f("| %s | %s | %s | %.2f | %.1f%% | %.1f |%n", l.name(), l.op(),
          l.detail().replace("|", "/"), l.msPerBatch(),
          100 * l.msPerBatch() / total, l.gflopsPerImage() * r.c().batch() / l.msPerBatch()
          * 1e3));
    }
    return s.toString();
  }

  /** ONNX Runtime's slowest nodes from its own profiler, in the same batch and threads. */
  String ortProfile(PairedRun.Result r, int top) {
    if (r.ortNodes().isEmpty()) {
      return "";
    }
    double total = r.ortNodes().stream().mapToDouble(OrtProfile.Node::msPerBatch).sum();
    StringBuilder s = new StringBuilder(f("%nORT %s: %.1f ms per batch over %d nodes%n%n",
        r.c().label(), total, r.ortNodes().size()));
    s.append("| ORT node | ORT op | ms/batch | % of time |\n|---|---|---:|---:|\n");
    for (OrtProfile.Node n : r.ortNodes().subList(0, Math.min(top, r.ortNodes().size()))) {
      s.append(f("| %s | %s | %.2f | %.1f%% |%n", n.name(), n.op(), n.msPerBatch(),
          100 * n.msPerBatch() / total));
    }
    return s.toString();
  }

  private static String raw(double[] xs) {
    return Arrays.stream(xs).mapToObj(x -> f("%.1f", x)).collect(Collectors.joining(", "));
  }

  private static String machine() {
    String cpu = "unknown CPU";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse(cpu);
    } catch (java.io.IOException e) {
      // not Linux: the CPU stays unknown
    }
    return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, "
        + System.getProperty("os.name") + " " + System.getProperty("os.arch");
  }
}
