package io.convspark.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.convspark.ConvModel;
import io.convspark.plan.Layouts;
import io.convspark.plan.ModelSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Whole-model images/s, ConvSpark vs ONNX Runtime interleaved in one JVM (a preview of the
 * benchmark issue; not a test). Usage: benchmarks/run-model-vs-ort.sh MODEL THREADS [H W];
 * {@code -DnoOrt=true} runs ConvSpark alone (ORT's spinning threads slow interleaved runs).
 */
public final class ModelVsOrtBench {
  private static final int BATCH = 16;

  private ModelVsOrtBench() {}

  public static void main(String[] a) throws Exception {
    boolean withOrt = !Boolean.getBoolean("noOrt");
    Path path = Path.of(a[0]);
    int threads = Integer.parseInt(a[1]);
    int[] hw = a.length > 3 ? new int[] {Integer.parseInt(a[2]), Integer.parseInt(a[3])} : null;
    ConvModel m = ConvModel.load(path, hw);
    var in = m.compiled().inputShape();
    int c = (int) in.dim(1);
    int h = (int) in.dim(2);
    int w = (int) in.dim(3);
    long[] dims = {BATCH, c, h, w};
    float[] nchw = new float[BATCH * c * h * w];
    Random r = new Random(1);
    for (int i = 0; i < nchw.length; i++) {
      nchw[i] = r.nextFloat();
    }
    float[] nhwc = Layouts.nchwToNhwc(nchw, BATCH, c, h, w);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    o.setIntraOpNumThreads(threads);
    o.setInterOpNumThreads(1);
    try (OrtSession ort = env.createSession(Files.readAllBytes(path), o);
         ModelSession s = m.newSession(threads)) {
      String inName = ort.getInputNames().iterator().next();
      float[][] outs = {new float[BATCH * m.compiled().outputSize(0)]};
      // Warm both for 5 s so C2 has compiled every kernel (fallback Vector API code is slow).
      long warm = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < warm) {
        s.run(nhwc, 0, BATCH, outs);
        if (withOrt) {
          runOrt(env, ort, inName, nchw, dims);
        }
      }
      List<Double> ours = new ArrayList<>();
      List<Double> theirs = new ArrayList<>();
      for (int it = 0; it < 10; it++) {
        long t0 = System.nanoTime();
        s.run(nhwc, 0, BATCH, outs);
        long t1 = System.nanoTime();
        if (withOrt) {
          runOrt(env, ort, inName, nchw, dims);
        }
        long t2 = System.nanoTime();
        ours.add(BATCH / ((t1 - t0) / 1e9));
        theirs.add(BATCH / ((t2 - t1) / 1e9));
      }
      Collections.sort(ours);
      Collections.sort(theirs);
      double a1 = ours.get(ours.size() / 2);
      double b1 = theirs.get(theirs.size() / 2);
      System.out.printf("%s threads=%d batch=%d: ConvSpark %.1f img/s, %s, GFLOP/img %.3f%n",
          path.getFileName(), threads, BATCH, a1, withOrt ? String.format(
              "ORT %.1f img/s, ratio %.2f", b1, a1 / b1) : "ORT not run",
          m.compiled().gflopsPerImage());
    }
  }

  private static void runOrt(OrtEnvironment env, OrtSession ort, String inName, float[] nchw,
      long[] dims) throws OrtException {
    try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw), dims);
         OrtSession.Result res = ort.run(Map.of(inName, t))) {
      res.size();
    }
  }
}
