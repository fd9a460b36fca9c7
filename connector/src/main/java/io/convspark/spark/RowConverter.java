package io.convspark.spark;

import io.convspark.image.ImageException;
import io.convspark.image.ImageException.Code;
import io.convspark.image.ImagePreprocessor;

/**
 * One row of an Arrow input batch -> NHWC floats in the batch buffer, or why it cannot be.
 *
 * <p>Data problems become a {@link RowError} (codes from {@link Code}); a {@code
 * RuntimeException} from converting one row becomes {@link RowError#INTERNAL} so that the
 * other rows still run. Errors ({@code OutOfMemoryError}, {@code StackOverflowError}) are not
 * caught: they fail the task and Spark retries it.
 */
final class RowConverter {
  private final InputKind kind;
  private final ImagePreprocessor images;
  private final boolean nchw;
  private final int h;
  private final int w;
  private final int c;
  private byte[] pixels = new byte[0];

  RowConverter(InferenceSettings s, InputKind kind) {
    this.kind = kind;
    this.images = new ImagePreprocessor(s.preprocess());
    this.nchw = s.tensorNchw();
    this.h = s.preprocess().height();
    this.w = s.preprocess().width();
    this.c = s.preprocess().channels();
  }

  int floatsPerImage() {
    return h * w * c;
  }

  /** Writes row {@code i}'s image at {@code dst[off..]}; null on success, else the error. */
  RowError convert(ArrowInputBatch b, int i, float[] dst, int off) {
    if (b.rowNull[i]) {
      return new RowError(Code.NULL_INPUT.name(), "the input column value is null", "input");
    }
    try {
      switch (kind) {
        case ENCODED: {
          byte[] bytes = b.bytes.get(i);
          images.fromEncoded(bytes, 0, bytes.length, dst, off);
          return null;
        }
        case IMAGE_STRUCT:
          return fromStruct(b, i, dst, off);
        default:
          return fromTensor(b, i, dst, off);
      }
    } catch (ImageException e) {
      return new RowError(e.code().name(), e.getMessage(), e.stage());
    } catch (RuntimeException e) {
      return new RowError(RowError.INTERNAL, "unexpected " + e.getClass().getSimpleName()
          + ": " + e.getMessage(), "convert");
    }
  }

  private RowError fromStruct(ArrowInputBatch b, int i, float[] dst, int off)
      throws ImageException {
    if (b.bytes.isNull(i)) {
      return new RowError(Code.NULL_INPUT.name(), "image struct field 'data' is null",
          "struct");
    }
    String[] names = {"height", "width", "nChannels", "mode"};
    boolean[] nulls = {b.height.isNull(i), b.width.isNull(i), b.channels.isNull(i),
        b.mode.isNull(i)};
    for (int k = 0; k < names.length; k++) {
      if (nulls[k]) {
        return new RowError(Code.INVALID_IMAGE_STRUCT.name(), "image struct field '"
            + names[k] + "' is null", "struct");
      }
    }
    // One reused buffer: b.bytes.get(i) would allocate a copy of every image (150 KB at 224).
    int length = b.bytes.getValueLength(i);
    if (pixels.length < length) {
      pixels = new byte[length];
    }
    b.bytes.getDataBuffer().getBytes(b.bytes.getStartOffset(i), pixels, 0, length);
    images.fromImageStruct(b.height.get(i), b.width.get(i), b.channels.get(i), b.mode.get(i),
        pixels, 0, length, dst, off);
    return null;
  }

  /**
   * Array inputs. Shape: a flat array must hold exactly {@code floatsPerImage()} values; a
   * nested one must have the model input's shape, (1, C, H, W) for NCHW or (1, H, W, C) for
   * NHWC, with the leading dimensions merged into the outermost array (so [C][H][W] and
   * [1][C][H][W] both fit), and no ragged arrays.
   *
   * <p>Non-finite policy: a row holding NaN or an infinity is flagged NON_FINITE_INPUT and its
   * prediction is null, like every error row; it is not sent to the model. So "error is null"
   * still means "the prediction is valid", a NaN never reaches top-k or softmax (whose answer
   * for NaN scores is arbitrary), and the other rows of the batch are unaffected. The kernels
   * themselves propagate NaN/Inf per IEEE 754 (tested in kernels/).
   */
  private RowError fromTensor(ArrowInputBatch b, int i, float[] dst, int off) {
    int size = floatsPerImage();
    Tensors.Found found = b.tensorFound[i];
    String layout = nchw ? c + "x" + h + "x" + w + ", NCHW" : h + "x" + w + "x" + c + ", NHWC";
    if (found.nullAt() >= 0) {
      return new RowError(Code.NULL_INPUT.name(), "tensor element " + found.nullAt()
          + " (in flat order) is null", "input");
    }
    if (found.notNumeric() || found.count() != size) {
      return new RowError(Code.SHAPE_MISMATCH.name(), "tensor has " + (found.count() > size
          ? "more than " + size : Integer.toString(found.count())) + " values, the model needs "
          + size + " (" + layout + ")", "input");
    }
    String shapeError = shapeError(found);
    if (shapeError != null) {
      return new RowError(Code.SHAPE_MISMATCH.name(), "tensor shape " + found.shape()
          + " holds " + size + " values but " + shapeError + " (" + layout + ")", "input");
    }
    int base = i * size;
    for (int k = 0; k < size; k++) {
      float v = b.tensor.get(base + k);
      if (!Float.isFinite(v)) {
        return new RowError(Code.NON_FINITE_INPUT.name(), "tensor value " + k + " (in flat "
            + "order) is " + v + "; rows with NaN or infinite inputs are not run", "input");
      }
    }
    if (nchw) {
      for (int ch = 0; ch < c; ch++) {
        for (int p = 0; p < h * w; p++) {
          dst[off + p * c + ch] = b.tensor.get(base + ch * h * w + p);
        }
      }
    } else {
      for (int k = 0; k < size; k++) {
        dst[off + k] = b.tensor.get(base + k);
      }
    }
    return null;
  }

  /** Null when the nesting fits the model input, else what it should be. */
  private String shapeError(Tensors.Found found) {
    int[] dims = found.dims();
    if (dims.length <= 1) {
      return null; // flat: the count was checked
    }
    long[] full = nchw ? new long[] {1, c, h, w} : new long[] {1, h, w, c};
    if (dims.length > full.length) {
      return "has " + dims.length + " levels of arrays, at most " + full.length + " fit";
    }
    long[] want = java.util.Arrays.copyOfRange(full, full.length - dims.length, full.length);
    for (int k = 0; k < full.length - dims.length; k++) {
      want[0] *= full[k];
    }
    boolean same = !found.ragged();
    StringBuilder expected = new StringBuilder();
    for (int k = 0; k < dims.length; k++) {
      same &= dims[k] == want[k];
      expected.append('[').append(want[k]).append(']');
    }
    if (same) {
      return null;
    }
    return "the model needs " + expected + (found.ragged() ? " and its arrays differ in length"
        : "");
  }
}
