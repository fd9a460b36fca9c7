package io.convspark.kernels.internal;

import io.convspark.kernels.internal.scalar.ScalarKernelSupport;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Picks the kernel implementation once per JVM. The Vector API one is used when the JDK is 17 or
 * newer, the {@code jdk.incubator.vector} module is readable, C2 is on and the preferred species
 * is at least 128 bits; otherwise one log line says why and how to enable it.
 *
 * <p>Tests and operators may force a provider with {@code -Dconvspark.kernels.provider=scalar|simd}
 * and a vector width with {@code -Dconvspark.kernels.vectorBits=128|256|512} (slow, tests only).
 */
public final class KernelProvider {
  public static final String PROVIDER_PROPERTY = "convspark.kernels.provider";
  public static final String VECTOR_BITS_PROPERTY = "convspark.kernels.vectorBits";
  private static final System.Logger LOG = System.getLogger(KernelProvider.class.getName());
  private static final String SIMD_CLASS =
      "io.convspark.kernels.internal.simd.SimdKernelSupport";
  private static final KernelSupport SCALAR = new ScalarKernelSupport();
  private static final KernelSupport INSTANCE = lookup();

  private KernelProvider() {}

  /** The provider this JVM uses. */
  public static KernelSupport get() {
    return INSTANCE;
  }

  /** The scalar provider, always available (tests compare against it). */
  public static KernelSupport scalar() {
    return SCALAR;
  }

  private static KernelSupport lookup() {
    String forced = System.getProperty(PROVIDER_PROPERTY, "").trim().toLowerCase(Locale.ROOT);
    if (forced.equals("scalar")) {
      LOG.log(System.Logger.Level.INFO, "ConvSpark kernels: scalar (forced by -D"
          + PROVIDER_PROPERTY + "=scalar)");
      return SCALAR;
    }
    if (!forced.isEmpty() && !forced.equals("simd")) {
      LOG.log(System.Logger.Level.WARNING, "ConvSpark kernels: ignoring -D" + PROVIDER_PROPERTY
          + "=" + forced + ", expected one of [scalar, simd]");
    }
    String why = simdUnavailableReason();
    if (why != null) {
      LOG.log(System.Logger.Level.WARNING, "ConvSpark kernels: scalar fallback, " + why);
      return SCALAR;
    }
    try {
      KernelSupport simd = (KernelSupport) Class.forName(SIMD_CLASS)
          .getDeclaredConstructor().newInstance();
      LOG.log(System.Logger.Level.INFO, "ConvSpark kernels: " + simd.name());
      return simd;
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.WARNING, "ConvSpark kernels: scalar fallback, the Vector API"
          + " provider failed to load: " + t);
      return SCALAR;
    }
  }

  private static String simdUnavailableReason() {
    if (Runtime.version().feature() < 17) {
      return "JDK " + Runtime.version() + " is older than 17";
    }
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return "the jdk.incubator.vector module is not enabled; add --add-modules=jdk.incubator.vector"
          + " to the JVM flags (for Spark executors: spark.executor.extraJavaOptions)";
    }
    try {
      var bean = ManagementFactory.getPlatformMXBean(
          com.sun.management.HotSpotDiagnosticMXBean.class);
      if (bean != null) {
        String level = bean.getVMOption("TieredStopAtLevel").getValue();
        if (Integer.parseInt(level) < 4) {
          return "C2 is disabled (-XX:TieredStopAtLevel=" + level + "), Vector API code would"
              + " run interpreted; remove that flag";
        }
      }
    } catch (Throwable ignored) {
      // Not HotSpot, or management unavailable: assume a JIT that handles vectors.
    }
    return null;
  }
}
