package io.convspark.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's shared test data ({@code shared/data}) from any working dir. */
public final class TestData {
  private TestData() {}

  /** Walks up from the working directory to the first ancestor holding shared/data. */
  public static Path sharedData() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path d = p.resolve("shared").resolve("data");
      if (Files.isDirectory(d)) {
        return d;
      }
    }
    throw new IllegalStateException("no shared/data directory above "
        + Path.of("").toAbsolutePath());
  }

  public static Path model(String name) {
    return sharedData().resolve("models").resolve(name);
  }
}
