package io.convspark.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * Fault injection for integration tests, off unless these Spark confs are set:
 * {@code spark.convspark.test.failFirstAttempt=P} fails partition P's first attempt, and
 * {@code spark.convspark.test.slowPartition=P} delays partition P by 5 s on its first attempt
 * (so that speculation launches a copy). {@code spark.convspark.test.haltPartition=P} halts
 * the executor JVM running partition P on every attempt (never the driver's JVM).
 */
final class FaultHooks {
  static final String FAIL = "spark.convspark.test.failFirstAttempt";
  static final String SLOW = "spark.convspark.test.slowPartition";
  static final String HALT = "spark.convspark.test.haltPartition";

  private FaultHooks() {}

  static void apply(TaskContext task) {
    SparkEnv env = SparkEnv.get();
    if (task == null || env == null) {
      return;
    }
    int partition = task.partitionId();
    if (Integer.toString(partition).equals(env.conf().get(HALT, ""))
        && !"driver".equals(env.executorId())) {
      Runtime.getRuntime().halt(137); // a JVM crash: no shutdown hooks, no task failure report
    }
    if (task.attemptNumber() != 0) {
      return;
    }
    if (Integer.toString(partition).equals(env.conf().get(FAIL, ""))) {
      throw new IllegalStateException("injected failure of partition " + partition
          + " (attempt 0, " + FAIL + ")");
    }
    if (Integer.toString(partition).equals(env.conf().get(SLOW, ""))) {
      try {
        Thread.sleep(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // a killed speculative loser: just stop
      }
    }
  }
}
