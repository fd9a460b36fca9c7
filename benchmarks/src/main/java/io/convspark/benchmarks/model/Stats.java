package io.convspark.benchmarks.model;

import java.util.Arrays;

/** Median, min and max of a sample (the median of an even count averages the middle two). */
record Stats(double median, double min, double max) {
  static Stats of(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    double med = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    return new Stats(med, s[0], s[n - 1]);
  }
}
