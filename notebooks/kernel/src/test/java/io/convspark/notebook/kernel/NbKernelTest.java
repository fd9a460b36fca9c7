package io.convspark.notebook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cells evaluated without a Jupyter connection: values, declarations, errors, %classpath. */
class NbKernelTest {
  private static NbKernel kernel;

  @BeforeAll
  static void start() {
    kernel = new NbKernel.Builder().build();
  }

  @AfterAll
  static void stop() {
    kernel.onShutdown(false);
  }

  @Test
  void lastExpressionIsTheRealObject() {
    assertNull(kernel.evalRaw("import java.awt.image.BufferedImage;\nint side = 4;"));
    Object img = kernel.evalRaw("var img = new BufferedImage(side, 2, 1);\nimg");
    assertInstanceOf(BufferedImage.class, img);
    assertEquals(4, ((BufferedImage) img).getWidth());
    assertEquals(10, kernel.evalRaw("side * 2 + 2"));
    assertNull(kernel.evalRaw("for (int i = 0; i < 2; i++) { side++; }"), "statement");
    assertEquals(6, kernel.evalRaw("side"));
  }

  @Test
  void failuresCarryTheCellsMessage() {
    var thrown = assertThrows(NbKernel.CellFailure.class,
        () -> kernel.evalRaw("if (true) throw new AssertionError(\"wrong label\");"));
    List<String> shown = kernel.formatError(thrown);
    assertEquals("java.lang.AssertionError: wrong label", shown.get(0));
    var bad = assertThrows(NbKernel.CellException.class, () -> kernel.evalRaw("int y = \"a\";"));
    assertTrue(bad.getMessage().contains("incompatible types"), bad.getMessage());
    assertThrows(NbKernel.CellException.class, () -> kernel.evalRaw("%nosuchmagic x"));
  }

  @Test
  void classpathMagicAddsJarsRelativeToTheWorkingDirectory(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("missing.jar");
    var e = assertThrows(NbKernel.CellException.class,
        () -> kernel.evalRaw("%classpath " + missing));
    assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    Files.createDirectories(dir.resolve("lib"));
    assertEquals("", Magics.expand(List.of(dir.resolve("lib") + "/*")));
  }
}
