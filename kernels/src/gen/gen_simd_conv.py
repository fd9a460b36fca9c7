#!/usr/bin/env python3
"""Writes SimdConvKernels.java: one flat-loop method per register block (JDK 17 needs flat loops).

After a loop, C2 only knows accumulators as FloatVector, so calling methods on them boxes; the
store code therefore calls through freshly broadcast vectors (hiv.min(lov.max(acc))), whose
exact type keeps every call intrinsified. The last vector of a block is always stored through its
prefix mask: a branch between masked and plain stores leaves an uncommon trap that boxes the
live vectors on every tile.

Run from the repository root: python3 kernels/src/gen/gen_simd_conv.py
"""
import pathlib

CONV_BLOCKS = [(4, 6), (2, 8), (1, 12), (4, 1), (2, 1), (1, 1)]  # (nv, rb)
DW_ROWS = [8, 1]
OUT = pathlib.Path("kernels/src/main/java/io/convspark/kernels/internal/simd/SimdConvKernels.java")


def plain_stores(nv):
    """Whether full panels of nv vectors get methods with unmasked stores. Measured per JDK
    (1x1 GEMMs, one thread): 1 and 2 vectors gain up to 1.7x on JDK 17 and 25 from plain
    stores; 4 vectors lose 3x on JDK 25, and on JDK 17 whole models ran 10-20 % slower with
    them, so full 4-vector panels keep the masked store (called with whole masks only)."""
    return nv < 4


def tail_only(nv, masked, partial, contiguous):
    """Methods called only for a partial last vector store it (and load it) through Tails."""
    return partial or contiguous or (masked and plain_stores(nv))


def conv_name(nv, rb, wrap, masked, linear=False):
    return (f"gemm{nv}x{rb}" if linear else f"conv{nv}x{rb}") + ("w" if wrap else "") + (
        "m" if masked else "")


