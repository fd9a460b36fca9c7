package io.convspark.spark;

import io.convspark.ConvModel;
import io.convspark.image.ChannelOrder;
import io.convspark.image.PreprocessOptions;
import io.convspark.image.ResizeMode;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.runtime.AbstractFunction1;

/**
 * The Spark transformation of a {@link ConvModel}: {@code df.transform(model.infer())} appends
 * a prediction column and an error column, one output row per input row. Options are fluent
 * and immutable; they are validated here and against the DataFrame's schema when applied, on
 * the driver, before any job runs.
 *
 * <pre>{@code
 * Dataset<Row> out = images.transform(ConvModel.load(Path.of("cls.onnx"), new int[] {48, 192})
 *     .infer().inputCol("content").topK(1, List.of("0", "180")));
 * }</pre>
 */
public final class ConvInference extends AbstractFunction1<Dataset<Row>, Dataset<Row>>
    implements Serializable {
  private static final long serialVersionUID = 1L;
  private final transient ConvModel model;
  private final InferenceSettings s;

  private ConvInference(ConvModel model, InferenceSettings s) {
    this.model = model;
    this.s = s;
  }

  /** Input bytes per batch unless {@link #maxBatchBytes(long)} says otherwise. */
  public static final long DEFAULT_MAX_BATCH_BYTES = 256L << 20;

  /** Defaults: column "image", stretch to the model's size, RGB, pixels/255, batch 16. */
  public static ConvInference of(ConvModel model) {
    var in = model.compiled().inputShape();
    if (in.rank() != 4) {
      throw new IllegalArgumentException("cannot infer images with a model whose input is "
          + in + ": an NCHW image input is required");
    }
    int c = (int) in.dim(1);
    if (c != 1 && c != 3) {
      throw new IllegalArgumentException("cannot infer images with a model of " + c
          + " input channels: 1 or 3 are supported");
    }
    float[] mul = new float[c];
    Arrays.fill(mul, 1f / 255f);
    PreprocessOptions p = PreprocessOptions.scale((int) in.dim(2), (int) in.dim(3), c,
        ResizeMode.STRETCH, 0, ChannelOrder.RGB, mul, new float[c]);
    return new ConvInference(model, new InferenceSettings("image", p, true, 16, 0,
        OutputKind.PROBABILITIES, 0, List.of(), "prediction", "error", 0,
        Boolean.getBoolean(io.convspark.kernels.WorkerPool.PIN_PROPERTY),
        DEFAULT_MAX_BATCH_BYTES));
  }

  private ConvInference with(InferenceSettings n) {
    return new ConvInference(model, n);
  }

  public ConvInference inputCol(String col) {
    return with(s.withInputCol(require(col, "inputCol")));
  }

  /**
   * Image preprocessing: resize, channel order the model expects, normalization. Height,
   * width and channels must match the model's input.
   */
  public ConvInference preprocess(PreprocessOptions p) {
    var in = model.compiled().inputShape();
    if (p.height() != in.dim(2) || p.width() != in.dim(3) || p.channels() != in.dim(1)) {
      throw new IllegalArgumentException("cannot use preprocessing to " + p.height() + "x"
          + p.width() + "x" + p.channels() + ": the model's input is " + in.dim(2) + "x"
          + in.dim(3) + "x" + in.dim(1) + " (height x width x channels)");
    }
    return with(s.withPreprocess(p));
  }

  /** Layout of array inputs: true for ONNX's NCHW (the default), false for NHWC. */
  public ConvInference tensorLayoutNchw(boolean nchw) {
    return with(s.withTensorNchw(nchw));
  }

  public ConvInference batchSize(int n) {
    if (n < 1 || n > 4096) {
      throw new IllegalArgumentException("cannot use batch size " + n + ": must be in [1, 4096]");
    }
    return with(s.withBatchSize(n));
  }

  /**
   * Input bytes (encoded images, image-struct pixels or tensors) per batch, 256 MiB by default:
   * a batch closes early rather than exceed it, and a single larger row goes alone. Arrow's
   * binary vectors hold at most 2 GiB, so the cap is at most {@code Integer.MAX_VALUE - 8}.
   */
  public ConvInference maxBatchBytes(long bytes) {
    if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("cannot use maxBatchBytes " + bytes + ": must be in"
          + " [1, " + (Integer.MAX_VALUE - 8) + "] (an Arrow binary vector holds < 2 GiB)");
    }
    return with(s.withMaxBatchBytes(bytes));
  }

  /** Worker threads per task; 0 (the default) uses {@code spark.task.cpus}. */
  public ConvInference threadsPerTask(int n) {
    if (n < 0 || n > 256) {
      throw new IllegalArgumentException("cannot use " + n + " threads per task: must be in"
          + " [0, 256], 0 meaning spark.task.cpus");
    }
    return with(s.withThreads(n));
  }

  /**
   * The embedding: the named output of the model (its own, or one exposed with
   * {@link ConvModel#load(java.nio.file.Path, int[], java.util.List)}) as array<float>, in
   * ONNX (NCHW) order.
   */
  public ConvInference embedding(String outputName) {
    int index = model.compiled().outputNames().indexOf(outputName);
    if (index < 0) {
      throw new IllegalArgumentException("cannot use output '" + outputName + "' as the"
          + " embedding: the model's outputs are " + model.compiled().outputNames()
          + "; expose an intermediate value with ConvModel.load(path, inputHW, List.of(name))");
    }
    return with(s.withOutput(OutputKind.EMBEDDING, 0, List.of(), index));
  }

  /**
   * Pins each task's worker threads to distinct cores, leased from an executor-wide allocator
   * so concurrent tasks use different cores. Off by default (and on VMs, where it measured
   * slower); {@code -Dconvspark.pool.pin=true} on the driver turns it on by default.
   */
  public ConvInference pinCores(boolean pin) {
    return with(s.withPinCores(pin));
  }

  public ConvInference rawScores() {
    return output(OutputKind.RAW, 0, List.of());
  }

  public ConvInference probabilities() {
    return output(OutputKind.PROBABILITIES, 0, List.of());
  }

  /** Top-k classes with labels (labels may be empty: the label is then the class index). */
  public ConvInference topK(int k, List<String> labels) {
    int classes = model.compiled().outputSize(0);
    if (k < 1 || k > classes) {
      throw new IllegalArgumentException("cannot use top-k " + k + ": the model has " + classes
          + " classes, k must be in [1, " + classes + "]");
    }
    if (!labels.isEmpty() && labels.size() != classes) {
      throw new IllegalArgumentException("cannot use " + labels.size() + " labels: the model"
          + " has " + classes + " classes, give one label per class or none");
    }
    return output(OutputKind.TOP_K, k, List.copyOf(labels));
  }

  /** Top-k with labels from a UTF-8 file, one label per line. */
  public ConvInference topK(int k, java.nio.file.Path labelsFile) {
    try {
      return topK(k, java.nio.file.Files.readAllLines(labelsFile, StandardCharsets.UTF_8)
          .stream().filter(l -> !l.isBlank()).map(String::strip).toList());
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read labels file " + labelsFile + ": " + e, e);
    }
  }

  private ConvInference output(OutputKind kind, int k, List<String> labels) {
    return with(s.withOutput(kind, k, labels, 0));
  }

  public ConvInference outputCol(String col) {
    return with(s.withOutputCol(require(col, "outputCol")));
  }

  public ConvInference errorCol(String col) {
    return with(s.withErrorCol(require(col, "errorCol")));
  }

  /**
   * The accumulators of the last {@code apply} on this thread: images, error rows, decode and
   * inference time. Their values fill in as the job runs.
   */
  public static InferenceMetrics lastMetrics() {
    return SparkInference.LAST_METRICS.get();
  }

  InferenceSettings settings() {
    return s;
  }

  private static String require(String v, String what) {
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("cannot use " + what + " '" + v + "': a column name"
          + " is required");
    }
    return v;
  }

  @Override
  public Dataset<Row> apply(Dataset<Row> df) {
    if (model == null) {
      throw new IllegalStateException("ConvInference was deserialized without its model;"
          + " apply it on the driver");
    }
    return SparkInference.run(model, s, df);
  }
}
