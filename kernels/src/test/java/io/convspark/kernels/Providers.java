package io.convspark.kernels;

import io.convspark.kernels.internal.KernelProvider;
import io.convspark.kernels.internal.KernelSupport;
import java.util.ArrayList;
import java.util.List;

/** The providers a test run covers: the active one, plus scalar when the active one is SIMD. */
public final class Providers {
  private Providers() {}

  public static List<KernelSupport> all() {
    List<KernelSupport> list = new ArrayList<>();
    list.add(KernelProvider.get());
    if (KernelProvider.get() != KernelProvider.scalar()) {
      list.add(KernelProvider.scalar());
    }
    return list;
  }
}