def conv_method(nv, rb, wrap, masked, linear=False, accumulate=False, contiguous=False,
                partial=False, residual=False):
    L = []
    a = L.append
    tails = tail_only(nv, masked, partial, contiguous)
    base_name = conv_name(nv, rb, wrap, masked, linear)
    if partial:
        base_name = base_name[:-1] + "p"
    name = base_name + ("a" if accumulate else "") + ("c" if contiguous else "") + (
        "r" if residual else "")
    rparams = ", float[] res, int rOff" if residual else ""
    if residual:
        a(f"  /** As {base_name}, adding the residual {{@code res}} (laid out like the outputs, from"
          f" {{@code rOff}}) before the clamp: ResNet's add + ReLU in the tile's one store, not a"
          f" second pass that reloads what the tile just stored. Full panels only. */")
    elif partial and not contiguous:
        a(f"  /** As {conv_name(nv, rb, wrap, masked, linear)}{'a' if accumulate else ''}, for a panel"
          f" whose last vector is partial (through Tails). */")
    elif contiguous:
        a(f"  /** As {conv_name(nv, rb, wrap, masked, linear)}, for a tile whose rows are contiguous"
          f" (one block holds every channel): a row's partial vector is stored whole, its extra lanes"
          f" overwritten by the next row's store, so only the last row pays for a masked store (which"
          f" boxes on JDK 17). */")
    elif accumulate:
        a(f"  /** As {conv_name(nv, rb, wrap, masked)}, accumulating onto the stored outputs instead"
          f" of the bias: one slice of a long reduction. */")
    elif linear:
        a(f"  /** As {conv_name(nv, rb, wrap, masked)}, reduction step k at input offset k (1x1"
          f" convs): C2 then hoists the range checks out of the loop. */")
    elif masked and plain_stores(nv):
        a(f"  /** As {conv_name(nv, rb, wrap, False)}, for a panel whose last vector is partial. */")
    elif masked and wrap:
        a(f"  /** As {conv_name(nv, rb, False, True)}, for a tile that crosses output rows. */")
    elif masked:
        a(f"  /** {rb} pixels x {nv} vectors: {rb * nv} accumulators, {nv} weight loads and {rb}"
          f" broadcasts per step; the last vector stores {{@code lastLanes}} lanes. */")
    if wrap:
        if not masked:
            a(f"  /** As conv{nv}x{rb}, for a tile that crosses output rows. */")
        a(f"  static void {name}(float[] in, int inBase, int ps, int col, int rowW, int rowJump,")
        a(f"      int[] kOff, int kTotal, float[] w, int wOff, float[] out, int ob, int ops, int lastLanes,")
        a(f"      float lo, float hi{rparams}) {{")
    else:
        if not masked:
            a(f"  /** {rb} pixels x {nv} vectors: {rb * nv} accumulators, {nv} weight loads and {rb}"
              f" broadcasts per step. */")
        a(f"  static void {name}(float[] in, int inBase, int ps, int[] kOff, int kTotal,")
        a(f"      float[] w, int wOff, float[] out, int ob, int ops, int lastLanes, float lo, float hi{rparams}) {{")
    if accumulate:
        if masked and not tails:
            a(f"    VectorMask<Float> m = Species.prefix(lastLanes);")
        for r in range(rb):
            base = "ob" if r == 0 else f"ob + {r} * ops"
            for v in range(nv):
                if v == nv - 1 and tails:
                    a(f"    FloatVector a{r}_{v} = Tails.load(out, {base} + {v} * L, lastLanes);")
                else:
                    tail = ", m" if v == nv - 1 and masked else ""
                    a(f"    FloatVector a{r}_{v} = FloatVector.fromArray(F, out, {base} + {v} * L{tail});")
    else:
        for v in range(nv):
            a(f"    FloatVector b{v} = FloatVector.fromArray(F, w, wOff + {v} * L);")
        for r in range(rb):
            for v in range(nv):
                a(f"    FloatVector a{r}_{v} = b{v};")
    a(f"    FloatVector lov = FloatVector.broadcast(F, lo);")
    a(f"    FloatVector hiv = FloatVector.broadcast(F, hi);")
    a(f"    int wp = wOff + {nv} * L;")
    if wrap:
        # Offsets step by ps and jump at each row end, with no division (small-K convs such as
        # the 3-channel stem spend as long in tile setup as in the reduction). Five free offsets
        # cost registers, so uniform tiles keep the r * ps form (about 12 % faster).
        a(f"    int cc = col;")
        a(f"    int pr = 0;")
        for r in range(1, rb):
            a(f"    pr += ps;")
            a(f"    if (++cc == rowW) {{")
            a(f"      cc = 0;")
            a(f"      pr += rowJump;")
            a(f"    }}")
            a(f"    final int p{r} = pr;")
    else:
        for r in range(1, rb):
            a(f"    final int p{r} = {r} * ps;")
    a(f"    for (int k = 0; k < kTotal; k++) {{")
    for v in range(nv):
        a(f"      FloatVector w{v} = FloatVector.fromArray(F, w, wp + {v} * L);")
    a(f"      int src = inBase + " + ("k;" if linear else "kOff[k];"))
    for r in range(rb):
        off = "src" if r == 0 else f"src + p{r}"
        a(f"      FloatVector x{r} = FloatVector.broadcast(F, in[{off}]);")
        for v in range(nv):
            a(f"      a{r}_{v} = w{v}.fma(x{r}, a{r}_{v});")
    a(f"      wp += {nv} * L;")
    a(f"    }}")
    # A masked store through a mask loaded from an array is not intrinsified on JDK 17 (C2
    # falls back to a lane loop, about a quarter of a small-K tile), so full panels have methods
    # without a mask. Separate methods, not a branch: doubling the stores in one method made
    # JDK 25's C1 bail out ("out of virtual registers") and the kernel never reached C2.
    if masked and not accumulate and not tails:
        a(f"    VectorMask<Float> m = Species.prefix(lastLanes);")
    for r in range(rb):
        base = "ob" if r == 0 else f"ob + {r} * ops"
        rbase = "rOff" if r == 0 else f"rOff + {r} * ops"
        for v in range(nv):
            if residual:
                # Same bits as the epilogue pass: (bias + sum) + residual, then the clamp. The
                # fresh residual vector's exact type keeps add intrinsified (see the top).
                m = ", m" if v == nv - 1 and masked else ""
                a(f"    lov.max(FloatVector.fromArray(F, res, {rbase} + {v} * L).add(a{r}_{v}))"
                  f".min(hiv).intoArray(out, {base} + {v} * L{m});")
            elif v < nv - 1 or not masked or (contiguous and r < rb - 1):
                a(f"    lov.max(a{r}_{v}).min(hiv).intoArray(out, {base} + {v} * L);")
            elif tails:
                a(f"    Tails.store(lov.max(a{r}_{v}).min(hiv), out, {base} + {v} * L, lastLanes);")
            else:
                a(f"    lov.max(a{r}_{v}).min(hiv).intoArray(out, {base} + {v} * L, m);")
    a(f"  }}")
    return "\n".join(L)


