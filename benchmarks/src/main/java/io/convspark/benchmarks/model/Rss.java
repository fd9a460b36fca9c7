package io.convspark.benchmarks.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident set size from /proc/self/status (Linux); -1 elsewhere. */
final class Rss {
  private Rss() {}

  /** The peak so far, VmHWM. */
  static long peakMiB() {
    return status("VmHWM:");
  }

  /** The current, VmRSS. */
  static long currentMiB() {
    return status("VmRSS:");
  }

  private static long status(String key) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }
}
