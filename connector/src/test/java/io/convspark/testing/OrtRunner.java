package io.convspark.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/** ONNX Runtime as the test oracle (test scope only, never a runtime dependency). */
public final class OrtRunner {
  private OrtRunner() {}

  /** Runs {@code model} on one NCHW input; returns output {@code index} as floats. */
  public static float[] run(byte[] model, float[] nchw, long[] dims, int index) {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
      opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      opts.setIntraOpNumThreads(1);
      try (OrtSession s = env.createSession(model, opts);
           OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw), dims);
           OrtSession.Result r = s.run(Map.of(s.getInputNames().iterator().next(), t))) {
        FloatBuffer out = ((OnnxTensor) r.get(index)).getFloatBuffer();
        float[] a = new float[out.remaining()];
        out.get(a);
        return a;
      }
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
    }
  }

  /** Asserts max |a - ref| <= tol * max |ref|, the model-level tolerance. */
  public static void assertCloseToReference(String what, float[] ref, float[] actual,
      double tol) {
    if (ref.length != actual.length) {
      throw new AssertionError(what + ": " + actual.length + " outputs, reference has "
          + ref.length);
    }
    double maxRef = 0;
    double maxErr = 0;
    int worst = -1;
    for (int i = 0; i < ref.length; i++) {
      maxRef = Math.max(maxRef, Math.abs(ref[i]));
      double e = Math.abs((double) ref[i] - actual[i]);
      if (!(e <= maxErr)) {
        maxErr = e;
        worst = i;
      }
    }
    if (!(maxErr <= tol * maxRef)) {
      throw new AssertionError(what + ": max abs error " + maxErr + " at " + worst + " (ref "
          + ref[worst] + ", got " + actual[worst] + ") exceeds " + tol + " x max|ref| "
          + maxRef);
    }
  }
}
