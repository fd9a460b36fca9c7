package io.convspark.graph.pass;

import io.convspark.graph.Graph;

/** One graph rewrite; {@link #apply} returns true when it changed the graph. */
public interface Pass {
  boolean apply(Graph g);

  /** Pass name for logs and inspect output. */
  default String name() {
    return getClass().getSimpleName();
  }
}
