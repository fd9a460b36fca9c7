package io.convspark.onnx;

import io.convspark.ModelException;
import io.convspark.onnx.proto.StringStringEntryProto;
import io.convspark.onnx.proto.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Reads a tensor's external data, confined to the model's own directory: relative locations
 * only, no ".." escapes, no symbolic or hard links leading elsewhere, and offset and length
 * checked against the file before anything is read. Offsets are otherwise trusted; a
 * {@code checksum} (SHA-1, hex), when present, is verified.
 */
final class ExternalData {
  private static final System.Logger LOG = System.getLogger(ExternalData.class.getName());
  private static final Set<String> KEYS = Set.of("location", "offset", "length", "checksum",
      "basepath");

  private ExternalData() {}

  /**
   * Returns exactly {@code expectedBytes} bytes of the tensor's data.
   *
   * @param dimStr the tensor's type and dims, for messages
   * @param at the message prefix naming the tensor and model
   */
  static ByteBuffer read(TensorProto p, Path baseDir, long expectedBytes, String dimStr,
      String at) {
    String location = null;
    String offsetText = null;
    String lengthText = null;
    String checksum = null;
    Set<String> seen = new HashSet<>();
    for (StringStringEntryProto e : p.getExternalDataList()) {
      if (KEYS.contains(e.getKey()) && !seen.add(e.getKey())) {
        // Which one would win differs between readers; a hostile file could exploit that.
        throw new ModelException(at + "external_data key '" + e.getKey() + "' is given twice;"
            + " each key may appear once");
      }
      switch (e.getKey()) {
        case "location" -> location = e.getValue();
        case "offset" -> offsetText = e.getValue();
        case "length" -> lengthText = e.getValue();
        case "checksum" -> checksum = e.getValue();
        default -> {
          if (!KEYS.contains(e.getKey())) {
            LOG.log(System.Logger.Level.WARNING, at + "ignoring unknown external_data key '"
                + e.getKey() + "'; known keys are " + KEYS);
          }
        }
      }
    }
    if (location == null || location.isEmpty()) {
      throw new ModelException(at + "data_location is EXTERNAL but external_data has no"
          + " 'location'");
    }
    String where = at + "external data location '" + location + "' ";
    if (baseDir == null) {
      throw new ModelException(where + "cannot be resolved: the model was loaded from bytes or a"
          + " stream without a base directory; load it from a file or pass the model's directory");
    }
    if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]+:.*")) {
      throw new ModelException(where + "is a URI; external data must be a relative file path"
          + " inside the model's directory (remote files are never opened from a model)");
    }
    Path rel;
    try {
      rel = Path.of(location);
    } catch (InvalidPathException e) {
      throw new ModelException(where + "is not a valid path: " + e.getMessage());
    }
    if (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\")) {
      throw new ModelException(where + "is an absolute path; external data must be a relative"
          + " path inside the model's directory");
    }
    try {
      Path base = baseDir.toAbsolutePath().normalize();
      Path file = base.resolve(rel).normalize();
      if (!file.startsWith(base)) {
        throw new ModelException(where + "points outside the model's directory " + base
            + "; external data must be a file inside it");
      }
      if (file.equals(base)) {
        throw new ModelException(where + "names the model's directory itself; external data"
            + " must be a file inside it");
      }
      rejectLinks(base, file, where);
      if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new ModelException(where + "does not exist: no file " + file);
      }
      Path realBase = base.toRealPath();
      Path real = file.toRealPath();
      if (!real.startsWith(realBase)) {
        throw new ModelException(where + "is a symbolic link to " + real + ", outside the"
            + " model's directory " + realBase);
      }
      if (!Files.isRegularFile(real)) {
        throw new ModelException(where + "is not a regular file: " + real);
      }
      Object links = linkCount(real);
      if (links instanceof Integer count && count > 1) {
        throw new ModelException(where + "has " + count + " hard links; external data must not"
            + " be hard-linked (it could alias a file outside the model's directory)");
      }
      long size = Files.size(real);
      long offset = parse(offsetText, 0, "offset", where);
      if (offset > size) {
        throw new ModelException(where + "has offset " + offset + ", past the end of the "
            + size + "-byte file");
      }
      long length = parse(lengthText, size - offset, "length", where);
      if (length > size - offset) {
        throw new ModelException(where + "has offset " + offset + " + length " + length + " = "
            + Long.toUnsignedString(offset + length) + " bytes, past the end of the " + size
            + "-byte file");
      }
      if (length != expectedBytes) {
        throw new ModelException(where + "has length " + length + " bytes, but " + dimStr
            + " needs exactly " + expectedBytes + " bytes");
      }
      ByteBuffer data;
      try (FileChannel ch = FileChannel.open(real, StandardOpenOption.READ)) {
        data = ch.map(FileChannel.MapMode.READ_ONLY, offset, length);
      }
      if (checksum != null && !checksum.isEmpty()) {
        String actual = sha1(data.duplicate());
        if (!actual.equalsIgnoreCase(checksum)) {
          throw new ModelException(where + "has SHA-1 " + actual + ", but its checksum says "
              + checksum);
        }
      }
      return data;
    } catch (IOException e) {
      throw new ModelException(where + "cannot be read: " + e, e);
    }
  }

  /**
   * Refuses symbolic links anywhere below the model's directory, final or intermediate, even
   * ones that stay inside: a link can be retargeted after the check (CVE-2026-27489, -34446).
   * The model's directory itself may be reached through links; the user chose it.
   */
  private static void rejectLinks(Path base, Path file, String where) {
    Path rel = base.relativize(file);
    Path p = base;
    for (int i = 0; i < rel.getNameCount(); i++) {
      p = p.resolve(rel.getName(i));
      if (!Files.isSymbolicLink(p)) {
        continue;
      }
      String target = target(p);
      boolean last = i == rel.getNameCount() - 1;
      boolean outside = !isInside(target, base);
      throw new ModelException(where + (last ? "is a symbolic link to " + target
          : "goes through the symbolic link '" + rel.subpath(0, i + 1) + "' to " + target)
          + (outside ? ", outside the model's directory " + base : "")
          + "; external data must not be a symbolic link or be reached through one");
    }
  }

  private static String target(Path link) {
    try {
      return link.toRealPath().toString();
    } catch (IOException e) {
      try {
        return Files.readSymbolicLink(link) + " (which cannot be resolved)";
      } catch (IOException e2) {
        return "an unreadable target";
      }
    }
  }

  private static boolean isInside(String target, Path base) {
    try {
      return Path.of(target).startsWith(base.toRealPath());
    } catch (IOException | InvalidPathException e) {
      return false;
    }
  }

  private static Object linkCount(Path p) {
    try {
      return Files.getAttribute(p, "unix:nlink");
    } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
      return null; // not a Unix file system: no hard-link check
    }
  }

  private static long parse(String text, long dflt, String key, String where) {
    if (text == null || text.isEmpty()) {
      return dflt;
    }
    long v;
    try {
      v = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new ModelException(where + "has " + key + " '" + text + "', not a whole number");
    }
    if (v < 0) {
      throw new ModelException(where + "has " + key + " " + v + "; it must be zero or positive");
    }
    return v;
  }

  private static String sha1(ByteBuffer b) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      md.update(b);
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }
}
