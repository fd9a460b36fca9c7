package io.convspark.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rendered lines are realistic enough for PaddleOCR's orientation classifier (ORT oracle). */
class TextLinesTest {
  private static final long SEED = 7L;

  @Test
  void paddleClsRecognisesUprightAndRotatedRenderedLines() throws IOException {
    byte[] model = Files.readAllBytes(TestData.model("ch_ppocr_mobile_v2.0_cls_infer.onnx"));
    List<String> texts = TextLines.sampleTexts();
    int n = 2 * texts.size();
    int per = 3 * TextLines.CLS_HEIGHT * TextLines.CLS_WIDTH;
    float[] batch = new float[n * per];
    for (int i = 0; i < n; i++) {
      float[] x = TextLines.toClsInput(
          TextLines.render(texts.get(i / 2), SEED + i / 2, i % 2 == 1));
      System.arraycopy(x, 0, batch, i * per, per);
    }
    float[] probs = OrtRunner.run(model, batch,
        new long[] {n, 3, TextLines.CLS_HEIGHT, TextLines.CLS_WIDTH}, 0);
    int correct = 0;
    StringBuilder wrong = new StringBuilder();
    for (int i = 0; i < n; i++) {
      boolean rotated = i % 2 == 1;
      boolean predictedRotated = probs[2 * i + 1] > probs[2 * i];
      if (predictedRotated == rotated) {
        correct++;
      } else {
        wrong.append(String.format("%n  '%s' seed %d rotated=%b p180=%.3f", texts.get(i / 2),
            SEED + i / 2, rotated, probs[2 * i + 1]));
      }
    }
    System.err.printf("[TextLinesTest] paddle cls accuracy %d/%d (seed %d)%s%n", correct, n,
        SEED, wrong);
    assertTrue(correct >= 0.9 * n, correct + "/" + n + " correct; misclassified:" + wrong);
  }
}
