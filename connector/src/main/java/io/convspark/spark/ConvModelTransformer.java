package io.convspark.spark;

import io.convspark.ConvModel;
import io.convspark.image.ChannelOrder;
import io.convspark.image.PreprocessOptions;
import io.convspark.image.ResizeMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.DoubleArrayParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import scala.Option;

/**
 * ConvSpark as a Spark ML {@link Transformer}, usable in a {@code Pipeline}; saving writes the
 * params (Spark's metadata format) and the compiled model ({@code model.csm}).
 *
 * <pre>{@code
 * ConvModelTransformer t = new ConvModelTransformer(ConvModel.load("cls.onnx", new int[] {48, 192}));
 * t.set(t.inputCol(), "content").set(t.topK(), 1);
 * new Pipeline().setStages(new PipelineStage[] {t}).fit(df).write().save(path);
 * }</pre>
 */
public final class ConvModelTransformer extends Transformer implements MLWritable {
  private static final long serialVersionUID = 1L;
  private static final String MODEL_FILE = "model.csm";
  private final String uid;
  private final transient ConvModel model;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final Param<String> errorCol;
  private final IntParam batchSize;
  private final IntParam threadsPerTask;
  private final IntParam topK;
  private final StringArrayParam labels;
  private final Param<String> resizeMode;
  private final IntParam resizeShorterTo;
  private final Param<String> channelOrder;
  private final DoubleArrayParam scale;
  private final DoubleArrayParam offset;
  private final LongParam maxPixels;
  private final DoubleParam maxDecodedToFileRatio;

  public ConvModelTransformer(ConvModel model) {
    this(Identifiable.randomUID("convModel"), model);
  }

