package io.convspark.testing;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * A fresh local {@link SparkSession} with its own master and conf, for the few tests that need
 * one (e.g. {@code local[2,3]} to let a task fail twice before the third attempt succeeds):
 *
 * <pre>{@code
 * try (IsolatedSparkSession iso = IsolatedSparkSession.start("local[2,3]")) {
 *   assertEquals(10, iso.spark().range(10).count());
 * }
 * }</pre>
 *
 * <p>Trade-off: Spark allows one {@code SparkContext} per JVM, so starting this <b>stops the
 * shared session</b> of {@link SparkSessionExtension}, and closing it leaves the shared one to
 * be recreated lazily at its next use. Each use therefore costs two Spark start-ups (~1-3 s
 * each) and invalidates every {@code Dataset} or session reference taken from the shared
 * session before; keep such tests few and self-contained, and do not run test classes in
 * parallel. {@link #close()} is idempotent; {@link #spark()} after close throws.
 */
public final class IsolatedSparkSession implements AutoCloseable {
  private final String master;
  private SparkSession spark; // guarded by this; null once closed

  private IsolatedSparkSession(String master) {
    this.master = master;
  }

  /** Starts a session with {@code master} and the test defaults. */
  public static IsolatedSparkSession start(String master) {
    return start(master, Map.of());
  }

  /** Starts a session with {@code master}; {@code conf} overrides the test defaults. */
  public static IsolatedSparkSession start(String master, Map<String, String> conf) {
    IsolatedSparkSession iso = new IsolatedSparkSession(master);
    SparkSessionExtension.beginIsolated(iso);
    try {
      SparkSession s = SparkSessionExtension.create(master, conf, "convspark-isolated");
      synchronized (iso) {
        iso.spark = s;
      }
      return iso;
    } catch (RuntimeException | Error e) {
      SparkSessionExtension.endIsolated(iso);
      throw e;
    }
  }

  /** The session; throws {@link IllegalStateException} once closed. */
  public synchronized SparkSession spark() {
    checkOpen();
    return spark;
  }

  private void checkOpen() {
    if (spark == null) {
      throw new IllegalStateException("cannot use " + this + ": it is closed");
    }
  }

  @Override
  public void close() {
    SparkSession s;
    synchronized (this) {
      s = spark;
      spark = null;
    }
    if (s != null) {
      try {
        SparkSessionExtension.stop(s);
      } finally {
        SparkSessionExtension.endIsolated(this);
      }
    }
  }

  @Override
  public String toString() {
    return "IsolatedSparkSession[" + master + "]";
  }
}
