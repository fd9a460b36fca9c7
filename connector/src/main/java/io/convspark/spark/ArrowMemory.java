package io.convspark.spark;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Arrow memory follows the task: one root allocator per executor JVM, one named child per task,
 * closed when the task completes (closing a child that still holds buffers throws, so a leak
 * fails the task and the tests).
 */
public final class ArrowMemory {
  private static RootAllocator root;

  private ArrowMemory() {}

  static synchronized BufferAllocator root() {
    if (root == null) {
      root = new RootAllocator(Long.MAX_VALUE);
    }
    return root;
  }

  static BufferAllocator forTask(String name) {
    return root().newChildAllocator(name, 0, Long.MAX_VALUE);
  }

  /** Bytes still allocated by ConvSpark's Arrow buffers in this JVM (0 between jobs). */
  public static synchronized long allocatedBytes() {
    return root == null ? 0 : root.getAllocatedMemory();
  }
}
