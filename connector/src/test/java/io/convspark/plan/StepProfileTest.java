package io.convspark.plan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.testing.Models;
import io.convspark.testing.OnnxModelBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Profiling records time for every fused step and leaves the results unchanged. */
class StepProfileTest {
  @Test
  void everyStepIsTimedAndOutputsMatchAnUnprofiledRun() {
    ConvModel model = ConvModel.load(Models.resnetStyle(37), null);
    int batch = 2;
    float[] in = OnnxModelBuilder.random(7, batch * model.compiled().inputSize());
    try (ModelSession s = model.newSession(1)) {
      float[] plain = s.run(in, batch)[0];
      s.profile(true);
      float[] profiled = s.run(in, batch)[0];
      s.run(in, batch);
      assertArrayEquals(plain, profiled);
      List<StepTime> times = s.stepTimes();
      assertEquals(model.compiled().layerTable().size(), times.size());
      long total = 0;
      for (StepTime t : times) {
        assertEquals(2, t.runs());
        assertTrue(t.nanos() >= 0, t.name());
        total += t.nanos();
      }
      assertTrue(total > 0, "no time recorded");
      double gflops = times.stream().mapToDouble(StepTime::gflopsPerImage).sum();
      assertEquals(model.compiled().gflopsPerImage(), gflops, 1e-9);
      s.profile(true);
      assertEquals(0, s.stepTimes().get(0).runs());
      s.profile(false);
      assertThrows(IllegalStateException.class, s::stepTimes);
    }
  }

  @Test
  void profilingByImageKeepsTheSplitAndTimesEveryWorkersSteps() {
    ConvModel model = ConvModel.load(Models.resnetStyle(41), null);
    int batch = 4;
    float[] in = OnnxModelBuilder.random(9, batch * model.compiled().inputSize());
    try (ModelSession s = model.newSession(2)) {
      float[] plain = s.run(in, batch)[0];
      s.profile(true, true);
      float[] profiled = s.run(in, batch)[0];
      assertArrayEquals(plain, profiled);
      List<StepTime> times = s.stepTimes();
      assertTrue(times.stream().allMatch(t -> t.runs() == 1 && t.nanos() >= 0));
      assertTrue(times.stream().mapToLong(StepTime::nanos).sum() > 0, "no time recorded");
      s.profile(true, true);
      assertEquals(0, s.stepTimes().stream().mapToLong(StepTime::nanos).sum());
    }
  }
}
