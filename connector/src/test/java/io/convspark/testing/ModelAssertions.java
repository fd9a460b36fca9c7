package io.convspark.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ModelException;
import org.junit.jupiter.api.function.Executable;

/** Assertions shared by the bad-model and hostile-model suites. */
public final class ModelAssertions {
  private ModelAssertions() {}

  /** Asserts that {@code load} throws a ModelException (nothing else) containing every part. */
  public static ModelException rejects(Executable load, String... parts) {
    ModelException e = assertThrows(ModelException.class, load);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), () -> "message lacks '" + p + "': "
          + e.getMessage());
    }
    return e;
  }
}
