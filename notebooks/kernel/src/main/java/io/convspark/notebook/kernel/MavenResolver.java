package io.convspark.notebook.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code %maven group:artifact:version ...}: writes a throwaway pom and asks the machine's
 * {@code mvn} for the runtime classpath, so ~/.m2 and settings.xml apply and it works offline
 * once the cache is warm. {@code NB_MVN} overrides the command; {@code NB_MVN_OPTS} adds flags.
 */
final class MavenResolver {
  private MavenResolver() {}

  static String resolve(List<String> coordinates) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("nb-maven");
    try {
      StringBuilder deps = new StringBuilder();
      for (String c : coordinates) {
        String[] p = c.split(":");
        if (p.length < 3 || p.length > 4) {
          throw new IllegalArgumentException("%maven " + c + ": expected group:artifact:version"
              + " or group:artifact:classifier:version");
        }
        deps.append("<dependency><groupId>").append(p[0]).append("</groupId><artifactId>")
            .append(p[1]).append("</artifactId><version>").append(p[p.length - 1])
            .append("</version>")
            .append(p.length == 4 ? "<classifier>" + p[2] + "</classifier>" : "")
            .append("</dependency>\n");
      }
      Files.writeString(dir.resolve("pom.xml"),
          "<project xmlns=\"http://maven.apache.org/POM/4.0.0\"><modelVersion>4.0.0</modelVersion>"
          + "<groupId>notebook</groupId>"
          + "<artifactId>cell-dependencies</artifactId><version>0</version>"
          + "<dependencies>\n" + deps + "</dependencies></project>\n");
      Path out = dir.resolve("classpath.txt");
      List<String> cmd = new ArrayList<>(List.of(System.getenv().getOrDefault("NB_MVN", "mvn"),
          "-B", "-q", "-f", dir.resolve("pom.xml").toString()));
      String opts = System.getenv("NB_MVN_OPTS");
      if (opts != null && !opts.isBlank()) {
        cmd.addAll(List.of(opts.trim().split("\\s+")));
      }
      cmd.addAll(List.of("org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath",
          "-Dmdep.includeScope=runtime", "-Dmdep.outputFile=" + out));
      Path log = dir.resolve("mvn.log");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
          .start();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("%maven could not resolve " + coordinates + ":\n"
            + Files.readString(log, StandardCharsets.UTF_8));
      }
      return Files.readString(out, StandardCharsets.UTF_8).trim();
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }
}
