package io.convspark.kernels;

import io.convspark.kernels.internal.ConvKernels;
import io.convspark.kernels.internal.WinogradTransforms;
import io.convspark.kernels.internal.pack.ConvBlocks;
import io.convspark.kernels.internal.pack.WeightPacker;
import io.convspark.kernels.internal.pool.KernelCall;
import io.convspark.kernels.internal.pool.ParallelTask;

/**
 * Winograd F(2x2, 3x3) for a 3x3, stride-1, undilated, ungrouped conv: each 2x2 output tile
 * costs 16 multiplies per (input, output) channel pair instead of 36. The input tiles'
 * transforms (16 positions x Cin) go to a worker's buffer, 16 GEMMs [tiles x Cin] x [Cin x Cout]
 * run on the 1x1 GEMM tiles (weights pre-transformed, U = G g G^T, one {@code Ohwi16o} panel set
 * per position), and the output transform adds the residual and clamps in its one store.
 *
 * <p>The batch's tiles are split into one contiguous run per worker; a worker takes its run
 * in chunks of at least 64 tiles, in a buffer of its own that the worker pool keeps (not in the
 * caller's scratch: 64 x 16 x (Cin + Cout) floats, 4 MiB at 512 + 512 channels).
 */
final class WinogradConv {
  private static final int P = WinogradTransforms.POSITIONS;
  private static final int CHUNK_BYTES =
      Integer.getInteger("convspark.winogradChunkKiB", 512) << 10;
  /**
   * Floats between tiles' blocks beyond their 16 x C: a GEMM tile reads 6 rows a block apart,
   * and at a power-of-two stride they would share one L1 set.
   */
  private static final int SKEW = 16;
  /**
   * Tiles per full chunk at least: every chunk reads all 16 x Cin x Cout transformed weights,
   * 32 FLOP per weight byte at 64 tiles. Fewer tiles made the weights the bottleneck (ResNet-50's
   * 14x14x256 layers at 16 tiles a chunk: 15 ms a batch against 8 direct).
   */
  private static final int MIN_TILES = Integer.getInteger("convspark.winogradMinTiles", 64);
  /** Row width that never wraps: GEMM rows are one run. */
  private static final int NO_WRAP = 1 << 30;

  private final Conv2dShape s;
  private final Epilogue epilogue;
  private final ConvKernels kernels;
  private final int lanes;
  private final ConvBlocks blocks;
  private final float[] packed;
  private final int packedOff;
  private final int perPosition;
  private final int cin;
  private final int cout;
  private final int tilesW;
  private final int tilesPerImage;
  private final int chunk;
  private final float lo;
  private final float hi;
  private final boolean storeResidual;
  private final boolean epiloguePass;
  private final ParallelTask task = this::runSlots;

  /**
   * Wider layers stay direct: 16 x Cin x Cout transformed weights (16 MB at 512 x 512) stream
   * from L3 for every chunk, and a chunk buffer grows with Cin + Cout. ResNet-50's 7x7x512 3x3
   * convs still gain (in the model 9.6 -> 6.9 ms a batch on 2 threads, their 7x7 outputs padded
   * to 8x8 tiles); smaller outputs than 7x7 waste more of each tile and stay direct.
   */
  private static final int MAX_CHANNELS = 512;
  private static final int MIN_OUT = 7;

  /** System property that turns Winograd off ({@code false}) for every plan made after. */
  static final String PROPERTY = "convspark.winograd";

