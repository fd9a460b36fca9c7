/**
 * Internal, no compatibility promise. The only package that imports {@code jdk.incubator.vector};
 * its classes are loaded only after KernelProvider has checked that the module is present.
 * Hot loops are flat (one loop per method, accumulators declared outside it): on JDK 17, C2
 * boxes vector accumulators carried across nested loops and runs 40x slower.
 */
package io.convspark.kernels.internal.simd;
