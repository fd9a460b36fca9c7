package io.convspark.spark;

import io.convspark.ConvModel;
import io.convspark.plan.ModelSession;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * What a finished task leaves for the next one in the same executor: a one-thread session
 * (arenas warm, no worker threads) and the two batch buffers. Each is several MB, which G1
 * allocates as humongous objects; made anew per task they started a concurrent GC cycle
 * every few hundred milliseconds of a MobileNetV2 job. At most one idle set per core is kept,
 * over all models and batch sizes together (the longest idle goes first), and a model's sets
 * go when the executor's model cache drops it. Sessions with worker threads are never pooled:
 * no worker thread outlives its task.
 */
final class TaskBuffers implements AutoCloseable {
  /** Idle sets, most recently returned first. */
  private static final ConcurrentLinkedDeque<TaskBuffers> IDLE = new ConcurrentLinkedDeque<>();
  private static final int MAX_IDLE = Runtime.getRuntime().availableProcessors();

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
      for (TaskBuffers t : IDLE) {
        if (t.key.equals(key) && IDLE.remove(t)) { // remove fails if another task took it
          return t;
        }
      }
    }
    return new TaskBuffers(key, model.compiled().newSession(threads, pin), floats);
  }

  /**
   * Returns the set to the pool when reusable (like a pooled connection's close), closing the
   * longest-idle set if that makes one too many; otherwise closes the session.
   */
  @Override
  public void close() {
    if (session.threads() == 1 && !session.isClosed() && ExecutorModels.cached(key.model)) {
      IDLE.addFirst(this);
      while (IDLE.size() > MAX_IDLE) {
        TaskBuffers oldest = IDLE.pollLast();
        if (oldest != null) {
          oldest.session.close();
        }
      }
      if (!ExecutorModels.cached(key.model)) {
        drop(key.model); // evicted meanwhile
      }
      return;
    }
    session.close();
  }

  /** Closes the idle sets of a model the executor no longer caches. */
  static void drop(String hash) {
    for (TaskBuffers t : IDLE) {
      if (t.key.model.equals(hash) && IDLE.remove(t)) {
        t.session.close();
      }
    }
  }

  /** Idle sets kept for this model and batch size (tests). */
  static int idle(String hash, int floats) {
    Key key = new Key(hash, floats);
    int n = 0;
    for (TaskBuffers t : IDLE) {
      n += t.key.equals(key) ? 1 : 0;
    }
    return n;
  }

  /** Closes and drops every idle set (tests; a model no longer used). */
  static void clear() {
    for (TaskBuffers t; (t = IDLE.pollFirst()) != null; ) {
      t.session.close();
    }
  }
}
