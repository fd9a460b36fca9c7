package io.convspark.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.ModelException;
import io.convspark.onnx.LoaderLimits;
import io.convspark.plan.CompileLimits;
import io.convspark.testing.Models;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Limits apply to models read through Hadoop URIs too, as they do to local paths. */
class ModelUriLimitsTest {
  @TempDir Path dir;

  @Test
  void loaderAndCompileLimitsApplyToUris() throws IOException {
    Path onnx = dir.resolve("resnet.onnx");
    byte[] bytes = Models.resnetStyle(29);
    Files.write(onnx, bytes);
    String uri = onnx.toUri().toString();
    assertEquals(10, ConvModel.load(uri, null, LoaderLimits.DEFAULT, CompileLimits.DEFAULT)
        .compiled().outputSize(0));
    ModelException big = assertThrows(ModelException.class, () -> ConvModel.load(uri, null,
        new LoaderLimits(1000, 1L << 30, Integer.MAX_VALUE - 8), CompileLimits.DEFAULT));
    assertTrue(big.getMessage().contains(Integer.toString(bytes.length))
        || big.getMessage().contains("1000"), big.getMessage());
    ModelException arena = assertThrows(ModelException.class, () -> ConvModel.load(uri, null,
        LoaderLimits.DEFAULT, new CompileLimits(1024)));
    assertTrue(arena.getMessage().contains("1024"), arena.getMessage());
  }
}
