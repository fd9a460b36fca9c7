package io.convspark.kernels;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads {@code shapes/*.txt}: one case a line, shared by the JUnit suites and the benchmarks. */
public final class ShapeCatalog {
  /** A catalog line: the shape plus options such as n=3, act=relu, res=before. */
  public record ConvCase(Conv2dShape shape, Map<String, String> options) {
    public int batch() {
      return Integer.parseInt(options.getOrDefault("n", "1"));
    }

    public Epilogue epilogue() {
      Activation a = activation(options.getOrDefault("act", "none"));
      String res = options.getOrDefault("res", "none");
      Epilogue.Residual r = res.equals("before") ? Epilogue.Residual.BEFORE_ACTIVATION
          : res.equals("after") ? Epilogue.Residual.AFTER_ACTIVATION : Epilogue.Residual.NONE;
      return Epilogue.of(a, r);
    }

    @Override
    public String toString() {
      return shape.descriptor() + (options.isEmpty() ? "" : " " + options);
    }
  }

  private ShapeCatalog() {}

  public static Activation activation(String name) {
    switch (name) {
      case "none": return Activation.NONE;
      case "relu": return Activation.RELU;
      case "relu6": return Activation.relu6();
      case "clip": return Activation.clip(-0.5f, 0.75f);
      case "leaky": return Activation.leakyRelu(0.1f);
      case "hardsigmoid": return Activation.hardSigmoid(0.2f, 0.5f);
      case "hardswish": return Activation.HARD_SWISH;
      case "sigmoid": return Activation.SIGMOID;
      case "silu": return Activation.SILU;
      default: throw new IllegalArgumentException("unknown activation " + name);
    }
  }

  public static Conv2dShape parseConv(String descriptor) {
    return Conv2dShape.parse(descriptor);
  }

  public static List<ConvCase> conv(String resource) {
    List<ConvCase> cases = new ArrayList<>();
    for (String line : lines(resource)) {
      String[] parts = line.split("\\s+");
      Map<String, String> opts = new HashMap<>();
      for (int i = 1; i < parts.length; i++) {
        String[] kv = parts[i].split("=", 2);
        opts.put(kv[0], kv[1]);
      }
      cases.add(new ConvCase(parseConv(parts[0]), opts));
    }
    return cases;
  }

  static List<String> lines(String resource) {
    List<String> out = new ArrayList<>();
    var stream = ShapeCatalog.class.getResourceAsStream("/shapes/" + resource);
    if (stream == null) {
      throw new IllegalArgumentException("no shape catalog /shapes/" + resource);
    }
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(stream, StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        line = line.trim();
        if (!line.isEmpty() && !line.startsWith("#")) {
          out.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
