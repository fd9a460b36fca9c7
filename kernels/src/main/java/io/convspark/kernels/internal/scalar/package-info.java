/** Internal, no compatibility promise. Plain-Java kernels, never touching the Vector API. */
package io.convspark.kernels.internal.scalar;
