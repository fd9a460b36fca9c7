package io.convspark.kernels;

import io.convspark.kernels.internal.ConvKernels;
import io.convspark.kernels.internal.KernelProvider;
import io.convspark.kernels.internal.KernelSupport;
import io.convspark.kernels.internal.pack.ConvBlocks;
import io.convspark.kernels.internal.pack.WeightPacker;
import io.convspark.kernels.internal.pool.KernelCall;
import io.convspark.kernels.internal.pool.ParallelTask;
import java.util.Objects;

/**
 * A planned 2-D convolution: algorithm chosen, weights packed and epilogue fused, once. Immutable
 * and thread-safe; {@link #execute} allocates nothing.
 *
 * <ul>
 *   <li>{@code gemm}: 1x1, stride 1, no padding; the whole batch is one [pixels x C] matrix.
 *   <li>{@code depthwise}: groups == channels with multiplier 1; channels in vector lanes,
 *       borders clipped in the kernel (no padding copy).
 *   <li>{@code winograd}: 3x3, stride 1, one group (ResNet's 3x3 convs): F(2x2, 3x3), 16
 *       multiplies per 2x2 output tile and channel pair instead of 36 (see {@link WinogradConv}).
 *   <li>{@code sliding}: kernel width 3, stride 1 or 2, at most one vector of output channels
 *       per group (RegNet's grouped convs), output rows at least one tile wide: each input
 *       broadcast feeds three taps (1.5 at stride 2).
 *   <li>{@code direct}: everything else (any kernel, stride, dilation, groups, the 3-channel
 *       stem); input copied into a zero-bordered scratch image when padded.
 * </ul>
 *
 * <pre>{@code
 * Conv2dPlan conv = Conv2dPlan.create(shape, oihw, bias, Epilogue.of(Activation.RELU));
 * float[] scratch = new float[(int) conv.scratchFloats() * batch];
 * try (WorkerPool pool = WorkerPool.create(2)) {
 *   conv.execute(pool, in, 0, out, 0, null, 0, batch, scratch, 0);
 * }
 * }</pre>
 */
public final class Conv2dPlan {
  /** The algorithms a plan may choose, in the order the planner tries them. */
  public enum Algorithm { GEMM, DEPTHWISE, WINOGRAD, SLIDING, DIRECT }

  private final Conv2dShape shape;
  private final Epilogue epilogue;
  private final KernelSupport ks;
  private final ConvKernels kernels;
  private final int lanes;
  private final Algorithm algorithm;
  private final float[] packed; // this plan's weights start at packedOff
  private final int packedOff;
  private final int packedLength;
  private final ConvBlocks blocks; // GEMM, WINOGRAD (its 1x1 GEMM) and DIRECT
  private final WinogradConv winograd; // WINOGRAD, else null
  private final int[] kOff; // GEMM and DIRECT: input offset of reduction step k
  /** DIRECT, 4-vector blocks: kOff cut into slices whose weight panels fit in L2, or null. */
  private final int[][] kSlices;
  private final int[] tapOff; // DEPTHWISE
  /** Depthwise: the geometry its kernels read, the conv itself or its zero-bordered copy. */
  private final Conv2dShape dw;
  private final int paddedH;
  private final int paddedW;
  private final boolean copiesInput;
  /**
   * Sliding tile width: 7 where 7-wide tiles cover a row in fewer pixel slots than 8-wide
   * ones with a shifted last tile (RegNetX's 14, 20 and 28 wide rows: 16 -> 14, 24 -> 21 and
   * 32 -> 28 slots), else the provider's width.
   */
  private final int slideWidth;
  /**
   * Sliding: floats of one group plane. The input is split, padded, into one plane per group
   * with pixels L floats apart ({@code [n][group][paddedH][paddedW][L]}), so the tiles'
   * broadcast offsets are constants and C2 merges their range checks (with the channel count
   * as stride it checked each one, and its code was fast in some JVMs only): one thread, five
   * JVMs each, 12x20x400 g25 65-76 -> 81-82 % of peak, stride-2 24x40x400 g25 42-56 -> 64-68 %.
   */
  private final long planeFloats;
  private final int outH;
  private final int outW;
  private final float clampLo;
  private final float clampHi;
  private final boolean epiloguePass;
  /** Whether the residual may be added in the tile's store, clamped to [residualLo, hi]. */
  private final boolean storeResidual;
  private final float residualLo;
  private final float residualHi;
  private final ParallelTask computeTask = this::computeItems;
  private final ParallelTask padTask = this::padRows;
  private final ParallelTask splitTask = this::splitRows;
  /** Depthwise: output columns whose whole kernel window lies inside the input. */
  private final int owLo;
  private final int owHi;
  private final boolean twoRowDepthwise;
  /**
   * Depthwise: channel blocks per work item. When every block is a full vector, an item takes
   * all of them and the two-row kernel walks a pixel group's blocks before the next group, so
   * the rows stream through memory in address order: 112x112x32 on 2 threads 43-46 -> 37-41 us
   * (2-thread scaling 1.65-1.73 -> 1.86-1.97). Block by block, each block swept the rows alone
   * and read every other 64-byte line.
   */
  private final int itemBlocks;
  /** Direct and sliding: items run block-major across the batch (weights > one input). */
  private final boolean weightsOuter;
  /**
   * Padded convs whose packed weights fit in L1 run items row-major, (image, chunk, block): a
   * worker then convolves the rows it padded instead of reading half its input from the other
   * core's cache (grouped 28x28 g4 on 2 threads: 1.73-1.83x -> 1.81-1.91x of 1 thread; the dense
   * 56x56x64 3x3, 147 KB of weights, lost 1.5 % this way and stays block-major).
   */
  private final boolean rowsOuter;
  /**
   * Direct convs over 3-channel input at stride 2 (stems) tile each output row on its own, so
   * no tile wraps and the SIMD provider's stem kernels (pixel stride a constant) take them all.
   */
  private final boolean rowTiles;
  private static final int ROWS_OUTER_MAX_WEIGHTS = 16 << 10;
  /** A multiple of every tile height (4, 6, 8, 12), so chunk starts are tile starts. */
  private static final int GEMM_CHUNK_PIXELS = Integer.getInteger("convspark.gemmChunk", 48);
  private static final double PARALLEL_MIN_FLOPS = 5e5;
  /** SIMD sliding tiles are 8 wide, or 7 for a whole 7-wide row; narrower rows go direct. */
  private static final int SLIDING_MIN_WIDTH = 7;

