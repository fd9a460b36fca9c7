package io.convspark.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.convspark.ConvModel;
import io.convspark.ModelException;

/**
 * Coverage-guided fuzzing of the whole driver-side path, {@code ConvModel.load} on bytes: parse,
 * validate, freeze, fuse, plan and pack. The only allowed failure is {@link ModelException};
 * anything else (NPE, index, negative size, OOM, stack overflow, a hang) is a finding.
 *
 * <p>{@code mvn verify} replays the seeds and regression inputs in
 * {@code src/test/resources/io/convspark/fuzz/ModelLoadFuzzTestInputs/loadModelBytes} and then
 * fuzzes for a bounded time; {@code connector/fuzz.sh} fuzzes for longer.
 */
class ModelLoadFuzzTest {
  /** Inputs whose spatial size is symbolic get this size, so that they still compile. */
  private static final int[] INPUT_HW = {9, 9};

  @FuzzTest(maxDuration = "60s")
  void loadModelBytes(byte[] onnx) {
    try {
      ConvModel model = ConvModel.load(onnx, INPUT_HW);
      model.toCompiledBytes();
    } catch (ModelException expected) {
      // The one exception type a bad model may raise.
    }
  }
}
