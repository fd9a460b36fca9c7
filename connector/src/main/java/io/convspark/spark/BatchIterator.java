package io.convspark.spark;

import io.convspark.plan.ModelSession;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Pulls up to {@code batch} rows, converts them into one NHWC buffer (a bad row gets an
 * error instead), runs the valid ones as one batch, and emits the rows in input order.
 */
final class BatchIterator implements Iterator<Row> {
  private final Iterator<Row> input;
  private final ModelSession session;
  private final RowConverter converter;
  private final Predictions predictions;
  private final int batch;
  private final float[] images;
  private final float[][] outputs;
  private final Row[] rows;
  private final int[] slot;
  private final Row[] errors;
  private final ArrayDeque<Row> ready = new ArrayDeque<>();
  private final InferenceMetrics metrics;
  private final ArrowInputBatch arrow;

  BatchIterator(Iterator<Row> input, ModelSession session, RowConverter converter,
      Predictions predictions, int batch, InferenceMetrics metrics, ArrowInputBatch arrow) {
    this.metrics = metrics;
    this.arrow = arrow;
    this.input = input;
    this.session = session;
    this.converter = converter;
    this.predictions = predictions;
    this.batch = batch;
    this.images = new float[batch * converter.floatsPerImage()];
    this.outputs = new float[][] {new float[batch * session.model().outputSize(0)]};
    this.rows = new Row[batch];
    this.slot = new int[batch];
    this.errors = new Row[batch];
  }

  @Override
  public boolean hasNext() {
    if (ready.isEmpty() && input.hasNext()) {
      nextBatch();
    }
    if (ready.isEmpty()) {
      session.close();
      return false;
    }
    return true;
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }

  private void nextBatch() {
    int n = 0;
    int valid = 0;
    int per = converter.floatsPerImage();
    long t0 = System.nanoTime();
    while (n < batch && input.hasNext()) {
      rows[n++] = input.next();
    }
    arrow.fill(rows, n);
    for (int i = 0; i < n; i++) {
      errors[i] = null;
      slot[i] = -1;
      RowError e = converter.convert(arrow, i, images, valid * per);
      if (e == null) {
        slot[i] = valid++;
      } else {
        errors[i] = e.toRow();
      }
    }
    long t1 = System.nanoTime();
    if (valid > 0) {
      session.run(images, 0, valid, outputs);
    }
    metrics.convertNanos.add(t1 - t0);
    metrics.inferNanos.add(System.nanoTime() - t1);
    metrics.images.add(valid);
    metrics.errors.add(n - valid);
    int size = session.model().outputSize(0);
    for (int i = 0; i < n; i++) {
      Row r = rows[i];
      Object[] values = new Object[r.length() + 2];
      for (int j = 0; j < r.length(); j++) {
        values[j] = r.get(j);
      }
      values[r.length()] = slot[i] < 0 ? null
          : predictions.format(outputs[0], slot[i] * size);
      values[r.length() + 1] = errors[i];
      ready.add(RowFactory.create(values));
      rows[i] = null;
    }
  }
}