  private Conv2dPlan(Conv2dShape s, float[] oihw, float[] bias, Epilogue e, KernelSupport ks,
      WeightStore store) {
    this.shape = s;
    this.epilogue = e;
    this.ks = ks;
    this.kernels = ks.conv();
    this.lanes = ks.lanes();
    this.outH = s.outH();
    this.outW = s.outW();
    Activation.Kind act = e.activation().kind();
    boolean clampOnly = !e.hasResidual()
        && (act == Activation.Kind.NONE || act == Activation.Kind.RELU
            || act == Activation.Kind.CLIP);
    this.epiloguePass = !clampOnly;
    // Add-then-clamp residuals can go into the tile's store (kernels permitting).
    boolean clampAct = act == Activation.Kind.NONE || act == Activation.Kind.RELU
        || act == Activation.Kind.CLIP;
    this.storeResidual = e.hasResidual() && clampAct
        && (e.residual() == Epilogue.Residual.BEFORE_ACTIVATION || act == Activation.Kind.NONE);
    this.residualLo = act == Activation.Kind.NONE ? Float.NEGATIVE_INFINITY
        : act == Activation.Kind.RELU ? 0f : e.activation().alpha();
    this.residualHi = act == Activation.Kind.CLIP ? e.activation().beta()
        : Float.POSITIVE_INFINITY;
    this.clampLo = !clampOnly || act == Activation.Kind.NONE ? Float.NEGATIVE_INFINITY
        : act == Activation.Kind.RELU ? 0f : e.activation().alpha();
    this.clampHi = !clampOnly || act != Activation.Kind.CLIP ? Float.POSITIVE_INFINITY
        : e.activation().beta();
    int icg = s.inChannelsPerGroup();
    if (s.isDepthwise() && s.outC() == s.inC()) {
      algorithm = Algorithm.DEPTHWISE;
    } else if (s.kernelH() == 1 && s.kernelW() == 1 && s.strideH() == 1 && s.strideW() == 1
        && !s.hasPadding()) {
      algorithm = Algorithm.GEMM;
    } else if (WinogradConv.supports(s)) {
      algorithm = Algorithm.WINOGRAD;
    } else if (s.kernelW() == 3 && s.strideW() <= 2 && s.dilationW() == 1
        && s.outChannelsPerGroup() <= lanes && s.inChannelsPerGroup() <= lanes
        && s.outW() >= SLIDING_MIN_WIDTH) {
      // Rows narrower than a sliding tile would run one pixel per tile; direct tiles cross
      // rows instead (RegNetX's 7x7 g25 layers). Fixed, not per provider: the scalar and SIMD
      // providers must pick the same algorithm to give the same bits.
      algorithm = Algorithm.SLIDING;
    } else {
      algorithm = Algorithm.DIRECT;
    }
    float[] pack;
    if (algorithm == Algorithm.DEPTHWISE) {
      pack = WeightPacker.packDepthwiseFromOihw(s, oihw, bias, lanes);
      blocks = null;
      kOff = null;
      copiesInput = padsDepthwise(s);
      paddedH = s.inH() + (copiesInput ? s.padTop() + s.padBottom() : 0);
      paddedW = s.inW() + (copiesInput ? s.padLeft() + s.padRight() : 0);
      dw = !copiesInput ? s : new Conv2dShape(paddedH, paddedW, s.inC(), s.outC(), 3, 3, 1, 1,
          0, 0, 0, 0, 1, 1, s.groups());
      tapOff = new int[s.kernelH() * s.kernelW()];
      for (int kh = 0; kh < s.kernelH(); kh++) {
        for (int kw = 0; kw < s.kernelW(); kw++) {
          tapOff[kh * s.kernelW() + kw] =
              (kh * s.dilationH() * dw.inW() + kw * s.dilationW()) * s.inC();
        }
      }
    } else if (algorithm == Algorithm.WINOGRAD) {
      dw = null;
      blocks = WinogradConv.blocks(s, lanes);
      pack = WinogradConv.pack(s, oihw, bias, blocks, lanes);
      tapOff = null;
      copiesInput = false;
      paddedH = s.inH();
      paddedW = s.inW();
      kOff = null;
    } else {
      dw = null;
      boolean sliding = algorithm == Algorithm.SLIDING;
      blocks = ConvBlocks.plan(s, lanes, sliding ? 1 : 4);
      pack = sliding ? WeightPacker.packSlidingFromOihw(s, oihw, bias, blocks, lanes)
          : WeightPacker.packConvFromOihw(s, oihw, bias, blocks, lanes);
      tapOff = null;
      copiesInput = s.hasPadding() || sliding;
      paddedH = s.inH() + s.padTop() + s.padBottom();
      paddedW = s.inW() + s.padLeft() + s.padRight();
      kOff = sliding ? slidingOffsets(s, paddedW, lanes) : directOffsets(s, paddedW);
    }
    planeFloats = algorithm == Algorithm.SLIDING ? (long) paddedH * paddedW * lanes : 0L;
    int widest = kernels.slideRows();
    slideWidth = widest == 8 && slots(outW, 7) < slots(outW, 8) ? 7 : widest;
    kSlices = algorithm == Algorithm.DIRECT && s.kernelH() * s.kernelW() > 1
        ? slices(kOff, 4L * lanes * Float.BYTES) : null;
    Conv2dShape g = dw != null ? dw : s;
    owLo = ceilDiv(g.padLeft(), g.strideW());
    owHi = Math.min(outW, Math.max(owLo, floorDiv(g.inW() - 1 + g.padLeft()
        - g.dilationW() * (g.kernelW() - 1), g.strideW()) + 1));
    WeightStore.Slice slice = store == null ? new WeightStore.Slice(pack, 0) : store.place(pack);
    packed = slice.array();
    packedOff = slice.offset();
    packedLength = pack.length;
    winograd = algorithm != Algorithm.WINOGRAD ? null : new WinogradConv(s, e, kernels, lanes,
        blocks, packed, packedOff, storeResidual ? residualLo : clampLo,
        storeResidual ? residualHi : clampHi, storeResidual, epiloguePass);
    weightsOuter = packedLength > (long) paddedH * paddedW * s.inC();
    rowsOuter = copiesInput && !weightsOuter && packedLength <= ROWS_OUTER_MAX_WEIGHTS;
    rowTiles = algorithm == Algorithm.DIRECT && s.strideW() * s.inC() == 6
        && outW >= kernels.tileRows(blocks.vectors()[0]);
    twoRowDepthwise = algorithm == Algorithm.DEPTHWISE && s.kernelH() == 3 && s.kernelW() == 3
        && s.strideH() == 1 && s.strideW() == 1 && s.dilationH() == 1 && s.dilationW() == 1;
    itemBlocks = twoRowDepthwise && s.inC() % lanes == 0 ? s.inC() / lanes : 1;
  }

