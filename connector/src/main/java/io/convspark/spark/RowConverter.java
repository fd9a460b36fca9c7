package io.convspark.spark;

import io.convspark.image.ImageException;
import io.convspark.image.ImagePreprocessor;

/** One row of an Arrow input batch -> NHWC floats in the batch buffer, or why it cannot be. */
final class RowConverter {
  private final InputKind kind;
  private final ImagePreprocessor images;
  private final boolean nchw;
  private final int h;
  private final int w;
  private final int c;

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
      return new RowError("NULL_INPUT", "the input column value is null", "input");
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
      return new RowError("INTERNAL", "unexpected " + e.getClass().getSimpleName() + ": "
          + e.getMessage(), "convert");
    }
  }

  private RowError fromStruct(ArrowInputBatch b, int i, float[] dst, int off)
      throws ImageException {
    String[] names = {"height", "width", "nChannels", "mode", "data"};
    boolean[] nulls = {b.height.isNull(i), b.width.isNull(i), b.channels.isNull(i),
        b.mode.isNull(i), b.bytes.isNull(i)};
    for (int k = 0; k < names.length; k++) {
      if (nulls[k]) {
        return new RowError("BAD_STRUCT", "image struct field '" + names[k] + "' is null",
            "struct");
      }
    }
    images.fromImageStruct(b.height.get(i), b.width.get(i), b.channels.get(i), b.mode.get(i),
        b.bytes.get(i), dst, off);
    return null;
  }

  private RowError fromTensor(ArrowInputBatch b, int i, float[] dst, int off) {
    int size = floatsPerImage();
    int found = b.tensorCount[i];
    if (found != size) {
      return new RowError("BAD_SHAPE", "tensor has " + (found > size ? "more than " + size
          : Integer.toString(found)) + " values, the model needs " + size + " (" + (nchw
          ? c + "x" + h + "x" + w + ", NCHW" : h + "x" + w + "x" + c + ", NHWC") + ")", "input");
    }
    int base = i * size;
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
}
