package io.convspark;

/**
 * A model that cannot be loaded or compiled. The message says what was tried, where (file,
 * node, op type and opset, tensor or field), the offending value, and the rule it breaks:
 * "cannot plan Conv node 'conv1' (opset 11): kernel 3x0, dimensions must be positive".
 */
public class ModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
