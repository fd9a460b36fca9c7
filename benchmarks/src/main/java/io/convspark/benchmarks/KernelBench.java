package io.convspark.benchmarks;

import io.convspark.kernels.Conv2dPlan;
import io.convspark.kernels.Conv2dShape;
import io.convspark.kernels.Epilogue;
import io.convspark.kernels.internal.KernelProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs {@link ConvKernelBenchmark} under JMH and prints median GFLOP/s and % of FP32 peak
 * (256 GFLOP/s per core on the reference machine; override with -Dpeak.gflops.per.core).
 *
 * <p>Usage: {@code benchmarks/run-kernels.sh [--quick] [--kernel=DENSE_3X3,...] [--threads=1,2]
 * [--placement=arena,unaligned]}; {@code --pixels} runs {@link PixelConversionBenchmark}
 * instead (us per 224x224 image).
 */
public final class KernelBench {
  private KernelBench() {}

  public static void main(String[] args) throws Exception {
    boolean quick = Arrays.asList(args).contains("--quick");
    double peakPerCore = Double.parseDouble(System.getProperty("peak.gflops.per.core", "256"));
    List<String> forkArgs = new ArrayList<>(List.of("--add-modules=jdk.incubator.vector",
        "-Xms1g", "-Xmx1g"));
    // Every convspark.* switch reaches the forked JVMs (provider, vector width, experiments).
    for (String p : System.getProperties().stringPropertyNames()) {
      if (p.startsWith("convspark.")) {
        forkArgs.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    boolean pixels = Arrays.asList(args).contains("--pixels");
    OptionsBuilder ob = new OptionsBuilder();
    for (String a : args) {
      if (a.startsWith("--kernel=")) {
        ob.param("kernel", a.substring(9).split(","));
      } else if (a.startsWith("--placement=")) {
        ob.param("placement", a.substring(12).split(","));
      } else if (a.startsWith("--threads=")) {
        ob.param("threads", a.substring(10).split(","));
      }
    }
    Options opt = ob
        .include((pixels ? PixelConversionBenchmark.class : ConvKernelBenchmark.class)
            .getName())
        .forks(quick ? 1 : 2)
        .warmupIterations(quick ? 3 : 5)
        .warmupTime(TimeValue.milliseconds(quick ? 300 : 1000))
        .measurementIterations(quick ? 5 : 7)
        .measurementTime(TimeValue.milliseconds(quick ? 300 : 1000))
        .jvmArgsAppend(forkArgs.toArray(new String[0]))
        .build();
    Collection<RunResult> results = new Runner(opt).run();
    if (pixels) {
      printPixels(results);
      return;
    }

    String provider = KernelProvider.get().name();
    System.out.println();
    System.out.println("JDK " + Runtime.version() + ", kernels: " + provider
        + ", peak " + peakPerCore + " GFLOP/s per core");
    if (!KernelProvider.get().isVectorized()) {
      System.out.println("WARNING: the Vector API path is NOT active; these are scalar numbers."
          + " Run with --add-modules=jdk.incubator.vector.");
    }
    System.out.println();
    System.out.println("| kernel | MFLOP | threads | median us | GFLOP/s | % of peak | x vs 1 thread |");
    System.out.println("|---|---|---|---|---|---|---|");
    Map<String, Double> oneThread = new HashMap<>();
    List<RunResult> sorted = new ArrayList<>(results);
    sorted.sort((a, b) -> key(a).compareTo(key(b)));
    for (RunResult r : sorted) {
      ConvKernelBenchmark.Case c = ConvKernelBenchmark.Case.valueOf(
          r.getParams().getParam("kernel"));
      int threads = Integer.parseInt(r.getParams().getParam("threads"));
      double median = median(r);
      double mflop = c.shape().flops() / 1e6;
      double gflops = mflop / median * 1e3; // MFLOP per microsecond = TFLOP/s
      double pct = 100 * gflops / (peakPerCore * threads);
      String speedup = "";
      if (threads == 1) {
        oneThread.put(c.name(), gflops);
      } else if (oneThread.containsKey(c.name())) {
        speedup = String.format("%.2f", gflops / oneThread.get(c.name()));
      }
      System.out.printf("| %s | %.1f | %d | %.1f | %.1f | %.1f %% | %s |%n",
          c.label + algorithmNote(c) + placementNote(r), mflop,
          threads, median, gflops, pct, speedup);
    }
  }

  private static void printPixels(Collection<RunResult> results) {
    System.out.println();
    System.out.println("JDK " + Runtime.version() + ", kernels: " + KernelProvider.get().name());
    System.out.println();
    System.out.println("| pixels, 224x224 | median us an image | ns a float | GB/s written |");
    System.out.println("|---|---|---|---|");
    for (RunResult r : results) {
      double median = median(r);
      int floats = 3 * PixelConversionBenchmark.SIZE * PixelConversionBenchmark.SIZE;
      System.out.printf("| %s | %.1f | %.3f | %.1f |%n", r.getParams().getParam("order"),
          median, median * 1e3 / floats, 4.0 * floats / median / 1e3);
    }
  }

  private static double median(RunResult r) {
    List<Double> us = new ArrayList<>();
    r.getBenchmarkResults().forEach(br -> {
      for (IterationResult it : br.getIterationResults()) {
        us.add(it.getPrimaryResult().getScore());
      }
    });
    us.sort(Double::compare);
    return us.get(us.size() / 2);
  }

  /**
   * Winograd rows count the direct conv's FLOPs, as every row does: they run 16 multiplies per
   * 2x2 outputs instead of 36, so their effective rate may pass 100 % of peak.
   */
  private static String algorithmNote(ConvKernelBenchmark.Case c) {
    Conv2dShape s = c.shape();
    Conv2dPlan p = Conv2dPlan.create(s, new float[(int) s.weightCount()], null, Epilogue.NONE);
    return p.algorithm() == Conv2dPlan.Algorithm.WINOGRAD ? " (Winograd, effective)" : "";
  }

  private static String placementNote(RunResult r) {
    String p = r.getParams().getParam("placement");
    return p.equals("arena") ? "" : " (" + p + ")";
  }

  private static String key(RunResult r) {
    return r.getParams().getParam("kernel") + r.getParams().getParam("placement")
        + r.getParams().getParam("threads");
  }
}
