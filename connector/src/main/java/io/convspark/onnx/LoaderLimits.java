package io.convspark.onnx;

/**
 * Caps the loader checks before it allocates anything for a model or a tensor. Hostile files
 * declare sizes they do not hold; every declared size is checked against these limits and
 * against the bytes actually present before an array is created.
 *
 * @param maxModelBytes size of the serialized ModelProto (protobuf cannot exceed 2 GiB - 1;
 *     larger models must store weights as external data)
 * @param maxWeightBytes total decoded bytes of all initializers, Constant values and tensor
 *     attributes, embedded or external
 * @param maxTensorElements element count of any one tensor (a Java array holds fewer than 2^31)
 */
public record LoaderLimits(long maxModelBytes, long maxWeightBytes, long maxTensorElements) {

  /** The largest Java array the loader will allocate. */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  /** 2 GiB - 1 of model, 1 GiB of weights, 2^31 - 9 elements per tensor. */
  public static final LoaderLimits DEFAULT =
      new LoaderLimits(Integer.MAX_VALUE, 1L << 30, MAX_ARRAY);

  public LoaderLimits {
    if (maxModelBytes <= 0 || maxModelBytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("cannot use maxModelBytes " + maxModelBytes
          + ": must be between 1 and " + Integer.MAX_VALUE + " (protobuf's 2 GiB - 1 limit)");
    }
    if (maxWeightBytes < 0) {
      throw new IllegalArgumentException("cannot use maxWeightBytes " + maxWeightBytes
          + ": must be zero or positive");
    }
    if (maxTensorElements < 0 || maxTensorElements > MAX_ARRAY) {
      throw new IllegalArgumentException("cannot use maxTensorElements " + maxTensorElements
          + ": must be between 0 and " + MAX_ARRAY + " (the largest Java array)");
    }
  }

  public LoaderLimits withMaxModelBytes(long v) {
    return new LoaderLimits(v, maxWeightBytes, maxTensorElements);
  }

  public LoaderLimits withMaxWeightBytes(long v) {
    return new LoaderLimits(maxModelBytes, v, maxTensorElements);
  }

  public LoaderLimits withMaxTensorElements(long v) {
    return new LoaderLimits(maxModelBytes, maxWeightBytes, v);
  }
}
