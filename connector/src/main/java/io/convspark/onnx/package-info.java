/**
 * Loading ONNX models into the compiler's graph IR ({@link io.convspark.onnx.OnnxLoader}) and
 * reading standalone tensors ({@link io.convspark.onnx.OnnxTensors}). For library users and the
 * connector: every model problem is a {@link io.convspark.ModelException}; sizes are capped by
 * {@link io.convspark.onnx.LoaderLimits}; external data is read only from the model's own
 * directory. {@code io.convspark.onnx.proto} holds the generated ONNX protobuf classes
 * (internal; protobuf is relocated in the shaded jar). All classes are stateless and
 * thread-safe.
 */
package io.convspark.onnx;
