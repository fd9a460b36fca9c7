package io.convspark.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.convspark.testing.OnnxModelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.collection.Seq;

/** Inputs and observers shared by the runtime (R) cases. */
final class RuntimeFixtures {
  static final StructType TENSOR_ROWS = new StructType().add("id", DataTypes.IntegerType)
      .add("t", DataTypes.createArrayType(DataTypes.FloatType));

  private RuntimeFixtures() {}

  /** Rows {@code id, t}: a seeded NCHW tensor, except every {@code badEvery}-th is too short. */
  static List<Row> tensorRows(int n, int floats, int badEvery) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean bad = badEvery > 0 && i % badEvery == badEvery - 1;
      rows.add(RowFactory.create(i, bad ? new float[7] : OnnxModelBuilder.random(i, floats)));
    }
    return rows;
  }

  /** {@code n} tensor rows generated on the executors, so a long job costs no driver memory. */
  static Dataset<Row> generatedTensors(SparkSession spark, long n, int partitions, int floats) {
    return spark.range(0, n, 1, partitions).map((MapFunction<Long, Row>) id ->
        RowFactory.create((int) (long) id, OnnxModelBuilder.random(id, floats)),
        Encoders.row(TENSOR_ROWS));
  }

  /** The prediction column (array<float>) of each row as raw float bits, by id order. */
  static List<int[]> predictionBits(List<Row> sortedById, String col) {
    List<int[]> out = new ArrayList<>();
    for (Row r : sortedById) {
      int f = r.fieldIndex(col);
      if (r.isNullAt(f)) {
        out.add(null);
        continue;
      }
      Seq<Object> seq = r.getSeq(f);
      int[] bits = new int[seq.size()];
      for (int i = 0; i < bits.length; i++) {
        bits[i] = Float.floatToRawIntBits((Float) seq.apply(i));
      }
      out.add(bits);
    }
    return out;
  }

  static void assertSameBits(List<int[]> expected, List<int[]> actual, String what) {
    assertEquals(expected.size(), actual.size(), what + ": row count");
    for (int i = 0; i < expected.size(); i++) {
      int[] e = expected.get(i);
      int[] a = actual.get(i);
      if (e == null || a == null) {
        assertEquals(e == null, a == null, what + ": row " + i + " null prediction");
        continue;
      }
      if (!java.util.Arrays.equals(e, a)) {
        throw new AssertionError(what + ": row " + i + " differs in its float bits");
      }
    }
  }

  /** Live threads whose name starts with {@code prefix}. */
  static List<String> liveThreads(String prefix) {
    List<String> names = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.isAlive() && t.getName().startsWith(prefix)) {
        names.add(t.getName());
      }
    }
    return names;
  }

  /** Counts task starts and records the attempt numbers of finished tasks. */
  static final class TaskWatcher extends SparkListener {
    final java.util.concurrent.atomic.AtomicInteger started =
        new java.util.concurrent.atomic.AtomicInteger();
    final Set<Integer> attempts = ConcurrentHashMap.newKeySet();
    final Set<String> failureReasons = ConcurrentHashMap.newKeySet();

    @Override
    public void onTaskStart(SparkListenerTaskStart e) {
      started.incrementAndGet();
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
      attempts.add(e.taskInfo().attemptNumber());
      if (!e.taskInfo().successful()) {
        failureReasons.add(String.valueOf(e.reason()));
      }
    }
  }
}
