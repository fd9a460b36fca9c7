package io.convspark.benchmarks.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.convspark.ConvModel;
import io.convspark.spark.InferenceMetrics;
import io.convspark.plan.ModelSession;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.image.ImageSchema;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark part, in its own JVM so its peak RSS is the Spark job's alone: images/s of the
 * plain compiled model, of {@code df.transform(model.infer())} on local[2], and of ONNX
 * Runtime in {@code mapPartitions} with one session per partition (how the popular connectors
 * run it), all over the same pre-decoded 224x224 BGR image structs. Prints "RESULT key value"
 * lines for {@link ModelBench}.
 * Usage: SparkBench MODEL.onnx IMAGES RUNS
 */
public final class SparkBench {
  static final int BATCH = 16;
  static final int SIZE = 224;

  private SparkBench() {}

  public static void main(String[] args) throws Exception {
    Path modelPath = Path.of(args[0]);
    int images = Integer.parseInt(args[1]);
    int runs = Integer.parseInt(args[2]);
    byte[] onnx = Files.readAllBytes(modelPath);
    ConvModel model = ConvModel.load(onnx, new int[] {SIZE, SIZE});
    result("images", images);
    result("runs", runs);
    result("plain", median(runs, () -> plain(model, images)));
    result("rssAfterPlainMiB", Rss.peakMiB());

    SparkSession spark = SparkSession.builder().master("local[2]").appName("convspark-bench")
        .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    try {
      Dataset<Row> df = imageFrame(spark, images);
      result("rssImagesCachedMiB", Rss.currentMiB());
      result("convspark", median(runs, () -> timed(images, () -> df.transform(model.infer()
          .inputCol("image").batchSize(BATCH)).write().format("noop").mode("overwrite")
          .save())));
      result("peakRssMiB", Rss.peakMiB());
      InferenceMetrics m = io.convspark.spark.ConvInference.lastMetrics();
      result("tasksInferenceImagesPerSecond", 2 * m.images() / m.inferenceSeconds());
      result("tasksDecodeSecondsPerRun", m.decodeSeconds());
      Broadcast<byte[]> bytes = spark.sparkContext().broadcast(onnx,
          scala.reflect.ClassTag$.MODULE$.apply(byte[].class));
      StructType out = new StructType().add("origin", DataTypes.StringType)
          .add("prediction", DataTypes.createArrayType(DataTypes.FloatType));
      result("ortMapPartitions", median(runs, () -> timed(images, () -> df.mapPartitions(
          new OrtPartition(bytes), Encoders.row(out)).write().format("noop")
          .mode("overwrite").save())));
      // Each job also pays Spark's fixed costs (planning, scheduling, the driver's code still
      // being JIT-compiled, the two tasks ending apart): a longer job shows the per-image rate.
      int longImages = Integer.getInteger("bench.longImages", 4 * images);
      if (longImages > images) {
        df.unpersist(true);
        Dataset<Row> big = imageFrame(spark, longImages);
        result("longImages", longImages);
        result("convsparkLong", median(runs, () -> timed(longImages, () -> big.transform(
            model.infer().inputCol("image").batchSize(BATCH)).write().format("noop")
            .mode("overwrite").save())));
        InferenceMetrics ml = io.convspark.spark.ConvInference.lastMetrics();
        result("tasksInferenceImagesPerSecondLong", 2 * ml.images() / ml.inferenceSeconds());
        result("ortMapPartitionsLong", median(runs, () -> timed(longImages, () ->
            big.mapPartitions(new OrtPartition(bytes), Encoders.row(out)).write()
            .format("noop").mode("overwrite").save())));
      }
    } finally {
      spark.stop();
    }
    result("modelBytes", model.compiled().parameterBytes());
    result("onnxBytes", onnx.length);
    result("arenaBytesPerTask", model.compiled().sessionArenaBytes(BATCH, 1));
    result("heap", Runtime.getRuntime().maxMemory() >> 20);
  }

  private static void result(String key, Object value) {
    System.out.println("RESULT " + key + " " + value);
  }

  interface Measure {
    double imagesPerSecond() throws Exception;
  }

  /** One warm-up run (two if there are many), then the median images/s of {@code runs}. */
  private static double median(int runs, Measure m) throws Exception {
    for (int i = 0; i < Math.min(2, Math.max(1, runs / 3)); i++) {
      m.imagesPerSecond();
    }
    double[] r = new double[runs];
    for (int i = 0; i < runs; i++) {
      r[i] = m.imagesPerSecond();
    }
    return Stats.of(r).median();
  }

  private static double timed(int images, Runnable action) {
    long t0 = System.nanoTime();
    action.run();
    return images / ((System.nanoTime() - t0) / 1e9);
  }

