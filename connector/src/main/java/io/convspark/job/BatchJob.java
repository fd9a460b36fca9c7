package io.convspark.job;

import io.convspark.ConvModel;
import io.convspark.ModelException;
import io.convspark.image.PreprocessOptions;
import io.convspark.spark.ConvInference;
import io.convspark.spark.InferenceMetrics;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The batch job for {@code spark-submit}: read images, run the model, write predictions, print a
 * summary. {@code demo} runs it on the bundled model and images on local Spark.
 */
public final class BatchJob {
  static final int OK = 0;
  static final int BAD_ARGUMENTS = 2;
  static final int BAD_MODEL = 3;
  static final int JOB_FAILED = 4;

  static final String USAGE = String.join("\n",
      "usage: convspark demo [--output DIR]",
      "       spark-submit --class io.convspark.job.BatchJob convspark-connector.jar \\",
      "         --input PATH --model MODEL --output PATH [options]",
      "",
      "  --input PATH         folder, glob or table path of the images",
      "  --format F           binaryFile (default: encoded JPEG/PNG), image (Spark's image",
      "                       source) or parquet (then give --input-col)",
      "  --input-col C        column with the images (default: content, or image)",
      "  --model MODEL        ONNX or .csm file; local path or Hadoop URI (hdfs:, s3a:, file:)",
      "  --input-size HxW     input height and width when the model's are dynamic",
      "  --preprocess P       imagenet, paddle-cls or unit (pixels / 255, the default)",
      "  --top-k K            how many classes to keep (default 1)",
      "  --labels L           labels file (one per line) or a comma list, e.g. 0,180",
      "  --output PATH        where to write the predictions",
      "  --output-format F    parquet (default), json or csv",
      "  --batch-size N       images per model call (default 16)",
      "  --threads N          worker threads per task (default: spark.task.cpus)",
      "  --partitions N       repartition the input into N partitions first",
      "  --help               this text",
      "",
      "exit codes: 0 done, 2 bad arguments, 3 model cannot be loaded, 4 the job failed");