  /**
   * Whether a padded depthwise 3x3 (stride 1) convolves a zero-bordered copy of its input. Then
   * every pixel takes the two-row kernel; otherwise border pixels clip the window, one pixel at
   * a time. On small images the borders dominate: MobileNetV2's 7x7 and 14x14 layers ran at
   * 17-40 GFLOP/s. Fixed, not per provider, so scalar and SIMD give the same bits.
   */
  private static boolean padsDepthwise(Conv2dShape s) {
    return s.hasPadding() && s.kernelH() == 3 && s.kernelW() == 3 && s.strideH() == 1
        && s.strideW() == 1 && s.dilationH() == 1 && s.dilationW() == 1
        && s.outW() <= DEPTHWISE_PAD_MAX_WIDTH;
  }

  private static final int DEPTHWISE_PAD_MAX_WIDTH = 32;

  /** Pixel slots that tiles {@code width} wide spend on a row of {@code pixels}. */
  private static int slots(int pixels, int width) {
    return (pixels + width - 1) / width * width;
  }

  /**
   * A tile streams its block's whole weight panel; a panel of more than 2 x
   * {@value #K_SLICE_BYTES} bytes does not stay in L2 between tiles, so every tile re-reads it
   * from L3 (ResNet-50's 3x3 convs over 512 channels: 1.2 MB panels, 135-155 GFLOP/s). Such a
   * reduction runs in slices of at most {@value #K_SLICE_BYTES} bytes of panel, each over all of
   * a chunk's tiles, accumulating through the output (same bits). Null when it fits.
   */
  private static int[][] slices(int[] kOff, long bytesPerStep) {
    long panel = kOff.length * bytesPerStep;
    if (panel <= 2 * K_SLICE_BYTES) {
      return null;
    }
    int n = (int) ((panel + K_SLICE_BYTES - 1) / K_SLICE_BYTES);
    int len = (kOff.length + n - 1) / n;
    int[][] out = new int[(kOff.length + len - 1) / len][];
    for (int i = 0; i < out.length; i++) {
      out[i] = java.util.Arrays.copyOfRange(kOff, i * len, Math.min(kOff.length, (i + 1) * len));
    }
    return out;
  }

  private static final long K_SLICE_BYTES = 256L << 10;

  /** Input offset of reduction step k = (kh, kw, ic), relative to the output pixel's origin. */
  private static int[] directOffsets(Conv2dShape s, int paddedW) {
    int icg = s.inChannelsPerGroup();
    int[] off = new int[s.kernelH() * s.kernelW() * icg];
    int k = 0;
    for (int kh = 0; kh < s.kernelH(); kh++) {
      for (int kw = 0; kw < s.kernelW(); kw++) {
        int tap = (kh * s.dilationH() * paddedW + kw * s.dilationW()) * s.inC();
        for (int ic = 0; ic < icg; ic++) {
          off[k++] = tap + ic;
        }
      }
    }
    return off;
  }

  /** Input offset of step k = (kh, ic); the kernel adds the kw and pixel offsets itself. */
  private static int[] slidingOffsets(Conv2dShape s, int paddedW, int lanes) {
    int icg = s.inChannelsPerGroup();
    int[] off = new int[s.kernelH() * icg];
    for (int kh = 0; kh < s.kernelH(); kh++) {
      for (int ic = 0; ic < icg; ic++) {
        off[kh * icg + ic] = kh * s.dilationH() * paddedW * lanes + ic;
      }
    }
    return off;
  }

