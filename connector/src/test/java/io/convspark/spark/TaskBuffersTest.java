package io.convspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.testing.Models;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A finished task's one-thread session and buffers go to the next task; nothing else does. */
class TaskBuffersTest {
  private static final String HASH = "task-buffers-test";
  private final ConvModel plain = ConvModel.load(Models.convBnRelu(9), null);
  private ConvModel model;

  /** Puts the model in the executor cache, as a task's first use does. */
  private static ConvModel cache(String hash, ConvModel m) {
    return ExecutorModels.get(hash, () -> m.toCompiledChunks(1 << 20), () -> { });
  }

  @BeforeEach
  void cacheModel() {
    ExecutorModels.clear(); // other test classes' jobs leave idle sets in this JVM
    model = cache(HASH, plain);
  }

  @AfterEach
  void clear() {
    ExecutorModels.clear();
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

  @Test
  void theExecutorKeepsTheLastModelsAndDropsTheIdleSetsOfOthers() {
    TaskBuffers t = TaskBuffers.borrow(HASH, model, 1, false, 64);
    t.close();
    assertEquals(1, TaskBuffers.idle(HASH, 64));
    int before = ExecutorModels.deserializations();
    for (int i = 0; i < ExecutorModels.DEFAULT_MAX_MODELS; i++) {
      cache("other-" + i, ConvModel.load(Models.convBnRelu(5 + i), null));
    }
    assertEquals(before + ExecutorModels.DEFAULT_MAX_MODELS, ExecutorModels.deserializations());
    assertTrue(!ExecutorModels.cached(HASH), "the least recently used model is dropped");
    assertTrue(ExecutorModels.cached("other-0"));
    assertEquals(0, TaskBuffers.idle(HASH, 64));
    assertTrue(t.session.isClosed(), "its idle session is closed with it");
    TaskBuffers late = TaskBuffers.borrow(HASH, model, 1, false, 64);
    late.close();
    assertTrue(late.session.isClosed(), "a task of an evicted model does not pool its set");
  }

  @Test
  void idleSetsAreBoundedOverAllModels() {
    ConvModel other = cache("other", ConvModel.load(Models.convBnRelu(7), null));
    int cores = Runtime.getRuntime().availableProcessors();
    TaskBuffers[] sets = new TaskBuffers[cores + 1];
    for (int i = 0; i < sets.length; i++) {
      sets[i] = i % 2 == 0 ? TaskBuffers.borrow(HASH, model, 1, false, 64)
          : TaskBuffers.borrow("other", other, 1, false, 32);
    }
    for (TaskBuffers t : sets) {
      t.close();
    }
    assertEquals(cores, TaskBuffers.idle(HASH, 64) + TaskBuffers.idle("other", 32));
    assertTrue(sets[0].session.isClosed(), "the longest-idle set makes room");
    assertTrue(!sets[sets.length - 1].session.isClosed(), "the newest idle set is kept");
  }
}
