package io.convspark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.testing.SparkTestSupport;
import io.convspark.testing.WithSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The batch job in-process: the embedded demo end to end, and its exit codes. */
@WithSpark
class BatchJobTest {
  @Test
  void demoClassifiesTheBundledLinesAndReportsTheBrokenFile(SparkSession spark) {
    String output = SparkTestSupport.tempDir().resolve("demo-out").toString();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code = BatchJob.run(new String[] {"demo", "--output", output},
        new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(BatchJob.OK, code, printed);
    assertTrue(printed.contains("rows 16, errors 1"), printed);
    List<Row> rows = spark.read().parquet(output).collectAsList();
    assertEquals(16, rows.size());
    int lines = 0;
    for (Row r : rows) {
      String file = r.getString(r.fieldIndex("path"));
      if (file.contains("line")) {
        lines++;
        assertEquals(file.contains("rotated180") ? "180" : "0",
            r.getString(r.fieldIndex("label")), file);
      }
      if (file.endsWith("broken.png")) {
        assertTrue(!r.isNullAt(r.fieldIndex("error")), "broken.png has an error");
      }
    }
    assertEquals(12, lines);
  }

  @Test
  void exitCodesSayWhatWentWrong() {
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8);
    assertEquals(BatchJob.BAD_ARGUMENTS, BatchJob.run(new String[] {"--nope"}, quiet, quiet));
    assertEquals(BatchJob.BAD_ARGUMENTS, BatchJob.run(new String[] {"--input", "x"}, quiet,
        quiet));
    assertEquals(BatchJob.BAD_MODEL, BatchJob.run(new String[] {"--input", "/tmp",
        "--model", "/nonexistent/model.onnx", "--output", "/tmp/none"}, quiet, quiet));
    assertEquals(BatchJob.OK, BatchJob.run(new String[] {"--help"}, quiet, quiet));
  }
}
