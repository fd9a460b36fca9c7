package io.convspark;

import io.convspark.graph.Graph;
import io.convspark.kernels.internal.KernelProvider;
import io.convspark.onnx.LoaderLimits;
import io.convspark.onnx.OnnxLoader;
import io.convspark.plan.CompileLimits;
import io.convspark.plan.CompiledModel;
import io.convspark.plan.CsmFormat;
import io.convspark.plan.ModelCompiler;
import io.convspark.plan.ModelSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A convolutional model compiled for the CPU: loaded from ONNX (or a compiled {@code .csm}),
 * frozen, fused, weights packed. Immutable and thread-safe; run it through a
 * {@link ModelSession}.
 *
 * <pre>{@code
 * ConvModel model = ConvModel.load(Path.of("model.onnx"));
 * try (ModelSession session = model.newSession(2)) {
 *   float[][] outputs = session.run(nhwcImages, batch);
 * }
 * }</pre>
 */
public final class ConvModel {
  private static final byte[] CSM_MAGIC = {'C', 'S', 'M', '1'};
  private final CompiledModel compiled;

  private ConvModel(CompiledModel compiled) {
    this.compiled = compiled;
  }

  /** Loads an ONNX or .csm file; the model must fix its input height and width. */
  public static ConvModel load(Path path) {
    return load(path, null);
  }

  /**
   * Loads an ONNX or .csm file; {@code inputHW} gives the input height and width when the
   * model's are dynamic (null otherwise).
   *
   * @throws ModelException if the file cannot be read, parsed, or compiled
   */
  public static ConvModel load(Path path, int[] inputHW) {
    byte[] head = new byte[4];
    try (var in = Files.newInputStream(path)) {
      int n = in.readNBytes(head, 0, 4);
      if (n == 4 && Arrays.equals(head, CSM_MAGIC)) {
        return fromCompiled(Files.readAllBytes(path));
      }
    } catch (IOException e) {
      throw new ModelException("cannot read model file " + path + ": " + e.getMessage(), e);
    }
    return compile(OnnxLoader.load(path), inputHW);
  }

  /**
   * Loads an ONNX file under explicit limits: {@code loaderLimits} caps the model and weight
   * bytes read, {@code compileLimits} the folded constants and the planned arena.
   *
   * @throws ModelException if the file cannot be read, parsed, or compiled within the limits
   */
  public static ConvModel load(Path path, int[] inputHW, LoaderLimits loaderLimits,
      CompileLimits compileLimits) {
    return compile(OnnxLoader.load(path, loaderLimits), inputHW, compileLimits);
  }

  /**
   * Loads an ONNX file and also exposes the named intermediate values as outputs (for
   * embeddings): they are kept through fusion, after the model's own outputs.
   *
   * @throws ModelException if a name is not a value some node produces
   */
  public static ConvModel load(Path path, int[] inputHW, java.util.List<String> extraOutputs) {
    Graph g = OnnxLoader.load(path);
    for (String name : extraOutputs) {
      if (g.producer(name) == null) {
        throw new ModelException("cannot expose value '" + name + "' of model " + path
            + " as an output: no node produces it");
      }
      if (!g.outputs().contains(name)) {
        g.outputs().add(name);
      }
    }
    return compile(g, inputHW);
  }

  /**
   * Loads from a local path or a Hadoop FileSystem URI ({@code file:}, {@code hdfs:},
   * {@code s3a:}...; Hadoop comes with Spark). A remote ONNX model cannot use external data.
   */
  public static ConvModel load(String pathOrUri, int[] inputHW) {
    return load(pathOrUri, inputHW, LoaderLimits.DEFAULT, CompileLimits.DEFAULT);
  }

  /**
   * {@link #load(String, int[])} under explicit limits (a compiled {@code .csm} file is only
   * size-checked: it was validated when it was compiled).
   */
  public static ConvModel load(String pathOrUri, int[] inputHW, LoaderLimits loaderLimits,
      CompileLimits compileLimits) {
    if (!pathOrUri.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*")) {
      return load(Path.of(pathOrUri), inputHW, loaderLimits, compileLimits);
    }
    byte[] bytes = io.convspark.spark.HadoopModelFiles.read(pathOrUri,
        loaderLimits.maxModelBytes());
    if (bytes.length >= 4 && Arrays.equals(Arrays.copyOf(bytes, 4), CSM_MAGIC)) {
      return fromCompiled(bytes);
    }
    return compile(OnnxLoader.load(bytes, null, loaderLimits), inputHW, compileLimits);
  }

  /** {@link #load(String, int[])} for a model with a fixed input size. */
  public static ConvModel load(String pathOrUri) {
    return load(pathOrUri, null);
  }

  /** Compiles ONNX model bytes (external data is not allowed without a directory). */
  public static ConvModel load(byte[] onnx, int[] inputHW) {
    return load(onnx, inputHW, CompileLimits.DEFAULT);
  }

  /**
   * Compiles ONNX model bytes under {@code limits}.
   *
   * @throws ModelException if the model cannot be parsed or compiled, or exceeds the limits
   */
  public static ConvModel load(byte[] onnx, int[] inputHW, CompileLimits limits) {
    return compile(OnnxLoader.load(onnx, null), inputHW, limits);
  }

  /** Reads a compiled model written by {@link #toCompiledBytes()}. */
  public static ConvModel fromCompiled(byte[] csm) {
    Graph g = CsmFormat.read(csm);
    return compile(g, null);
  }

  /** Reads a compiled model written by {@link #toCompiledChunks(int)}: any size. */
  public static ConvModel fromCompiled(byte[][] chunks) {
    return compile(CsmFormat.read(chunks), null);
  }

  private static ConvModel compile(Graph g, int[] inputHW) {
    return compile(g, inputHW, CompileLimits.DEFAULT);
  }

  private static ConvModel compile(Graph g, int[] inputHW, CompileLimits limits) {
    try {
      return new ConvModel(ModelCompiler.compile(g, inputHW, limits,
          KernelProvider.get()));
    } catch (ModelException e) {
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      throw new ModelException("cannot compile model '" + g.name() + "': " + e, e);
    }
  }

  /** The compact compiled form: what Spark broadcasts, and a .csm file's content. */
  public byte[] toCompiledBytes() {
    return CsmFormat.write(compiled.graph());
  }

  /** The compiled form in chunks of {@code chunkBytes}, for models of 2 GiB and more. */
  public byte[][] toCompiledChunks(int chunkBytes) {
    return CsmFormat.writeChunks(compiled.graph(), chunkBytes);
  }

  public void saveCompiled(Path path) {
    try {
      Files.write(path, toCompiledBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write compiled model to " + path, e);
    }
  }

  public CompiledModel compiled() {
    return compiled;
  }

  /**
   * The Spark transformation: {@code df.transform(model.infer())}. Options are set fluently
   * on the returned object; see {@link io.convspark.spark.ConvInference}.
   */
  public io.convspark.spark.ConvInference infer() {
    return io.convspark.spark.ConvInference.of(this);
  }

  /** A session with {@code threads} workers; close it when done. */
  public ModelSession newSession(int threads) {
    return compiled.newSession(threads);
  }
}
