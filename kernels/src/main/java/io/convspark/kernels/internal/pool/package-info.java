/** Internal, no compatibility promise: the call frame, core leases and CPU pinning. */
package io.convspark.kernels.internal.pool;
