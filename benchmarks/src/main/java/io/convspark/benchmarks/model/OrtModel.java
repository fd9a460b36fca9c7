package io.convspark.benchmarks.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * ONNX Runtime as the reference: one session reused, optimization level ALL, intra-op threads
 * equal to ConvSpark's, and intra-op spinning off. Spinning workers keep burning the cores
 * after a run, which starves ConvSpark's threads in an interleaved A B A B comparison (it
 * halved ConvSpark's measured 2-thread speed); with it off each engine gets idle cores.
 */
final class OrtModel implements AutoCloseable {
  static final String SETTINGS = "ORT: optimization level ALL, intra-op threads = ConvSpark's,"
      + " inter-op 1, session.intra_op.allow_spinning=0, one session reused, input tensor"
      + " created once (zero-copy direct buffer)";
  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  private final OrtSession session;
  private final String inputName;
  private OnnxTensor input;

  OrtModel(byte[] onnx, int threads) throws OrtException {
    this(onnx, options(threads));
  }

  OrtModel(byte[] onnx, OrtSession.SessionOptions options) throws OrtException {
    session = env.createSession(onnx, options);
    inputName = session.getInputNames().iterator().next();
  }

  static OrtSession.SessionOptions options(int threads) throws OrtException {
    OrtSession.SessionOptions o = new OrtSession.SessionOptions();
    o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    o.setIntraOpNumThreads(threads);
    o.setInterOpNumThreads(1);
    o.addConfigEntry("session.intra_op.allow_spinning", "0");
    return o;
  }

  /** Sets the NCHW input once: a direct buffer, so runs do not copy it. */
  void setInput(float[] nchw, long[] dims) throws OrtException {
    FloatBuffer buf = ByteBuffer.allocateDirect(nchw.length * 4).order(ByteOrder.nativeOrder())
        .asFloatBuffer().put(nchw);
    buf.rewind();
    if (input != null) {
      input.close();
    }
    input = OnnxTensor.createTensor(env, buf, dims);
  }

  void run() throws OrtException {
    try (OrtSession.Result r = session.run(Map.of(inputName, input))) {
      r.size();
    }
  }

  /** Runs once and returns output 0 flattened (for the agreement check, not timed). */
  float[] output() throws OrtException {
    try (OrtSession.Result r = session.run(Map.of(inputName, input))) {
      FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
      float[] out = new float[fb.remaining()];
      fb.get(out);
      return out;
    }
  }

  /** Ends the session's profiling (see {@link OrtProfile}) and returns the JSON file's path. */
  String endProfiling() throws OrtException {
    return session.endProfiling();
  }

  static String version() {
    return OrtEnvironment.getEnvironment().getVersion();
  }

  @Override
  public void close() throws OrtException {
    if (input != null) {
      input.close();
    }
    session.close();
  }
}
