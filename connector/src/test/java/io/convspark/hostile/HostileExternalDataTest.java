package io.convspark.hostile;

import static io.convspark.testing.ModelAssertions.rejects;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.ModelException;
import io.convspark.graph.Graph;
import io.convspark.onnx.LoaderLimits;
import io.convspark.onnx.OnnxLoader;
import io.convspark.onnx.proto.StringStringEntryProto;
import io.convspark.onnx.proto.TensorProto;
import io.convspark.testing.OnnxModelBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile external data, cases X1-X8 of shared/docs/hostile-inputs.md section 5.2. External
 * data is resolved on the driver only, inside the model's directory: relative paths, no escape
 * after normalization, no symbolic or hard links, offset and length checked against the file
 * and the tensor before anything is read. Every rejection is one {@link ModelException} naming
 * the tensor and the location.
 *
 * <p>Layout: {@code tmp/model/m.onnx} with one Conv whose weights 'w' (FLOAT [4,3,3,3], 432
 * bytes) are external; {@code tmp/secret.bin} is a file outside the model's directory.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostileExternalDataTest {
  static final int W_BYTES = 432;

  @TempDir Path tmp;
  Path dir;
  Path secret;
  float[] weights;

  @BeforeEach
  void layout() throws IOException {
    dir = Files.createDirectories(tmp.resolve("model"));
    weights = OnnxModelBuilder.random(3, 108);
    secret = Files.write(tmp.resolve("secret.bin"), floatsLe(weights));
  }


  /** Weights 'w' stored externally at {@code location}, with extra key/value pairs. */
  static TensorProto external(String location, String... keyValues) {
    TensorProto.Builder t = TensorProto.newBuilder().setName("w").setDataType(1).addDims(4)
        .addDims(3).addDims(3).addDims(3).setDataLocation(TensorProto.DataLocation.EXTERNAL);
    if (location != null) {
      t.addExternalData(entry("location", location));
    }
    for (int i = 0; i < keyValues.length; i += 2) {
      t.addExternalData(entry(keyValues[i], keyValues[i + 1]));
    }
    return t.build();
  }

  static StringStringEntryProto entry(String k, String v) {
    return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
  }

  static byte[] modelBytes(TensorProto w) {
    return new OnnxModelBuilder(13).input("x", 1, 3, 8, 8).output("y").initializer(w)
        .node("conv1", "Conv", new String[] {"x", "w"}, new String[] {"y"}).toBytes();
  }

  /** Writes tmp/model/m.onnx referencing {@code w}. */
  Path model(TensorProto w) throws IOException {
    return Files.write(dir.resolve("m.onnx"), modelBytes(w));
  }

  static byte[] floatsLe(float[] f) {
    ByteBuffer b = ByteBuffer.allocate(4 * f.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(f);
    return b.array();
  }

  static String sha1(byte[] b) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
  }

  @Test
  @DisplayName("X1 location \"../../etc/passwd\"")
  void x01_parentDirectoryEscape() throws IOException {
    rejects(() -> OnnxLoader.load(model(external("../../etc/passwd"))), "initializer 'w'",
        "external data location '../../etc/passwd' points outside the model's directory");
    rejects(() -> OnnxLoader.load(model(external("../secret.bin"))), "initializer 'w'",
        "external data location '../secret.bin' points outside the model's directory");
    rejects(() -> ConvModel.load(model(external("../secret.bin"))), "initializer 'w'",
        "points outside the model's directory");
  }

  @Test
  @DisplayName("X2 location \"sub/../../secret\": normalized, then contained")
  void x02_normalizedEscape() throws IOException {
    Files.createDirectories(dir.resolve("sub"));
    rejects(() -> OnnxLoader.load(model(external("sub/../../secret.bin"))), "initializer 'w'",
        "'sub/../../secret.bin' points outside the model's directory");
    rejects(() -> OnnxLoader.load(model(external("./sub/./../.././secret.bin"))),
        "points outside the model's directory");
    // A ".." that stays inside after normalization is an ordinary location.
    Files.write(dir.resolve("w.bin"), floatsLe(weights));
    Graph g = OnnxLoader.load(model(external("sub/../w.bin")));
    assertArrayEquals(weights, g.constant("w").floats());
  }

  @Test
  @DisplayName("X3 absolute path; empty; \".\"; a directory")
  void x03_absoluteEmptyDotAndDirectory() throws IOException {
    rejects(() -> OnnxLoader.load(model(external(secret.toAbsolutePath().toString()))),
        "initializer 'w'", "is an absolute path; external data must be a relative path inside"
        + " the model's directory");
    rejects(() -> OnnxLoader.load(model(external("/etc/passwd"))), "'/etc/passwd' is an"
        + " absolute path");
    rejects(() -> OnnxLoader.load(model(external(""))), "initializer 'w'", "data_location is"
        + " EXTERNAL but external_data has no 'location'");
    rejects(() -> OnnxLoader.load(model(external(null, "offset", "0"))), "initializer 'w'",
        "external_data has no 'location'");
    rejects(() -> OnnxLoader.load(model(external("."))), "initializer 'w'", "location '.'"
        + " names the model's directory itself; external data must be a file inside it");
    Files.createDirectories(dir.resolve("sub"));
    rejects(() -> OnnxLoader.load(model(external("sub"))), "initializer 'w'", "location 'sub'"
        + " is not a regular file");
  }

  @Test
  @DisplayName("X4 final symlink; parent-dir symlink; hard link count > 1")
  void x04_symlinksAndHardLinks() throws IOException {
    Files.createSymbolicLink(dir.resolve("out.bin"), secret);
    rejects(() -> OnnxLoader.load(model(external("out.bin"))), "initializer 'w'",
        "location 'out.bin' is a symbolic link to " + secret.toRealPath(), "outside the model's"
        + " directory");
    // A link that stays inside is refused too: links are not followed at all.
    Files.write(dir.resolve("real.bin"), floatsLe(weights));
    Files.createSymbolicLink(dir.resolve("in.bin"), dir.resolve("real.bin"));
    rejects(() -> OnnxLoader.load(model(external("in.bin"))), "location 'in.bin' is a symbolic"
        + " link to " + dir.resolve("real.bin").toRealPath(), "external data must not be a"
        + " symbolic link");
    Path outsideDir = Files.createDirectories(tmp.resolve("elsewhere"));
    Files.write(outsideDir.resolve("w.bin"), floatsLe(weights));
    Files.createSymbolicLink(dir.resolve("linked"), outsideDir);
    rejects(() -> OnnxLoader.load(model(external("linked/w.bin"))), "initializer 'w'",
        "location 'linked/w.bin' goes through the symbolic link 'linked'");
    Files.createLink(dir.resolve("hard.bin"), secret);
    rejects(() -> OnnxLoader.load(model(external("hard.bin"))), "initializer 'w'",
        "location 'hard.bin' has 2 hard links; external data must not be hard-linked");
    Graph g = OnnxLoader.load(model(external("real.bin"))); // the plain file loads
    assertArrayEquals(weights, g.constant("w").floats());
  }

  @Test
  @DisplayName("X5 offset/length negative or non-numeric; past the file end; != nelem x size")
  void x05_offsetAndLength() throws IOException {
    Files.write(dir.resolve("w.bin"), floatsLe(weights));
    String[][] cases = {
        {"offset", "-1", "has offset -1; it must be zero or positive"},
        {"length", "-432", "has length -432; it must be zero or positive"},
        {"offset", "abc", "has offset 'abc', not a whole number"},
        {"length", "4.32e2", "has length '4.32e2', not a whole number"},
        {"length", "99999999999999999999", "has length '99999999999999999999', not a whole"
            + " number"},
        {"offset", "433", "has offset 433, past the end of the 432-byte file"},
        {"offset", "9223372036854775807", "past the end of the 432-byte file"},
        {"offset", "8", "has length 424 bytes, but FLOAT [4, 3, 3, 3] needs exactly 432"},
        {"length", "400", "has length 400 bytes, but FLOAT [4, 3, 3, 3] needs exactly 432"}};
    for (String[] c : cases) {
      rejects(() -> OnnxLoader.load(model(external("w.bin", c[0], c[1]))), "initializer 'w'",
          "location 'w.bin'", c[2]);
    }
    rejects(() -> OnnxLoader.load(model(external("w.bin", "offset", "100", "length", "432"))),
        "has offset 100 + length 432 = 532 bytes, past the end of the 432-byte file");
    rejects(() -> OnnxLoader.load(model(external("w.bin", "offset", "1", "length",
        "9223372036854775807"))), "past the end of the 432-byte file");
    // The weight budget is charged from the declared shape before the file is opened.
    rejects(() -> OnnxLoader.load(model(external("w.bin")), LoaderLimits.DEFAULT
        .withMaxWeightBytes(100)), "FLOAT [4, 3, 3, 3] needs 432 bytes", "more than the limit"
        + " of 100 (LoaderLimits.maxWeightBytes)");
  }

  @Test
  @DisplayName("X6 unknown keys (__class__, evil) in external_data: ignored with a warning")
  void x06_unknownKeysIgnoredWithWarning() throws IOException {
    Files.write(dir.resolve("w.bin"), floatsLe(weights));
    Path m = model(external("w.bin", "__class__", "os.system", "evil", "rm -rf /",
        "basepath", "/etc"));
    List<String> warnings = new ArrayList<>();
    Handler h = new Handler() {
      @Override
      public void publish(LogRecord r) {
        warnings.add(r.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger log = Logger.getLogger("io.convspark.onnx.ExternalData");
    log.addHandler(h);
    try {
      Graph g = OnnxLoader.load(m);
      assertArrayEquals(weights, g.constant("w").floats());
    } finally {
      log.removeHandler(h);
    }
    assertEquals(2, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).contains("ignoring unknown external_data key '__class__'"),
        warnings.toString());
    assertTrue(warnings.get(1).contains("ignoring unknown external_data key 'evil'"),
        warnings.toString());
    // A known key given twice is ambiguous (which location wins?): refused, not guessed.
    rejects(() -> OnnxLoader.load(model(external("w.bin", "location", "../secret.bin"))),
        "initializer 'w'", "external_data key 'location' is given twice");
  }

  @Test
  @DisplayName("X7 model as bytes (no base dir) with external data; hdfs:// and s3a:// paths")
  void x07_noBaseDirectoryAndRemotePaths() throws IOException {
    Files.write(dir.resolve("w.bin"), floatsLe(weights));
    byte[] m = modelBytes(external("w.bin"));
    rejects(() -> OnnxLoader.load(m, null), "initializer 'w'", "'w.bin' cannot be resolved:"
        + " the model was loaded from bytes or a stream without a base directory");
    rejects(() -> OnnxLoader.load(new ByteArrayInputStream(m), null), "without a base"
        + " directory");
    rejects(() -> ConvModel.load(m, null), "without a base directory");
    // With an explicit base directory the same rules apply.
    assertArrayEquals(weights, OnnxLoader.load(m, dir).constant("w").floats());
    rejects(() -> OnnxLoader.load(modelBytes(external("../secret.bin")), dir),
        "points outside the model's directory");
    for (String uri : new String[] {"hdfs://namenode:8020/models/w.bin", "s3a://bucket/w.bin",
        "file:///etc/passwd", "file:w.bin"}) {
      rejects(() -> OnnxLoader.load(model(external(uri))), "initializer 'w'", "location '"
          + uri + "' is a URI; external data must be a relative file path inside the model's"
          + " directory");
    }
  }

  @Test
  @DisplayName("X8 checksum present but wrong; offset pointing at a different region")
  void x08_checksumAndTrustedOffsets() throws IOException, NoSuchAlgorithmException {
    byte[] data = floatsLe(weights);
    float[] other = OnnxModelBuilder.random(9, 108);
    byte[] file = new byte[2 * W_BYTES];
    System.arraycopy(data, 0, file, 0, W_BYTES);
    System.arraycopy(floatsLe(other), 0, file, W_BYTES, W_BYTES);
    Files.write(dir.resolve("w.bin"), file);
    String wrong = "0000000000000000000000000000000000000000";
    rejects(() -> OnnxLoader.load(model(external("w.bin", "length", "432", "checksum", wrong))),
        "initializer 'w'", "location 'w.bin' has SHA-1 " + sha1(data) + ", but its checksum"
        + " says " + wrong);
    Graph ok = OnnxLoader.load(model(external("w.bin", "length", "432", "checksum",
        sha1(data).toUpperCase(java.util.Locale.ROOT))));
    assertArrayEquals(weights, ok.constant("w").floats());
    // Without a checksum, offsets are trusted: one pointing at another region loads that
    // region (documented in ExternalData; the ONNX checker and ORT behave the same).
    Graph moved = OnnxLoader.load(model(external("w.bin", "offset", "432")));
    assertArrayEquals(other, moved.constant("w").floats());
    rejects(() -> OnnxLoader.load(model(external("w.bin", "offset", "432", "checksum",
        sha1(data)))), "has SHA-1 " + sha1(floatsLe(other)) + ", but its checksum says "
        + sha1(data));
  }
}
