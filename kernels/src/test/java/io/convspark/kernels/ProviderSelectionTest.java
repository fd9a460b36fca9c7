package io.convspark.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.kernels.internal.KernelProvider;
import org.junit.jupiter.api.Test;

/**
 * CI runs the suite with -Dconvspark.test.expectProvider=simd and =scalar: a run that silently
 * fell back to the other provider fails here instead of passing on the wrong code.
 */
class ProviderSelectionTest {
  @Test
  void activeProviderIsTheExpectedOne() {
    String expected = System.getProperty("convspark.test.expectProvider", "");
    String active = KernelProvider.get().isVectorized() ? "simd" : "scalar";
    System.out.println("ConvSpark kernel provider: " + KernelProvider.get().name());
    if (!expected.isEmpty()) {
      assertEquals(expected, active, "kernel provider " + KernelProvider.get().name());
    }
  }

  @Test
  void scalarProviderIsAlwaysAvailable() {
    assertFalse(KernelProvider.scalar().isVectorized());
    assertEquals(16, KernelProvider.scalar().lanes());
  }

  @Test
  void simdLanesFollowTheForcedWidth() {
    String bits = System.getProperty("convspark.kernels.vectorBits", "");
    if (KernelProvider.get().isVectorized() && !bits.isEmpty()) {
      assertEquals(Integer.parseInt(bits) / 32, KernelProvider.get().lanes());
    }
    assertTrue(KernelProvider.get().lanes() >= 4);
  }
}
