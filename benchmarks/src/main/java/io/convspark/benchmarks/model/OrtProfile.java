package io.convspark.benchmarks.model;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ONNX Runtime's own per-node times (its session profiler), so a ConvSpark layer can be set
 * beside ORT's kernel for the same node. A separate session: profiling must not slow the
 * timed one.
 */
final class OrtProfile {
  private OrtProfile() {}

  /** One ORT node: its name (as ORT renamed it after fusion), op type, median ms per batch. */
  record Node(String name, String op, double msPerBatch) {}

  // ORT writes one event per line: {"cat" : "Node", ..., "dur" : 118, ..., "name" :
  // "conv_1_kernel_time", "args" : {..., "op_name" : "FusedConv", ...}}
  private static final Pattern EVENT = Pattern.compile(
      "\"cat\"\\s*:\\s*\"Node\".*?\"dur\"\\s*:\\s*(\\d+).*?\"name\"\\s*:\\s*\"([^\"]+)_kernel_time\""
          + ".*?\"op_name\"\\s*:\\s*\"([^\"]+)\"");

  /** Runs {@code batches} profiled batches after one warm-up; nodes slowest first. */
  static List<Node> measure(byte[] onnx, int threads, float[] nchw, long[] dims, int batches)
      throws OrtException, IOException {
    Path dir = Files.createTempDirectory("ort-profile");
    OrtSession.SessionOptions o = OrtModel.options(threads);
    o.enableProfiling(dir.resolve("ort").toString());
    Path file;
    try (OrtModel ort = new OrtModel(onnx, o)) {
      ort.setInput(nchw, dims);
      for (int i = 0; i <= batches; i++) {
        ort.run();
      }
      file = Path.of(ort.endProfiling());
    }
    Map<String, List<Double>> times = new HashMap<>();
    Map<String, String> ops = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      Matcher m = EVENT.matcher(line);
      if (m.find()) {
        times.computeIfAbsent(m.group(2), k -> new ArrayList<>())
            .add(Long.parseLong(m.group(1)) / 1e3);
        ops.put(m.group(2), m.group(3));
      }
    }
    Files.delete(file);
    Files.delete(dir);
    List<Node> nodes = new ArrayList<>();
    times.forEach((name, ms) -> nodes.add(new Node(name, ops.get(name),
        Stats.of(ms.stream().mapToDouble(Double::doubleValue).toArray()).median())));
    nodes.sort((a, b) -> Double.compare(b.msPerBatch(), a.msPerBatch()));
    return nodes;
  }
}