  /** Plans with the JVM's kernel provider. */
  public static Conv2dPlan create(Conv2dShape shape, float[] weightsOihw, float[] bias,
      Epilogue epilogue) {
    return create(shape, weightsOihw, bias, epilogue, KernelProvider.get());
  }

  /**
   * @param weightsOihw ONNX Conv weights, [outC][inC/groups][kernelH][kernelW]
   * @param bias [outC], or null for none
   * @throws IllegalArgumentException if a length does not match the shape
   */
  public static Conv2dPlan create(Conv2dShape shape, float[] weightsOihw, float[] bias,
      Epilogue epilogue, KernelSupport ks) {
    return create(shape, weightsOihw, bias, epilogue, ks, null);
  }

  /**
   * As {@link #create(Conv2dShape, float[], float[], Epilogue, KernelSupport)}, with the packed
   * weights placed in {@code store} (64-byte aligned, shared with other plans), or in the
   * plan's own array when {@code store} is null.
   */
  public static Conv2dPlan create(Conv2dShape shape, float[] weightsOihw, float[] bias,
      Epilogue epilogue, KernelSupport ks, WeightStore store) {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(weightsOihw, "weightsOihw");
    Objects.requireNonNull(epilogue, "epilogue");
    if (weightsOihw.length != shape.weightCount()) {
      throw new IllegalArgumentException("cannot plan Conv " + shape + ": weights have "
          + weightsOihw.length + " floats, the shape needs " + shape.weightCount() + " (OIHW)");
    }
    if (bias != null && bias.length != shape.outC()) {
      throw new IllegalArgumentException("cannot plan Conv " + shape + ": bias has "
          + bias.length + " floats, it must have one per output channel (" + shape.outC() + ")");
    }
    long padded = (long) (shape.inH() + shape.padTop() + shape.padBottom())
        * (shape.inW() + shape.padLeft() + shape.padRight()) * shape.inC();
    if (padded > Integer.MAX_VALUE - 64 || shape.outputCount() > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("cannot plan Conv " + shape + ": an image of "
          + Math.max(padded, shape.outputCount()) + " floats exceeds the 2^31 array limit");
    }
    return new Conv2dPlan(shape, weightsOihw, bias, epilogue, ks, store);
  }

  public Conv2dShape shape() {
    return shape;
  }

  public Epilogue epilogue() {
    return epilogue;
  }

  public Algorithm algorithm() {
    return algorithm;
  }

  /** The packed weight layout, in oneDNN's grammar (L = vector lanes). */
  public String weightLayout() {
    switch (algorithm) {
      case DEPTHWISE: return "Chw" + lanes + "c";
      case SLIDING: return "Ohiw" + lanes + "o";
      case WINOGRAD: return "16 x Oi" + lanes + "o (Winograd)";
      default: return "Ohwi" + lanes + "o";
    }
  }

  /** Bytes of packed weights, bias included. */
  public long packedBytes() {
    return 4L * packedLength;
  }

  /**
   * Scratch floats {@link #execute} needs per image of the batch: the zero-bordered copy of
   * the input (split into group planes for sliding convs), or 0. Give it {@code batch * scratchFloats()} floats.
   */
  public long scratchFloats() {
    return winograd != null ? 0L // per-worker buffers in the pool (see WinogradConv)
        : planeFloats > 0 ? planeFloats * shape.groups()
        : copiesInput ? (long) paddedH * paddedW * shape.inC() : 0L;
  }

  /**
   * Runs the convolution on {@code batch} NHWC images.
   *
   * @param residual tensor shaped like the output when the epilogue has a residual, else null;
   *     it must not overlap {@code out}
   * @param scratch at least {@code batch * scratchFloats()} floats from {@code scratchOff}
   */
  public void execute(WorkerPool pool, float[] in, int inOff, float[] out, int outOff,
      float[] residual, int residualOff, int batch, float[] scratch, int scratchOff) {
    if (epilogue.hasResidual() != (residual != null)) {
      throw new IllegalArgumentException("cannot run Conv " + shape + ": epilogue " + epilogue
          + (residual == null ? " needs a residual tensor" : " takes no residual tensor"));
    }
    KernelCall c = pool.call();
    c.in = in;
    c.inOff = inOff;
    c.out = out;
    c.outOff = outOff;
    c.aux = residual;
    c.auxOff = residualOff;
    c.scratch = scratch;
    c.scratchOff = scratchOff;
    c.batch = batch;
    switch (algorithm) {
      case GEMM:
        run(pool, computeTask, blocks.count() * gemmChunks(batch), batch);
        break;
      case WINOGRAD:
        winograd.execute(pool, c, shape.flops() * batch >= PARALLEL_MIN_FLOPS);
        break;
      case DEPTHWISE:
        if (copiesInput) {
          run(pool, padTask, batch * paddedH, batch);
        }
        run(pool, computeTask,
            batch * ((outH + 1) / 2) * (blocksOfLanes(shape.outC()) / itemBlocks), batch);
        break;
      default:
        // The whole batch in two dispatches: pad every image, then convolve every image.
        if (copiesInput) {
          run(pool, algorithm == Algorithm.SLIDING ? splitTask : padTask, batch * paddedH, batch);
        }
        run(pool, computeTask, batch * blocks.count() * directChunks(), batch);
    }
  }

