package io.convspark.kernels;

/**
 * The two pools every conformance suite compares: 2 workers and the calling thread alone.
 * Shared by the whole test JVM; their daemon workers end with it.
 */
public final class TestPools {
  public static final WorkerPool PARALLEL = WorkerPool.create(2);
  public static final WorkerPool SINGLE = WorkerPool.singleThreaded();

  private TestPools() {}
}