def dw_method(rb):
    L = []
    a = L.append
    a(f"  /** Depthwise, {rb} pixels x one channel vector, flat loop over the tap window. */")
    a(f"  static void dw{rb}(float[] in, int inBase, int ps, int[] tapOff, int khBegin, int khEnd,")
    a(f"      int kwBegin, int kwEnd, int kernelW, float[] w, int wOff, float[] out, int ob, int ops,")
    a(f"      float lo, float hi) {{")
    a(f"    FloatVector b = FloatVector.fromArray(F, w, wOff);")
    a(f"    FloatVector lov = FloatVector.broadcast(F, lo);")
    a(f"    FloatVector hiv = FloatVector.broadcast(F, hi);")
    for r in range(rb):
        a(f"    FloatVector a{r} = b;")
    for r in range(1, rb):
        a(f"    final int p{r} = {r} * ps;")
    a(f"    int kh = khBegin;")
    a(f"    int kw = kwBegin;")
    a(f"    int n = (khEnd - khBegin) * (kwEnd - kwBegin);")
    a(f"    for (int i = 0; i < n; i++) {{")
    a(f"      int t = kh * kernelW + kw;")
    a(f"      FloatVector wv = FloatVector.fromArray(F, w, wOff + L + t * L);")
    a(f"      int src = inBase + tapOff[t];")
    for r in range(rb):
        off = "src" if r == 0 else f"src + p{r}"
        a(f"      a{r} = FloatVector.fromArray(F, in, {off}).fma(wv, a{r});")
    a(f"      if (++kw == kwEnd) {{")
    a(f"        kw = kwBegin;")
    a(f"        kh++;")
    a(f"      }}")
    a(f"    }}")
    for r in range(rb):
        base = "ob" if r == 0 else f"ob + {r} * ops"
        a(f"    lov.max(a{r}).min(hiv).intoArray(out, {base});")
    a(f"  }}")
    return "\n".join(L)


def dw3x3s1_method(rb):
    """Sliding window: per kernel row, rb+2 input loads feed 3*rb FMAs (no loop at all)."""
    L = []
    a = L.append
    a(f"  /** Depthwise 3x3 stride 1, {rb} pixels: rows unrolled, each input vector reused by up"
      f" to 3 taps. */")
    a(f"  static void dw3x3s1x{rb}(float[] in, int inBase, int c, int rowStride, float[] w,"
      f" int wOff, float[] out, int ob, float lo, float hi) {{")
    a(f"    FloatVector b = FloatVector.fromArray(F, w, wOff);")
    for r in range(rb):
        a(f"    FloatVector a{r} = b;")
    for kh in range(3):
        for kw in range(3):
            a(f"    FloatVector w{kh}{kw} = FloatVector.fromArray(F, w, wOff + {1 + kh * 3 + kw} * L);")
        a(f"    int row{kh} = inBase + {kh} * rowStride;")
        for i in range(rb + 2):
            a(f"    FloatVector x{kh}_{i} = FloatVector.fromArray(F, in, row{kh} + {i} * c);")
            for kw in range(3):
                r = i - kw
                if 0 <= r < rb:
                    a(f"    a{r} = x{kh}_{i}.fma(w{kh}{kw}, a{r});")
    for r in range(rb):
        base = "ob" if r == 0 else f"ob + {r} * c"
        a(f"    a{r}.max(lo).min(hi).intoArray(out, {base});")
    a(f"  }}")
    return "\n".join(L)


