package io.convspark.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Only internal.simd may mention jdk.incubator.vector: elsewhere it breaks the scalar path. */
class VectorApiConfinementTest {
  @Test
  void onlyTheSimdPackageImportsTheVectorApi() throws IOException {
    Path root = Path.of("src/main/java");
    Path simd = root.resolve("io/convspark/kernels/internal/simd");
    try (Stream<Path> files = Files.walk(root)) {
      List<String> offenders = files
          .filter(p -> p.toString().endsWith(".java"))
          .filter(p -> !p.startsWith(simd))
          .filter(p -> {
            try {
              return Files.readString(p).contains("jdk.incubator.vector.");
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          })
          .map(Path::toString)
          .collect(Collectors.toList());
      assertEquals(List.of(), offenders, "files outside internal.simd that use the Vector API");
    }
  }
}
