package io.convspark.benchmarks.model;

import io.convspark.plan.ModelSession;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Time per fused op through ModelSession's step profiler ({@code profile(boolean)} and
 * {@code stepTimes()}), called reflectively: the profiler is being added to io.convspark.plan
 * separately, and the benchmark must still build (reporting "not available") without it.
 */
final class LayerProfile {
  private LayerProfile() {}

  /** One fused step: name, op type, output shape and algorithm, ms per batch, GFLOP/image. */
  record Layer(String name, String op, String detail, double msPerBatch,
      double gflopsPerImage) {}

  static boolean available() {
    try {
      ModelSession.class.getMethod("profile", boolean.class);
      ModelSession.class.getMethod("stepTimes");
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /** With -Dbench.profileByImage=true a batch stays split by image while profiled. */
  static void enable(ModelSession s, boolean on) throws ReflectiveOperationException {
    if (Boolean.getBoolean("bench.profileByImage")) {
      ModelSession.class.getMethod("profile", boolean.class, boolean.class).invoke(s, on, true);
    } else {
      ModelSession.class.getMethod("profile", boolean.class).invoke(s, on);
    }
  }

  /**
   * The steps timed since {@link #enable}, slowest first; {@code details} maps a step name to
   * its output shape and algorithm (from CompiledModel.layerTable).
   */
  static List<Layer> slowestFirst(ModelSession s, java.util.Map<String, String> details)
      throws ReflectiveOperationException {
    List<Layer> out = new ArrayList<>();
    for (Object t : (List<?>) ModelSession.class.getMethod("stepTimes").invoke(s)) {
      String name = (String) call(t, "name");
      out.add(new Layer(name, (String) call(t, "opType"), details.getOrDefault(name, ""),
          (Double) call(t, "millisPerRun"), (Double) call(t, "gflopsPerImage")));
    }
    out.sort(Comparator.comparingDouble(Layer::msPerBatch).reversed());
    return out;
  }

  private static Object call(Object target, String method) throws ReflectiveOperationException {
    Method m = target.getClass().getMethod(method);
    m.setAccessible(true);
    return m.invoke(target);
  }
}
