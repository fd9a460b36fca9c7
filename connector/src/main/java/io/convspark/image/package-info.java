/**
 * Images to model input tensors, for the Spark connector: encoded JPEG/PNG/BMP/GIF bytes or
 * Spark image-data-source structs become height x width x channels floats (NHWC, channels in
 * the model's order), written into a caller-owned batch buffer in one pass.
 *
 * <p>Audience: the connector and library users preprocessing images themselves. Rules:
 *
 * <ul>
 *   <li>{@link io.convspark.image.ImagePreprocessor} is immutable and thread-safe; build one
 *       per job and share it across tasks. It owns no native memory and is not closeable;
 *       every call allocates only an {@code ImageReader} (disposed in {@code finally}), the
 *       decoded raster and a few small index arrays.
 *   <li>Every per-image problem is an {@link io.convspark.image.ImageException} with a stable
 *       {@link io.convspark.image.ImageException.Code}; on an exception the destination is
 *       unchanged. Caller bugs (null or too short destination) are unchecked exceptions.
 *   <li>Sizes are checked from the image header before pixels are decoded
 *       ({@code maxPixels}, {@code maxDecodedToFileRatio}); no JVM-wide state is touched
 *       (ImageIO's disk cache is avoided by reading from a memory-cached stream, so
 *       {@code ImageIO.setUseCache} is left alone).
 *   <li>Spark structs are uint8, row-major HWC, BGR(A) or gray, as Spark's {@code ImageSchema}
 *       stores them; this package owns the BGR to model-order conversion.
 * </ul>
 */
package io.convspark.image;
