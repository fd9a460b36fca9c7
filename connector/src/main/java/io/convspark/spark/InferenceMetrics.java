package io.convspark.spark;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Named accumulators, visible in the Spark UI's stage page: images, error rows, the
 * nanoseconds spent converting inputs and running the model (images/s = images / seconds), and
 * how many executor JVMs deserialized the model, and how many batches ran.
 */
public final class InferenceMetrics implements Serializable {
  private static final long serialVersionUID = 1L;
  final LongAccumulator images;
  final LongAccumulator errors;
  final LongAccumulator convertNanos;
  final LongAccumulator inferNanos;
  final LongAccumulator modelLoads;
  final LongAccumulator batches;

  InferenceMetrics(SparkContext sc) {
    images = sc.longAccumulator("convspark.images");
    errors = sc.longAccumulator("convspark.errorRows");
    convertNanos = sc.longAccumulator("convspark.decodeNanos");
    inferNanos = sc.longAccumulator("convspark.inferenceNanos");
    modelLoads = sc.longAccumulator("convspark.modelLoads");
    batches = sc.longAccumulator("convspark.batches");
  }

  /** Batches run; fewer rows per batch than the batch size means the byte budget closed it. */
  public long batches() {
    return batches.value();
  }

  /** Executor JVMs that deserialized the model for this job (0 when it was cached). */
  public long modelLoads() {
    return modelLoads.value();
  }

  public long images() {
    return images.value();
  }

  public long errors() {
    return errors.value();
  }

  public double decodeSeconds() {
    return convertNanos.value() / 1e9;
  }

  public double inferenceSeconds() {
    return inferNanos.value() / 1e9;
  }

  /** Images per second of model time, across all tasks. */
  public double imagesPerInferenceSecond() {
    double s = inferenceSeconds();
    return s == 0 ? 0 : images() / s;
  }
}
