package io.convspark.plan;

/**
 * Where a profiled {@link ModelSession} spent its time: one fused step's wall time summed over
 * {@code runs} batches (see {@link ModelSession#profile(boolean)}).
 */
public record StepTime(String name, String opType, double gflopsPerImage, long nanos,
    int runs) {
  /** Mean milliseconds per batch. */
  public double millisPerRun() {
    return runs == 0 ? 0 : nanos / 1e6 / runs;
  }
}
