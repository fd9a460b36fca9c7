package io.convspark.cli;

import io.convspark.ConvModel;
import io.convspark.ModelException;
import io.convspark.graph.Shape;
import io.convspark.plan.CompiledModel;
import io.convspark.plan.Layouts;
import io.convspark.plan.ModelSession;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code convspark inspect|run|compile}: see {@link #USAGE}. Errors print one line
 * "convspark: message" and return a distinct exit code.
 *
 * <pre>{@code
 * int code = ConvSparkCli.run(new String[] {"inspect", "model.onnx"}, System.out, System.err);
 * }</pre>
 */
public final class ConvSparkCli {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_MODEL = 3;
  public static final int EXIT_IO = 4;

  static final String USAGE = String.join("\n",
      "usage: convspark <command> MODEL [flags]",
      "",
      "MODEL is an ONNX file or a compiled .csm file.",
      "",
      "commands:",
      "  inspect MODEL [--input-size HxW]",
      "      print inputs and outputs with shapes, op counts before and after fusion,",
      "      GFLOPs per image (2 per multiply-add), parameter bytes, arena bytes per",
      "      image, scratch bytes and the per-layer table",
      "  run MODEL --input FILE --shape SHAPE --output FILE [--threads N]",
      "      [--input-size HxW]",
      "      run the model on raw little-endian float32 input in ONNX order (NCHW) and",
      "      write output 0 as raw little-endian float32 in ONNX order",
      "  compile MODEL -o FILE [--input-size HxW]",
      "      compile an ONNX model to a .csm file, which loads without re-optimizing",
      "",
      "flags:",
      "  --input-size HxW   input height and width, required when the model's are dynamic;",
      "                     for run it defaults to the H and W of --shape",
      "  --input FILE       run: the input tensor, N*C*H*W float32 values (N*D for a",
      "                     feature input)",
      "  --shape SHAPE      run: input shape, batch first: NxCxHxW (or NxD)",
      "  --output FILE      run: where to write output 0",
      "  -o FILE            compile: where to write the .csm file",
      "  --threads N        run: worker threads, N >= 1 (default: available processors)",
      "  --verbose          print the stack trace of an error",
      "  -h, --help         print this help",
      "",
      "exit codes:",
      "  0  success",
      "  1  unexpected error",
      "  2  bad arguments (unknown flag, missing or malformed value, input file size or",
      "     --shape that does not match)",
      "  3  the model cannot be loaded or compiled",
      "  4  a file cannot be read or written",
      "");

  private static final Map<String, Set<String>> FLAGS = Map.of(
      "inspect", Set.of("--input-size"),
      "run", Set.of("--input", "--shape", "--output", "--threads", "--input-size"),
      "compile", Set.of("-o", "--input-size"));

  private ConvSparkCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one command; returns the exit code. Never calls {@code System.exit}. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    boolean verbose = List.of(args).contains("--verbose");
    try {
      if (args.length == 0 || List.of(args).contains("--help") || List.of(args).contains("-h")) {
        out.print(USAGE);
        return EXIT_OK;
      }
      Args a = Args.parse(args);
      switch (a.command) {
        case "inspect" -> inspect(a, out);
        case "run" -> runModel(a, out);
        default -> compile(a, out);
      }
      out.flush();
      return EXIT_OK;
    } catch (UsageException e) {
      return fail(err, e, verbose, EXIT_USAGE, e.getMessage() + " (see convspark --help)");
    } catch (ModelException e) {
      return fail(err, e, verbose, EXIT_MODEL, e.getMessage());
    } catch (IOException e) {
      return fail(err, e, verbose, EXIT_IO, e.getMessage());
    } catch (UncheckedIOException e) {
      return fail(err, e, verbose, EXIT_IO, e.getMessage() + ": " + e.getCause().getMessage());
    } catch (RuntimeException | OutOfMemoryError e) {
      return fail(err, e, verbose, EXIT_FAILURE, "unexpected error: " + e);
    }
  }

  private static int fail(PrintStream err, Throwable e, boolean verbose, int code,
      String message) {
    err.println("convspark: " + message);
    if (verbose) {
      e.printStackTrace(err);
    }
    err.flush();
    return code;
  }

  private static ConvModel load(Path model, int[] inputHW) throws IOException {
    if (!Files.isRegularFile(model) || !Files.isReadable(model)) {
      throw new IOException("cannot read model file '" + model + "': "
          + (!Files.exists(model) ? "no such file" : Files.isRegularFile(model)
              ? "permission denied" : "it is not a regular file"));
    }
    return ConvModel.load(model, inputHW);
  }

  private static void inspect(Args a, PrintStream out) throws IOException {
    ConvModel model = load(a.model, a.inputSize());
    CompiledModel m = model.compiled();
    out.println("model: " + a.model);
    out.println("input: " + m.inputName() + " " + m.inputShape() + " (per image)");
    for (int i = 0; i < m.outputNames().size(); i++) {
      out.println("output " + i + ": " + m.outputNames().get(i) + " " + m.outputShapes().get(i)
          + " (per image)");
    }
    out.println("ops before fusion: " + counts(m.opCountsBefore()));
    out.println("ops after fusion: " + counts(m.opCountsAfter()));
    out.printf("GFLOPs per image: %.4f (%.4f G multiply-adds)%n", m.gflopsPerImage(),
        m.gflopsPerImage() / 2);
    out.println("parameter bytes: " + m.parameterBytes());
    out.println("arena bytes per image: " + m.arenaBytesPerImage());
    out.println("scratch bytes: " + m.scratchBytes());
    if (!m.tailDescription().isEmpty()) {
      out.println("run over image groups: " + m.tailDescription());
    }
    out.println("layers:");
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"name", "op", "output", "GFLOPs", "detail"});
    rows.addAll(m.layerTable());
    int[] width = new int[5];
    for (String[] r : rows) {
      for (int c = 0; c < 4; c++) {
        width[c] = Math.max(width[c], r[c].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder(" ");
      for (int c = 0; c < 5; c++) {
        line.append(' ').append(c == 4 ? r[c] : String.format("%-" + width[c] + "s", r[c]));
      }
      out.println(line.toString().stripTrailing());
    }
  }

  /** "Add=10, Conv=52": sorted by op type. */
  static String counts(Map<String, Integer> counts) {
    StringBuilder b = new StringBuilder();
    for (Map.Entry<String, Integer> e : new TreeMap<>(counts).entrySet()) {
      b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
    }
    return b.length() == 0 ? "(none)" : b.toString();
  }

  private static void runModel(Args a, PrintStream out) throws IOException {
    Path inputFile = a.path("--input");
    Path outputFile = a.path("--output");
    long[] shape = a.dims("--shape");
    int threads = a.intFlag("--threads", Runtime.getRuntime().availableProcessors());
    long count = 1;
    for (long d : shape) {
      count = Math.min(count * d, 1L << 40); // dims < 2^31: saturate instead of overflowing
    }
    if (4 * count > Integer.MAX_VALUE - 8) {
      throw new UsageException("cannot run: --shape " + a.flags.get("--shape") + " holds "
          + count + " float32 values, at most " + (Integer.MAX_VALUE / 4) + " fit in one batch");
    }
    long bytes = Files.size(inputFile);
    if (bytes != 4 * count) {
      throw new UsageException("cannot read input file '" + inputFile + "': it has " + bytes
          + " bytes, --shape " + a.flags.get("--shape") + " needs " + (4 * count) + " bytes ("
          + count + " float32 values)");
    }
    int[] inputHW = a.inputSize();
    if (inputHW == null && shape.length == 4) {
      inputHW = new int[] {(int) shape[2], (int) shape[3]};
    }
    ConvModel model = load(a.model, inputHW);
    CompiledModel m = model.compiled();
    Shape in = m.inputShape();
    boolean fits = in.rank() == shape.length;
    for (int i = 1; fits && i < shape.length; i++) {
      fits = in.dim(i) == shape[i];
    }
    if (!fits) {
      throw new UsageException("cannot run model: --shape " + a.flags.get("--shape")
          + " does not match input '" + m.inputName() + "' of shape " + in
          + "; the dimensions after the batch must agree");
    }
    int batch = (int) shape[0];
    float[] data = new float[(int) count];
    ByteBuffer.wrap(Files.readAllBytes(inputFile)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
        .get(data);
    float[] input = shape.length == 4
        ? Layouts.nchwToNhwc(data, batch, (int) shape[1], (int) shape[2], (int) shape[3]) : data;
    float[] result;
    try (ModelSession s = model.newSession(threads)) {
      result = s.run(input, batch)[0];
    }
    ByteBuffer buf = ByteBuffer.allocate(4 * result.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(result);
    try {
      Files.write(outputFile, buf.array());
    } catch (IOException e) {
      throw new IOException("cannot write output file '" + outputFile + "': " + e, e);
    }
    out.println("wrote " + m.outputNames().get(0) + " [" + batch + " x "
        + m.outputShapes().get(0) + "] to " + outputFile + " (" + result.length
        + " float32 values)");
  }

  private static void compile(Args a, PrintStream out) throws IOException {
    Path target = a.path("-o");
    ConvModel model = load(a.model, a.inputSize());
    byte[] csm = model.toCompiledBytes();
    try {
      Files.write(target, csm);
    } catch (IOException e) {
      throw new IOException("cannot write compiled model '" + target + "': " + e, e);
    }
    out.println("wrote " + target + " (" + csm.length + " bytes)");
  }

  /** Parsed command line: command, model path and flag values. */
  static final class Args {
    final String command;
    final Path model;
    final Map<String, String> flags = new LinkedHashMap<>();

    private Args(String command, Path model) {
      this.command = command;
      this.model = model;
    }

    static Args parse(String[] args) {
      String command = args[0];
      if (command.equals("demo")) {
        throw new UsageException("the demo needs Spark on the classpath: run it with"
            + " bin/convspark demo, or spark-submit --class io.convspark.job.BatchJob");
      }
      if (!FLAGS.containsKey(command)) {
        throw new UsageException("unknown command '" + command
            + "', expected one of [inspect, run, compile]");
      }
      Set<String> allowed = FLAGS.get(command);
      Path model = null;
      Map<String, String> flags = new LinkedHashMap<>();
      for (int i = 1; i < args.length; i++) {
        String s = args[i];
        if (s.equals("--verbose")) {
          continue;
        }
        if (s.startsWith("-") && s.length() > 1) {
          if (!allowed.contains(s)) {
            throw new UsageException("unknown flag '" + s + "' for " + command
                + ", expected one of " + new java.util.TreeSet<>(allowed));
          }
          if (i + 1 >= args.length) {
            throw new UsageException("flag " + s + " needs a value");
          }
          if (flags.put(s, args[++i]) != null) {
            throw new UsageException("flag " + s + " is given twice, it may appear once");
          }
        } else if (model == null) {
          model = Path.of(s);
        } else {
          throw new UsageException("unexpected argument '" + s + "': " + command
              + " takes one model file, already got '" + model + "'");
        }
      }
      if (model == null) {
        throw new UsageException(command + " needs a model file");
      }
      Args a = new Args(command, model);
      a.flags.putAll(flags);
      return a;
    }

    Path path(String flag) {
      String v = flags.get(flag);
      if (v == null) {
        throw new UsageException(command + " needs " + flag + " FILE");
      }
      return Path.of(v);
    }

    int intFlag(String flag, int dflt) {
      String v = flags.get(flag);
      if (v == null) {
        return dflt;
      }
      try {
        int n = Integer.parseInt(v);
        if (n >= 1) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new UsageException(flag + " " + v + ", must be an integer >= 1");
    }

    /** "2x3x224x224" as dims; every dimension a positive integer, rank 4 or 2. */
    long[] dims(String flag) {
      String v = flags.get(flag);
      if (v == null) {
        throw new UsageException(command + " needs " + flag + " NxCxHxW");
      }
      String[] parts = v.split("x", -1);
      long[] d = new long[parts.length];
      for (int i = 0; i < parts.length; i++) {
        try {
          d[i] = Long.parseLong(parts[i]);
        } catch (NumberFormatException e) {
          d[i] = -1;
        }
        if (d[i] < 1 || d[i] > Integer.MAX_VALUE) {
          throw new UsageException(flag + " " + v + ": dimension '" + parts[i] + "' must be an"
              + " integer in [1, 2^31)");
        }
      }
      if (d.length != 4 && d.length != 2) {
        throw new UsageException(flag + " " + v + " has " + d.length + " dimensions, 4 (NxCxHxW)"
            + " or 2 (NxD) are required");
      }
      return d;
    }

    /** --input-size HxW, or null. */
    int[] inputSize() {
      String v = flags.get("--input-size");
      if (v == null) {
        return null;
      }
      String[] parts = v.split("x", -1);
      if (parts.length == 2) {
        try {
          int h = Integer.parseInt(parts[0]);
          int w = Integer.parseInt(parts[1]);
          if (h >= 1 && w >= 1) {
            return new int[] {h, w};
          }
        } catch (NumberFormatException e) {
          // reported below
        }
      }
      throw new UsageException("--input-size " + v + ", must be HxW with positive integers,"
          + " e.g. 224x224");
    }
  }
}
