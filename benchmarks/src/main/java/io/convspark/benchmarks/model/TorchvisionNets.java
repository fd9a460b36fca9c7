package io.convspark.benchmarks.model;

/**
 * Full-size torchvision architectures with seeded weights: the exact layer shapes of
 * resnet50, mobilenet_v2 (width 1.0) and regnet_x_400mf, at any input size. Each checks its
 * parameter count against torchvision's, so a shape mistake cannot go unnoticed.
 */
final class TorchvisionNets {
  private TorchvisionNets() {}

  /** A generated model: ONNX bytes, for the named architecture. */
  record Net(String name, byte[] onnx) {}

  static Net build(String name, int h, int w) {
    return switch (name) {
      case "resnet50" -> resnet50(h, w);
      case "mobilenet_v2" -> mobilenetV2(h, w);
      case "regnet_x_400mf" -> regnetX400mf(h, w);
      default -> throw new IllegalArgumentException("unknown architecture " + name);
    };
  }

  private static Net checked(String name, NetBuilder b, String out, long expectedParams) {
    if (b.params() != expectedParams) {
      throw new IllegalStateException(name + " has " + b.params()
          + " parameters, torchvision's has " + expectedParams);
    }
    return new Net(name, b.finish(out));
  }

  /** ResNet-50 v1.5 (stride in the 3x3 conv), layers 3-4-6-3, 25,557,032 parameters. */
  static Net resnet50(int h, int w) {
    NetBuilder b = new NetBuilder(50, -1, 3, h, w);
    String x = b.maxPool(b.relu(b.convBn("input", 3, 64, 7, 2, 1)), 3, 2, 1);
    int in = 64;
    int[] blocks = {3, 4, 6, 3};
    for (int stage = 0; stage < 4; stage++) {
      int mid = 64 << stage;
      for (int i = 0; i < blocks[stage]; i++) {
        int stride = i == 0 && stage > 0 ? 2 : 1;
        String y = b.relu(b.convBn(x, in, mid, 1, 1, 1));
        y = b.relu(b.convBn(y, mid, mid, 3, stride, 1));
        y = b.convBn(y, mid, mid * 4, 1, 1, 1);
        String shortcut = i == 0 ? b.convBn(x, in, mid * 4, 1, stride, 1) : x;
        x = b.relu(b.add(y, shortcut));
        in = mid * 4;
      }
    }
    return checked("resnet50", b, b.head(x, 2048, 1000), 25_557_032L);
  }

  /** MobileNetV2 width 1.0: inverted residuals (t, c, n, s), 3,504,872 parameters. */
  static Net mobilenetV2(int h, int w) {
    NetBuilder b = new NetBuilder(2, -1, 3, h, w);
    String x = b.relu6(b.convBn("input", 3, 32, 3, 2, 1));
    int in = 32;
    int[][] settings = {{1, 16, 1, 1}, {6, 24, 2, 2}, {6, 32, 3, 2}, {6, 64, 4, 2},
        {6, 96, 3, 1}, {6, 160, 3, 2}, {6, 320, 1, 1}};
    for (int[] s : settings) {
      for (int i = 0; i < s[2]; i++) {
        int stride = i == 0 ? s[3] : 1;
        int mid = in * s[0];
        String y = s[0] == 1 ? x : b.relu6(b.convBn(x, in, mid, 1, 1, 1));
        y = b.relu6(b.convBn(y, mid, mid, 3, stride, mid));
        y = b.convBn(y, mid, s[1], 1, 1, 1);
        x = stride == 1 && in == s[1] ? b.add(x, y) : y;
        in = s[1];
      }
    }
    x = b.relu6(b.convBn(x, 320, 1280, 1, 1, 1));
    return checked("mobilenet_v2", b, b.head(x, 1280, 1000), 3_504_872L);
  }

  /**
   * RegNetX-400MF: stem 32, stages of widths 32-64-160-400 and depths 1-2-7-12, group width
   * 16, bottleneck ratio 1, stride 2 at each stage's first block; 5,495,976 parameters.
   */
  static Net regnetX400mf(int h, int w) {
    NetBuilder b = new NetBuilder(400, -1, 3, h, w);
    String x = b.relu(b.convBn("input", 3, 32, 3, 2, 1));
    int in = 32;
    int[] widths = {32, 64, 160, 400};
    int[] depths = {1, 2, 7, 12};
    for (int stage = 0; stage < 4; stage++) {
      int out = widths[stage];
      for (int i = 0; i < depths[stage]; i++) {
        int stride = i == 0 ? 2 : 1;
        String y = b.relu(b.convBn(x, in, out, 1, 1, 1));
        y = b.relu(b.convBn(y, out, out, 3, stride, out / 16));
        y = b.convBn(y, out, out, 1, 1, 1);
        String shortcut = in != out || stride != 1 ? b.convBn(x, in, out, 1, stride, 1) : x;
        x = b.relu(b.add(shortcut, y));
        in = out;
      }
    }
    return checked("regnet_x_400mf", b, b.head(x, 400, 1000), 5_495_976L);
  }
}
