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
 */
record InferenceSettings(String inputCol, PreprocessOptions preprocess, boolean tensorNchw,
    int batchSize, int threads, OutputKind output, int topK, List<String> labels,
    String outputCol, String errorCol, int outputIndex, boolean pinCores)
    implements Serializable {
  private static final long serialVersionUID = 1L;
}
