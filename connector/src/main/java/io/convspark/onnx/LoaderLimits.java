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
 * @param maxNodes nodes in the graph, Constant nodes included; graph passes are not linear in
 *     the node count, so a model of millions of tiny nodes must not reach them
 */
public record LoaderLimits(long maxModelBytes, long maxWeightBytes, long maxTensorElements,
    long maxNodes) {

  /** The largest Java array the loader will allocate. */
  static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  /** Real CNNs have hundreds to a few thousand nodes (EfficientNet-B7: about 3,000). */
  public static final long DEFAULT_MAX_NODES = 20_000;

  /** 2 GiB - 1 of model, 1 GiB of weights, 2^31 - 9 elements per tensor, 20,000 nodes. */
  public static final LoaderLimits DEFAULT =
      new LoaderLimits(Integer.MAX_VALUE, 1L << 30, MAX_ARRAY, DEFAULT_MAX_NODES);

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
    if (maxNodes <= 0) {
      throw new IllegalArgumentException("cannot use maxNodes " + maxNodes + ": must be"
          + " positive");
    }
  }

  /** The default node limit with the given size limits. */
  public LoaderLimits(long maxModelBytes, long maxWeightBytes, long maxTensorElements) {
    this(maxModelBytes, maxWeightBytes, maxTensorElements, DEFAULT_MAX_NODES);
  }

  public LoaderLimits withMaxModelBytes(long v) {
    return new LoaderLimits(v, maxWeightBytes, maxTensorElements, maxNodes);
  }

  public LoaderLimits withMaxWeightBytes(long v) {
    return new LoaderLimits(maxModelBytes, v, maxTensorElements, maxNodes);
  }

  public LoaderLimits withMaxTensorElements(long v) {
    return new LoaderLimits(maxModelBytes, maxWeightBytes, v, maxNodes);
  }

  public LoaderLimits withMaxNodes(long v) {
    return new LoaderLimits(maxModelBytes, maxWeightBytes, maxTensorElements, v);
  }
}
