package io.convspark.plan;

/**
 * Configurable compile-time limits, with safe defaults.
 *
 * @param maxArenaBytesPerImage activation memory the planned arena may use per image
 * @param maxFoldedElements element count of any one constant that folding creates
 *     (ConstantOfShape, Expand, Tile, Range, broadcasting arithmetic...): a few bytes of model
 *     must not become gigabytes of constant
 */
public record CompileLimits(long maxArenaBytesPerImage, long maxFoldedElements) {
  /** 2^24 elements (64 MiB of floats) per folded constant. */
  public static final long DEFAULT_MAX_FOLDED_ELEMENTS = 1L << 24;

  /** 1 GiB of activations per image, 2^24 elements per folded constant. */
  public static final CompileLimits DEFAULT = new CompileLimits(1L << 30);

  public CompileLimits {
    if (maxArenaBytesPerImage <= 0) {
      throw new IllegalArgumentException("maxArenaBytesPerImage " + maxArenaBytesPerImage
          + ", must be > 0");
    }
    if (maxFoldedElements < 0 || maxFoldedElements > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("maxFoldedElements " + maxFoldedElements
          + ", must be in [0, 2^31 - 9] (the largest Java array)");
    }
  }

  /** The default folding limit with the given arena limit. */
  public CompileLimits(long maxArenaBytesPerImage) {
    this(maxArenaBytesPerImage, DEFAULT_MAX_FOLDED_ELEMENTS);
  }

  public CompileLimits withMaxArenaBytesPerImage(long v) {
    return new CompileLimits(v, maxFoldedElements);
  }

  public CompileLimits withMaxFoldedElements(long v) {
    return new CompileLimits(maxArenaBytesPerImage, v);
  }
}
