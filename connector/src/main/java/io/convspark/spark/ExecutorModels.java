package io.convspark.spark;

import io.convspark.ConvModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The executor-wide model cache: each JVM compiles a broadcast model once (keyed by the hash of
 * its bytes) and shares the immutable result across its tasks. It keeps the
 * {@value #DEFAULT_MAX_MODELS} most recently used models ({@code -Dconvspark.executorModels=N}
 * on the executors): a long-lived executor that serves model after model (a notebook, a
 * retraining loop) would otherwise keep every one's weights and idle sessions. A task that
 * still runs an evicted model keeps its own reference; the next task compiles it again.
 */
public final class ExecutorModels {
  static final int DEFAULT_MAX_MODELS = 4;
  private static final Map<String, ConvModel> MODELS = new LinkedHashMap<>(16, 0.75f, true);
  private static final AtomicInteger DESERIALIZATIONS = new AtomicInteger();
  private static final AtomicInteger LAST_TASK_THREADS = new AtomicInteger();

  private ExecutorModels() {}

  /**
   * The cached model; {@code onLoad} runs only in the call that deserialized it. The lock is
   * held while a model compiles, so concurrent tasks of one model compile it once.
   */
  static ConvModel get(String hash, Supplier<byte[][]> chunks, Runnable onLoad) {
    List<String> evicted = new ArrayList<>();
    ConvModel m;
    synchronized (MODELS) {
      m = MODELS.get(hash);
      if (m != null) {
        return m;
      }
      DESERIALIZATIONS.incrementAndGet();
      onLoad.run();
      m = ConvModel.fromCompiled(chunks.get());
      MODELS.put(hash, m);
      int max = maxModels();
      for (Iterator<String> it = MODELS.keySet().iterator(); MODELS.size() > max; ) {
        evicted.add(it.next());
        it.remove();
      }
    }
    for (String h : evicted) {
      TaskBuffers.drop(h);
    }
    return m;
  }

  private static int maxModels() {
    return Math.max(1, Integer.getInteger("convspark.executorModels", DEFAULT_MAX_MODELS));
  }

  /** Whether this JVM holds the model compiled (tests). */
  static boolean cached(String hash) {
    synchronized (MODELS) {
      return MODELS.containsKey(hash);
    }
  }

  /** How many models this JVM has deserialized and compiled (for tests and metrics). */
  public static int deserializations() {
    return DESERIALIZATIONS.get();
  }

  static void recordTaskThreads(int threads) {
    LAST_TASK_THREADS.set(threads);
  }

  /** Worker threads of the last task that started in this JVM (for tests). */
  public static int lastTaskThreads() {
    return LAST_TASK_THREADS.get();
  }

  /** Drops cached models and the sessions kept for their next tasks, e.g. between tests. */
  public static void clear() {
    synchronized (MODELS) {
      MODELS.clear();
    }
    TaskBuffers.clear();
  }
}
