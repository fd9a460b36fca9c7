package io.convspark.plan;

import io.convspark.graph.Node;
import io.convspark.kernels.ArrayAlignment;
import io.convspark.kernels.Conv2dPlan;
import io.convspark.kernels.Conv2dShape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A conv whose large output feeds only one other conv, run band by band: for each band of the
 * consumer's output rows, the producer computes just the rows that band reads, into a buffer
 * the size of a few rows, and the consumer reads them back while they are in L2. The whole
 * intermediate image is never written (RegNetX-400MF at 360x640: a 7.4 MB 1x1-conv output
 * read by a stride-2 grouped 3x3). Rows shared by consecutive bands move to the buffer's
 * front instead of being computed again. Each band runs ordinary conv plans made for its
 * rows (top and bottom padding only where the image has it), so any conv shape works.
 */
final class BandedConvPair extends Step {
  /** System property: band buffer budget in KiB (the producer rows one band reads). */
  static final String BAND_KIB_PROPERTY = "convspark.bandKiB";
  /** System property: smallest intermediate, in KiB per image, worth banding; -1 turns it off. */
  static final String MIN_KIB_PROPERTY = "convspark.bandMinKiB";
  static final int BAND_KIB = 384;
  static final int MIN_KIB = 1024;

  private final Steps.Conv producer;
  private final Steps.Conv consumer;
  /** Per band: consumer output rows [r0, r1), its plan, and the producer rows [lo, hi) read. */
  private final int[] r0;
  private final int[] lo;
  private final int[] hi;
  private final Conv2dPlan[] consumerPlans;
  /** Per band: the producer plan for rows not yet held (null if none) and its first input row. */
  private final Conv2dPlan[] producerPlans;
  private final int[] producerInRow;
  private final int bandRows;
  private final int rowFloats;
  private final long bufferFloats;
  private final long scratch;

  private BandedConvPair(Steps.Conv producer, Steps.Conv consumer, int bandRows,
      StepPlanner planner, Node pn, Node cn) {
    super(producer.name + "+" + consumer.name, "Conv", consumer.residual >= 0
        ? new int[] {producer.inputs[0], consumer.residual} : new int[] {producer.inputs[0]},
        consumer.output);
    this.producer = producer;
    this.consumer = consumer;
    this.bandRows = bandRows;
    Conv2dShape p = producer.plan.shape();
    Conv2dShape c = consumer.plan.shape();
    int outH = c.outH();
    int bands = (outH + bandRows - 1) / bandRows;
    r0 = new int[bands + 1];
    lo = new int[bands];
    hi = new int[bands];
    consumerPlans = new Conv2dPlan[bands];
    producerPlans = new Conv2dPlan[bands];
    producerInRow = new int[bands];
    rowFloats = c.inW() * c.inC();
    // One map per conv: the two can have equal band shapes but never share weights.
    Map<Conv2dShape, Conv2dPlan> cPlans = new HashMap<>();
    Map<Conv2dShape, Conv2dPlan> pPlans = new HashMap<>();
    int held = 0;
    long maxRows = 0;
    long subScratch = 0;
    for (int k = 0; k < bands; k++) {
      r0[k] = k * bandRows;
      r0[k + 1] = Math.min(outH, r0[k] + bandRows);
      Window w = Window.of(c, r0[k], r0[k + 1]);
      lo[k] = w.lo;
      hi[k] = w.hi;
      consumerPlans[k] = cPlans.computeIfAbsent(w.shape, s -> planner.convPlan(cn, s));
      int from = Math.max(w.lo, held);
      if (from < w.hi) {
        Window pw = Window.of(p, from, w.hi);
        producerInRow[k] = pw.lo;
        producerPlans[k] = pPlans.computeIfAbsent(pw.shape, s -> planner.convPlan(pn, s));
        subScratch = Math.max(subScratch, producerPlans[k].scratchFloats());
      }
      held = Math.max(held, w.hi);
      maxRows = Math.max(maxRows, w.hi - w.lo);
      subScratch = Math.max(subScratch, consumerPlans[k].scratchFloats());
    }
    bufferFloats = ArrayAlignment.roundUp(maxRows * rowFloats);
    scratch = bufferFloats + subScratch;
  }

  /** Input rows [lo, hi) that output rows [r0, r1) read, and the conv of just those rows. */
  record Window(int lo, int hi, Conv2dShape shape) {
    static Window of(Conv2dShape s, int r0, int r1) {
      int reach = s.dilationH() * (s.kernelH() - 1) + 1;
      int top = r0 * s.strideH() - s.padTop();
      int lo = Math.max(0, top);
      int hi = Math.min(s.inH(), (r1 - 1) * s.strideH() - s.padTop() + reach);
      int padTop = lo - top;
      int padBottom = (r1 - r0 - 1) * s.strideH() + reach - padTop - (hi - lo);
      return new Window(lo, hi, new Conv2dShape(hi - lo, s.inW(), s.inC(), s.outC(),
          s.kernelH(), s.kernelW(), s.strideH(), s.strideW(), padTop, s.padLeft(), padBottom,
          s.padRight(), s.dilationH(), s.dilationW(), s.groups()));
    }
  }

