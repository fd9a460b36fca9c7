package io.convspark.spark;

import io.convspark.ConvModel;
import io.convspark.plan.ModelSession;
import java.util.Iterator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;

/**
 * Executor side: one session (arena + worker pool) per task, reused from the task before when
 * it has one thread (see TaskBuffers), the model from the executor
 * cache, rows in batches, one output row per input row.
 */
final class PartitionInference implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  private final Broadcast<byte[][]> model;
  private final String hash;
  private final InferenceSettings settings;
  private final InputKind kind;
  private final int inputIndex;
  private final boolean softmaxed;
  private final int classes;
  private final InferenceMetrics metrics;

  PartitionInference(Broadcast<byte[][]> model, String hash, InferenceSettings settings,
      InputKind kind, int inputIndex, boolean softmaxed, int classes, InferenceMetrics metrics) {
    this.metrics = metrics;
    this.model = model;
    this.hash = hash;
    this.settings = settings;
    this.kind = kind;
    this.inputIndex = inputIndex;
    this.softmaxed = softmaxed;
    this.classes = classes;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    TaskContext task = TaskContext.get();
    FaultHooks.apply(task);
    ConvModel m = ExecutorModels.get(hash, model::value, () -> metrics.modelLoads.add(1));
    int threads = settings.threads() > 0 ? settings.threads()
        : task == null ? 1 : Math.max(1, task.cpus());
    RowConverter converter = new RowConverter(settings, kind);
    int batch = settings.batchSize();
    int per = converter.floatsPerImage();
    TaskBuffers buffers = TaskBuffers.borrow(hash, m, threads, settings.pinCores(), batch * per);
    ModelSession session = buffers.session;
    ExecutorModels.recordTaskThreads(threads);
    var allocator = ArrowMemory.forTask("convspark-task-"
        + (task == null ? "local" : task.taskAttemptId()));
    ArrowInputBatch a = new ArrowInputBatch(allocator, kind, inputIndex, per, batch);
    ArrowInputBatch b = new ArrowInputBatch(allocator, kind, inputIndex, per, batch);
    // Encoded images decode on a thread of their own while the previous batch runs. Decoded
    // structs and tensors only copy (1.5 ms a batch of 16): another runnable thread per task
    // cost more than that on cores the tasks already fill (MobileNetV2 on local[2]: 80-83 %
    // of the plain model's images/s with the thread, 84-85 % without).
    ExecutorService decoder = kind != InputKind.ENCODED ? null
        : Executors.newSingleThreadExecutor(r -> {
          Thread t = new Thread(r, "convspark-decode-"
              + (task == null ? 0 : task.taskAttemptId()));
          t.setDaemon(true);
          return t;
        });
    Runnable release = () -> {
      if (decoder != null) {
        decoder.shutdownNow();
        try {
          // A failed task may still be decoding: its Arrow buffers are released only after.
          decoder.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      buffers.close();
      a.close();
      b.close();
      allocator.close(); // throws if a buffer leaked
    };
    if (task != null) {
      task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) ctx ->
          release.run());
    }
    Predictions predictions = new Predictions(settings, softmaxed, classes);
    // Outside a task nothing else releases: the iterator does when its input ends.
    return new BatchIterator(rows, session, converter, predictions, metrics,
        new BatchIterator.Stage(batch, buffers.first, a),
        new BatchIterator.Stage(batch, buffers.second, b), decoder, settings.maxBatchBytes(),
        task == null ? release : () -> { });
  }
}
