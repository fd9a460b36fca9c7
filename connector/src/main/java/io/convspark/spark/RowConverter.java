package io.convspark.spark;

import io.convspark.image.ImageException;
import io.convspark.image.ImagePreprocessor;
import org.apache.spark.sql.Row;

/** One input value -> NHWC floats in the batch buffer, or the reason it cannot be. */
final class RowConverter {
  private final InputKind kind;
  private final int index;
  private final ImagePreprocessor images;
  private final boolean nchw;
  private final int h;
  private final int w;
  private final int c;

  RowConverter(InferenceSettings s, InputKind kind, int index) {
    this.kind = kind;
    this.index = index;
    this.images = new ImagePreprocessor(s.preprocess());
    this.nchw = s.tensorNchw();
    this.h = s.preprocess().height();
    this.w = s.preprocess().width();
    this.c = s.preprocess().channels();
  }

  int floatsPerImage() {
    return h * w * c;
  }

  /** Writes the row's image at {@code dst[off..]}; returns null on success, else the error. */
  RowError convert(Row row, float[] dst, int off) {
    if (row.isNullAt(index)) {
      return new RowError("NULL_INPUT", "the input column value is null", "input");
    }
    try {
      switch (kind) {
        case ENCODED: {
          byte[] bytes = (byte[]) row.get(index);
          images.fromEncoded(bytes, 0, bytes.length, dst, off);
          return null;
        }
        case IMAGE_STRUCT:
          return fromStruct(row.getStruct(index), dst, off);
        default:
          return Tensors.fill(row.get(index), nchw, h, w, c, dst, off);
      }
    } catch (ImageException e) {
      return new RowError(e.code().name(), e.getMessage(), e.stage());
    } catch (RuntimeException e) {
      return new RowError("INTERNAL", "unexpected " + e.getClass().getSimpleName() + ": "
          + e.getMessage(), "convert");
    }
  }

  private RowError fromStruct(Row s, float[] dst, int off) throws ImageException {
    for (String f : new String[] {"height", "width", "nChannels", "mode", "data"}) {
      if (s.isNullAt(s.fieldIndex(f))) {
        return new RowError("BAD_STRUCT", "image struct field '" + f + "' is null", "struct");
      }
    }
    images.fromImageStruct(s.getInt(s.fieldIndex("height")), s.getInt(s.fieldIndex("width")),
        s.getInt(s.fieldIndex("nChannels")), s.getInt(s.fieldIndex("mode")),
        (byte[]) s.get(s.fieldIndex("data")), dst, off);
    return null;
  }
}
