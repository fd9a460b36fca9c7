package io.convspark.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import scala.Option;

/** Small helpers for Spark tests: SQL conf scoping, ordered collection, row diffs, temp dirs. */
public final class SparkTestSupport {
  private SparkTestSupport() {}

  private static Path tempRoot; // guarded by SparkTestSupport.class

  /**
   * Sets the runtime SQL confs in {@code conf}, runs {@code body}, then restores each key to its
   * previous value (or unsets it if it had none), even if {@code body} throws.
   */
  public static void withSqlConf(SparkSession spark, Map<String, String> conf, Runnable body) {
    Map<String, Option<String>> previous = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, String> e : conf.entrySet()) {
        previous.put(e.getKey(), spark.conf().getOption(e.getKey()));
        spark.conf().set(e.getKey(), e.getValue());
      }
      body.run();
    } finally {
      previous.forEach((k, v) -> {
        if (v.isDefined()) {
          spark.conf().set(k, v.get());
        } else {
          spark.conf().unset(k);
        }
      });
    }
  }

  /** {@code spark.sql(String.format(format, args))}, for readable test SQL. */
  public static Dataset<Row> sql(SparkSession spark, String format, Object... args) {
    return spark.sql(args.length == 0 ? format : String.format(format, args));
  }

  /** Collects {@code df} ordered by {@code byColumn} (ascending, nulls first). */
  public static List<Row> collectSorted(Dataset<Row> df, String byColumn) {
    return df.orderBy(df.col(byColumn).asc_nulls_first()).collectAsList();
  }

  /** The physical plan Spark executed (or will execute) for {@code df}, as text. */
  public static String executedPlan(Dataset<?> df) {
    return df.queryExecution().executedPlan().toString();
  }

  /**
   * Asserts the two row lists are equal in order ({@link Row#equals} compares binary columns
   * by content). On failure lists the size, every differing index and the rows on both sides,
   * with binary values shown as length and leading hex bytes.
   */
  public static void assertSameRows(List<Row> expected, List<Row> actual) {
    List<String> diffs = new ArrayList<>();
    int n = Math.max(expected.size(), actual.size());
    for (int i = 0; i < n; i++) {
      Row e = i < expected.size() ? expected.get(i) : null;
      Row a = i < actual.size() ? actual.get(i) : null;
      if (e == null || a == null || !e.equals(a)) {
        diffs.add(String.format("  row %d:%n    - expected %s%n    + actual   %s", i,
            format(e), format(a)));
      }
    }
    if (diffs.isEmpty()) {
      return;
    }
    StringBuilder msg = new StringBuilder()
        .append("rows differ: expected ").append(expected.size()).append(" rows, got ")
        .append(actual.size()).append(", ").append(diffs.size()).append(" differing");
    int shown = Math.min(diffs.size(), 20);
    for (int i = 0; i < shown; i++) {
      msg.append(System.lineSeparator()).append(diffs.get(i));
    }
    if (shown < diffs.size()) {
      msg.append(System.lineSeparator()).append("  ... ").append(diffs.size() - shown)
          .append(" more");
    }
    fail(msg.toString());
  }

  /** Renders a row like Spark does, but with readable binary and nested values. */
  public static String format(Row row) {
    if (row == null) {
      return "<missing>";
    }
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < row.length(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(formatValue(row.get(i)));
    }
    return sb.append(']').toString();
  }

  private static String formatValue(Object v) {
    if (v instanceof byte[] b) {
      StringBuilder sb = new StringBuilder("binary(").append(b.length).append(")[");
      for (int i = 0; i < Math.min(b.length, 8); i++) {
        sb.append(String.format(i == 0 ? "%02x" : " %02x", b[i] & 0xff));
      }
      return sb.append(b.length > 8 ? " ...]" : "]").toString();
    }
    if (v instanceof Row r) {
      return format(r);
    }
    return String.valueOf(v);
  }

  /**
   * A new empty directory under this JVM's test temp root, which is deleted recursively at JVM
   * exit.
   */
  public static Path tempDir() {
    try {
      return Files.createTempDirectory(tempRoot(), "t");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a test temp dir", e);
    }
  }

  private static synchronized Path tempRoot() throws IOException {
    if (tempRoot == null) {
      Path root = Files.createTempDirectory("convspark-test-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(root),
          "convspark-test-tmp-cleanup"));
      tempRoot = root;
    }
    return tempRoot;
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // Best effort at JVM exit; the OS temp cleaner handles leftovers.
    }
  }
}