  /**
   * Below about 0.5 MFLOP a layer is cheaper on the calling thread alone than split: the
   * handoff and the cache lines the threads share cost more than the work.
   */
  private void run(WorkerPool pool, ParallelTask task, int items, int batch) {
    if (shape.flops() * batch < PARALLEL_MIN_FLOPS) {
      task.run(pool.call(), 0, items);
    } else {
      pool.run(task, items);
    }
  }

  private int blocksOfLanes(int channels) {
    return (channels + lanes - 1) / lanes;
  }

  private int gemmTileRows(int b) {
    return kernels.tileRows(blocks.vectors()[b]);
  }

  // The last chunk absorbs the remainder, so a shifted tail tile never crosses into a chunk
  // that another thread owns.
  private int gemmChunks(int batch) {
    long pixels = (long) batch * outH * outW;
    return (int) Math.max(1, pixels / GEMM_CHUNK_PIXELS);
  }

  /** Direct: chunks of an image's output pixels; sliding: pairs of its output rows. */
  private int directChunks() {
    if (algorithm == Algorithm.SLIDING) {
      return (outH + 1) / 2;
    }
    if (rowTiles) {
      return outH;
    }
    return Math.max(1, outH * outW / GEMM_CHUNK_PIXELS);
  }

  /** Copies padded rows [begin, end) of the batch (image-major), zeroing the border. */
  private void padRows(KernelCall c, int begin, int end) {
    int ch = shape.inC();
    int rowLen = paddedW * ch;
    int inRow = shape.inW() * ch;
    int left = shape.padLeft() * ch;
    int perImage = (int) scratchFloats();
    for (int item = begin; item < end; item++) {
      int n = item / paddedH;
      int y = item % paddedH;
      int src0 = c.inOff + (int) ((long) n * shape.inputCount());
      int dst = c.scratchOff + n * perImage + y * rowLen;
      int iy = y - shape.padTop();
      if (iy < 0 || iy >= shape.inH()) {
        java.util.Arrays.fill(c.scratch, dst, dst + rowLen, 0f);
      } else {
        java.util.Arrays.fill(c.scratch, dst, dst + left, 0f);
        System.arraycopy(c.in, src0 + iy * inRow, c.scratch, dst + left, inRow);
        java.util.Arrays.fill(c.scratch, dst + left + inRow, dst + rowLen, 0f);
      }
    }
  }

  /** Sliding: splits padded rows [begin, end) of the batch into group planes, zero borders. */
  private void splitRows(KernelCall c, int begin, int end) {
    int cin = shape.inC();
    int groups = shape.groups();
    int rowLen = paddedW * lanes;
    int left = shape.padLeft() * lanes;
    int right = shape.padRight() * lanes;
    long perImage = scratchFloats();
    for (int item = begin; item < end; item++) {
      int n = item / paddedH;
      int y = item % paddedH;
      int dst = (int) (c.scratchOff + n * perImage + (long) y * rowLen);
      int iy = y - shape.padTop();
      boolean inside = iy >= 0 && iy < shape.inH();
      for (int g = 0; g < groups; g++) {
        int row = (int) (dst + g * planeFloats);
        if (!inside) {
          java.util.Arrays.fill(c.scratch, row, row + rowLen, 0f);
        } else {
          java.util.Arrays.fill(c.scratch, row, row + left, 0f);
          java.util.Arrays.fill(c.scratch, row + rowLen - right, row + rowLen, 0f);
        }
      }
      if (inside) {
        int src = c.inOff + (int) ((long) n * shape.inputCount()) + iy * shape.inW() * cin;
        kernels.splitGroups(c.in, src, shape.inW(), cin, shape.inChannelsPerGroup(), c.scratch,
            dst + left, planeFloats, lanes);
      }
    }
  }

  private void computeItems(KernelCall c, int begin, int end) {
    switch (algorithm) {
      case GEMM: gemmItems(c, begin, end); break;
      case DEPTHWISE: depthwiseItems(c, begin, end); break;
      default: directItems(c, begin, end); // DIRECT and SLIDING
    }
  }

  // Item = (chunk of pixel tiles, block), chunk-major so that threads write disjoint pixels;
  // block-major when the weights outweigh the batch's input, so each block's weights are read
  // once per call, not once per chunk (ResNet-50's 7x7 layers, several images at once). Tiles
  // are global so results ignore the split.
  private void gemmItems(KernelCall c, int begin, int end) {
    int chunks = gemmChunks(c.batch);
    int pixels = c.batch * outH * outW;
    int cin = shape.inC();
    int cout = shape.outC();
    int icg = shape.inChannelsPerGroup();
    boolean blockMajor = packedLength > (long) c.batch * shape.inputCount();
    for (int item = begin; item < end; item++) {
      int b = blockMajor ? item / chunks : item % blocks.count();
      int chunk = blockMajor ? item % chunks : item / blocks.count();
      int p0 = chunk * GEMM_CHUNK_PIXELS;
      int p1 = chunk == chunks - 1 ? pixels : p0 + GEMM_CHUNK_PIXELS;
      int inBase = c.inOff + blocks.group()[b] * icg;
      tiles(c, b, p0, p1, pixels, c.in, inBase, cin, NO_WRAP, 0, c.outOff, cout, c.auxOff,
          kOff);
    }
  }

