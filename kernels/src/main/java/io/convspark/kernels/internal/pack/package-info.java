/** Internal, no compatibility promise: packers from ONNX layouts into kernel layouts. */
package io.convspark.kernels.internal.pack;
