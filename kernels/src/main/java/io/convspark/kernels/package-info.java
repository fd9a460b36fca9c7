/**
 * NHWC float32 CNN kernels: shapes, epilogues and plans. A plan is made once per layer (weights
 * packed, algorithm chosen), is immutable and thread-safe, and executes many times on a
 * caller-owned {@link io.convspark.kernels.WorkerPool} and scratch without allocating.
 *
 * <p>JVM flags: {@code --add-modules=jdk.incubator.vector} enables the Vector API kernels; without
 * it the scalar kernels run and one warning says so.
 */
package io.convspark.kernels;
