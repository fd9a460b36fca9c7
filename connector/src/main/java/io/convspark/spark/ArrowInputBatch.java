package io.convspark.spark;

import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.spark.sql.Row;

/**
 * One batch of the input column as Arrow vectors in the task's allocator: encoded bytes,
 * image-struct fields, or flattened tensors (one Float4 run per row). Reused batch to batch;
 * close it to release its buffers.
 */
final class ArrowInputBatch implements AutoCloseable {
  final InputKind kind;
  private final int index;
  private final int tensorSize;
  final VectorSchemaRoot root;
  final VarBinaryVector bytes;
  final IntVector height;
  final IntVector width;
  final IntVector channels;
  final IntVector mode;
  final Float4Vector tensor;
  /** What each row's tensor held: value count (size + 1 for too many), nesting, nulls. */
  final Tensors.Found[] tensorFound;
  final boolean[] rowNull;

  ArrowInputBatch(BufferAllocator allocator, InputKind kind, int index, int tensorSize,
      int batch) {
    this.kind = kind;
    this.index = index;
    this.tensorSize = tensorSize;
    this.bytes = kind == InputKind.TENSOR ? null : new VarBinaryVector("data", allocator);
    boolean struct = kind == InputKind.IMAGE_STRUCT;
    this.height = struct ? new IntVector("height", allocator) : null;
    this.width = struct ? new IntVector("width", allocator) : null;
    this.channels = struct ? new IntVector("nChannels", allocator) : null;
    this.mode = struct ? new IntVector("mode", allocator) : null;
    this.tensor = kind == InputKind.TENSOR ? new Float4Vector("tensor", allocator) : null;
    this.tensorFound = new Tensors.Found[batch];
    this.rowNull = new boolean[batch];
    List<FieldVector> vectors = new java.util.ArrayList<>();
    for (FieldVector v : new FieldVector[] {bytes, height, width, channels, mode, tensor}) {
      if (v != null) {
        vectors.add(v);
      }
    }
    this.root = new VectorSchemaRoot(vectors);
  }

  /** The bytes {@code r} adds to a batch: its encoded bytes, pixels, or floats. */
  long inputBytes(Row r) {
    if (r.isNullAt(index)) {
      return 0;
    }
    switch (kind) {
      case ENCODED:
        return ((byte[]) r.get(index)).length;
      case IMAGE_STRUCT: {
        Row s = r.getStruct(index);
        int d = s.fieldIndex("data");
        return s.isNullAt(d) ? 0 : ((byte[]) s.get(d)).length;
      }
      default:
        return 4L * tensorSize;
    }
  }

  /** Writes rows[0..n) into the vectors, replacing the previous batch. */
  void fill(Row[] rows, int n) {
    root.allocateNew();
    for (int i = 0; i < n; i++) {
      Row r = rows[i];
      rowNull[i] = r.isNullAt(index);
      if (rowNull[i]) {
        continue;
      }
      switch (kind) {
        case ENCODED:
          bytes.setSafe(i, (byte[]) r.get(index));
          break;
        case IMAGE_STRUCT: {
          Row s = r.getStruct(index);
          setInt(height, i, s, "height");
          setInt(width, i, s, "width");
          setInt(channels, i, s, "nChannels");
          setInt(mode, i, s, "mode");
          int d = s.fieldIndex("data");
          if (!s.isNullAt(d)) {
            bytes.setSafe(i, (byte[]) s.get(d));
          }
          break;
        }
        default:
          tensorFound[i] = Tensors.fillArrow(r.get(index), tensor, i * tensorSize, tensorSize);
      }
    }
    root.setRowCount(n);
    if (tensor != null) {
      tensor.setValueCount(n * tensorSize);
    }
  }

  private static void setInt(IntVector v, int i, Row s, String field) {
    int f = s.fieldIndex(field);
    if (!s.isNullAt(f)) {
      v.setSafe(i, s.getInt(f));
    }
  }

  @Override
  public void close() {
    root.close();
  }
}
