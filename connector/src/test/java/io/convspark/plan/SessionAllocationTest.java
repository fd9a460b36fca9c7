package io.convspark.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.testing.Models;
import io.convspark.testing.OnnxModelBuilder;
import io.convspark.testing.OrtRunner;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** A warm session runs a batch without allocating, and any batch size gives the same rows. */
class SessionAllocationTest {
  /**
   * A regression guard, not a zero check: the arena and frames are reused, so a warm batch
   * allocates only what C2 fails to scalar-replace in the conv store section (measured about
   * 0.5 MB per batch of 4 on this model on JDK 17, 0 to 0.8 MB on JDK 25 depending on the
   * compile). The JDK 17 nested-loop boxing trap would allocate tens of MB here.
   */
  @Test
  void warmSessionAllocationStaysBounded() {
    ConvModel model = ConvModel.load(Models.resnetStyle(37), null);
    int size = model.compiled().inputSize();
    int batch = 4;
    float[] in = OnnxModelBuilder.random(3, batch * size);
    float[][] outs = {new float[batch * model.compiled().outputSize(0)]};
    var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    try (ModelSession s = model.newSession(1)) {
      long warmUntil = System.nanoTime() + 3_000_000_000L;
      while (System.nanoTime() < warmUntil) {
        s.run(in, 0, batch, outs);
      }
      long before = bean.getThreadAllocatedBytes(tid);
      for (int i = 0; i < 20; i++) {
        s.run(in, 0, batch, outs);
      }
      long perBatch = (bean.getThreadAllocatedBytes(tid) - before) / 20;
      System.out.println("warm batch of " + batch + " allocated " + perBatch + " bytes on JDK "
          + Runtime.version().feature());
      assertTrue(perBatch < 5_000_000, "a warm batch allocated " + perBatch + " bytes");
    }
  }

  @Test
  void resultsDoNotDependOnBatchSizeOrThreads() {
    ConvModel model = ConvModel.load(Models.mobilenetV2Style(33), null);
    int size = model.compiled().inputSize();
    int out = model.compiled().outputSize(0);
    float[] in = OnnxModelBuilder.random(5, 5 * size);
    float[] all;
    try (ModelSession s = model.newSession(2)) {
      all = s.run(in, 5)[0];
    }
    try (ModelSession s = model.newSession(1)) {
      for (int i = 0; i < 5; i++) {
        float[] one = new float[out];
        s.run(in, i * size, 1, new float[][] {one});
        for (int k = 0; k < out; k++) {
          assertEquals(Float.floatToIntBits(all[i * out + k]), Float.floatToIntBits(one[k]),
              "image " + i + " output " + k + " differs between batch 5/2 threads and batch 1/1");
        }
      }
    }
  }

  /**
   * A batch split into passes (with a short last pass), or by image across threads (2 + 2,
   * the fifth split by layer), gives the bits of one whole pass.
   */
  @Test
  void passesOfAnySizeGiveTheSameBits() {
    for (ConvModel model : new ConvModel[] {ConvModel.load(Models.mobilenetV2Style(33), null),
        ConvModel.load(Models.convBnRelu(9), null)}) {
      int batch = 5;
      float[] in = OnnxModelBuilder.random(7, batch * model.compiled().inputSize());
      try (ModelSession s = model.newSession(2)) {
        assertEquals(model.compiled().microBatch(2), s.microBatch());
        s.microBatch(batch);
        s.splitImages(false);
        float[] whole = s.run(in, batch)[0];
        for (boolean byImage : new boolean[] {false, true}) {
          s.splitImages(byImage);
          for (int pass : new int[] {1, 2, 3}) {
            s.microBatch(pass);
            float[] split = s.run(in, batch)[0];
            for (int k = 0; k < whole.length; k++) {
              assertEquals(Float.floatToIntBits(whole[k]), Float.floatToIntBits(split[k]),
                  "output " + k + " of a batch of 5 differs between one pass of 5 and passes of "
                  + pass + (byImage ? ", images split across threads" : ""));
            }
          }
        }
        assertThrows(IllegalArgumentException.class, () -> s.microBatch(0));
      }
    }
  }

  /**
   * The heavy last layers run over groups of images: same bits as running every layer a pass
   * at a time, on 1 and 2 threads, and close to ONNX Runtime.
   */
  @Test
  void tailGroupsGiveTheBitsOfPasses() {
    byte[] onnx = Models.heavyTail(33);
    ConvModel model = ConvModel.load(onnx, null);
    CompiledModel m = model.compiled();
    assertTrue(m.tail != null && m.tail.start > 0, "the heavy stage must run as a tail group");
    assertTrue(m.tailGroup(5) >= 2, m.tail.toString());
    int batch = 7;
    float[] nchw = OnnxModelBuilder.random(11, batch * m.inputSize());
    float[] ref = OrtRunner.run(onnx, nchw, new long[] {batch, 3, 33, 33}, 0);
    float[] nhwc = Layouts.nchwToNhwc(nchw, batch, 3, 33, 33);
    float[] passes;
    System.setProperty(CompiledModel.NO_TAIL_PROPERTY, "true");
    try (ModelSession s = model.newSession(1)) {
      s.microBatch(1);
      passes = s.run(nhwc, batch)[0];
    } finally {
      System.clearProperty(CompiledModel.NO_TAIL_PROPERTY);
    }
    OrtRunner.assertCloseToReference("heavyTail", ref, passes, 1e-4);
    for (int threads : new int[] {1, 2}) {
      try (ModelSession s = model.newSession(threads)) {
        s.microBatch(1);
        float[] grouped = s.run(nhwc, batch)[0];
        for (int k = 0; k < passes.length; k++) {
          assertEquals(Float.floatToIntBits(passes[k]), Float.floatToIntBits(grouped[k]),
              "output " + k + " differs between passes of 1 and tail groups, " + threads
              + " thread(s)");
        }
      }
    }
  }

  @Test
  void microBatchFollowsTheArenaBudgetPerThread() {
    CompiledModel m = ConvModel.load(Models.mobilenetV2Style(33), null).compiled();
    long perImage = m.arenaBytes(2) - m.arenaBytes(1);
    assertEquals(Math.max(1, (12L << 20) / perImage), m.microBatch(1));
    assertEquals(Math.max(1, (24L << 20) / perImage), m.microBatch(2));
    assertEquals(m.arenaBytes(Math.min(3, m.microBatch(1))), m.sessionArenaBytes(3, 1));
    // 2 workers take 2 images each in their own arenas; the fifth runs split across both.
    assertEquals(2 * m.arenaBytes(Math.min(2, m.microBatch(1))) + m.arenaBytes(1),
        m.sessionArenaBytes(5, 2));
  }

  @Test
  void everyValueStartsOnAVectorBoundaryOfTheArena() {
    CompiledModel m = ConvModel.load(Models.mobilenetV2Style(33), null).compiled();
    for (long off : m.offsetPerImage) {
      assertEquals(0, off % 16, "offset " + off + " floats per image");
    }
    assertEquals(0, m.arenaPerImage % 16);
  }

  @Test
  void closedSessionRefusesToRun() {
    ConvModel model = ConvModel.load(Models.convBnRelu(9), null);
    ModelSession s = model.newSession(1);
    s.close();
    s.close();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> s.run(new float[model.compiled().inputSize()], 1));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }
}