  // Item = (image, block, chunk), block-major so a block's weights stay in L2 across the
  // image's chunks; (block, image, chunk) when the weights outweigh an input image (late,
  // small-spatial layers), so each block's weights are read once per pass, not per image;
  // (image, chunk, block) for padded convs with small weights (see rowsOuter).
  // Direct tiles run along the image's flattened output pixels and cross rows (a 7x7 output
  // costs 49 pixel slots, not 7 rows of two shifted 6-pixel tiles); sliding tiles stay in a row.
  private void directItems(KernelCall c, int begin, int end) {
    int cin = shape.inC();
    int cout = shape.outC();
    int icg = shape.inChannelsPerGroup();
    float[] src = copiesInput ? c.scratch : c.in;
    boolean sliding = algorithm == Algorithm.SLIDING;
    int ps = shape.strideW() * (sliding ? lanes : cin);
    int chunks = directChunks();
    int perImage = blocks.count() * chunks;
    int run = sliding ? outW : outH * outW;
    int chunkPixels = sliding ? outW : GEMM_CHUNK_PIXELS;
    int rowJump = shape.strideH() * paddedW * cin - outW * ps;
    for (int item = begin; item < end; item++) {
      int n;
      int b;
      int chunk;
      if (weightsOuter) {
        b = item / (c.batch * chunks);
        n = (item / chunks) % c.batch;
        chunk = item % chunks;
      } else if (rowsOuter) {
        n = item / perImage;
        chunk = (item % perImage) / blocks.count();
        b = item % blocks.count();
      } else {
        n = item / perImage;
        b = (item % perImage) / chunks;
        chunk = item % chunks;
      }
      int image = copiesInput ? c.scratchOff + n * (int) scratchFloats()
          : c.inOff + (int) ((long) n * shape.inputCount());
      int outImage = c.outOff + (int) ((long) n * shape.outputCount());
      int resImage = c.auxOff + (int) ((long) n * shape.outputCount());
      if (sliding) {
        int oh = 2 * chunk;
        int inRows = shape.strideH() * paddedW * lanes;
        int rowIn = image + (int) (blocks.group()[b] * planeFloats) + oh * inRows;
        int rowOut = oh * outW * cout;
        if (oh + 1 < outH) {
          slideTwoRows(c, b, src, rowIn, inRows, kOff, outW, outImage + rowOut,
              resImage + rowOut);
        } else {
          tiles(c, b, 0, outW, outW, src, rowIn, ps, NO_WRAP, 0, outImage + rowOut, cout,
              resImage + rowOut, kOff);
        }
      } else if (rowTiles) {
        int rowIn = image + blocks.group()[b] * icg + chunk * shape.strideH() * paddedW * cin;
        int rowOut = chunk * outW * cout;
        tiles(c, b, 0, outW, outW, src, rowIn, ps, NO_WRAP, 0, outImage + rowOut, cout,
            resImage + rowOut, kOff);
      } else {
        int inBase = image + blocks.group()[b] * icg;
        int p0 = chunk * chunkPixels;
        int p1 = chunk == chunks - 1 ? run : p0 + chunkPixels;
        tiles(c, b, p0, p1, run, src, inBase, ps, outW, rowJump, outImage, cout, resImage,
            kOff);
      }
    }
  }

  /**
   * Two output rows of a sliding conv over {@code run} pixels, tile by tile (the last tile
   * shifted back): each weight vector feeds both rows, which halves the weight loads per FMA.
   * Pixel p of the first row reads from {@code rowIn + p * strideW * chanStride}; the second
   * row's input is {@code inRowStride} further, its output one output row further.
   */
  private void slideTwoRows(KernelCall c, int b, float[] src, int rowIn, int inRowStride,
      int[] offsets, int run, int outRow, int resRow) {
    int cout = shape.outC();
    int ch = blocks.channels()[b];
    int oc = blocks.ocStart()[b];
    int lastLanes = ch - (blocks.vectors()[b] - 1) * lanes;
    int wOff = packedOff + blocks.wOff()[b];
    int sw = shape.strideW();
    int outRowStride = outW * cout;
    int rb = slideWidth;
    for (int p = 0; p < run; ) {
      int start = run < rb ? p : Math.min(p, run - rb);
      int rows = run < rb ? run - p : rb;
      int o = outRow + start * cout + oc;
      kernels.convSlideTile2(rows, sw, src, rowIn + start * sw * lanes, inRowStride, offsets,
          offsets.length, packed, wOff, c.out, o, outRowStride, cout, lastLanes, clampLo,
          clampHi);
      if (epiloguePass) {
        int r = resRow + start * cout + oc;
        kernels.epilogue(epilogue, c.out, o, cout, rows, ch, c.aux, r, cout);
        kernels.epilogue(epilogue, c.out, o + outRowStride, cout, rows, ch, c.aux,
            r + outRowStride, cout);
      }
      p = start + rows;
    }
  }

  /** Row width that never wraps: GEMM and sliding runs are one input row. */
  private static final int NO_WRAP = 1 << 30;

  /**
   * Pixels [p0, p1) of a run of {@code runLength} pixels in tiles of the block's height; a run's
   * last partial tile is shifted back to overlap its neighbour (same bits, no tail kernel).
   * Pixel p of the run reads input from {@code inBase + p * ps + p / rowW * rowJump} and writes
   * output at {@code outBase + p * cout}.
   */
  private void tiles(KernelCall c, int b, int p0, int p1, int runLength, float[] src, int inBase,
      int ps, int rowW, int rowJump, int outBase, int cout, int resBase, int[] offsets) {
    int nv = blocks.vectors()[b];
    if (kSlices == null || nv != 4) {
      tileSlice(c, b, p0, p1, runLength, src, inBase, ps, rowW, rowJump, outBase, cout, resBase,
          offsets, 0, true, true);
      return;
    }
    int k0 = 0;
    for (int s = 0; s < kSlices.length; s++) {
      tileSlice(c, b, p0, p1, runLength, src, inBase, ps, rowW, rowJump, outBase, cout, resBase,
          kSlices[s], k0, s == 0, s == kSlices.length - 1);
      k0 += kSlices[s].length;
    }
  }