def dw3x3s2_method(rb):
    """Stride 2: per kernel row, 2rb+1 input loads feed 3*rb FMAs, each FMA right after its
    input's load (2rb+1 live inputs would not fit the registers)."""
    L = []
    a = L.append
    a(f"  /** Depthwise 3x3 stride 2, {rb} pixels: rows unrolled, each input vector used by the"
      f" one or two taps that read it. */")
    a(f"  static void dw3x3s2x{rb}(float[] in, int inBase, int c, int rowStride, float[] w,"
      f" int wOff, float[] out, int ob, float lo, float hi) {{")
    a(f"    FloatVector b = FloatVector.fromArray(F, w, wOff);")
    for r in range(rb):
        a(f"    FloatVector a{r} = b;")
    for kh in range(3):
        for kw in range(3):
            a(f"    FloatVector w{kh}{kw} = FloatVector.fromArray(F, w, wOff + {1 + kh * 3 + kw} * L);")
        a(f"    int row{kh} = inBase + {kh} * rowStride;")
        for i in range(2 * rb + 1):
            a(f"    FloatVector x{kh}_{i} = FloatVector.fromArray(F, in, row{kh} + {i} * c);")
            for kw in range(3):
                if (i - kw) % 2 == 0 and 0 <= (i - kw) // 2 < rb:
                    r = (i - kw) // 2
                    a(f"    a{r} = x{kh}_{i}.fma(w{kh}{kw}, a{r});")
    for r in range(rb):
        base = "ob" if r == 0 else f"ob + {r} * c"
        a(f"    a{r}.max(lo).min(hi).intoArray(out, {base});")
    a(f"  }}")
    return "\n".join(L)


def slide_method(rb, stride=1):
    """3-wide kernel rows, stride 1 or 2, one channel vector: each broadcast feeds up to 3 FMAs
    (stride 1) or 1.5 on average (stride 2, against 1 in a direct tile)."""
    L = []
    a = L.append
    n_in = (rb - 1) * stride + 3
    name = f"slide{rb}" + ("" if stride == 1 else f"s{stride}")
    a(f"  /** Sliding 1x3 window, stride {stride}, {rb} pixels x one vector: {n_in} broadcasts feed"
      f" {3 * rb} FMAs per (kh, ic) step. */")
    a(f"  static void {name}(float[] in, int inBase, int c, int[] kOff, int steps, float[] w,")
    a(f"      int wOff, float[] out, int ob, int ops, int lastLanes, float lo, float hi) {{")
    a(f"    FloatVector b = FloatVector.fromArray(F, w, wOff);")
    a(f"    FloatVector lov = FloatVector.broadcast(F, lo);")
    a(f"    FloatVector hiv = FloatVector.broadcast(F, hi);")
    for r in range(rb):
        a(f"    FloatVector a{r} = b;")
    a(f"    int wp = wOff + L;")
    for i in range(1, n_in):
        a(f"    final int p{i} = {i} * c;")
    a(f"    for (int k = 0; k < steps; k++) {{")
    a(f"      FloatVector w0 = FloatVector.fromArray(F, w, wp);")
    a(f"      FloatVector w1 = FloatVector.fromArray(F, w, wp + L);")
    a(f"      FloatVector w2 = FloatVector.fromArray(F, w, wp + 2 * L);")
    a(f"      int src = inBase + kOff[k];")
    # Keep per-accumulator order kw = 0, 1, 2 (the scalar kernel's order).
    for i in range(n_in):
        off = "src" if i == 0 else f"src + p{i}"
        a(f"      FloatVector x{i} = FloatVector.broadcast(F, in[{off}]);")
        if stride > 1:
            # Each column's FMAs right after its broadcast: 17 live broadcasts would not fit.
            for kw in range(3):
                if (i - kw) % stride == 0 and 0 <= (i - kw) // stride < rb:
                    r = (i - kw) // stride
                    a(f"      a{r} = w{kw}.fma(x{i}, a{r});")
    if stride == 1:
        for r in range(rb):
            for kw in range(3):
                a(f"      a{r} = w{kw}.fma(x{r + kw}, a{r});")
    a(f"      wp += 3 * L;")
    a(f"    }}")
    a(f"    if (lastLanes == L) {{")
    for r in range(rb):
        base = "ob" if r == 0 else f"ob + {r} * ops"
        a(f"      lov.max(a{r}).min(hiv).intoArray(out, {base});")
    a(f"    }} else {{")
    for r in range(rb):
        base = "ob" if r == 0 else f"ob + {r} * ops"
        a(f"      Tails.store(lov.max(a{r}).min(hiv), out, {base}, lastLanes);")
    a(f"    }}")
    a(f"  }}")
    return "\n".join(L)