  /**
   * The compiled model outside Spark: one 2-thread session over the same pixels, a batch at a
   * time (so the harness holds no copy of all images); only the runs are timed.
   */
  private static double plain(ConvModel model, int images) {
    int size = SIZE * SIZE * 3;
    float[] nhwc = new float[BATCH * size];
    float[][] outs = {new float[BATCH * model.compiled().outputSize(0)]};
    long nanos = 0;
    try (ModelSession s = model.newSession(2)) {
      for (int i = 0; i < images; i += BATCH) {
        int n = Math.min(BATCH, images - i);
        for (int j = 0; j < n; j++) {
          toRgbNhwc(image(i + j), nhwc, j * size);
        }
        long t0 = System.nanoTime();
        s.run(nhwc, 0, n, outs);
        nanos += System.nanoTime() - t0;
      }
    }
    return images / (nanos / 1e9);
  }

  /** Pixels as ConvSpark's default preprocessing gives them: RGB, divided by 255. */
  private static void toRgbNhwc(byte[] bgr, float[] dst, int off) {
    for (int p = 0; p < bgr.length; p += 3) {
      dst[off + p] = (bgr[p + 2] & 0xFF) / 255f;
      dst[off + p + 1] = (bgr[p + 1] & 0xFF) / 255f;
      dst[off + p + 2] = (bgr[p] & 0xFF) / 255f;
    }
  }

  /** Image i's BGR pixels: seeded by its index, so any JVM or task regenerates it. */
  static byte[] image(long i) {
    byte[] b = new byte[SIZE * SIZE * 3];
    new SplittableRandom(1000 + i).nextBytes(b);
    return b;
  }

  /**
   * Pre-decoded image structs (Spark's image schema) made by the tasks, not the driver, in 2
   * partitions, cached and counted: the input is in memory before any timed run.
   */
  static Dataset<Row> imageFrame(SparkSession spark, int images) {
    StructType schema = new StructType().add("image", ImageSchema.columnSchema());
    Dataset<Row> df = spark.range(0, images, 1, Integer.getInteger("bench.partitions", 2)).map((MapFunction<Long, Row>) i ->
        RowFactory.create(RowFactory.create("img-" + i, SIZE, SIZE, 3, 16, image(i))),
        Encoders.row(schema)).cache();
    df.count();
    return df;
  }

  /** ONNX Runtime per partition: a new session (intra-op 1 thread, as one task slot). */
  static final class OrtPartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<byte[]> model;

    OrtPartition(Broadcast<byte[]> model) {
      this.model = model;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) throws Exception {
      OrtEnvironment env = OrtEnvironment.getEnvironment();
      List<Row> out = new ArrayList<>();
      try (OrtSession session = env.createSession(model.value(), OrtModel.options(1))) {
        String input = session.getInputNames().iterator().next();
        List<Row> batch = new ArrayList<>();
        while (rows.hasNext()) {
          batch.add(rows.next().getStruct(0));
          if (batch.size() == BATCH || !rows.hasNext()) {
            run(env, session, input, batch, out);
            batch.clear();
          }
        }
      }
      return out.iterator();
    }

    private static void run(OrtEnvironment env, OrtSession session, String input,
        List<Row> images, List<Row> out) throws Exception {
      int plane = SIZE * SIZE;
      float[] nchw = new float[images.size() * 3 * plane];
      for (int i = 0; i < images.size(); i++) {
        byte[] bgr = (byte[]) images.get(i).get(5);
        for (int p = 0; p < plane; p++) {
          for (int ch = 0; ch < 3; ch++) {
            nchw[(i * 3 + ch) * plane + p] = (bgr[p * 3 + 2 - ch] & 0xFF) / 255f;
          }
        }
      }
      long[] dims = {images.size(), 3, SIZE, SIZE};
      try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(nchw), dims);
           OrtSession.Result r = session.run(Map.of(input, t))) {
        float[][] logits = (float[][]) r.get(0).getValue();
        for (int i = 0; i < images.size(); i++) {
          out.add(RowFactory.create(images.get(i).getString(0), softmax(logits[i])));
        }
      }
    }

    private static float[] softmax(float[] x) {
      double max = Double.NEGATIVE_INFINITY;
      for (float v : x) {
        max = Math.max(max, v);
      }
      double sum = 0;
      float[] p = new float[x.length];
      for (int i = 0; i < x.length; i++) {
        p[i] = (float) Math.exp(x[i] - max);
        sum += p[i];
      }
      for (int i = 0; i < x.length; i++) {
        p[i] /= (float) sum;
      }
      return p;
    }
  }
}
