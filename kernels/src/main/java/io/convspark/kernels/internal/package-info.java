/** Internal, no compatibility promise: kernel interfaces and the provider that picks them. */
package io.convspark.kernels.internal;
