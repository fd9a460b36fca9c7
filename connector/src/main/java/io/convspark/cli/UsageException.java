package io.convspark.cli;

/** Arguments the command line cannot accept; exits with {@link ConvSparkCli#EXIT_USAGE}. */
final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  UsageException(String message) {
    super(message);
  }
}
