package io.convspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.testing.Models;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A finished task's one-thread session and buffers go to the next task; nothing else does. */
class TaskBuffersTest {
  private static final String HASH = "task-buffers-test";
  private final ConvModel model = ConvModel.load(Models.convBnRelu(9), null);

  @AfterEach
  void clear() {
    TaskBuffers.clear();
  }

  @Test
  void oneThreadSessionsAndBuffersAreReused() {
    TaskBuffers first = TaskBuffers.borrow(HASH, model, 1, false, 64);
    float[] run = first.session.run(new float[model.compiled().inputSize()], 1)[0];
    first.close();
    assertEquals(1, TaskBuffers.idle(HASH, 64));
    TaskBuffers second = TaskBuffers.borrow(HASH, model, 1, false, 64);
    assertSame(first.session, second.session, "the idle session is handed out again");
    assertSame(first.first, second.first);
    assertEquals(0, TaskBuffers.idle(HASH, 64));
    assertEquals(run.length, second.session.run(new float[model.compiled().inputSize()], 1)[0]
        .length);
    TaskBuffers other = TaskBuffers.borrow(HASH, model, 1, false, 128);
    assertNotSame(second.session, other.session, "another batch size gets its own set");
    second.close();
    other.close();
  }

  @Test
  void sessionsWithWorkerThreadsAreClosedNotPooled() {
    TaskBuffers t = TaskBuffers.borrow(HASH, model, 2, false, 64);
    t.close();
    assertTrue(t.session.isClosed(), "worker threads must not outlive their task");
    assertEquals(0, TaskBuffers.idle(HASH, 64));
  }

  @Test
  void idleSetsAreBoundedAndClearClosesThem() {
    int n = Runtime.getRuntime().availableProcessors() + 2;
    TaskBuffers[] sets = new TaskBuffers[n];
    for (int i = 0; i < n; i++) {
      sets[i] = TaskBuffers.borrow(HASH, model, 1, false, 64);
    }
    for (TaskBuffers t : sets) {
      t.close();
    }
    assertEquals(Runtime.getRuntime().availableProcessors(), TaskBuffers.idle(HASH, 64));
    assertTrue(sets[n - 1].session.isClosed() || sets[0].session.isClosed(),
        "sets over the bound are closed");
    TaskBuffers.clear();
    for (TaskBuffers t : sets) {
      assertTrue(t.session.isClosed());
    }
  }
}
