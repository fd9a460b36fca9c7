package io.convspark.plan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The last layers of a model, where weights outweigh activations, run over several images at
 * once while the layers before them run a micro-batch at a time. A pass of one image reads
 * every weight of the tail once per image (ResNet-50's last stage: 58 MB per image, from DRAM);
 * run over a group of images, each weight panel is reused from cache across the group.
 * The tail has its own memory plan: the values it reads from the head (the boundary) are
 * copied in as each head pass finishes, and the model's outputs are read from it.
 */
final class TailSegment {
  /** A tail step's output may be at most this many bytes per image. */
  static final long MAX_VALUE_BYTES = 1L << 20;
  /** A tail worth splitting off reads at least this many weight bytes per pass (one L2). */
  static final long MIN_WEIGHT_BYTES = 1L << 20;
  /** Arena bytes per worker for the tail's group of images. */
  static final long GROUP_BYTES_PER_THREAD = 8L << 20;
  static final String GROUP_BYTES_PROPERTY = "convspark.tailGroupBytesPerThread";
  static final int MAX_GROUP = 16;

  /** Index of the first tail step. */
  final int start;
  /** Values written by the head and read by the tail, copied after each head pass. */
  final int[] boundary;
  final long[] offsetPerImage;
  final long arenaPerImage;
  final long scratchFloats;

  private TailSegment(int start, int[] boundary, MemoryPlan memory, long scratchFloats) {
    this.start = start;
    this.boundary = boundary;
    this.offsetPerImage = memory.offsetPerImage;
    this.arenaPerImage = memory.arenaPerImage;
    this.scratchFloats = scratchFloats;
  }

  /** Images per tail group for one worker, within {@link #GROUP_BYTES_PER_THREAD}. */
  int group() {
    long perImage = 4 * (arenaPerImage + scratchFloats);
    long budget = Long.getLong(GROUP_BYTES_PROPERTY, GROUP_BYTES_PER_THREAD);
    return (int) Math.max(1, Math.min(MAX_GROUP, budget / Math.max(1, perImage)));
  }

  /**
   * The longest run of last steps in which every step's output is small and every step with
   * weights reads more weight bytes than activation bytes per image; null when that run is
   * empty, is the whole model, reads little weight, or does not produce every model output.
   */
  static TailSegment choose(List<Step> steps, long[] size, MemoryPlan.Liveness live,
      int[] outputIds) {
    int start = steps.size();
    long weights = 0;
    while (start > 1) {
      Step s = steps.get(start - 1);
      long out = 4 * size[s.output];
      long in = 4 * size[s.inputs[0]];
      if (out > MAX_VALUE_BYTES || s.weightBytes() > 0 && s.weightBytes() < in + out) {
        break;
      }
      weights += s.weightBytes();
      start--;
    }
    if (start == steps.size() || start <= 1 || weights < MIN_WEIGHT_BYTES) {
      return null;
    }
    for (int out : outputIds) {
      if (live.first()[out] < start) {
        return null;
      }
    }
    int n = size.length;
    long[] sizeT = new long[n];
    int[] storageT = new int[n];
    int[] firstT = new int[n];
    int[] lastT = new int[n];
    List<Integer> boundary = new ArrayList<>();
    for (int v = 0; v < n; v++) {
      storageT[v] = v;
      firstT[v] = -2;
      lastT[v] = -2;
      if (live.last()[v] < start) {
        continue; // head only: takes no tail memory
      }
      sizeT[v] = size[v];
      if (live.first()[v] < start) {
        boundary.add(v); // copied in: owns its storage, live from the tail's start
        firstT[v] = start - 1;
      } else {
        firstT[v] = live.first()[v];
        storageT[v] = live.storage()[v];
      }
      lastT[v] = live.last()[v];
    }
    // A view made in the tail shares its input's tail storage (a boundary value's copy).
    for (Step s : steps.subList(start, steps.size())) {
      if (s.isView()) {
        storageT[s.output] = storageT[s.inputs[0]];
      }
    }
    long scratch = 0;
    for (Step s : steps.subList(start, steps.size())) {
      scratch = Math.max(scratch, s.scratchFloats());
    }
    return new TailSegment(start, boundary.stream().mapToInt(Integer::intValue).toArray(),
        MemoryPlan.plan(sizeT, storageT, firstT, lastT), scratch);
  }

  @Override
  public String toString() {
    return "tail from step " + start + ", boundary " + Arrays.toString(boundary) + ", "
        + 4 * arenaPerImage + " arena bytes per image, groups of " + group();
  }
}