  /**
   * Reduction steps {@code steps} (the k0-th onwards) of every tile. Only the first slice starts
   * from the bias, only the last clamps and runs the epilogue; tiles of a later slice must not
   * overlap, so a sliced run's last partial tile goes a pixel at a time instead of shifting.
   */
  private void tileSlice(KernelCall c, int b, int p0, int p1, int runLength, float[] src,
      int inBase, int ps, int rowW, int rowJump, int outBase, int cout, int resBase, int[] steps,
      int k0, boolean first, boolean last) {
    int nv = blocks.vectors()[b];
    int ch = blocks.channels()[b];
    int oc = blocks.ocStart()[b];
    int lastLanes = ch - (nv - 1) * lanes;
    int wOff = packedOff + blocks.wOff()[b] + k0 * nv * lanes;
    boolean sliding = algorithm == Algorithm.SLIDING;
    int rb = sliding ? slideWidth : gemmTileRows(b);
    int kTotal = steps.length;
    boolean whole = first && last;
    float lo = last ? clampLo : Float.NEGATIVE_INFINITY;
    float hi = last ? clampHi : Float.POSITIVE_INFINITY;
    // 1x1 steps read input offsets 0, 1, ..., K-1: null lets a tile within one row index
    // linearly, and C2 hoists its range checks (a 7x7x400 GEMM: 210 -> 244 GFLOP/s).
    boolean linear = shape.kernelH() == 1 && shape.kernelW() == 1;
    boolean epi = epiloguePass && last;
    int col = p0 % rowW; // column of pixel p, and the row jumps before it: no division per tile
    int jumps = p0 / rowW * rowJump;
    for (int p = p0; p < p1; ) {
      int start;
      int rows;
      if (runLength < rb || (!whole && p + rb > p1)) {
        // A sliding run is one output row: one tile spans it (7 wide: RegNetX's last stage).
        start = p;
        rows = sliding ? p1 - p : 1;
      } else {
        start = Math.min(p, runLength - rb);
        rows = rb;
      }
      if (start != p) {
        col = start % rowW;
        jumps = start / rowW * rowJump;
      }
      int o = outBase + start * cout + oc;
      int tileIn = inBase + start * ps + jumps;
      boolean stored = false; // residual and clamp applied in the tile's store
      if (sliding) {
        kernels.convSlideTile(rows, shape.strideW(), src, tileIn, steps, kTotal, packed, wOff,
            c.out, o, cout, lastLanes, lo, hi);
      } else if (first) {
        int[] k = linear && col + rows <= rowW ? null : steps;
        stored = epi && whole && storeResidual && kernels.convTileResidual(nv, rows, src, tileIn,
            ps, col, rowW, rowJump, k, kTotal, packed, wOff, c.out, o, cout, lastLanes,
            residualLo, residualHi, c.aux, resBase + start * cout + oc);
        if (!stored) {
          kernels.convTile(nv, rows, src, tileIn, ps, col, rowW, rowJump, k, kTotal, packed,
              wOff, c.out, o, cout, lastLanes, lo, hi);
        }
      } else {
        kernels.convTileAccumulate(nv, rows, src, tileIn, ps, col, rowW, rowJump, steps, kTotal,
            packed, wOff, c.out, o, cout, lastLanes, lo, hi);
      }
      if (epi && !stored) {
        kernels.epilogue(epilogue, c.out, o, cout, rows, ch, c.aux, resBase + start * cout + oc,
            cout);
      }
      p = start + rows;
      for (col += rows; col >= rowW; col -= rowW) {
        jumps += rowJump;
      }
    }
  }

  // Item = (pair of output rows, itemBlocks channel blocks). Full-window 3x3 stride-1 rows run
  // two at a time (each input row loaded once for both); borders clip the kernel window.
  private void depthwiseItems(KernelCall c, int begin, int end) {
    int parts = blocksOfLanes(shape.inC()) / itemBlocks;
    int perImage = ((outH + 1) / 2) * parts;
    for (int item = begin; item < end; item++) {
      int n = item / perImage;
      int oh = 2 * ((item % perImage) / parts);
      int blk0 = (item % parts) * itemBlocks;
      int blkEnd = blk0 + itemBlocks;
      if (oh + 1 < outH && twoRowEligible(oh) && twoRowEligible(oh + 1)
          && shape.inC() - (blkEnd - 1) * lanes >= lanes) {
        for (int blk = blk0; blk < blkEnd; blk++) {
          depthwiseRow(c, n, oh, blk, 0, owLo);
          depthwiseRow(c, n, oh + 1, blk, 0, owLo);
        }
        depthwiseTwoRows(c, n, oh, blk0);
        for (int blk = blk0; blk < blkEnd; blk++) {
          depthwiseRow(c, n, oh, blk, owHi, outW);
          depthwiseRow(c, n, oh + 1, blk, owHi, outW);
        }
      } else {
        for (int blk = blk0; blk < blkEnd; blk++) {
          depthwiseRow(c, n, oh, blk, 0, outW);
          if (oh + 1 < outH) {
            depthwiseRow(c, n, oh + 1, blk, 0, outW);
          }
        }
      }
    }
  }

  private boolean twoRowEligible(int oh) {
    if (!twoRowDepthwise || owHi - owLo < kernels.twoRowPixels()) {
      return false;
    }
    int ih0 = oh - dw.padTop();
    return ih0 >= 0 && ih0 + 2 < dw.inH();
  }

