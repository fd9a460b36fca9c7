package io.convspark.kernels.internal.pool;

/**
 * Process-wide lease of CPU cores, so that concurrent pools (one per Spark task) pin their
 * workers to different cores. Leases go to the least-used cores first.
 */
public final class CoreAllocator {
  private static final CoreAllocator INSTANCE = new CoreAllocator();

  private final int[] cpus;
  private final int[] users;

  private CoreAllocator() {
    int[] allowed = null;
    try {
      allowed = CpuAffinity.allowedCpus();
    } catch (LinkageError e) {
      // JNA is not on the classpath: cores are numbered 0..n-1 and pinning is off.
    }
    if (allowed == null || allowed.length == 0) {
      allowed = new int[Runtime.getRuntime().availableProcessors()];
      for (int i = 0; i < allowed.length; i++) {
        allowed[i] = i;
      }
    }
    cpus = allowed;
    users = new int[allowed.length];
  }

  public static CoreAllocator get() {
    return INSTANCE;
  }

  public int coreCount() {
    return cpus.length;
  }

  /** Leases {@code n} distinct cores (fewer if the process has fewer); returns CPU ids. */
  public synchronized int[] lease(int n) {
    int count = Math.min(n, cpus.length);
    int[] leased = new int[count];
    boolean[] taken = new boolean[cpus.length];
    for (int k = 0; k < count; k++) {
      int best = -1;
      for (int i = 0; i < cpus.length; i++) {
        if (!taken[i] && (best < 0 || users[i] < users[best])) {
          best = i;
        }
      }
      taken[best] = true;
      users[best]++;
      leased[k] = cpus[best];
    }
    return leased;
  }

  public synchronized void release(int[] leased) {
    for (int cpu : leased) {
      for (int i = 0; i < cpus.length; i++) {
        if (cpus[i] == cpu && users[i] > 0) {
          users[i]--;
          break;
        }
      }
    }
  }

  /** Pins the calling thread to {@code cpu}; returns null on success, else the reason. */
  public static String pin(int cpu) {
    try {
      return CpuAffinity.pinCurrentThread(cpu);
    } catch (LinkageError e) {
      return "JNA is not on the classpath (" + e + ")";
    }
  }
}
