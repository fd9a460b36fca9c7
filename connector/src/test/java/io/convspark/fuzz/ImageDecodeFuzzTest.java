package io.convspark.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.convspark.image.ChannelOrder;
import io.convspark.image.ImageException;
import io.convspark.image.ImagePreprocessor;
import io.convspark.image.PreprocessOptions;
import io.convspark.image.ResizeMode;

/**
 * Coverage-guided fuzzing of the executor's per-row path for encoded images: signature sniffing,
 * header checks, decode, EXIF orientation, resize and normalization. A bad image may only raise
 * {@link ImageException} (which becomes the row's error); anything else is a finding.
 *
 * <p>Seeds are small PNG, JPEG, GIF and BMP files in
 * {@code src/test/resources/io/convspark/fuzz/ImageDecodeFuzzTestInputs/decodeImageBytes}. The
 * pixel cap is lowered so that a mutated header cannot make one input decode for seconds.
 */
class ImageDecodeFuzzTest {
  private static final ImagePreprocessor PREPROCESSOR = new ImagePreprocessor(
      PreprocessOptions.meanStd(32, 32, 3, ResizeMode.SHORTER_SIDE_CENTER_CROP, 36,
          ChannelOrder.RGB, new float[] {0.485f, 0.456f, 0.406f},
          new float[] {0.229f, 0.224f, 0.225f})
          .withLimits(1L << 20, PreprocessOptions.DEFAULT_MAX_DECODED_TO_FILE_RATIO));
  private static final float[] OUT = new float[PREPROCESSOR.floatsPerImage()];

  @FuzzTest(maxDuration = "60s")
  void decodeImageBytes(byte[] encoded) {
    try {
      PREPROCESSOR.fromEncoded(encoded, 0, encoded.length, OUT, 0);
    } catch (ImageException expected) {
      // A bad row: null prediction and a structured error, never a task failure.
    }
  }
}