  private void depthwiseTwoRows(KernelCall c, int n, int oh, int blk) {
    int rb = kernels.twoRowPixels();
    int groups = (owHi - owLo) / rb;
    // Full groups in one call, then a last group shifted left to end at owHi (it rewrites a
    // few pixels with the same values).
    depthwiseTwoRowGroups(c, n, oh, blk, owLo, groups, itemBlocks);
    if (owLo + groups * rb < owHi) {
      depthwiseTwoRowGroups(c, n, oh, blk, owHi - rb, 1, itemBlocks);
    }
  }

  private void depthwiseTwoRowGroups(KernelCall c, int n, int oh, int blk, int start,
      int groups, int blocks) {
    int ch = shape.inC();
    int c0 = blk * lanes;
    int rowIn = dw.inW() * ch;
    int rowOut = outW * ch;
    int inBase = (copiesInput ? c.scratchOff : c.inOff) + (int) ((long) n * dw.inputCount())
        + ((oh - dw.padTop()) * dw.inW() + start - dw.padLeft()) * ch + c0;
    int o = c.outOff + (int) ((long) n * shape.outputCount()) + (oh * outW + start) * ch + c0;
    kernels.depthwise3x3TwoRows(copiesInput ? c.scratch : c.in, inBase, ch, rowIn, packed,
        packedOff + blk * lanes * 10, c.out, o, rowOut, groups, blocks, clampLo, clampHi);
    if (epiloguePass) {
      int px = groups * kernels.twoRowPixels();
      int r = c.auxOff + (int) ((long) n * shape.outputCount()) + (oh * outW + start) * ch + c0;
      kernels.epilogue(epilogue, c.out, o, ch, px, blocks * lanes, c.aux, r, ch);
      kernels.epilogue(epilogue, c.out, o + rowOut, ch, px, blocks * lanes, c.aux, r + rowOut,
          ch);
    }
  }

  /** Output pixels [from, to) of row {@code oh} of image {@code n}, one channel block. */
  private void depthwiseRow(KernelCall c, int n, int oh, int blk, int from, int to) {
    int ch = shape.inC();
    int kh = shape.kernelH();
    int kw = shape.kernelW();
    float[] src = copiesInput ? c.scratch : c.in;
    int inImage = (copiesInput ? c.scratchOff : c.inOff) + (int) ((long) n * dw.inputCount());
    int outImage = c.outOff + (int) ((long) n * shape.outputCount());
    int resImage = c.auxOff + (int) ((long) n * shape.outputCount());
    int ps = dw.strideW() * ch;
    int rbMax = kernels.depthwiseRows();
    int c0 = blk * lanes;
    int valid = Math.min(lanes, ch - c0);
    int wOff = packedOff + blk * lanes * (kh * kw + 1);
    int ih0 = oh * dw.strideH() - dw.padTop();
    int khBegin = windowBegin(ih0, dw.dilationH());
    int khEnd = windowEnd(ih0, dw.dilationH(), kh, dw.inH());
    int rowOut = outImage + oh * outW * ch + c0;
    int rowRes = resImage + oh * outW * ch + c0;
    for (int ow = from; ow < to; ) {
      int iw0 = ow * dw.strideW() - dw.padLeft();
      int rows = 1;
      int start = ow;
      int kwBegin = windowBegin(iw0, dw.dilationW());
      int kwEnd = windowEnd(iw0, dw.dilationW(), kw, dw.inW());
      if (ow >= owLo && ow < owHi && owHi - owLo >= rbMax) {
        start = Math.min(ow, owHi - rbMax);
        rows = rbMax;
        iw0 = start * dw.strideW() - dw.padLeft();
      }
      int inBase = inImage + (ih0 * dw.inW() + iw0) * ch + c0;
      int o = rowOut + start * ch;
      if (khBegin >= khEnd || kwBegin >= kwEnd) {
        // Window entirely in padding: the output is the clamped bias.
        for (int r = 0; r < rows; r++) {
          for (int l = 0; l < valid; l++) {
            c.out[o + r * ch + l] = Math.min(Math.max(packed[wOff + l], clampLo), clampHi);
          }
        }
      } else {
        kernels.depthwiseTile(rows, src, inBase, ps, tapOff, khBegin, khEnd, kwBegin, kwEnd,
            kw, packed, wOff, c.out, o, ch, valid, clampLo, clampHi);
      }
      if (epiloguePass) {
        kernels.epilogue(epilogue, c.out, o, ch, rows, valid, c.aux, rowRes + start * ch, ch);
      }
      ow = start + rows;
    }
  }

  /** First tap whose input coordinate {@code i0 + t*d} is >= 0. */
  private static int windowBegin(int i0, int d) {
    return i0 >= 0 ? 0 : ceilDiv(-i0, d);
  }

  /** One past the last tap whose input coordinate is < size. */
  private static int windowEnd(int i0, int d, int k, int size) {
    if (i0 >= size) {
      return 0;
    }
    return Math.min(k, floorDiv(size - 1 - i0, d) + 1);
  }

  private static int ceilDiv(int a, int b) {
    return -Math.floorDiv(-a, b);
  }

  private static int floorDiv(int a, int b) {
    return Math.floorDiv(a, b);
  }

  @Override
  public String toString() {
    return "Conv2dPlan[" + algorithm.name().toLowerCase(java.util.Locale.ROOT)
        + " " + shape
        + ", " + weightLayout() + ", " + epilogue + ", " + ks.name() + "]";
  }
}
