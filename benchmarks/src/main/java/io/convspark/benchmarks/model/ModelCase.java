package io.convspark.benchmarks.model;

import java.util.List;

/** One row of the comparison: an architecture at an input size, batch and thread count. */
record ModelCase(String arch, int height, int width, int batch, int threads) {
  String label() {
    return arch + " " + height + "x" + width + " b" + batch + " t" + threads;
  }

  String modelFile() {
    return arch + "-" + height + "x" + width + ".onnx";
  }

  /** The cases: three models at batch 16, 224x224, and the 360x640 batch-8 workload. */
  static List<ModelCase> full() {
    List<ModelCase> cases = new java.util.ArrayList<>();
    for (String arch : List.of("resnet50", "mobilenet_v2", "regnet_x_400mf")) {
      for (int t = 1; t <= 2; t++) {
        cases.add(new ModelCase(arch, 224, 224, 16, t));
      }
    }
    for (int t = 1; t <= 2; t++) {
      cases.add(new ModelCase("regnet_x_400mf", 360, 640, 8, t));
    }
    return cases;
  }

  /** A smoke run: every architecture once, MobileNetV2 on both thread counts. */
  static List<ModelCase> quick() {
    return List.of(new ModelCase("mobilenet_v2", 224, 224, 16, 1),
        new ModelCase("mobilenet_v2", 224, 224, 16, 2),
        new ModelCase("regnet_x_400mf", 360, 640, 8, 2),
        new ModelCase("resnet50", 224, 224, 16, 2));
  }
}
