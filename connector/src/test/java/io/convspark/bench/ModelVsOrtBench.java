package io.convspark.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
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
 * benchmark issue; not a test). Usage: benchmarks/run-model-vs-ort.sh MODEL THREADS [H W].
 */
public final class ModelVsOrtBench {
  public static void main(String[] a) throws Exception {
    boolean withOrt = !Boolean.getBoolean("noOrt");
    Path p = Path.of(a[0]); int threads = Integer.parseInt(a[1]); int batch = 16;
    int[] hw = a.length > 2 ? new int[]{Integer.parseInt(a[2]), Integer.parseInt(a[3])} : null;
    ConvModel m = ConvModel.load(p, hw);
    var in = m.compiled().inputShape(); int c = (int) in.dim(1), h = (int) in.dim(2), w = (int) in.dim(3);
    float[] nchw = new float[batch * c * h * w]; Random r = new Random(1); for (int i = 0; i < nchw.length; i++) nchw[i] = r.nextFloat();
    float[] nhwc = Layouts.nchwToNhwc(nchw, batch, c, h, w);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtSession.SessionOptions o = new OrtSession.SessionOptions(); o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT); o.setIntraOpNumThreads(threads); o.setInterOpNumThreads(1);
    OrtSession ort = env.createSession(Files.readAllBytes(p), o);
    String inName = ort.getInputNames().iterator().next();
    try (ModelSession s = m.newSession(threads)) {
      float[][] outs = {new float[batch * m.compiled().outputSize(0)]};
      List<Double> cs = new ArrayList<>(), os = new ArrayList<>();
      // Warm both for 5 s so C2 has compiled every kernel (fallback Vector API code is slow).
      long warm = System.nanoTime() + 5_000_000_000L;
      while (System.nanoTime() < warm) {
        s.run(nhwc, 0, batch, outs);
        if (withOrt) {
          try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw), new long[]{batch, c, h, w}); OrtSession.Result res = ort.run(Map.of(inName, t))) {}
        }
      }
      for (int it = 0; it < 14; it++) {
        long t0 = System.nanoTime(); s.run(nhwc, 0, batch, outs); long t1 = System.nanoTime();
        if (withOrt) try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw), new long[]{batch, c, h, w}); OrtSession.Result res = ort.run(Map.of(inName, t))) {}
        long t2 = System.nanoTime();
        if (it >= 4) { cs.add(batch / ((t1 - t0) / 1e9)); os.add(batch / ((t2 - t1) / 1e9)); }
      }
      Collections.sort(cs); Collections.sort(os);
      System.out.printf("%s threads=%d batch=%d: ConvSpark %.1f img/s, ORT %.1f img/s, ratio %.2f, GFLOP/img %.3f%n", p.getFileName(), threads, batch, cs.get(cs.size()/2), os.get(os.size()/2), cs.get(cs.size()/2) / os.get(os.size()/2), m.compiled().gflopsPerImage());
    }
  }
}
