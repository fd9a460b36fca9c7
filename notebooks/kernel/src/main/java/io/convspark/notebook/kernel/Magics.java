package io.convspark.notebook.kernel;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The line magics: {@code %maven}, {@code %classpath} and its alias {@code %jars}. */
final class Magics {
  private static final Pattern MAGIC = Pattern.compile("^\\s*%(\\w+)\\s*(.*?)\\s*$");

  private Magics() {}

  /**
   * Runs {@code line} if it is a magic, handing the classpath it yields to {@code classpath};
   * returns false for ordinary code. A trailing {@code // comment} is ignored.
   */
  static boolean runIfMagic(String line, Consumer<String> classpath) throws Exception {
    Matcher m = MAGIC.matcher(line);
    if (!m.matches()) {
      return false;
    }
    String argText = m.group(2).replaceFirst("\\s*//.*$", "");
    List<String> args = argText.isBlank() ? List.of() : List.of(argText.split("\\s+"));
    switch (m.group(1)) {
      case "maven" -> classpath.accept(MavenResolver.resolve(args));
      case "classpath", "jars" -> classpath.accept(expand(args));
      default -> throw new NbKernel.CellException("unknown magic %" + m.group(1)
          + ": this kernel knows %maven, %classpath and %jars");
    }
    return true;
  }

  /** Paths relative to the working directory (the notebook's folder); "dir/*" is every jar. */
  static String expand(List<String> entries) {
    List<String> out = new ArrayList<>();
    for (String e : entries) {
      Path p = Path.of(e).toAbsolutePath().normalize();
      if (p.getFileName() != null && p.getFileName().toString().equals("*")) {
        try (Stream<Path> jars = Files.list(p.getParent())) {
          jars.filter(j -> j.toString().endsWith(".jar")).sorted()
              .forEach(j -> out.add(j.toString()));
        } catch (IOException ex) {
          throw new UncheckedIOException("cannot list jars in " + p.getParent(), ex);
        }
      } else {
        if (!Files.exists(p)) {
          throw new IllegalArgumentException("%classpath " + e + ": " + p + " does not exist");
        }
        out.add(p.toString());
      }
    }
    return String.join(File.pathSeparator, out);
  }
}
