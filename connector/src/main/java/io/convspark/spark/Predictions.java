package io.convspark.spark;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Turns one image's output floats into the prediction column's value. */
final class Predictions {
  private final OutputKind kind;
  private final boolean softmaxed;
  private final int classes;
  private final int k;
  private final List<String> labels;
  private final int outputIndex;

  Predictions(InferenceSettings s, boolean softmaxed, int classes) {
    this.kind = s.output();
    this.softmaxed = softmaxed;
    this.classes = classes;
    this.k = s.topK();
    this.labels = s.labels();
    this.outputIndex = s.outputIndex();
  }

  int outputIndex() {
    return outputIndex;
  }

  Object format(float[] out, int off) {
    float[] v = java.util.Arrays.copyOfRange(out, off, off + classes);
    if (kind == OutputKind.RAW || kind == OutputKind.EMBEDDING) {
      return v;
    }
    if (!softmaxed) {
      softmax(v);
    }
    if (kind == OutputKind.PROBABILITIES) {
      return v;
    }
    Row[] top = new Row[k];
    boolean[] taken = new boolean[classes];
    for (int j = 0; j < k; j++) {
      int best = -1;
      for (int i = 0; i < classes; i++) {
        if (!taken[i] && (best < 0 || v[i] > v[best])) {
          best = i;
        }
      }
      taken[best] = true;
      top[j] = RowFactory.create(best, labels.isEmpty() ? Integer.toString(best)
          : labels.get(best), v[best]);
    }
    return top;
  }

  /** Softmax in double, so the probabilities sum to 1 within float rounding. */
  static void softmax(float[] v) {
    double max = Double.NEGATIVE_INFINITY;
    for (float x : v) {
      max = Math.max(max, x);
    }
    double sum = 0;
    double[] e = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      e[i] = Math.exp(v[i] - max);
      sum += e[i];
    }
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (e[i] / sum);
    }
  }
}