  private BatchJob() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, String> a;
    try {
      a = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("convspark: " + e.getMessage());
      err.println(USAGE);
      return BAD_ARGUMENTS;
    }
    if (a.containsKey("help")) {
      out.println(USAGE);
      return OK;
    }
    try {
      if (a.containsKey("demo")) {
        Path dir = Files.createTempDirectory("convspark-demo");
        Path model = DemoData.write(dir);
        a.putIfAbsent("output", "convspark-demo-output");
        a.put("input", dir.resolve("images").toString());
        a.put("model", model.toString());
        a.put("input-size", "48x192");
        a.put("preprocess", "paddle-cls");
        a.put("labels", "0,180");
        out.println("ConvSpark demo: PaddleOCR text-line orientation on " + dir.resolve("images"));
      }
      for (String required : new String[] {"input", "model", "output"}) {
        if (!a.containsKey(required)) {
          throw new IllegalArgumentException("--" + required + " is required");
        }
      }
      return execute(a, out);
    } catch (IllegalArgumentException e) {
      err.println("convspark: " + e.getMessage());
      return BAD_ARGUMENTS;
    } catch (ModelException e) {
      err.println("convspark: " + e.getMessage());
      return BAD_MODEL;
    } catch (Exception e) {
      err.println("convspark: the job failed: " + e);
      return JOB_FAILED;
    }
  }

  private static int execute(Map<String, String> a, PrintStream out) throws Exception {
    int[] hw = a.containsKey("input-size") ? size(a.get("input-size")) : null;
    ConvModel model = ConvModel.load(a.get("model"), hw);
    var in = model.compiled().inputShape();
    PreprocessOptions p = preprocess(a.getOrDefault("preprocess", "unit"), (int) in.dim(2),
        (int) in.dim(3), (int) in.dim(1));
    String format = a.getOrDefault("format", "binaryFile");
    String col = a.getOrDefault("input-col", format.equals("image") ? "image" : "content");
    int k = Integer.parseInt(a.getOrDefault("top-k", "1"));
    List<String> labels = labels(a.get("labels"));
    ConvInference infer = model.infer().inputCol(col).preprocess(p)
        .batchSize(Integer.parseInt(a.getOrDefault("batch-size", "16")))
        .threadsPerTask(Integer.parseInt(a.getOrDefault("threads", "0")))
        .topK(k, labels).outputCol("top");
    boolean ownSession = SparkSession.getActiveSession().isEmpty()
        && SparkSession.getDefaultSession().isEmpty();
    SparkSession.Builder b = SparkSession.builder().appName("ConvSpark batch job");
    if (!new org.apache.spark.SparkConf().contains("spark.master")) {
      b = b.master("local[*]").config("spark.ui.enabled", "false");
    }
    SparkSession spark = b.getOrCreate();
    try {
      Dataset<Row> images = read(spark, format, a.get("input"));
      if (a.containsKey("partitions")) {
        images = images.repartition(Integer.parseInt(a.get("partitions")));
      }
      long t0 = System.nanoTime();
      Dataset<Row> predictions = images.transform(infer);
      InferenceMetrics metrics = ConvInference.lastMetrics();
      Column path = format.equals("image") ? functions.col(col + ".origin")
          : Arrays.asList(images.columns()).contains("path") ? functions.col("path")
          : functions.lit(null).cast("string");
      Dataset<Row> result = predictions.select(path.as("path"),
          functions.col("top").getItem(0).getField("label").as("label"),
          functions.col("top").getItem(0).getField("score").as("score"),
          functions.col("top"), functions.col("error"));
      String outFormat = a.getOrDefault("output-format", "parquet");
      Dataset<Row> toWrite = outFormat.equals("csv") ? result.drop("top")
          .withColumn("error", functions.col("error.message")) : result;
      toWrite.write().mode("overwrite").format(outFormat).save(a.get("output"));
      double seconds = (System.nanoTime() - t0) / 1e9;
      Dataset<Row> written = spark.read().format(outFormat).load(a.get("output"));
      long rows = written.count();
      long errors = written.filter(functions.col("error").isNotNull()).count();
      if (rows <= 40) {
        out.println(String.format("%-32s %-6s %-7s %s", "path", "label", "score", "error"));
        // From the written output: re-running the transform would run the model again.
        for (Row r : written.select("path", "label", "score", "error").orderBy("path")
            .collectAsList()) {
          String file = r.isNullAt(0) ? "" : r.getString(0).replaceAll(".*/", "");
          Object e = r.get(3);
          String error = e == null ? "" : e instanceof Row er ? er.getString(0) + ": "
              + er.getString(1) : e.toString();
          out.println(String.format(Locale.ROOT, "%-32s %-6s %-7s %s", file,
              r.isNullAt(1) ? "" : r.getString(1),
              r.isNullAt(2) ? "" : String.format(Locale.ROOT, "%.4f",
                  ((Number) r.get(2)).doubleValue()), error));
        }
      }
      out.println(String.format(Locale.ROOT, "rows %d, errors %d, %.1f images/s end to end"
          + " (%.2f s with Spark job start, JIT warm-up and the write; model %.2f s, decode"
          + " %.2f s; model loaded by %d executor JVM(s)), written to %s (%s)", rows, errors,
          (rows - errors) / Math.max(1e-9, seconds), seconds, metrics.inferenceSeconds(),
          metrics.decodeSeconds(), metrics.modelLoads(), a.get("output"), outFormat));
      return OK;
    } finally {
      if (ownSession) {
        spark.stop();
      }
    }
  }

  private static Dataset<Row> read(SparkSession spark, String format, String input) {
    switch (format) {
      case "binaryFile": return spark.read().format("binaryFile").load(input);
      case "image": return spark.read().format("image").option("dropInvalid", false).load(input);
      case "parquet": return spark.read().parquet(input);
      default:
        throw new IllegalArgumentException("--format " + format
            + ": expected one of [binaryFile, image, parquet]");
    }
  }

  static PreprocessOptions preprocess(String name, int h, int w, int c) {
    switch (name) {
      case "imagenet":
        return PreprocessOptions.meanStd(h, w, c, io.convspark.image.ResizeMode
            .SHORTER_SIDE_CENTER_CROP, (int) Math.round(Math.max(h, w) / 0.875),
            io.convspark.image.ChannelOrder.RGB, new float[] {0.485f, 0.456f, 0.406f},
            new float[] {0.229f, 0.224f, 0.225f});
      case "paddle-cls":
        return PreprocessOptions.scale(h, w, c, io.convspark.image.ResizeMode
            .FIT_HEIGHT_PAD_RIGHT, 0, io.convspark.image.ChannelOrder.BGR, fill(c, 2f / 255f),
            fill(c, -1f));
      case "unit":
        return PreprocessOptions.scale(h, w, c, io.convspark.image.ResizeMode.STRETCH, 0,
            io.convspark.image.ChannelOrder.RGB, fill(c, 1f / 255f), fill(c, 0f));
      default:
        throw new IllegalArgumentException("--preprocess " + name
            + ": expected one of [imagenet, paddle-cls, unit]");
    }
  }

  private static float[] fill(int n, float v) {
    float[] f = new float[n];
    Arrays.fill(f, v);
    return f;
  }

  private static List<String> labels(String spec) throws java.io.IOException {
    if (spec == null) {
      return List.of();
    }
    Path file = Path.of(spec);
    if (Files.isRegularFile(file)) {
      return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(String::strip)
          .toList();
    }
    return Arrays.stream(spec.split(",")).map(String::strip).toList();
  }

  private static int[] size(String hw) {
    String[] p = hw.toLowerCase(Locale.ROOT).split("x");
    try {
      if (p.length == 2) {
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new IllegalArgumentException("--input-size " + hw + ": expected HxW, e.g. 224x224");
  }

  private static final List<String> FLAGS = List.of("input", "format", "input-col", "model",
      "input-size", "preprocess", "top-k", "labels", "output", "output-format", "batch-size",
      "threads", "partitions");

  static Map<String, String> parse(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String s = args[i];
      if (s.equals("demo") && i == 0) {
        m.put("demo", "");
      } else if (s.equals("--help") || s.equals("-h")) {
        m.put("help", "");
      } else if (s.startsWith("--") && FLAGS.contains(s.substring(2))) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(s + " needs a value");
        }
        m.put(s.substring(2), args[++i]);
      } else {
        throw new IllegalArgumentException("unknown argument '" + s + "', expected one of "
            + FLAGS.stream().map(f -> "--" + f).toList() + ", demo or --help");
      }
    }
    return m;
  }
}