  private ConvModelTransformer(String uid, ConvModel model) {
    this.uid = uid;
    this.model = model;
    inputCol = new Param<>(this, "inputCol", "input column: image struct, binary or tensor");
    outputCol = new Param<>(this, "outputCol", "prediction column");
    errorCol = new Param<>(this, "errorCol", "struct<code,message,stage> error column");
    batchSize = new IntParam(this, "batchSize", "images per model call",
        ParamValidators.inRange(1, 4096));
    threadsPerTask = new IntParam(this, "threadsPerTask",
        "worker threads per task, 0 for spark.task.cpus", ParamValidators.inRange(0, 256));
    topK = new IntParam(this, "topK", "0 for probabilities, k for the top k classes",
        ParamValidators.gtEq(0));
    labels = new StringArrayParam(this, "labels", "one label per class, or empty");
    resizeMode = new Param<>(this, "resizeMode", "one of " + Arrays.toString(ResizeMode.values()));
    resizeShorterTo = new IntParam(this, "resizeShorterTo",
        "shorter side before the center crop (SHORTER_SIDE_CENTER_CROP)", ParamValidators.gtEq(0));
    channelOrder = new Param<>(this, "channelOrder", "RGB or BGR, what the model expects");
    scale = new DoubleArrayParam(this, "scale", "per channel: value = pixel * scale + offset");
    offset = new DoubleArrayParam(this, "offset", "per channel: value = pixel * scale + offset");
    maxPixels = new LongParam(this, "maxPixels", "refuse images whose header declares more"
        + " pixels (IMAGE_TOO_LARGE, decided before decoding)", ParamValidators.gt(0));
    maxDecodedToFileRatio = new DoubleParam(this, "maxDecodedToFileRatio", "refuse images whose"
        + " decoded bytes exceed this multiple of the file size (IMAGE_TOO_LARGE)",
        ParamValidators.gt(0));
    int c = model == null ? 3 : (int) model.compiled().inputShape().dim(1);
    double[] s = new double[c];
    Arrays.fill(s, 1.0 / 255);
    setDefault(inputCol, "image");
    setDefault(outputCol, "prediction");
    setDefault(errorCol, "error");
    setDefault(batchSize, 16);
    setDefault(threadsPerTask, 0);
    setDefault(topK, 0);
    setDefault(labels, new String[0]);
    setDefault(resizeMode, ResizeMode.STRETCH.name());
    setDefault(resizeShorterTo, 0);
    setDefault(channelOrder, ChannelOrder.RGB.name());
    setDefault(scale, s);
    setDefault(offset, new double[c]);
    setDefault(maxPixels, PreprocessOptions.DEFAULT_MAX_PIXELS);
    setDefault(maxDecodedToFileRatio, PreprocessOptions.DEFAULT_MAX_DECODED_TO_FILE_RATIO);
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public Param<String> errorCol() {
    return errorCol;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public IntParam threadsPerTask() {
    return threadsPerTask;
  }

  public IntParam topK() {
    return topK;
  }

  public StringArrayParam labels() {
    return labels;
  }

  public Param<String> resizeMode() {
    return resizeMode;
  }

  public IntParam resizeShorterTo() {
    return resizeShorterTo;
  }

  public Param<String> channelOrder() {
    return channelOrder;
  }

  public DoubleArrayParam scale() {
    return scale;
  }

  public DoubleArrayParam offset() {
    return offset;
  }

  public LongParam maxPixels() {
    return maxPixels;
  }

  public DoubleParam maxDecodedToFileRatio() {
    return maxDecodedToFileRatio;
  }

  @Override
  public String uid() {
    return uid;
  }

  /** The inference these params describe (validated: bad values fail here, on the driver). */
  ConvInference inference() {
    var in = model.compiled().inputShape();
    float[] mul = floats(getOrDefault(scale));
    float[] add = floats(getOrDefault(offset));
    PreprocessOptions p = PreprocessOptions.scale((int) in.dim(2), (int) in.dim(3),
        (int) in.dim(1), enumValue(ResizeMode.class, resizeMode), (Integer) getOrDefault(resizeShorterTo),
        enumValue(ChannelOrder.class, channelOrder), mul, add)
        .withLimits((Long) getOrDefault(maxPixels), (Double) getOrDefault(maxDecodedToFileRatio));
    ConvInference inf = model.infer().inputCol(getOrDefault(inputCol)).preprocess(p)
        .batchSize((Integer) getOrDefault(batchSize)).threadsPerTask((Integer) getOrDefault(threadsPerTask))
        .outputCol(getOrDefault(outputCol)).errorCol(getOrDefault(errorCol));
    int k = (Integer) getOrDefault(topK);
    return k == 0 ? inf.probabilities() : inf.topK(k, List.of(getOrDefault(labels)));
  }

  private <E extends Enum<E>> E enumValue(Class<E> type, Param<String> p) {
    String v = getOrDefault(p);
    try {
      return Enum.valueOf(type, v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot use " + p.name() + " '" + v + "': expected"
          + " one of " + Arrays.toString(type.getEnumConstants()), e);
    }
  }

  private static float[] floats(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    return inference().apply(dataset.toDF());
  }

  @Override
  public StructType transformSchema(StructType schema) {
    return SparkInference.outputSchema(schema, inference().settings());
  }

  @Override
  public ConvModelTransformer copy(ParamMap extra) {
    return copyValues(new ConvModelTransformer(uid, model), extra);
  }

  @Override
  public MLWriter write() {
    ConvModelTransformer self = this;
    return new MLWriter() {
      @Override
      public void saveImpl(String path) {
        DefaultParamsWriter.saveMetadata(self, path, sparkSession());
        writeBytes(sparkSession(), new Path(path, MODEL_FILE), model.toCompiledBytes());
      }
    };
  }

  public static MLReader<ConvModelTransformer> read() {
    return new MLReader<>() {
      @Override
      public ConvModelTransformer load(String path) {
        DefaultParamsReader.Metadata meta = DefaultParamsReader.loadMetadata(path, sparkSession());
        ConvModel m = ConvModel.fromCompiled(readBytes(sparkSession(), new Path(path, MODEL_FILE)));
        ConvModelTransformer t = new ConvModelTransformer(meta.uid(), m);
        meta.getAndSetParams(t, Option.empty());
        return t;
      }
    };
  }

  public static ConvModelTransformer load(String path) {
    return read().load(path);
  }

  private static void writeBytes(SparkSession spark, Path p, byte[] bytes) {
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (OutputStream out = fs.create(p, true)) {
        out.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + p, e);
    }
  }

  private static byte[] readBytes(SparkSession spark, Path p) {
    try {
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      try (InputStream in = fs.open(p)) {
        return in.readAllBytes();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }
}
