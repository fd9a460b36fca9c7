package io.convspark.plan;

import io.convspark.kernels.ChannelAffinePlan;
import io.convspark.kernels.ConcatPlan;
import io.convspark.kernels.Conv2dPlan;
import io.convspark.kernels.ElementwisePlan;
import io.convspark.kernels.FullyConnectedPlan;
import io.convspark.kernels.GlobalPoolPlan;
import io.convspark.kernels.Pool2dPlan;
import io.convspark.kernels.SoftmaxPlan;

/** The step kinds: each wraps one kernel plan and names its arena values. */
final class Steps {
  private Steps() {}

  static final class Conv extends Step {
    final Conv2dPlan plan;
    final int residual;

    Conv(String name, Conv2dPlan plan, int in, int residual, int out) {
      super(name, "Conv", residual >= 0 ? new int[] {in, residual} : new int[] {in}, out);
      this.plan = plan;
      this.residual = residual;
    }

    @Override
    void run(Frame f) {
      plan.execute(f.pool, f.arena, off(f, inputs[0]), f.arena, off(f, output),
          residual >= 0 ? f.arena : null, residual >= 0 ? off(f, residual) : 0, f.batch,
          f.arena, f.scratchOff);
    }

    @Override
    double flops() {
      return plan.shape().flops();
    }

    @Override
    long weightBytes() {
      return plan.packedBytes();
    }

    @Override
    long scratchFloats() {
      return plan.scratchFloats();
    }

    @Override
    String detail() {
      return plan.algorithm().name().toLowerCase(java.util.Locale.ROOT) + " "
          + plan.weightLayout() + " " + plan.shape().kernelH() + "x" + plan.shape().kernelW()
          + "/" + plan.shape().strideH() + (plan.shape().groups() > 1 ? " g"
          + plan.shape().groups() : "") + epilogueText(plan.epilogue());
    }
  }

  static String epilogueText(io.convspark.kernels.Epilogue e) {
    String s = "";
    if (e.residual() == io.convspark.kernels.Epilogue.Residual.BEFORE_ACTIVATION) {
      s += " +residual";
    }
    if (e.activation().kind() != io.convspark.kernels.Activation.Kind.NONE) {
      s += " +" + e.activation().kind().name().toLowerCase(java.util.Locale.ROOT);
    }
    if (e.residual() == io.convspark.kernels.Epilogue.Residual.AFTER_ACTIVATION) {
      s += " +residual";
    }
    return s;
  }

  static final class Gemm extends Step {
    final FullyConnectedPlan plan;
    final int residual;

    Gemm(String name, FullyConnectedPlan plan, int in, int residual, int out) {
      super(name, "Gemm", residual >= 0 ? new int[] {in, residual} : new int[] {in}, out);
      this.plan = plan;
      this.residual = residual;
    }

    @Override
    void run(Frame f) {
      plan.execute(f.pool, f.arena, off(f, inputs[0]), f.arena, off(f, output),
          residual >= 0 ? f.arena : null, residual >= 0 ? off(f, residual) : 0, f.batch);
    }

    @Override
    double flops() {
      return 2.0 * plan.inFeatures() * plan.outFeatures();
    }

    @Override
    long weightBytes() {
      return plan.packedBytes();
    }

    @Override
    String detail() {
      return "fully-connected " + plan.inFeatures() + "->" + plan.outFeatures();
    }
  }

  static final class Pool extends Step {
    final Pool2dPlan plan;

    Pool(String name, String op, Pool2dPlan plan, int in, int out) {
      super(name, op, new int[] {in}, out);
      this.plan = plan;
    }

    @Override
    void run(Frame f) {
      plan.execute(f.pool, f.arena, off(f, inputs[0]), f.arena, off(f, output), f.batch);
    }

    @Override
    String detail() {
      return plan.shape().kernelH() + "x" + plan.shape().kernelW() + "/" + plan.shape().strideH();
    }
  }

  static final class GlobalPool extends Step {
    final GlobalPoolPlan plan;

    GlobalPool(String name, String op, GlobalPoolPlan plan, int in, int out) {
      super(name, op, new int[] {in}, out);
      this.plan = plan;
    }

