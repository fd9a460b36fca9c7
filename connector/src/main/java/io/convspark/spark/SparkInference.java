package io.convspark.spark;

import io.convspark.ConvModel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Driver side of {@link ConvInference}: checks the schema, broadcasts once, maps partitions. */
final class SparkInference {
  private SparkInference() {}

  /** struct<code:string, message:string, stage:string>: why a row has no prediction. */
  static final StructType ERROR_TYPE = new StructType()
      .add("code", DataTypes.StringType, false)
      .add("message", DataTypes.StringType, false)
      .add("stage", DataTypes.StringType, false);

  static final StructType TOP_K_ENTRY = new StructType()
      .add("index", DataTypes.IntegerType, false)
      .add("label", DataTypes.StringType, false)
      .add("score", DataTypes.FloatType, false);

  /** The metrics of the last transformation set up on this driver thread. */
  static final ThreadLocal<InferenceMetrics> LAST_METRICS = new ThreadLocal<>();

  /** The input schema plus the prediction and error columns; validates the input column. */
  static StructType outputSchema(StructType in, InferenceSettings s) {
    kindOf(in, s);
    for (String col : new String[] {s.outputCol(), s.errorCol()}) {
      if (Arrays.asList(in.fieldNames()).contains(col)) {
        throw new IllegalArgumentException("cannot add output column '" + col + "': the input"
            + " already has a column of that name; choose another with outputCol/errorCol");
      }
    }
    return in.add(s.outputCol(), predictionType(s.output()), true)
        .add(s.errorCol(), ERROR_TYPE, true);
  }

  private static InputKind kindOf(StructType in, InferenceSettings s) {
    DataType type = in.fields()[inputIndex(in, s.inputCol())].dataType();
    InputKind kind = InputKind.of(type);
    if (kind == null) {
      throw new IllegalArgumentException("cannot run ConvSpark inference on column '"
          + s.inputCol() + "': its type is " + type.simpleString() + ", accepted types are "
          + InputKind.ACCEPTED);
    }
    return kind;
  }

  static Dataset<Row> run(ConvModel model, InferenceSettings s, Dataset<Row> df) {
    StructType in = df.schema();
    int inputIndex = inputIndex(in, s.inputCol());
    InputKind kind = kindOf(in, s);
    StructType out = outputSchema(in, s);
    Shipment ship = shipment(model, df.sparkSession().sparkContext(),
        chunkBytes(df.sparkSession()));
    boolean softmaxed = endsInSoftmax(model);
    InferenceMetrics metrics = new InferenceMetrics(df.sparkSession().sparkContext());
    PartitionInference fn = new PartitionInference(ship.broadcast, ship.hash, s, kind,
        inputIndex, softmaxed, model.compiled().outputSize(s.outputIndex()), metrics);
    LAST_METRICS.set(metrics);
    return df.mapPartitions(fn, Encoders.row(out));
  }

  /** A model's broadcast on one SparkContext, with the hash executors cache it under. */
  record Shipment(java.lang.ref.WeakReference<SparkContext> context, int chunkBytes,
      Broadcast<byte[][]> broadcast, String hash) {}

  // Weak keys: a model's broadcast lives as long as the model; Spark's cleaner removes it once
  // both are unreachable.
  private static final Map<ConvModel, Shipment> SHIPMENTS = new WeakHashMap<>();

  /**
   * The model's broadcast on {@code sc}, made on first use and reused by every later
   * transformation of the same ConvModel: serializing, hashing and broadcasting 14 MB took
   * about a fifth of a 256-image job.
   */
  static Shipment shipment(ConvModel model, SparkContext sc, int chunkBytes) {
    synchronized (SHIPMENTS) {
      Shipment s = SHIPMENTS.get(model);
      if (s != null && s.context.get() == sc && !sc.isStopped() && s.chunkBytes == chunkBytes) {
        return s;
      }
      byte[][] bytes = model.toCompiledChunks(chunkBytes);
      Broadcast<byte[][]> b = JavaSparkContext.fromSparkContext(sc).broadcast(bytes);
      s = new Shipment(new java.lang.ref.WeakReference<>(sc), chunkBytes, b, sha256(bytes));
      SHIPMENTS.put(model, s);
      return s;
    }
  }

  private static int inputIndex(StructType in, String col) {
    String[] names = in.fieldNames();
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(col)) {
        return i;
      }
    }
    throw new IllegalArgumentException("cannot find input column '" + col + "': the DataFrame"
        + " has columns " + Arrays.toString(names) + "; set it with inputCol(...)");
  }

  static DataType predictionType(OutputKind kind) {
    return kind == OutputKind.TOP_K ? DataTypes.createArrayType(TOP_K_ENTRY, false)
        : DataTypes.createArrayType(DataTypes.FloatType, false);
  }

  private static boolean endsInSoftmax(ConvModel model) {
    var g = model.compiled().graph();
    var p = g.producer(g.outputs().get(0));
    return p != null && p.opType().equals("Softmax");
  }

  /** Chunk size of the broadcast model: a byte[] holds < 2 GiB (SPARK-3721). */
  static final String CHUNK_CONF = "spark.convspark.broadcastChunkBytes";
  static final int DEFAULT_CHUNK_BYTES = 64 << 20;

  private static int chunkBytes(org.apache.spark.sql.SparkSession spark) {
    String v = spark.sparkContext().getConf().get(CHUNK_CONF,
        Integer.toString(DEFAULT_CHUNK_BYTES));
    try {
      int n = Integer.parseInt(v.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("cannot use " + CHUNK_CONF + "=" + v
        + ": a positive number of bytes below 2^31 is required");
  }

  static String sha256(byte[][] chunks) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      for (byte[] c : chunks) {
        d.update(c);
      }
      return HexFormat.of().formatHex(d.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
