package io.convspark.kernels;

import io.convspark.kernels.internal.pool.CoreAllocator;
import io.convspark.kernels.internal.pool.KernelCall;
import io.convspark.kernels.internal.pool.ParallelTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed pool of {@code threads} workers that split a kernel's work items statically.
 *
 * <p>The calling thread is worker 0 (as in ONNX Runtime's intra-op pool), so a Spark task's
 * thread does its share instead of sleeping; the pool starts {@code threads - 1} daemon threads,
 * each pinned to its own leased core when the OS allows it. Idle workers spin briefly, then park.
 * A dispatch allocates nothing. One thread at a time may call {@link #run}.
 *
 * <pre>{@code
 * try (WorkerPool pool = WorkerPool.create(2)) {
 *   plan.execute(pool, input, 0, output, 0, batch, scratch);
 * }
 * }</pre>
 */
public final class WorkerPool implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(WorkerPool.class.getName());
  private static final AtomicBoolean PIN_WARNED = new AtomicBoolean();
  private static final long SPIN_NANOS = 200_000L;

  private final int threads;
  private final Thread[] workers;
  private final int[] cores;
  private final KernelCall call;
  private final AtomicInteger pending = new AtomicInteger();
  private final AtomicBoolean busy = new AtomicBoolean();
  private final AtomicInteger pinned = new AtomicInteger();
  private volatile long generation;
  private volatile ParallelTask task;
  private volatile int items;
  private volatile Throwable failure;
  private volatile boolean closed;

  private WorkerPool(int threads, boolean pin) {
    if (threads < 1) {
      throw new IllegalArgumentException("cannot create WorkerPool: threads " + threads
          + ", must be >= 1");
    }
    this.threads = threads;
    this.call = new KernelCall(threads);
    this.cores = pin ? CoreAllocator.get().lease(threads - 1) : new int[0];
    this.workers = new Thread[threads - 1];
    for (int i = 1; i < threads; i++) {
      final int index = i;
      final int cpu = i - 1 < cores.length ? cores[i - 1] : -1;
      Thread t = new Thread(() -> workerLoop(index, cpu), "convspark-worker-" + i);
      t.setDaemon(true);
      workers[i - 1] = t;
      t.start();
    }
  }

  /**
   * A pool of {@code threads} workers (the caller included). Workers are pinned to leased cores
   * only when {@code -Dconvspark.pool.pin=true}: on VMs pinning binds virtual CPUs, gave no
   * gain, and let the unpinned caller share its worker's vCPU.
   */
  public static WorkerPool create(int threads) {
    return new WorkerPool(threads, Boolean.getBoolean(PIN_PROPERTY));
  }

  /** System property that turns core pinning on (bare metal). */
  public static final String PIN_PROPERTY = "convspark.pool.pin";

  public static WorkerPool create(int threads, boolean pin) {
    return new WorkerPool(threads, pin);
  }

  /** A pool that runs everything on the calling thread. */
  public static WorkerPool singleThreaded() {
    return new WorkerPool(1, false);
  }

  public int threads() {
    return threads;
  }

  /** How many of the background workers are pinned to a core. */
  public int pinnedWorkers() {
    return pinned.get();
  }

  /** The reusable call frame; fill it, then {@link #run}. Only the calling thread may use it. */
  public KernelCall call() {
    checkOpen();
    return call;
  }

  /**
   * Runs {@code task} over items [0, items), split into {@code threads} contiguous ranges, and
   * returns when all are done. A worker's exception is rethrown here.
   */
  public void run(ParallelTask task, int items) {
    checkOpen();
    if (items <= 0) {
      return;
    }
    if (threads == 1 || items == 1) {
      task.run(call, 0, items);
      return;
    }
    if (!busy.compareAndSet(false, true)) {
      throw new IllegalStateException("WorkerPool.run called concurrently; a pool serves one"
          + " calling thread at a time");
    }
    try {
      this.task = task;
      this.items = items;
      this.failure = null;
      pending.set(threads - 1);
      generation++; // publishes task, items and the call frame
      for (Thread w : workers) {
        LockSupport.unpark(w);
      }
      Throwable mine = null;
      try {
        runShare(0);
      } catch (Throwable t) {
        mine = t;
      }
      int spins = 0;
      while (pending.get() != 0) {
        if (++spins < 1 << 16) {
          Thread.onSpinWait();
        } else {
          Thread.yield();
        }
      }
      Throwable theirs = failure;
      this.task = null;
      if (mine != null) {
        throw rethrow(mine);
      }
      if (theirs != null) {
        throw new IllegalStateException("a ConvSpark worker thread failed: " + theirs, theirs);
      }
    } finally {
      busy.set(false);
    }
  }

  private void runShare(int index) {
    int n = items;
    int begin = (int) ((long) n * index / threads);
    int end = (int) ((long) n * (index + 1) / threads);
    if (begin < end) {
      task.run(call, begin, end);
    }
  }

  private void workerLoop(int index, int cpu) {
    if (cpu >= 0) {
      String why = CoreAllocator.pin(cpu);
      if (why == null) {
        pinned.incrementAndGet();
      } else if (PIN_WARNED.compareAndSet(false, true)) {
        LOG.log(System.Logger.Level.INFO, "ConvSpark worker threads are not pinned to cores: "
            + why + "; they run unpinned");
      }
    }
    long seen = 0;
    while (true) {
      long g;
      long spinStart = System.nanoTime();
      int spins = 0;
      while ((g = generation) == seen) {
        if (closed) {
          return;
        }
        if ((++spins & 255) != 0 || System.nanoTime() - spinStart < SPIN_NANOS) {
          Thread.onSpinWait();
        } else {
          LockSupport.park(this);
          spinStart = System.nanoTime();
        }
      }
      seen = g;
      try {
        runShare(index);
      } catch (Throwable t) {
        failure = t;
      } finally {
        pending.decrementAndGet();
      }
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("WorkerPool(" + threads + " threads) is closed");
    }
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }

  /** Stops the workers and releases their cores; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Thread w : workers) {
      LockSupport.unpark(w);
    }
    for (Thread w : workers) {
      try {
        w.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    CoreAllocator.get().release(cores);
    call.clear();
  }
}
