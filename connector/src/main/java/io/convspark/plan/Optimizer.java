package io.convspark.plan;

import io.convspark.graph.Graph;
import io.convspark.graph.pass.ActivationPatternFusion;
import io.convspark.graph.pass.ConstantFolding;
import io.convspark.graph.pass.ConvActivationFusion;
import io.convspark.graph.pass.ConvAddFusion;
import io.convspark.graph.pass.ConvBatchNormFolding;
import io.convspark.graph.pass.EliminateIdentity;
import io.convspark.graph.pass.MatMulAddFusion;
import io.convspark.graph.pass.Pass;
import io.convspark.graph.pass.ShapeInference;
import io.convspark.graph.pass.ShortcutFirst;
import java.util.List;

/** Freeze (fold, infer shapes, drop no-ops), then fuse, each pass to its fixed point. */
public final class Optimizer {
  private static final int MAX_ROUNDS = 10_000;

  private Optimizer() {}

  public static void freeze(Graph g) {
    freeze(g, CompileLimits.DEFAULT);
  }

  /** Freezes with the folding cap of {@code limits}. */
  public static void freeze(Graph g, CompileLimits limits) {
    List<Pass> freeze = List.of(new ShapeInference(), new EliminateIdentity(),
        new ConstantFolding(limits.maxFoldedElements()));
    fixpoint(g, freeze);
  }

  public static void fuse(Graph g) {
    for (Pass p : List.of(new ConvBatchNormFolding(), new ActivationPatternFusion(),
        new ActivationPatternFusion.ClipSpelling(), new MatMulAddFusion(),
        new ConvActivationFusion(), new ShortcutFirst(), new ConvAddFusion(),
        new ConvActivationFusion())) {
      fixpoint(g, List.of(p));
    }
    new ShapeInference().apply(g);
  }

  private static void fixpoint(Graph g, List<Pass> passes) {
    for (int round = 0; round < MAX_ROUNDS; round++) {
      boolean changed = false;
      for (Pass p : passes) {
        changed |= p.apply(g);
      }
      if (!changed) {
        return;
      }
    }
    throw new IllegalStateException("graph passes did not converge in " + MAX_ROUNDS + " rounds");
  }
}