def slide_two_rows_method(rb, stride=1):
    """As slide_method over two output rows: each (kh, ic) step's three weight vectors feed both
    rows' {2 * rb} accumulators (input rows inBase and inBase + rowStride)."""
    L = []
    a = L.append
    n_in = (rb - 1) * stride + 3
    name = f"slide{rb}x2" + ("" if stride == 1 else f"s{stride}")
    a(f"  /** Two rows of slide{rb}{'' if stride == 1 else 's' + str(stride)}: {2 * rb} accumulators,"
      f" three weight loads per (kh, ic) step for {6 * rb} FMAs. */")
    a(f"  static void {name}(float[] in, int inBase, int rowStride, int c, int[] kOff, int steps,")
    a(f"      float[] w, int wOff, float[] out, int ob, int outRowStride, int ops, int lastLanes,")
    a(f"      float lo, float hi) {{")
    a(f"    FloatVector b = FloatVector.fromArray(F, w, wOff);")
    a(f"    FloatVector lov = FloatVector.broadcast(F, lo);")
    a(f"    FloatVector hiv = FloatVector.broadcast(F, hi);")
    for q in range(2):
        for r in range(rb):
            a(f"    FloatVector a{q}_{r} = b;")
    a(f"    int wp = wOff + L;")
    for i in range(1, n_in):
        a(f"    final int p{i} = {i} * c;")
    a(f"    for (int k = 0; k < steps; k++) {{")
    a(f"      FloatVector w0 = FloatVector.fromArray(F, w, wp);")
    a(f"      FloatVector w1 = FloatVector.fromArray(F, w, wp + L);")
    a(f"      FloatVector w2 = FloatVector.fromArray(F, w, wp + 2 * L);")
    a(f"      int src0 = inBase + kOff[k];")
    a(f"      int src1 = src0 + rowStride;")
    # Per accumulator the kw order stays 0, 1, 2 (the scalar kernel's order).
    for q in range(2):
        for i in range(n_in):
            off = f"src{q}" if i == 0 else f"src{q} + p{i}"
            a(f"      FloatVector x{q}_{i} = FloatVector.broadcast(F, in[{off}]);")
            for kw in range(3):
                if (i - kw) % stride == 0 and 0 <= (i - kw) // stride < rb:
                    r = (i - kw) // stride
                    a(f"      a{q}_{r} = w{kw}.fma(x{q}_{i}, a{q}_{r});")
    a(f"      wp += 3 * L;")
    a(f"    }}")
    a(f"    if (lastLanes == L) {{")
    for q in range(2):
        for r in range(rb):
            base = ("ob" if q == 0 else "ob + outRowStride") + ("" if r == 0 else f" + {r} * ops")
            a(f"      lov.max(a{q}_{r}).min(hiv).intoArray(out, {base});")
    a(f"    }} else {{")
    for q in range(2):
        for r in range(rb):
            base = ("ob" if q == 0 else "ob + outRowStride") + ("" if r == 0 else f" + {r} * ops")
            a(f"      Tails.store(lov.max(a{q}_{r}).min(hiv), out, {base}, lastLanes);")
    a(f"    }}")
    a(f"  }}")
    return "\n".join(L)


def dw3x3s1_two_rows_method(rb, upper):
    """Two output rows, groups of rb pixels in one flat loop: 4 input rows of rb+2 vectors feed
    2*3*3*rb FMAs per group, with weights and bounds held in registers across the loop. The
    variant without an upper bound skips min(+inf), a no-op that costs a third of the time."""
    L = []
    a = L.append
    name = f"dw3x3s1r2x{rb}" + ("" if upper else "lo")
    a(f"  /** Depthwise 3x3 stride 1, 2 rows x {rb} pixels per group: each input row serves both"
      f" output rows. */")
    a(f"  static void {name}(float[] in, int inBase, int c, int rowStride, float[] w,"
      f" int wOff, float[] out, int ob, int outRowStride, int groups, float lo, float hi) {{")
    a(f"    FloatVector b = FloatVector.fromArray(F, w, wOff);")
    a(f"    FloatVector lov = FloatVector.broadcast(F, lo);")
    if upper:
        a(f"    FloatVector hiv = FloatVector.broadcast(F, hi);")
    for kh in range(3):
        for kw in range(3):
            a(f"    FloatVector w{kh}{kw} = FloatVector.fromArray(F, w, wOff + {1 + kh * 3 + kw} * L);")
    a(f"    for (int g = 0; g < groups; g++) {{")
    a(f"      int i0 = inBase + g * {rb} * c;")
    a(f"      int o = ob + g * {rb} * c;")
    for r in range(rb):
        a(f"      FloatVector a{r} = b;")
        a(f"      FloatVector b{r} = b;")
    # Input row k feeds output row 0 as kh = k and output row 1 as kh = k - 1: in both cases
    # the taps arrive in (kh, kw) order, the order of every other depthwise path.
    for k in range(4):
        for i in range(rb + 2):
            a(f"      FloatVector x{k}_{i} = FloatVector.fromArray(F, in, i0 + {k} * rowStride + {i} * c);")
            for kw in range(3):
                r = i - kw
                if 0 <= r < rb:
                    if k <= 2:
                        a(f"      a{r} = x{k}_{i}.fma(w{k}{kw}, a{r});")
                    if k >= 1:
                        a(f"      b{r} = x{k}_{i}.fma(w{k - 1}{kw}, b{r});")
    for r in range(rb):
        base = "o" if r == 0 else f"o + {r} * c"
        for acc, extra in (("a", ""), ("b", " + outRowStride")):
            v = f"lov.max({acc}{r})"
            if upper:
                v += ".min(hiv)"
            a(f"      {v}.intoArray(out, {base}{extra});")
    a(f"    }}")
    a(f"  }}")
    return "\n".join(L)


