/**
 * The {@code convspark} command line: {@code inspect}, {@code run} and {@code compile} a model
 * without Spark. Start it with {@code bin/convspark}, which adds the JVM flag the kernels need
 * ({@code --add-modules=jdk.incubator.vector}). {@link io.convspark.cli.ConvSparkCli#run} is
 * the in-process entry point tests use; it never calls {@code System.exit}.
 */
package io.convspark.cli;
