package io.convspark.spark;

import io.convspark.plan.ModelSession;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Batches rows through the model, for encoded images with decoding overlapped: while the model
 * runs batch k on the task's workers, a decoder thread (null for inputs that only copy)
 * converts batch k+1 into the other buffer. Rows are pulled
 * from Spark's iterator on the task thread only (upstream operators read TaskContext). Output
 * keeps the input order; a bad row gets an error instead of a prediction.
 */
final class BatchIterator implements Iterator<Row> {
  private final Iterator<Row> input;
  private final ModelSession session;
  private final RowConverter converter;
  private final Predictions predictions;
  private final InferenceMetrics metrics;
  private final ExecutorService decoder;
  private final Stage[] stages;
  private final float[][] outputs;
  private final ArrayDeque<Row> ready = new ArrayDeque<>();
  private final int outputIndex;
  private final long maxBatchBytes;
  private final Runnable onEnd;
  private boolean ended;
  private Stage current;
  private boolean finished;
  /** A row pulled from Spark that did not fit the previous batch's byte budget. */
  private Row carry;

  /** One batch's buffers; two of them alternate. */
  static final class Stage {
    final Row[] rows;
    final int[] slot;
    final Row[] errors;
    final float[] images;
    final ArrowInputBatch arrow;
    int n;
    int valid;

    /** {@code images} holds the batch's tensors ({@code batch} x floats per image). */
    Stage(int batch, float[] images, ArrowInputBatch arrow) {
      rows = new Row[batch];
      slot = new int[batch];
      errors = new Row[batch];
      this.images = images;
      this.arrow = arrow;
    }
  }

  BatchIterator(Iterator<Row> input, ModelSession session, RowConverter converter,
      Predictions predictions, InferenceMetrics metrics, Stage first, Stage second,
      ExecutorService decoder, long maxBatchBytes, Runnable onEnd) {
    this.maxBatchBytes = maxBatchBytes;
    this.onEnd = onEnd;
    this.input = input;
    this.session = session;
    this.converter = converter;
    this.predictions = predictions;
    this.metrics = metrics;
    this.decoder = decoder;
    this.stages = new Stage[] {first, second};
    var m = session.model();
    this.outputs = new float[m.outputNames().size()][];
    for (int i = 0; i < outputs.length; i++) {
      outputs[i] = new float[first.rows.length * m.outputSize(i)];
    }
    this.outputIndex = predictions.outputIndex();
  }

  @Override
  public boolean hasNext() {
    if (ready.isEmpty() && !finished) {
      advance();
    }
    if (ready.isEmpty()) {
      if (!ended) {
        ended = true;
        onEnd.run();
      }
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

  private void advance() {
    if (current == null) {
      current = stages[0];
      pull(current);
      convert(current);
    }
    if (current.n == 0) {
      finished = true;
      return;
    }
    Stage next = current == stages[0] ? stages[1] : stages[0];
    pull(next);
    Future<?> decoding = null;
    if (next.n > 0 && decoder == null) {
      convert(next);
    } else if (next.n > 0) {
      decoding = decoder.submit(() -> convert(next));
    }
    runAndEmit(current);
    if (decoding != null) {
      await(decoding);
    }
    current = next;
  }

  /**
   * On the task thread: rows from Spark's iterator into the stage's Arrow vectors, up to the
   * batch size or the byte budget, whichever comes first.
   */
  private void pull(Stage s) {
    // A cancelled job's task stops here, between batches (with no decoder thread to wait on,
    // nothing else on this thread notices the interrupt).
    org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
    if (task != null) {
      task.killTaskIfInterrupted();
    }
    int n = 0;
    long bytes = 0;
    int batch = s.rows.length;
    while (n < batch && (carry != null || input.hasNext())) {
      Row r = carry != null ? carry : input.next();
      carry = null;
      long size = s.arrow.inputBytes(r);
      if (n > 0 && bytes + size > maxBatchBytes) {
        carry = r;
        break;
      }
      bytes += size;
      s.rows[n++] = r;
    }
    s.n = n;
    s.arrow.fill(s.rows, n);
    if (n > 0) {
      metrics.batches.add(1);
    }
  }

  /** On the decoder thread, if any (else, and for the first batch, on the task thread). */
  private void convert(Stage s) {
    long t0 = System.nanoTime();
    int per = converter.floatsPerImage();
    int valid = 0;
    for (int i = 0; i < s.n; i++) {
      s.errors[i] = null;
      s.slot[i] = -1;
      RowError e = converter.convert(s.arrow, i, s.images, valid * per);
      if (e == null) {
        s.slot[i] = valid++;
      } else {
        s.errors[i] = e.toRow();
      }
    }
    s.valid = valid;
    metrics.convertNanos.add(System.nanoTime() - t0);
  }

  private void runAndEmit(Stage s) {
    long t1 = System.nanoTime();
    if (s.valid > 0) {
      session.run(s.images, 0, s.valid, outputs);
    }
    metrics.inferNanos.add(System.nanoTime() - t1);
    metrics.images.add(s.valid);
    metrics.errors.add(s.n - s.valid);
    int size = session.model().outputSize(outputIndex);
    for (int i = 0; i < s.n; i++) {
      Row r = s.rows[i];
      Object[] values = new Object[r.length() + 2];
      for (int j = 0; j < r.length(); j++) {
        values[j] = r.get(j);
      }
      values[r.length()] = s.slot[i] < 0 ? null
          : predictions.format(outputs[outputIndex], s.slot[i] * size);
      values[r.length() + 1] = s.errors[i];
      ready.add(RowFactory.create(values));
      s.rows[i] = null;
    }
  }

  private static void await(Future<?> f) {
    try {
      f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while decoding the next batch", e);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof RuntimeException r) {
        throw r;
      }
      if (c instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException("decoding the next batch failed: " + c, c);
    }
  }
}
