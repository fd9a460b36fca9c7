package io.convspark.plan;

/** Configurable compile-time limits, with safe defaults. */
public record CompileLimits(long maxArenaBytesPerImage) {
  /** 1 GiB of activations per image. */
  public static final CompileLimits DEFAULT = new CompileLimits(1L << 30);

  public CompileLimits {
    if (maxArenaBytesPerImage <= 0) {
      throw new IllegalArgumentException("maxArenaBytesPerImage " + maxArenaBytesPerImage
          + ", must be > 0");
    }
  }
}
