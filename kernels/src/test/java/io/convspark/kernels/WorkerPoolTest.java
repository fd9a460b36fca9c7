package io.convspark.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.kernels.internal.pool.ParallelTask;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class WorkerPoolTest {
  @Test
  void everyItemRunsExactlyOnce() {
    try (WorkerPool pool = WorkerPool.create(3)) {
      for (int items : new int[] {1, 2, 3, 7, 1000}) {
        AtomicIntegerArray seen = new AtomicIntegerArray(items);
        for (int rep = 0; rep < 50; rep++) {
          pool.run((c, b, e) -> {
            for (int i = b; i < e; i++) {
              seen.incrementAndGet(i);
            }
          }, items);
        }
        for (int i = 0; i < items; i++) {
          assertEquals(50, seen.get(i), "item " + i + " of " + items);
        }
      }
    }
  }

  @Test
  void workerFailureIsRethrownOnTheCaller() {
    try (WorkerPool pool = WorkerPool.create(2)) {
      ParallelTask failing = (c, b, e) -> {
        if (b > 0) {
          throw new ArithmeticException("boom in worker");
        }
      };
      IllegalStateException ex = assertThrows(IllegalStateException.class,
          () -> pool.run(failing, 10));
      assertTrue(ex.getMessage().contains("boom in worker"), ex.getMessage());
      // The pool still works afterwards.
      AtomicIntegerArray seen = new AtomicIntegerArray(4);
      pool.run((c, b, e) -> seen.incrementAndGet(b), 4);
      assertEquals(1, seen.get(0));
    }
  }

  @Test
  void closedPoolRefusesWorkAndCloseIsIdempotent() {
    WorkerPool pool = WorkerPool.create(2);
    pool.close();
    pool.close();
    IllegalStateException ex = assertThrows(IllegalStateException.class,
        () -> pool.run((c, b, e) -> { }, 3));
    assertTrue(ex.getMessage().contains("closed"), ex.getMessage());
  }

  @Test
  void pinnedPoolPinsItsWorkersOnLinux() throws InterruptedException {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux"),
        "sched_setaffinity is Linux-only");
    try (WorkerPool pool = WorkerPool.create(2, true)) {
      long deadline = System.nanoTime() + 2_000_000_000L;
      while (pool.pinnedWorkers() < 1 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(1, pool.pinnedWorkers(), "the one background worker is pinned");
    }
    try (WorkerPool unpinned = WorkerPool.create(2)) {
      assertEquals(0, unpinned.pinnedWorkers(), "pinning is off unless -D"
          + WorkerPool.PIN_PROPERTY + "=true");
    }
  }

  @Test
  void rejectsNonPositiveThreadCount() {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
        () -> WorkerPool.create(0));
    assertTrue(ex.getMessage().contains("threads 0"), ex.getMessage());
  }
}