  /**
   * The pair as one step, or null when the shapes do not band cleanly (a band that reads no
   * producer row, fewer than two bands).
   */
  static BandedConvPair tryCreate(Steps.Conv producer, Node pn, Steps.Conv consumer, Node cn,
      StepPlanner planner) {
    Conv2dShape p = producer.plan.shape();
    Conv2dShape c = consumer.plan.shape();
    long kib = Long.getLong(BAND_KIB_PROPERTY, BAND_KIB);
    int reach = c.dilationH() * (c.kernelH() - 1) + 1;
    long rowBytes = 4L * c.inW() * c.inC();
    long rows = kib * 1024 / rowBytes;
    int bandRows = (int) Math.max(1, (rows - reach) / c.strideH() + 1);
    if (bandRows > 1) {
      bandRows &= ~1; // row-pair kernels: no single-row item per band
    }
    if (bandRows >= c.outH() || c.padTop() >= reach || p.outH() != c.inH()) {
      return null;
    }
    for (int r = 0; r < c.outH(); r += bandRows) {
      Window w = Window.of(c, r, Math.min(c.outH(), r + bandRows));
      if (w.hi <= w.lo || w.shape.outH() != Math.min(c.outH(), r + bandRows) - r) {
        return null;
      }
    }
    return new BandedConvPair(producer, consumer, bandRows, planner, pn, cn);
  }

  /**
   * Replaces each conv whose input is a large value that only it reads, written by another conv
   * without a residual, with the pair run band by band (at the consumer's place). The value
   * then takes no arena memory: its size becomes 0. {@code nodes} parallels {@code steps}.
   */
  static void fuseAll(List<Node> nodes, List<Step> steps, long[] size, int[] outputIds,
      StepPlanner planner) {
    long minKib = Long.getLong(MIN_KIB_PROPERTY, MIN_KIB);
    if (minKib < 0) {
      return;
    }
    int[] readers = new int[size.length];
    for (Step s : steps) {
      for (int in : s.inputs) {
        readers[in]++;
      }
    }
    for (int o : outputIds) {
      readers[o]++;
    }
    for (int i = 0; i < steps.size(); i++) {
      if (!(steps.get(i) instanceof Steps.Conv c)) {
        continue;
      }
      int v = c.inputs[0];
      if (readers[v] != 1 || 4 * size[v] < minKib * 1024) {
        continue;
      }
      int j = i - 1;
      while (j >= 0 && steps.get(j).output != v) {
        j--;
      }
      if (j < 0 || !(steps.get(j) instanceof Steps.Conv p) || p.residual >= 0) {
        continue;
      }
      BandedConvPair pair = tryCreate(p, nodes.get(j), c, nodes.get(i), planner);
      if (pair != null) {
        steps.set(i, pair);
        steps.remove(j);
        nodes.remove(j);
        size[v] = 0;
        i--;
      }
    }
  }

  @Override
  void run(Frame f) {
    float[] a = f.arena;
    int buf = f.scratchOff;
    int sub = (int) (buf + bufferFloats);
    Conv2dShape p = producer.plan.shape();
    Conv2dShape c = consumer.plan.shape();
    int pInRowFloats = p.inW() * p.inC();
    int outRowFloats = c.outW() * c.outC();
    boolean residual = consumer.residual >= 0;
    for (int n = 0; n < f.batch; n++) {
      int in = off(f, inputs[0]) + (int) (n * p.inputCount());
      int out = off(f, output) + (int) (n * c.outputCount());
      int res = residual ? off(f, consumer.residual) + (int) (n * c.outputCount()) : 0;
      int heldLo = 0;
      int heldHi = 0;
      for (int k = 0; k < lo.length; k++) {
        int keep = Math.max(0, heldHi - lo[k]);
        if (keep > 0 && lo[k] != heldLo) {
          System.arraycopy(a, buf + (lo[k] - heldLo) * rowFloats, a, buf, keep * rowFloats);
        }
        if (producerPlans[k] != null) {
          producerPlans[k].execute(f.pool, a, in + producerInRow[k] * pInRowFloats, a,
              buf + keep * rowFloats, null, 0, 1, a, sub);
        }
        int o = r0[k] * outRowFloats;
        consumerPlans[k].execute(f.pool, a, buf, a, out + o, residual ? a : null, res + o, 1, a,
            sub);
        heldLo = lo[k];
        heldHi = hi[k];
      }
    }
  }

  @Override
  double flops() {
    return producer.flops() + consumer.flops();
  }

  @Override
  long weightBytes() {
    return producer.weightBytes() + consumer.weightBytes();
  }

  @Override
  long scratchFloats() {
    return scratch;
  }

  @Override
  String detail() {
    return "banded, " + bandRows + " rows: " + producer.detail() + " -> " + consumer.detail();
  }
}
