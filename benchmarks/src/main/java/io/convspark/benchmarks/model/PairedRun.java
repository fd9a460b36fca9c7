package io.convspark.benchmarks.model;

import io.convspark.ConvModel;
import io.convspark.plan.Layouts;
import io.convspark.plan.ModelSession;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Measures one {@link ModelCase}: ConvSpark and ONNX Runtime on the same model bytes and the
 * same input, interleaved A B A B in one JVM so both see the same machine state, after a
 * warm-up long enough for C2 to compile every kernel (the Vector API is slow until then).
 */
final class PairedRun {
  private PairedRun() {}

  /** Images/s per timed run of each engine (index i of both is one pair), and the profile. */
  record Result(ModelCase c, double gflopsPerImage, double[] convspark, double[] ort,
      List<LayerProfile.Layer> layers, List<OrtProfile.Node> ortNodes, long parameterBytes,
      long arenaBytes) {
    double[] ratios() {
      double[] r = new double[convspark.length];
      for (int i = 0; i < r.length; i++) {
        r[i] = convspark[i] / ort[i];
      }
      return r;
    }
  }

  static Result measure(ModelCase c, byte[] onnx, double warmupSeconds, int runs,
      boolean profile) throws Exception {
    ConvModel model = ConvModel.load(onnx, new int[] {c.height(), c.width()});
    int n = c.batch();
    int chw = 3 * c.height() * c.width();
    float[] nchw = new float[n * chw];
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < nchw.length; i++) {
      nchw[i] = (float) rnd.nextDouble(); // pixels scaled to [0, 1)
    }
    float[] nhwc = Layouts.nchwToNhwc(nchw, n, 3, c.height(), c.width());
    float[][] outs = {new float[n * model.compiled().outputSize(0)]};
    try (ModelSession ours = model.newSession(c.threads());
         OrtModel ort = new OrtModel(onnx, c.threads())) {
      ort.setInput(nchw, new long[] {n, 3, c.height(), c.width()});
      long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
      for (int i = 0; i < 2 || System.nanoTime() < warmEnd; i++) {
        ours.run(nhwc, 0, n, outs);
        ort.run();
      }
      checkAgreement(c, outs[0], ort.output());
      double[] a = new double[runs];
      double[] b = new double[runs];
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        ours.run(nhwc, 0, n, outs);
        long t1 = System.nanoTime();
        ort.run();
        long t2 = System.nanoTime();
        a[i] = n / ((t1 - t0) / 1e9);
        b[i] = n / ((t2 - t1) / 1e9);
      }
      List<LayerProfile.Layer> layers = profile ? profile(ours, model, nhwc, n, outs)
          : List.of();
      List<OrtProfile.Node> ortNodes = profile ? OrtProfile.measure(onnx, c.threads(), nchw,
          new long[] {n, 3, c.height(), c.width()}, 5) : List.of();
      return new Result(c, model.compiled().gflopsPerImage(), a, b, layers, ortNodes,
          model.compiled().parameterBytes(), model.compiled().sessionArenaBytes(n, c.threads()));
    }
  }

  /**
   * Both engines' outputs on the benchmark batch: a model that runs fast but wrong must not
   * give a number. Fails above 1e-3 of the largest reference value.
   */
  private static void checkAgreement(ModelCase c, float[] ours, float[] ref) {
    double maxRef = 0;
    double maxDiff = 0;
    for (int i = 0; i < ref.length; i++) {
      maxRef = Math.max(maxRef, Math.abs(ref[i]));
      maxDiff = Math.max(maxDiff, Math.abs(ref[i] - ours[i]));
    }
    if (ours.length < ref.length || !(maxDiff <= 1e-3 * maxRef)) {
      throw new IllegalStateException(c + ": ConvSpark's output differs from ORT's by "
          + maxDiff + " (max |ref| " + maxRef + ", " + ref.length + " values), over 1e-3 of it");
    }
    System.out.printf("%s: outputs agree with ORT, max |diff| %.2e of max |ref| %.2e%n", c,
        maxDiff, maxRef);
  }

  /** ConvSpark alone, three profiled batches (timing each step adds only clock reads). */
  private static List<LayerProfile.Layer> profile(ModelSession s, ConvModel model,
      float[] nhwc, int n, float[][] outs) throws ReflectiveOperationException {
    if (!LayerProfile.available()) {
      return List.of();
    }
    LayerProfile.enable(s, true);
    for (int i = 0; i < 3; i++) {
      s.run(nhwc, 0, n, outs);
    }
    java.util.Map<String, String> details = new java.util.HashMap<>();
    for (String[] row : model.compiled().layerTable()) {
      details.put(row[0], row[2] + " " + row[4]); // output shape, algorithm
    }
    List<LayerProfile.Layer> layers = LayerProfile.slowestFirst(s, details);
    LayerProfile.enable(s, false);
    return layers;
  }
}
