package io.convspark.spark;

import io.convspark.ConvModel;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The executor-wide model cache: each JVM compiles a broadcast model once (keyed by the hash of
 * its bytes) and shares the immutable result across its tasks.
 */
public final class ExecutorModels {
  private static final ConcurrentHashMap<String, ConvModel> MODELS = new ConcurrentHashMap<>();
  private static final AtomicInteger DESERIALIZATIONS = new AtomicInteger();
  private static final AtomicInteger LAST_TASK_THREADS = new AtomicInteger();

  private ExecutorModels() {}

  /** The cached model; {@code onLoad} runs only in the call that deserialized it. */
  static ConvModel get(String hash, Supplier<byte[][]> chunks, Runnable onLoad) {
    return MODELS.computeIfAbsent(hash, h -> {
      DESERIALIZATIONS.incrementAndGet();
      onLoad.run();
      return ConvModel.fromCompiled(chunks.get());
    });
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
    MODELS.clear();
    TaskBuffers.clear();
  }
}