    @Override
    void run(Frame f) {
      plan.execute(f.pool, f.arena, off(f, inputs[0]), f.arena, off(f, output), f.batch);
    }
  }

  /** Binary op; the second operand is another value, or a constant held by the step. */
  static final class Binary extends Step {
    final ElementwisePlan plan;
    final float[] constant;

    Binary(String name, String op, ElementwisePlan plan, int a, int b, float[] constant,
        int out) {
      super(name, op, b >= 0 ? new int[] {a, b} : new int[] {a}, out);
      this.plan = plan;
      this.constant = constant;
    }

    @Override
    void run(Frame f) {
      if (constant != null) {
        plan.execute(f.pool, f.arena, off(f, inputs[0]), constant, 0, f.arena, off(f, output),
            f.batch);
      } else {
        plan.execute(f.pool, f.arena, off(f, inputs[0]), f.arena, off(f, inputs[1]), f.arena,
            off(f, output), f.batch);
      }
    }

    @Override
    String detail() {
      return plan.broadcast().name().toLowerCase(java.util.Locale.ROOT)
          + (plan.activation().kind() == io.convspark.kernels.Activation.Kind.NONE ? ""
          : " +" + plan.activation().kind().name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  /** Per-channel scale and shift with an activation: standalone BN and activations. */
  static final class Affine extends Step {
    final ChannelAffinePlan plan;
    final String what;

    Affine(String name, String op, ChannelAffinePlan plan, int in, int out, String what) {
      super(name, op, new int[] {in}, out);
      this.plan = plan;
      this.what = what;
    }

    @Override
    void run(Frame f) {
      plan.execute(f.pool, f.arena, off(f, inputs[0]), f.arena, off(f, output), f.batch);
    }

    @Override
    String detail() {
      return what;
    }
  }

  static final class Concat extends Step {
    final ConcatPlan plan;

    Concat(String name, ConcatPlan plan, int[] in, int out) {
      super(name, "Concat", in, out);
      this.plan = plan;
    }

    @Override
    void run(Frame f) {
      for (int i = 0; i < inputs.length; i++) {
        f.arrays[i] = f.arena;
        f.offsets[i] = off(f, inputs[i]);
      }
      plan.execute(f.pool, f.arrays, f.offsets, f.arena, off(f, output), f.batch);
    }
  }

  static final class Softmax extends Step {
    final SoftmaxPlan plan;
    final int rowsPerImage;

    Softmax(String name, SoftmaxPlan plan, int rowsPerImage, int in, int out) {
      super(name, "Softmax", new int[] {in}, out);
      this.plan = plan;
      this.rowsPerImage = rowsPerImage;
    }

    @Override
    void run(Frame f) {
      plan.execute(f.pool, f.arena, off(f, inputs[0]), f.arena, off(f, output),
          f.batch * rowsPerImage);
    }
  }

  /** NHWC -> NCHW per image, for a Flatten/Reshape whose ONNX order is channel-major. */
  static final class ToChannelMajor extends Step {
    final int h;
    final int w;
    final int c;

    ToChannelMajor(String name, String op, int h, int w, int c, int in, int out) {
      super(name, op, new int[] {in}, out);
      this.h = h;
      this.w = w;
      this.c = c;
    }

    @Override
    void run(Frame f) {
      int per = h * w * c;
      int src0 = off(f, inputs[0]);
      int dst0 = off(f, output);
      for (int n = 0; n < f.batch; n++) {
        int s = src0 + n * per;
        int d = dst0 + n * per;
        for (int p = 0; p < h * w; p++) {
          for (int ch = 0; ch < c; ch++) {
            f.arena[d + ch * h * w + p] = f.arena[s + p * c + ch];
          }
        }
      }
    }

    @Override
    String detail() {
      return "NHWC->NCHW " + h + "x" + w + "x" + c;
    }
  }

  /** Reshape/Flatten/Squeeze that keeps the memory order: the output aliases the input. */
  static final class View extends Step {
    View(String name, String op, int in, int out) {
      super(name, op, new int[] {in}, out);
    }

    @Override
    void run(Frame f) {
      // Nothing to do: the planner gave the output the input's slot.
    }

    @Override
    boolean isView() {
      return true;
    }

    @Override
    String detail() {
      return "view";
    }
  }
}
