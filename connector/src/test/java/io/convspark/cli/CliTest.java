package io.convspark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convspark.ConvModel;
import io.convspark.testing.CnnBuilder;
import io.convspark.testing.Models;
import io.convspark.testing.OnnxModelBuilder;
import io.convspark.testing.OrtRunner;
import io.convspark.testing.TestData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line in-process: output content, files written, and each exit code. */
class CliTest {
  @TempDir Path tmp;

  record Result(int code, String out, String err) {}

  static Result cli(Object... args) {
    String[] a = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      a[i] = args[i].toString();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = ConvSparkCli.run(a, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  static Result expect(int code, Object... args) {
    Result r = cli(args);
    assertEquals(code, r.code, () -> "exit code of " + java.util.Arrays.toString(args)
        + "\nstdout: " + r.out + "\nstderr: " + r.err);
    return r;
  }

  /** One "convspark: ..." line on stderr containing every part, no stack trace. */
  static void assertOneErrorLine(Result r, String... parts) {
    String[] lines = r.err.strip().split("\n");
    assertEquals(1, lines.length, () -> "one error line expected: " + r.err);
    assertTrue(lines[0].startsWith("convspark: "), r.err);
    for (String p : parts) {
      assertTrue(lines[0].contains(p), () -> "error lacks '" + p + "': " + r.err);
    }
  }

  static void writeFloats(Path file, float[] v) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(v);
    Files.write(file, b.array());
  }

  static float[] readFloats(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    float[] v = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }

  @Test
  void noArgumentsAndHelpPrintUsageWithEveryCommandFlagAndExitCode() {
    Result r = expect(0);
    for (String s : new String[] {"inspect", "run", "compile", "--input-size", "--input",
        "--shape", "--output", "-o", "--threads", "--verbose", "--help", "0  success",
        "2  bad arguments", "3  the model cannot be loaded", "4  a file cannot be read"}) {
      assertTrue(r.out.contains(s), () -> "usage lacks '" + s + "':\n" + r.out);
    }
    assertEquals(r.out, expect(0, "--help").out);
    assertEquals(r.out, expect(0, "run", "m.onnx", "-h").out);
  }

  @Test
  void inspectMobileNetV2PrintsFusedOpCountsGflopsAndArena() {
    Path model = TestData.model("mobilenet_v2.onnx");
    Result r = expect(0, "inspect", model);
    var compiled = ConvModel.load(model).compiled();
    Matcher after = Pattern.compile("ops after fusion: (.*)").matcher(r.out);
    assertTrue(after.find(), r.out);
    assertTrue(after.group(1).contains("Conv=52"), after.group(0));
    assertFalse(after.group(1).contains("BatchNormalization"), after.group(0));
    assertTrue(r.out.contains("ops before fusion: "), r.out);
    Matcher gflops = Pattern.compile(
        "GFLOPs per image: ([0-9.]+) \\(([0-9.]+) G multiply-adds\\)")
        .matcher(r.out);
    assertTrue(gflops.find(), r.out);
    double macs = Double.parseDouble(gflops.group(2));
    assertTrue(macs > 0.28 && macs < 0.32, "MobileNetV2 at 224x224 is ~0.3 G multiply-adds: "
        + gflops.group(0));
    assertEquals(2 * macs, Double.parseDouble(gflops.group(1)), 2e-4, gflops.group(0));
    assertTrue(r.out.contains("arena bytes per image: " + compiled.arenaBytesPerImage()),
        r.out);
    assertTrue(r.out.contains("scratch bytes: " + compiled.scratchBytes()), r.out);
    assertTrue(r.out.contains("parameter bytes: " + compiled.parameterBytes()), r.out);
    assertTrue(r.out.contains("input: " + compiled.inputName() + " 1x3x224x224"), r.out);
    // The layer table: a header and one row per step.
    long rows = r.out.lines().filter(l -> l.startsWith("  ")).count();
    assertEquals(compiled.layerTable().size() + 1, rows, r.out);
  }

  @Test
  void runMatchesOnnxRuntimeOnResnetStyleBatchOfTwo() throws IOException {
    int size = 29;
    byte[] onnx = Models.resnetStyle(size);
    Path model = Files.write(tmp.resolve("resnet.onnx"), onnx);
    float[] nchw = OnnxModelBuilder.random(2345, 2 * 3 * size * size);
    writeFloats(tmp.resolve("in.f32"), nchw);
    expect(0, "run", model, "--input", tmp.resolve("in.f32"), "--shape", "2x3x29x29",
        "--output", tmp.resolve("out.f32"), "--threads", 2);
    float[] ref = OrtRunner.run(onnx, nchw, new long[] {2, 3, size, size}, 0);
    OrtRunner.assertCloseToReference("resnetStyle via CLI (seed 2345)", ref,
        readFloats(tmp.resolve("out.f32")), 1e-4);
  }

  @Test
  void compiledCsmRunsToIdenticalBytes() throws IOException {
    Path model = Files.write(tmp.resolve("mnv2.onnx"), Models.mobilenetV2Style(33));
    Path csm = tmp.resolve("mnv2.csm");
    Result c = expect(0, "compile", model, "-o", csm);
    assertTrue(c.out.contains("wrote " + csm), c.out);
    writeFloats(tmp.resolve("in.f32"), OnnxModelBuilder.random(7, 3 * 3 * 33 * 33));
    for (Path m : new Path[] {model, csm}) {
      expect(0, "run", m, "--input", tmp.resolve("in.f32"), "--shape", "3x3x33x33",
          "--output", tmp.resolve(m.getFileName() + ".out"), "--threads", 1);
    }
    byte[] a = Files.readAllBytes(tmp.resolve("mnv2.onnx.out"));
    assertEquals(3 * 7 * 4, a.length);
    assertArrayEquals(a, Files.readAllBytes(tmp.resolve("mnv2.csm.out")));
  }

  @Test
  void dynamicModelTakesInputSizeFromFlag() throws IOException {
    Path model = Files.write(tmp.resolve("dyn.onnx"), Models.convBnRelu(-1));
    assertTrue(expect(0, "inspect", model, "--input-size", "13x11").out
        .contains("1x19x13x11"));
    assertOneErrorLine(expect(3, "inspect", model), "dynamic", "give the input height and width");
  }

  @Test
  void badFlagsExitWithUsageCode() throws IOException {
    Path model = Files.write(tmp.resolve("m.onnx"), Models.convBnRelu(9));
    assertOneErrorLine(expect(2, "inspect", model, "--bogus", "1"), "unknown flag '--bogus'",
        "expected one of [--input-size]");
    assertOneErrorLine(expect(2, "frobnicate", model), "unknown command 'frobnicate'",
        "[inspect, run, compile]");
    assertOneErrorLine(expect(2, "compile", model), "compile needs -o FILE");
    assertOneErrorLine(expect(2, "inspect", model, "--input-size", "0x9"),
        "--input-size 0x9, must be HxW with positive integers");
    assertOneErrorLine(expect(2, "inspect", model, "--input-size"), "--input-size needs a value");
    assertOneErrorLine(expect(2, "run", model, "--input", "a", "--output", "b", "--shape",
        "1x3x9"), "--shape 1x3x9 has 3 dimensions, 4 (NxCxHxW) or 2 (NxD) are required");
    assertOneErrorLine(expect(2, "run", model, "--input", "a", "--output", "b", "--shape",
        "1x3x9x9", "--threads", "0"), "--threads 0, must be an integer >= 1");
  }

  @Test
  void missingFileExitsWithIoCode() throws IOException {
    assertOneErrorLine(expect(4, "inspect", tmp.resolve("absent.onnx")),
        "cannot read model file", "absent.onnx", "no such file");
    Path model = Files.write(tmp.resolve("m.onnx"), Models.convBnRelu(9));
    Result r = expect(4, "run", model, "--input", tmp.resolve("absent.f32"), "--shape",
        "1x3x9x9", "--output", tmp.resolve("o.f32"));
    assertOneErrorLine(r, "absent.f32");
    r = expect(4, "compile", model, "-o", tmp.resolve("no/such/dir/m.csm"));
    assertOneErrorLine(r, "cannot write compiled model", "m.csm");
  }

  @Test
  void inputFileOfWrongSizeIsRefusedWithTheNumbers() throws IOException {
    Path model = Files.write(tmp.resolve("m.onnx"), Models.convBnRelu(9));
    writeFloats(tmp.resolve("in.f32"), new float[3 * 9 * 9 - 1]);
    Result r = expect(2, "run", model, "--input", tmp.resolve("in.f32"), "--shape", "1x3x9x9",
        "--output", tmp.resolve("o.f32"));
    assertOneErrorLine(r, "it has 968 bytes, --shape 1x3x9x9 needs 972 bytes (243 float32"
        + " values)");
    assertFalse(Files.exists(tmp.resolve("o.f32")));
    writeFloats(tmp.resolve("in4.f32"), new float[4 * 9 * 9]);
    r = expect(2, "run", model, "--input", tmp.resolve("in4.f32"), "--shape", "1x4x9x9",
        "--output", tmp.resolve("o.f32"));
    assertOneErrorLine(r, "--shape 1x4x9x9 does not match input 'x' of shape 1x3x9x9");
  }

  @Test
  void unsupportedOpModelExitsWithModelCodeAndStackTraceOnlyWhenVerbose() throws IOException {
    CnnBuilder c = new CnnBuilder(13, 1, "x", 1, 3, 8, 8);
    String y = c.unary("Tanh", c.unary("Erf", c.conv("x", 3, 4, 3, 1, 1, 1)));
    Path model = Files.write(tmp.resolve("bad.onnx"), c.output(y).toBytes());
    Result r = expect(3, "inspect", model);
    assertOneErrorLine(r, "2 node(s) use ops that are not supported", "Tanh", "Erf");
    r = expect(3, "inspect", model, "--verbose");
    assertTrue(r.err.contains("at io.convspark."), r.err);
    Path junk = Files.write(tmp.resolve("junk.onnx"), new byte[] {1, 2, 3, 4, 5});
    assertOneErrorLine(expect(3, "inspect", junk), "cannot parse ONNX model", "junk.onnx");
  }
}
