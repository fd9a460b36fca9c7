package io.convspark.testing;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalog.Table;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One local {@link SparkSession} shared by every test class in the JVM (use it through
 * {@link WithSpark}). Starting Spark costs seconds, so it is created lazily on first use and
 * stopped when the whole test plan ends (a root-store resource); Spark's own shutdown hook
 * stops it if the JVM exits first.
 *
 * <p>The session runs {@value #DEFAULT_MASTER}: 2 threads and up to 2 attempts per task, so a
 * task that fails once is retried (for tests of retry behaviour). No UI, 4 shuffle partitions,
 * UTC, loopback driver, and a temporary {@code spark.local.dir} and warehouse. After each test
 * class the runtime SQL conf is {@code RESET}, temporary views are dropped and the cache is
 * cleared, so classes cannot leak settings into one another.
 *
 * <p>Prefer {@code SparkSession} <em>method parameters</em> over static fields: a test that
 * needs another master uses {@link IsolatedSparkSession}, which stops this session; the next
 * resolution transparently creates a new one, but a stored reference would be stale.
 *
 * <p>Not for parallel test execution (JUnit's parallel mode is off in this build).
 */
public final class SparkSessionExtension
    implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

  /** 2 worker threads, 2 attempts per task ({@code local[N,maxFailures]}). */
  public static final String DEFAULT_MASTER = "local[2,2]";

  private static final Object LOCK = new Object();
  private static SparkSession shared; // guarded by LOCK
  private static IsolatedSparkSession isolated; // guarded by LOCK; at most one at a time

  /** Returns the shared session, creating it if needed. */
  public static SparkSession sharedSession() {
    synchronized (LOCK) {
      if (isolated != null) {
        throw new IllegalStateException("cannot use the shared SparkSession: "
            + isolated + " is open; close it first");
      }
      if (shared == null || shared.sparkContext().isStopped()) {
        long t0 = System.nanoTime();
        shared = create(DEFAULT_MASTER, Map.of(), "convspark-tests");
        System.err.printf("[convspark-tests] shared SparkSession %s started in %d ms%n",
            DEFAULT_MASTER, (System.nanoTime() - t0) / 1_000_000);
      }
      return shared;
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    // Start eagerly so Spark's startup time is not billed to the first test.
    sharedSession();
    // The root store closes AutoCloseable values once, when the whole test plan is done.
    context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(SharedSessionCloser.class, k -> new SharedSessionCloser(),
            SharedSessionCloser.class);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    SparkSession s;
    synchronized (LOCK) {
      s = shared;
    }
    if (s == null || s.sparkContext().isStopped()) {
      return;
    }
    s.sql("RESET"); // runtime SQL conf back to the values the session was built with
    for (Table t : s.catalog().listTables().collectAsList()) {
      if (t.isTemporary()) {
        s.catalog().dropTempView(t.name());
      }
    }
    s.catalog().clearCache();
  }

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
    return pc.getParameter().getType() == SparkSession.class;
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
    return sharedSession();
  }

  /** Stops the shared session (if running) so an isolated one can start. */
  static void beginIsolated(IsolatedSparkSession session) {
    synchronized (LOCK) {
      if (isolated != null) {
        throw new IllegalStateException("cannot start " + session + ": " + isolated
            + " is still open");
      }
      stopShared();
      isolated = session;
    }
  }

  static void endIsolated(IsolatedSparkSession session) {
    synchronized (LOCK) {
      if (isolated == session) {
        isolated = null;
      }
    }
  }

  private static void stopShared() {
    synchronized (LOCK) {
      if (shared != null) {
        stop(shared);
        shared = null;
      }
    }
  }

  static void stop(SparkSession s) {
    s.stop();
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  /** Builds a fresh local session; {@code extraConf} overrides the test defaults. */
  static SparkSession create(String master, Map<String, String> extraConf, String appName) {
    Path root = SparkTestSupport.tempDir();
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.ui.showConsoleProgress", "false");
    conf.put("spark.sql.shuffle.partitions", "4");
    conf.put("spark.driver.bindAddress", "127.0.0.1");
    conf.put("spark.driver.host", "127.0.0.1");
    conf.put("spark.sql.session.timeZone", "UTC");
    conf.put("spark.local.dir", root.resolve("local").toString());
    conf.put("spark.sql.warehouse.dir", root.resolve("warehouse").toUri().toString());
    conf.putAll(extraConf);
    // getOrCreate would hand back a leftover session; make sure it cannot.
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    SparkSession.Builder b = SparkSession.builder().master(master).appName(appName);
    conf.forEach(b::config);
    SparkSession s = b.getOrCreate();
    s.sparkContext().setLogLevel("WARN");
    return s;
  }

  /** Stops the shared session when the test plan ends. */
  private static final class SharedSessionCloser implements AutoCloseable {
    @Override
    public void close() {
      stopShared();
    }
  }
}