def dw3x3s1_two_rows_blocks_method(rb, upper):
    """The two-row kernel over every channel block of a pixel group before the next group, so
    a row pair streams through memory once, in address order (weights reload per block)."""
    L = []
    a = L.append
    name = f"dw3x3s1r2x{rb}cb" + ("" if upper else "lo")
    a(f"  /** Depthwise 3x3 stride 1, 2 rows x {rb} pixels x every channel block per group. */")
    a(f"  static void {name}(float[] in, int inBase, int c, int rowStride, float[] w,"
      f" int wOff, float[] out, int ob, int outRowStride, int groups, int blocks, float lo,"
      f" float hi) {{")
    a(f"    FloatVector lov = FloatVector.broadcast(F, lo);")
    if upper:
        a(f"    FloatVector hiv = FloatVector.broadcast(F, hi);")
    a(f"    for (int g = 0; g < groups; g++) {{")
    a(f"      for (int k = 0; k < blocks; k++) {{")
    a(f"      int i0 = inBase + g * {rb} * c + k * L;")
    a(f"      int o = ob + g * {rb} * c + k * L;")
    a(f"      int wk = wOff + k * 10 * L;")
    a(f"      FloatVector b = FloatVector.fromArray(F, w, wk);")
    for kh in range(3):
        for kw in range(3):
            a(f"      FloatVector w{kh}{kw} = FloatVector.fromArray(F, w, wk + {1 + kh * 3 + kw} * L);")
    for r in range(rb):
        a(f"      FloatVector a{r} = b;")
        a(f"      FloatVector b{r} = b;")
    for k in range(4):
        for i in range(rb + 2):
            a(f"      FloatVector x{k}_{i} = FloatVector.fromArray(F, in, i0 + {k} * rowStride + {i} * c);")
            for kw in range(3):
                r = i - kw
                if 0 <= r < rb:
                    if k <= 2:
                        a(f"      a{r} = x{k}_{i}.fma(w{k}{kw}, a{r});")
                    if k >= 1:
                        a(f"      b{r} = x{k}_{i}.fma(w{k - 1}{kw}, b{r});")
    for r in range(rb):
        base = "o" if r == 0 else f"o + {r} * c"
        for acc, extra in (("a", ""), ("b", " + outRowStride")):
            v = f"lov.max({acc}{r})"
            if upper:
                v += ".min(hiv)"
            a(f"      {v}.intoArray(out, {base}{extra});")
    a(f"      }}")
    a(f"    }}")
    a(f"  }}")
    return "\n".join(L)


