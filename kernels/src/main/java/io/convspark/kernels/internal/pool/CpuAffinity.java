package io.convspark.kernels.internal.pool;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

/** Linux {@code sched_setaffinity} through JNA; unavailable elsewhere, with the reason. */
final class CpuAffinity {
  private static final int MASK_WORDS = 16; // 1024 CPUs

  interface LibC extends Library {
    int sched_setaffinity(int pid, NativeLong size, long[] mask) throws LastErrorException;

    int sched_getaffinity(int pid, NativeLong size, long[] mask) throws LastErrorException;
  }

  private static final LibC LIBC;
  static final String UNAVAILABLE_REASON;

  static {
    LibC lib = null;
    String reason = null;
    if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      reason = "sched_setaffinity exists only on Linux, this is " + System.getProperty("os.name");
    } else {
      try {
        lib = Native.load("c", LibC.class);
        lib.sched_getaffinity(0, new NativeLong(MASK_WORDS * 8L), new long[MASK_WORDS]);
      } catch (Throwable t) {
        lib = null;
        reason = "JNA could not call libc sched_getaffinity: " + t;
      }
    }
    LIBC = lib;
    UNAVAILABLE_REASON = reason;
  }

  private CpuAffinity() {}

  static boolean available() {
    return LIBC != null;
  }

  /** CPUs this process may run on, or null when unknown. */
  static int[] allowedCpus() {
    if (LIBC == null) {
      return null;
    }
    long[] mask = new long[MASK_WORDS];
    try {
      LIBC.sched_getaffinity(0, new NativeLong(MASK_WORDS * 8L), mask);
    } catch (LastErrorException e) {
      return null;
    }
    int n = 0;
    for (long w : mask) {
      n += Long.bitCount(w);
    }
    int[] cpus = new int[n];
    int k = 0;
    for (int cpu = 0; cpu < MASK_WORDS * 64; cpu++) {
      if ((mask[cpu >>> 6] & (1L << (cpu & 63))) != 0) {
        cpus[k++] = cpu;
      }
    }
    return cpus;
  }

  /** Pins the calling thread; returns null on success, else why it failed. */
  static String pinCurrentThread(int cpu) {
    if (LIBC == null) {
      return UNAVAILABLE_REASON;
    }
    long[] mask = new long[MASK_WORDS];
    mask[cpu >>> 6] = 1L << (cpu & 63);
    try {
      LIBC.sched_setaffinity(0, new NativeLong(MASK_WORDS * 8L), mask);
      return null;
    } catch (LastErrorException e) {
      return "sched_setaffinity(cpu " + cpu + ") failed with errno " + e.getErrorCode();
    }
  }
}
