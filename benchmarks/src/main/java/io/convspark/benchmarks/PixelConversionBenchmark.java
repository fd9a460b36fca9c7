package io.convspark.benchmarks;

import io.convspark.kernels.PixelConversion;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * One 224x224 image of 8-bit pixels to model floats, the Spark connector's per-image conversion
 * of pre-decoded structs ({@link PixelConversion#bytesToFloats3}): BGR to RGB (the default) or
 * kept as stored, and 4-byte BGRA pixels (the scalar path on every JDK).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PixelConversionBenchmark {
  static final int SIZE = 224;

  /** Pixel stride and the channel picks. */
  public enum Case {
    BGR_TO_RGB(3, 2, 1, 0), BGR_KEPT(3, 0, 1, 2), BGRA_TO_RGB(4, 2, 1, 0);

    final int stride;
    final int[] from;

    Case(int stride, int... from) {
      this.stride = stride;
      this.from = from;
    }
  }

  @Param
  public Case order;

  private byte[] src;
  private float[] out;
  private final float[] mul = {1 / (255 * 0.229f), 1 / (255 * 0.224f), 1 / (255 * 0.225f)};
  private final float[] add = {-0.485f / 0.229f, -0.456f / 0.224f, -0.406f / 0.225f};

  @Setup
  public void setUp() {
    src = new byte[SIZE * SIZE * order.stride];
    new SplittableRandom(7).nextBytes(src);
    out = new float[SIZE * SIZE * 3];
  }

  /** Row by row, as the image preprocessor calls it. */
  @Benchmark
  public float[] image() {
    int row = SIZE * order.stride;
    for (int y = 0; y < SIZE; y++) {
      PixelConversion.bytesToFloats3(src, y * row, SIZE, order.stride, order.from, mul, add, out,
          y * SIZE * 3);
    }
    return out;
  }
}