def dispatch():
    L = []
    a = L.append
    a("  @Override")
    a("  public void convTile(int nv, int rb, float[] in, int inBase, int ps, int col, int rowW,")
    a("      int rowJump, int[] kOff, int kTotal, float[] w, int wOff, float[] out, int ob, int ops,")
    a("      int lastLanes, float lo, float hi) {")
    a("    boolean uniform = col + rb <= rowW;")
    a("    boolean full = lastLanes == L;")
    a("    if (kOff == null && uniform) {")
    a("      gemmTile(nv, rb, in, inBase, ps, kTotal, w, wOff, out, ob, ops, lastLanes, lo, hi);")
    a("      return;")
    a("    }")
    a("    switch (nv * 100 + rb) {")
    uargs = "(in, inBase, ps, kOff, kTotal, w, wOff, out, ob, ops, lastLanes, lo, hi)"
    wargs = "(in, inBase, ps, col, rowW, rowJump, kOff, kTotal, w, wOff, out, ob, ops, lastLanes, lo, hi)"
    cn = conv_name
    for nv, rb in CONV_BLOCKS:
        a(f"      case {nv * 100 + rb}:")
        if not plain_stores(nv):
            # Masked methods take whole masks only; partial panels go to the Tails methods.
            p = lambda wrap: conv_name(nv, rb, wrap, True)[:-1] + "p"
            if rb == 1:
                a(f"        if (full) {{")
                a(f"          {cn(nv, rb, False, True)}{uargs};")
                a(f"        }} else {{")
                a(f"          {p(False)}{uargs};")
                a(f"        }}")
            else:
                a(f"        if (uniform && full) {{")
                a(f"          {cn(nv, rb, False, True)}{uargs};")
                a(f"        }} else if (uniform) {{")
                a(f"          {p(False)}{uargs};")
                a(f"        }} else if (full) {{")
                a(f"          {cn(nv, rb, True, True)}{wargs};")
                a(f"        }} else {{")
                a(f"          {p(True)}{wargs};")
                a(f"        }}")
        elif rb == 1:
            a(f"        if (full) {{")
            a(f"          {cn(nv, rb, False, False)}{uargs};")
            a(f"        }} else {{")
            a(f"          {cn(nv, rb, False, True)}{uargs};")
            a(f"        }}")
        else:
            a(f"        if (uniform && full) {{")
            a(f"          {cn(nv, rb, False, False)}{uargs};")
            a(f"        }} else if (uniform) {{")
            a(f"          {cn(nv, rb, False, True)}{uargs};")
            a(f"        }} else if (full) {{")
            a(f"          {cn(nv, rb, True, False)}{wargs};")
            a(f"        }} else {{")
            a(f"          {cn(nv, rb, True, True)}{wargs};")
            a(f"        }}")
        a(f"        return;")
    a("      default: throw new IllegalArgumentException(\"no conv tile \" + nv + \"x\" + rb);")
    a("    }")
    a("  }")
    return "\n".join(L)


def residual_dispatch():
    """Full 4x6 panels with the residual added in the store; other tiles return false."""
    L = []
    a = L.append
    a("  @Override")
    a("  public boolean convTileResidual(int nv, int rb, float[] in, int inBase, int ps, int col,")
    a("      int rowW, int rowJump, int[] kOff, int kTotal, float[] w, int wOff, float[] out, int ob,")
    a("      int ops, int lastLanes, float lo, float hi, float[] res, int rOff) {")
    a("    if (!RESIDUAL_TILES || nv != 4 || rb != 6 || lastLanes != L) {")
    a("      return false;")
    a("    }")
    a("    if (col + rb <= rowW) {")
    a("      if (kOff == null) {")
    a("        gemm4x6mr(in, inBase, ps, null, kTotal, w, wOff, out, ob, ops, L, lo, hi, res, rOff);")
    a("      } else {")
    a("        conv4x6mr(in, inBase, ps, kOff, kTotal, w, wOff, out, ob, ops, L, lo, hi, res, rOff);")
    a("      }")
    a("    } else {")
    a("      if (kOff == null) {")
    a("        return false;")
    a("      }")
    a("      conv4x6wmr(in, inBase, ps, col, rowW, rowJump, kOff, kTotal, w, wOff, out, ob, ops, L,")
    a("          lo, hi, res, rOff);")
    a("    }")
    a("    return true;")
    a("  }")
    return "\n".join(L)


