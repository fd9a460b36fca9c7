package io.convspark.spark;

import io.convspark.image.PreprocessOptions;
import java.io.Serializable;
import java.util.List;

/**
 * Everything the executors need besides the model: validated on the driver, shipped with the
 * partition function.
 *
 * @param tensorNchw true when array inputs are in ONNX (NCHW) order, false for NHWC
 * @param threads worker threads per task, 0 for {@code spark.task.cpus}
 * @param outputIndex which model output the prediction column is made from
 * @param pinCores pin each task's workers to distinct cores (executor-wide core allocator)
 * @param maxBatchBytes input bytes per batch: a batch closes early rather than go over it, so
 *     that large encoded images never overflow an Arrow vector's 2 GiB offsets
 */
record InferenceSettings(String inputCol, PreprocessOptions preprocess, boolean tensorNchw,
    int batchSize, int threads, OutputKind output, int topK, List<String> labels,
    String outputCol, String errorCol, int outputIndex, boolean pinCores, long maxBatchBytes)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  InferenceSettings withInputCol(String v) {
    return new InferenceSettings(v, preprocess, tensorNchw, batchSize, threads, output, topK,
        labels, outputCol, errorCol, outputIndex, pinCores, maxBatchBytes);
  }

  InferenceSettings withPreprocess(PreprocessOptions v) {
    return new InferenceSettings(inputCol, v, tensorNchw, batchSize, threads, output, topK,
        labels, outputCol, errorCol, outputIndex, pinCores, maxBatchBytes);
  }

  InferenceSettings withTensorNchw(boolean v) {
    return new InferenceSettings(inputCol, preprocess, v, batchSize, threads, output, topK,
        labels, outputCol, errorCol, outputIndex, pinCores, maxBatchBytes);
  }

  InferenceSettings withBatchSize(int v) {
    return new InferenceSettings(inputCol, preprocess, tensorNchw, v, threads, output, topK,
        labels, outputCol, errorCol, outputIndex, pinCores, maxBatchBytes);
  }

  InferenceSettings withThreads(int v) {
    return new InferenceSettings(inputCol, preprocess, tensorNchw, batchSize, v, output, topK,
        labels, outputCol, errorCol, outputIndex, pinCores, maxBatchBytes);
  }

  InferenceSettings withOutput(OutputKind kind, int k, List<String> l, int index) {
    return new InferenceSettings(inputCol, preprocess, tensorNchw, batchSize, threads, kind, k,
        l, outputCol, errorCol, index, pinCores, maxBatchBytes);
  }

  InferenceSettings withOutputCol(String v) {
    return new InferenceSettings(inputCol, preprocess, tensorNchw, batchSize, threads, output,
        topK, labels, v, errorCol, outputIndex, pinCores, maxBatchBytes);
  }

  InferenceSettings withErrorCol(String v) {
    return new InferenceSettings(inputCol, preprocess, tensorNchw, batchSize, threads, output,
        topK, labels, outputCol, v, outputIndex, pinCores, maxBatchBytes);
  }

  InferenceSettings withMaxBatchBytes(long v) {
    return new InferenceSettings(inputCol, preprocess, tensorNchw, batchSize, threads, output,
        topK, labels, outputCol, errorCol, outputIndex, pinCores, v);
  }

  InferenceSettings withPinCores(boolean v) {
    return new InferenceSettings(inputCol, preprocess, tensorNchw, batchSize, threads, output,
        topK, labels, outputCol, errorCol, outputIndex, v,
        maxBatchBytes);
  }
}
