package io.convspark.hostile;

import static io.convspark.hostile.RuntimeFixtures.TENSOR_ROWS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.ModelException;
import io.convspark.testing.IsolatedSparkSession;
import io.convspark.testing.Models;
import io.convspark.testing.SparkTestSupport;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * R9: the compiled model travels in chunks ({@code byte[][]}), so a model of 2 GiB or more can
 * be broadcast; one {@code byte[]} stops below 2^31. Shown with small chunk sizes, where tensors
 * and primitives straddle chunk borders, because a 2 GiB model does not fit a CI test heap.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CompiledModelChunksTest {
  private static final int SIZE = 29;

  private static byte[] concat(byte[][] chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] c : chunks) {
      out.writeBytes(c);
    }
    return out.toByteArray();
  }

  @Test
  @DisplayName("R9 chunked compiled model: same bytes and same model at any chunk size")
  void r09_chunksRoundTripAtAnyChunkSize() {
    ConvModel model = ConvModel.load(Models.resnetStyle(SIZE), null);
    byte[] whole = model.toCompiledBytes();
    for (int chunk : new int[] {1, 7, 4099, 1 << 20, Integer.MAX_VALUE - 8}) {
      byte[][] chunks = model.toCompiledChunks(chunk);
      assertEquals((whole.length + (long) chunk - 1) / chunk, chunks.length, "chunks of " + chunk);
      for (int i = 0; i < chunks.length - 1; i++) {
        assertEquals(chunk, chunks[i].length, "every chunk but the last is full");
      }
      assertArrayEquals(whole, concat(chunks), "chunk size " + chunk);
      if (chunk >= 7) {
        byte[] again = ConvModel.fromCompiled(chunks).toCompiledBytes();
        assertArrayEquals(whole, again, "read back from chunks of " + chunk);
      }
    }
  }

  @Test
  @DisplayName("R9 truncated or extended chunks are refused, never half-read")
  void r09_damagedChunksAreRefused() {
    ConvModel model = ConvModel.load(Models.resnetStyle(SIZE), null);
    byte[][] chunks = model.toCompiledChunks(4099);
    byte[][] cut = Arrays.copyOf(chunks, chunks.length - 1);
    ModelException e = assertThrows(ModelException.class, () -> ConvModel.fromCompiled(cut));
    assertTrue(e.getMessage().startsWith("cannot read compiled model"), e.getMessage());
    byte[][] longer = Arrays.copyOf(chunks, chunks.length + 1);
    longer[chunks.length] = new byte[] {1, 2, 3};
    ModelException t = assertThrows(ModelException.class, () -> ConvModel.fromCompiled(longer));
    assertTrue(t.getMessage().contains("3 trailing bytes"), t.getMessage());
  }

  @Test
  @DisplayName("R9 Spark broadcasts the chunks: same bits with 1021-byte chunks as with 64 MiB")
  void r09_sparkBroadcastsChunks() {
    ConvModel model = ConvModel.load(Models.resnetStyle(SIZE), null);
    assertTrue(model.toCompiledChunks(1021).length > 20, "many chunks");
    List<int[]> expected;
    try (IsolatedSparkSession iso = IsolatedSparkSession.start("local[2]", Map.of())) {
      expected = predictions(iso, model);
    }
    try (IsolatedSparkSession iso = IsolatedSparkSession.start("local[2]",
        Map.of("spark.convspark.broadcastChunkBytes", "1021"))) {
      RuntimeFixtures.assertSameBits(expected, predictions(iso, model), "1021-byte chunks");
    }
    try (IsolatedSparkSession iso = IsolatedSparkSession.start("local[2]",
        Map.of("spark.convspark.broadcastChunkBytes", "-5"))) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> predictions(iso, model));
      assertTrue(e.getMessage().contains("spark.convspark.broadcastChunkBytes=-5"),
          e.getMessage());
    }
  }

  private static List<int[]> predictions(IsolatedSparkSession iso, ConvModel model) {
    Dataset<Row> df = iso.spark().createDataFrame(
        RuntimeFixtures.tensorRows(12, 3 * SIZE * SIZE, 0), TENSOR_ROWS).repartition(3);
    return RuntimeFixtures.predictionBits(SparkTestSupport.collectSorted(
        df.transform(model.infer().inputCol("t").rawScores()), "id"), "prediction");
  }
}
