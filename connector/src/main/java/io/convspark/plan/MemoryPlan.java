package io.convspark.plan;

import io.convspark.kernels.ArrayAlignment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Arena offsets per image for every value, reusing memory by liveness (first fit, largest values
 * placed first). A value is live from the step that writes it to the last step that reads it;
 * a view shares its input's storage, and graph inputs and outputs live for the whole run.
 * Offsets scale with the batch: a layout without overlap at batch 1 has none at batch N.
 * Blocks are whole 64-byte vectors, so every value starts on a vector boundary of the arena.
 */
final class MemoryPlan {
  final long[] offsetPerImage;
  final long arenaPerImage;

  /**
   * Per value: the value whose storage it uses (itself unless a view), the step that writes it
   * (-1 for graph inputs) and the last step that reads it (the step count for graph outputs).
   */
  record Liveness(int[] storage, int[] first, int[] last) {}

  private MemoryPlan(long[] offsetPerImage, long arenaPerImage) {
    this.offsetPerImage = offsetPerImage;
    this.arenaPerImage = arenaPerImage;
  }

  /**
   * @param sizePerImage floats per image of each value
   * @param storageOf value -> the value whose storage it uses (itself unless a view)
   * @param first step index of each value's definition (-1 for graph inputs)
   * @param last step index of each value's last use (steps for graph outputs)
   */
  static MemoryPlan plan(long[] sizePerImage, int[] storageOf, int[] first, int[] last) {
    int n = sizePerImage.length;
    long[] size = new long[n];
    for (int v = 0; v < n; v++) {
      size[v] = ArrayAlignment.roundUp(sizePerImage[v]);
    }
    int[] begin = new int[n];
    int[] end = new int[n];
    Arrays.fill(begin, Integer.MAX_VALUE);
    Arrays.fill(end, Integer.MIN_VALUE);
    for (int v = 0; v < n; v++) {
      int s = storageOf[v];
      begin[s] = Math.min(begin[s], first[v]);
      end[s] = Math.max(end[s], last[v]);
    }
    List<Integer> order = new ArrayList<>();
    for (int v = 0; v < n; v++) {
      if (storageOf[v] == v) {
        order.add(v);
      }
    }
    order.sort((a, b) -> Long.compare(size[b], size[a]));
    long[] offset = new long[n];
    List<Integer> placed = new ArrayList<>();
    long total = 0;
    for (int v : order) {
      // Candidate offsets: 0 and the end of every placed block alive at the same time.
      List<long[]> busy = new ArrayList<>();
      for (int p : placed) {
        if (begin[p] <= end[v] && begin[v] <= end[p]) {
          busy.add(new long[] {offset[p], offset[p] + size[p]});
        }
      }
      busy.sort((a, b) -> Long.compare(a[0], b[0]));
      long at = 0;
      for (long[] b : busy) {
        if (at + size[v] <= b[0]) {
          break;
        }
        at = Math.max(at, b[1]);
      }
      offset[v] = at;
      placed.add(v);
      total = Math.max(total, at + size[v]);
    }
    for (int v = 0; v < n; v++) {
      offset[v] = offset[storageOf[v]];
    }
    return new MemoryPlan(offset, total);
  }
}