def gemm_dispatch():
    """Uniform tiles whose step k reads input offset k."""
    L = []
    a = L.append
    a("  private static void gemmTile(int nv, int rb, float[] in, int inBase, int ps, int kTotal,")
    a("      float[] w, int wOff, float[] out, int ob, int ops, int lastLanes, float lo, float hi) {")
    a("    boolean full = lastLanes == L;")
    a("    switch (nv * 100 + rb) {")
    args = "(in, inBase, ps, null, kTotal, w, wOff, out, ob, ops, lastLanes, lo, hi)"
    for nv, rb in CONV_BLOCKS:
        a(f"      case {nv * 100 + rb}:")
        g = lambda masked: conv_name(nv, rb, False, masked, True)
        gp = g(True) if plain_stores(nv) else g(True)[:-1] + "p"  # partial last vector
        full = g(False) if plain_stores(nv) else g(True)
        a(f"        if (full) {{")
        a(f"          {full}{args};")
        if rb > 1:
            # A row's whole-vector store must reach no further than the next row.
            a(f"        }} else if (ops == {nv - 1} * L + lastLanes && 2 * ops >= {nv} * L) {{")
            a(f"          {gp}c{args};")
        a(f"        }} else {{")
        a(f"          {gp}{args};")
        a(f"        }}")
        a(f"        return;")
    a("      default: throw new IllegalArgumentException(\"no gemm tile \" + nv + \"x\" + rb);")
    a("    }")
    a("  }")
    return "\n".join(L)


def main():
    methods = [conv_method(nv, rb, wrap, masked) for masked in (False, True) for wrap in (False, True) for nv, rb in CONV_BLOCKS if (rb > 1 or not wrap) and (masked or plain_stores(nv))]
    # Slices of long reductions (see Conv2dPlan.K_SLICE_BYTES): 4-vector panels only.
    methods += [conv_method(4, 6, False, True, accumulate=True, partial=p) for p in (False, True)] + [conv_method(4, 6, True, True, accumulate=True, partial=p) for p in (False, True)] + [conv_method(4, 1, False, True, accumulate=True, partial=p) for p in (False, True)]
    methods += [gemm_dispatch()] + [conv_method(nv, rb, False, masked, True) for masked in (False, True) for nv, rb in CONV_BLOCKS if masked or plain_stores(nv)] + [dw_method(rb) for rb in DW_ROWS] + [dw3x3s1_method(8), dw3x3s2_method(8), dw3x3s1_two_rows_method(4, True), dw3x3s1_two_rows_method(4, False), dw3x3s1_two_rows_blocks_method(4, True), dw3x3s1_two_rows_blocks_method(4, False)] + [slide_method(8), slide_method(7), slide_method(8, 2), slide_method(7, 2), slide_method(1)] + [slide_two_rows_method(8), slide_two_rows_method(7), slide_two_rows_method(8, 2), slide_two_rows_method(7, 2)]
    # Partial 4-vector panels (masked methods take whole masks only).
    methods += [conv_method(nv, rb, wrap, True, partial=True) for wrap in (False, True) for nv, rb in CONV_BLOCKS if not plain_stores(nv) and (rb > 1 or not wrap)]
    methods += [conv_method(nv, rb, False, True, True, partial=True) for nv, rb in CONV_BLOCKS if not plain_stores(nv)]
    # GEMM tiles of a single partial block (MobileNetV2's 24-channel layers).
    methods += [conv_method(nv, rb, False, True, True, contiguous=True, partial=not plain_stores(nv)) for nv, rb in CONV_BLOCKS if rb > 1]
    # Residual tiles (see residual_dispatch).
    methods += [residual_dispatch(),
                conv_method(4, 6, False, True, True, residual=True),
                conv_method(4, 6, False, True, residual=True),
                conv_method(4, 6, True, True, residual=True)]
    body = "\n\n".join([dispatch()] + methods)
    src = f"""// GENERATED by kernels/src/gen/gen_simd_conv.py; edit the generator, not this file.
package io.convspark.kernels.internal.simd;

import static io.convspark.kernels.internal.simd.Species.F;
import static io.convspark.kernels.internal.simd.Species.LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/** Generated register-blocked conv and depthwise micro-kernels, one flat loop each. */
final class SimdConvKernels extends SimdConvSupport {{
  private static final int L = LANES;
  /**
   * Residual tiles on JDK 17 only (system property convspark.residualTiles overrides): JDK 25's
   * C1 bails out of them ("out of virtual registers") and the kernel stays in boxing code; 18
   * to 24 are not measured.
   */
  private static final boolean RESIDUAL_TILES = Boolean.parseBoolean(System.getProperty(
      "convspark.residualTiles", String.valueOf(Runtime.version().feature() <= 17)));

{body}
}}
"""
    OUT.write_text(src)


if __name__ == "__main__":
    main()
