package io.convspark.spark;

import io.convspark.ConvModel;
import io.convspark.plan.ModelSession;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * What a finished task leaves for the next one in the same executor: a one-thread session
 * (arenas warm, no worker threads) and the two batch buffers. Each is several MB, which G1
 * allocates as humongous objects; made anew per task they started a concurrent GC cycle
 * every few hundred milliseconds of a MobileNetV2 job. At most one idle set per core is kept,
 * over all models and batch sizes together, and a model's sets go when the executor's model
 * cache drops it. Sessions with worker threads are never pooled: no worker thread outlives its
 * task.
 */
final class TaskBuffers implements AutoCloseable {
  private static final Map<Key, ConcurrentLinkedDeque<TaskBuffers>> IDLE =
      new ConcurrentHashMap<>();
  private static final int MAX_IDLE = Runtime.getRuntime().availableProcessors();
  private static final java.util.concurrent.atomic.AtomicInteger IDLE_SETS =
      new java.util.concurrent.atomic.AtomicInteger();

  private record Key(String model, int floats) {}

  private final Key key;
  final ModelSession session;
  final float[] first;
  final float[] second;

  private TaskBuffers(Key key, ModelSession session, int floats) {
    this.key = key;
    this.session = session;
    this.first = new float[floats];
    this.second = new float[floats];
  }

  /**
   * An idle set for this model and batch size, or a new one. {@code threads > 1} or pinning
   * always gets a new session of its own (see the class comment).
   */
  static TaskBuffers borrow(String hash, ConvModel model, int threads, boolean pin, int floats) {
    Key key = new Key(hash, floats);
    if (threads == 1 && !pin) {
      ConcurrentLinkedDeque<TaskBuffers> idle = IDLE.get(key);
      TaskBuffers t = idle == null ? null : idle.pollFirst();
      if (t != null) {
        IDLE_SETS.decrementAndGet();
        return t;
      }
    }
    return new TaskBuffers(key, model.compiled().newSession(threads, pin), floats);
  }

  /**
   * Returns the set to the pool when reusable and there is room (like a pooled connection's
   * close); otherwise closes the session.
   */
  @Override
  public void close() {
    if (session.threads() == 1 && !session.isClosed() && ExecutorModels.cached(key.model)) {
      if (IDLE_SETS.incrementAndGet() <= MAX_IDLE) {
        IDLE.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>()).addFirst(this);
        if (!ExecutorModels.cached(key.model)) {
          drop(key.model); // evicted meanwhile
        }
        return;
      }
      IDLE_SETS.decrementAndGet();
    }
    session.close();
  }

  /** Closes the idle sets of a model the executor no longer caches. */
  static void drop(String hash) {
    for (Map.Entry<Key, ConcurrentLinkedDeque<TaskBuffers>> e : IDLE.entrySet()) {
      if (e.getKey().model.equals(hash)) {
        for (TaskBuffers t; (t = e.getValue().pollFirst()) != null; ) {
          IDLE_SETS.decrementAndGet();
          t.session.close();
        }
      }
    }
  }

  /** Idle sets kept for this model and batch size (tests). */
  static int idle(String hash, int floats) {
    ConcurrentLinkedDeque<TaskBuffers> q = IDLE.get(new Key(hash, floats));
    return q == null ? 0 : q.size();
  }

  /** Closes and drops every idle set (tests; a model no longer used). */
  static void clear() {
    for (ConcurrentLinkedDeque<TaskBuffers> q : IDLE.values()) {
      for (TaskBuffers t; (t = q.pollFirst()) != null; ) {
        IDLE_SETS.decrementAndGet();
        t.session.close();
      }
    }
    IDLE.clear();
  }
}
