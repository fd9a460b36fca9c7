package io.convspark.spark;

/** What the prediction column holds. */
public enum OutputKind {
  /** The model's first output as it is: array<float>. */
  RAW,
  /** Softmax of the first output (left as is when the model already ends in Softmax). */
  PROBABILITIES,
  /** The k most probable classes: array<struct<index:int, label:string, score:float>>. */
  TOP_K,
  /** A named output (e.g. an exposed intermediate value) as array<float>, NCHW order. */
  EMBEDDING
}