  /**
   * Whether the shape qualifies: 3x3, stride 1, dilation 1, one group, 8 to 512 channels in and
   * out, an output of 7x7 or more. Not per
   * provider: scalar and SIMD must choose the same algorithm to give the same bits.
   */
  static boolean supports(Conv2dShape s) {
    return Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))
        && s.kernelH() == 3 && s.kernelW() == 3 && s.strideH() == 1 && s.strideW() == 1
        && s.dilationH() == 1 && s.dilationW() == 1 && s.groups() == 1
        && s.inC() >= 8 && s.outC() >= 8 && s.inC() <= MAX_CHANNELS && s.outC() <= MAX_CHANNELS
        && s.outH() >= MIN_OUT && s.outW() >= MIN_OUT;
  }

  /** The 1x1 [Cin -> Cout] GEMM whose panels each position uses. */
  static ConvBlocks blocks(Conv2dShape s, int lanes) {
    return ConvBlocks.plan(gemmShape(s), lanes, 4);
  }

  private static Conv2dShape gemmShape(Conv2dShape s) {
    return new Conv2dShape(1, 1, s.inC(), s.outC(), 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1);
  }

  /** Transformed weights: 16 panel sets, position-major; the bias only at the bias position. */
  static float[] pack(Conv2dShape s, float[] oihw, float[] bias, ConvBlocks blocks, int lanes) {
    int cin = s.inC();
    int cout = s.outC();
    float[][] byPosition = new float[P][cout * cin];
    double[] u = new double[P];
    for (int oc = 0; oc < cout; oc++) {
      for (int ic = 0; ic < cin; ic++) {
        WinogradTransforms.weights(oihw, (oc * cin + ic) * 9, u);
        for (int p = 0; p < P; p++) {
          byPosition[p][oc * cin + ic] = (float) u[p];
        }
      }
    }
    int per = blocks.packedLength();
    if ((long) per * P > Integer.MAX_VALUE - 64) {
      throw new IllegalArgumentException("cannot pack Conv " + s + ": " + (long) per * P
          + " Winograd weights exceed the 2^31 array limit");
    }
    float[] out = new float[per * P];
    Conv2dShape g = gemmShape(s);
    for (int p = 0; p < P; p++) {
      float[] b = p == WinogradTransforms.BIAS_POSITION ? bias : null;
      System.arraycopy(WeightPacker.packConvFromOihw(g, byPosition[p], b, blocks, lanes), 0,
          out, p * per, per);
    }
    return out;
  }

  /**
   * @param lo clamp of the stored values (with the residual added first when
   *     {@code storeResidual})
   * @param epiloguePass whether an activation the clamp cannot express runs after the store
   */
  WinogradConv(Conv2dShape s, Epilogue epilogue, ConvKernels kernels, int lanes,
      ConvBlocks blocks, float[] packed, int packedOff, float lo, float hi,
      boolean storeResidual, boolean epiloguePass) {
    this.s = s;
    this.epilogue = epilogue;
    this.kernels = kernels;
    this.lanes = lanes;
    this.blocks = blocks;
    this.packed = packed;
    this.packedOff = packedOff;
    this.perPosition = blocks.packedLength();
    this.cin = s.inC();
    this.cout = s.outC();
    this.tilesW = (s.outW() + 1) / 2;
    this.tilesPerImage = (s.outH() + 1) / 2 * tilesW;
    this.chunk = Math.max(MIN_TILES, CHUNK_BYTES / (4 * P * (cin + cout)));
    this.lo = lo;
    this.hi = hi;
    this.storeResidual = storeResidual;
    this.epiloguePass = epiloguePass;
  }

  /** Floats of one worker's buffer for {@code tiles} tiles a chunk: a tile patch, V and M. */
  private int slotFloats(int tiles) {
    return Math.toIntExact((long) P * cin + (long) tiles * (P * (cin + cout) + 2 * SKEW));
  }

  /**
   * Runs the batch bound in {@code c}: the batch's tiles in one contiguous run per worker, each
   * through its own buffer of one chunk ({@link KernelCall#workerScratch}), so neither a small
   * batch nor the arena's per-image budget shrinks the chunks.
   */
  void execute(WorkerPool pool, KernelCall c, boolean parallel) {
    int slots = parallel ? Math.min(pool.threads(), c.batch * tilesPerImage) : 1;
    if (slots < pool.threads()) {
      slots = 1; // item w must run on worker w: all of them, or the caller alone
    }
    c.parts = slots;
    if (slots == 1) {
      task.run(c, 0, 1);
    } else {
      pool.run(task, slots);
    }
  }

  private void runSlots(KernelCall c, int begin, int end) {
    int total = c.batch * tilesPerImage;
    for (int slot = begin; slot < end; slot++) {
      int t0 = (int) ((long) slot * total / c.parts);
      int t1 = (int) ((long) (slot + 1) * total / c.parts);
      float[] buffer = c.workerScratch(slot, slotFloats(chunk));
      for (int t = t0; t < t1; t += chunk) {
        chunk(c, buffer, t, Math.min(chunk, t1 - t));
      }
    }
  }

  /**
   * Tiles [t, t + n) of the batch. V and M are tile-major, [tile][position][channel], so a
   * transform touches one tile's 16 x C block in L1; a GEMM row then strides a whole block.
   */
  private void chunk(KernelCall c, float[] sc, int t, int n) {
    int patch = 0;
    int v = patch + P * cin;
    int vt = P * cin + SKEW;
    int m = v + n * vt;
    int mt = P * cout + SKEW;
    for (int i = 0; i < n; i++) {
      inputTile(c, sc, t + i, v + i * vt, cin, patch);
    }
    for (int p = 0; p < P; p++) {
      for (int b = 0; b < blocks.count(); b++) {
        gemm(sc, v + p * cin, vt, packedOff + p * perPosition + blocks.wOff()[b], b, n,
            m + p * cout + blocks.ocStart()[b], mt);
      }
    }
    for (int i = 0; i < n; i++) {
      outputTile(c, sc, t + i, m + i * mt, cout);
    }
  }

  /** M_p = V_p x U_p for block b over n tiles: the 1x1 GEMM tiles, the last shifted back. */
  private void gemm(float[] sc, int vIn, int vt, int wOff, int b, int n, int mOut, int mt) {
    int nv = blocks.vectors()[b];
    int lastLanes = blocks.channels()[b] - (nv - 1) * lanes;
    int rb = kernels.tileRows(nv);
    for (int r = 0; r < n; ) {
      int start = n < rb ? r : Math.min(r, n - rb);
      int rows = n < rb ? 1 : rb;
      kernels.convTile(nv, rows, sc, vIn + start * vt, vt, 0, NO_WRAP, 0, null, cin, packed,
          wOff, sc, mOut + start * mt, mt, lastLanes, Float.NEGATIVE_INFINITY,
          Float.POSITIVE_INFINITY);
      r = start + rows;
    }
  }

  private void inputTile(KernelCall c, float[] sc, int tile, int vBase, int vs, int patch) {
    int n = tile / tilesPerImage;
    int r = tile % tilesPerImage;
    int iy0 = 2 * (r / tilesW) - s.padTop();
    int ix0 = 2 * (r % tilesW) - s.padLeft();
    int image = c.inOff + (int) (n * s.inputCount());
    int row = s.inW() * cin;
    if (iy0 >= 0 && ix0 >= 0 && iy0 + 4 <= s.inH() && ix0 + 4 <= s.inW()) {
      kernels.winogradInput(c.in, image + iy0 * row + ix0 * cin, cin, row, cin, sc, vBase, vs);
      return;
    }
    // A border tile: its 4x4 window, zeros where it leaves the image.
    for (int i = 0; i < 4; i++) {
      for (int j = 0; j < 4; j++) {
        int y = iy0 + i;
        int x = ix0 + j;
        int dst = patch + (4 * i + j) * cin;
        if (y < 0 || x < 0 || y >= s.inH() || x >= s.inW()) {
          java.util.Arrays.fill(sc, dst, dst + cin, 0f);
        } else {
          System.arraycopy(c.in, image + y * row + x * cin, sc, dst, cin);
        }
      }
    }
    kernels.winogradInput(sc, patch, cin, 4 * cin, cin, sc, vBase, vs);
  }

  private void outputTile(KernelCall c, float[] sc, int tile, int mBase, int ms) {
    int n = tile / tilesPerImage;
    int r = tile % tilesPerImage;
    int oy = 2 * (r / tilesW);
    int ox = 2 * (r % tilesW);
    int rows = Math.min(2, s.outH() - oy);
    int cols = Math.min(2, s.outW() - ox);
    int rs = s.outW() * cout;
    int at = (int) (n * s.outputCount()) + oy * rs + ox * cout;
    kernels.winogradOutput(sc, mBase, ms, cout, c.out, c.outOff + at, cout, rs, rows, cols,
        lo, hi, storeResidual ? c.aux : null, c.auxOff + at);
    if (epiloguePass && !storeResidual) {
      for (int y = 0; y < rows; y++) {
        kernels.epilogue(epilogue, c.out, c.outOff + at + y * rs, cout, cols, cout, c.aux,
            c.auxOff + at + y * rs, cout);
      }
    }
  }
}
