package io.convspark.testing;

/** Test CNNs in the shapes of real architectures, small enough to run in unit tests. */
public final class Models {
  private Models() {}

  /** Conv -> BatchNormalization -> Relu, unfolded, as an exporter writes it. */
  public static byte[] convBnRelu(int size) {
    CnnBuilder c = new CnnBuilder(13, 1, "x", -1, 3, size, size);
    String y = c.relu(c.bn(c.conv("x", 3, 19, 3, 1, 1, 1), 19));
    return c.output(y).toBytes();
  }

  /** ResNet-style: stem, max pool, two bottlenecks (one with a projection), GAP, FC. */
  public static byte[] resnetStyle(int size) {
    CnnBuilder c = new CnnBuilder(13, 2, "x", -1, 3, size, size);
    String x = c.maxPool(c.relu(c.bn(c.conv("x", 3, 16, 7, 2, 3, 1), 16)), 3, 2, 1);
    x = bottleneck(c, x, 16, 8, 32, 1, true);
    x = bottleneck(c, x, 32, 8, 32, 1, false);
    x = bottleneck(c, x, 32, 16, 64, 2, true);
    String y = c.linear(c.flatten(c.globalAveragePool(x)), 64, 10);
    return c.output(y).toBytes();
  }

  private static String bottleneck(CnnBuilder c, String x, int in, int mid, int out, int stride,
      boolean project) {
    String y = c.relu(c.bn(c.conv(x, in, mid, 1, 1, 0, 1), mid));
    y = c.relu(c.bn(c.conv(y, mid, mid, 3, stride, 1, 1), mid));
    y = c.bn(c.conv(y, mid, out, 1, 1, 0, 1), out);
    String shortcut = project ? c.bn(c.conv(x, in, out, 1, stride, 0, 1), out) : x;
    return c.relu(c.binary("Add", y, shortcut));
  }

  /**
   * ResNet-style with a heavy last stage (1.6 MB of weights on a 5x5 map, then a classifier):
   * the compiler runs those layers over groups of images (see TailSegment).
   */
  public static byte[] heavyTail(int size) {
    CnnBuilder c = new CnnBuilder(13, 6, "x", -1, 3, size, size);
    String x = c.relu(c.bn(c.conv("x", 3, 32, 3, 2, 1, 1), 32));
    x = bottleneck(c, x, 32, 64, 256, 2, true);
    x = bottleneck(c, x, 256, 128, 512, 2, true);
    x = bottleneck(c, x, 512, 128, 512, 1, false);
    String y = c.linear(c.flatten(c.globalAveragePool(x)), 512, 100);
    return c.output(y).toBytes();
  }

  /** MobileNetV2-style: inverted residuals with depthwise convs and ReLU6. */
  public static byte[] mobilenetV2Style(int size) {
    CnnBuilder c = new CnnBuilder(13, 3, "x", -1, 3, size, size);
    String x = c.relu6(c.bn(c.conv("x", 3, 16, 3, 2, 1, 1), 16));
    x = inverted(c, x, 16, 24, 6, 2);
    x = inverted(c, x, 24, 24, 6, 1);
    x = inverted(c, x, 24, 40, 3, 2);
    String y = c.linear(c.flatten(c.globalAveragePool(x)), 40, 7);
    return c.output(y).toBytes();
  }

  private static String inverted(CnnBuilder c, String x, int in, int out, int expand,
      int stride) {
    int mid = in * expand;
    String y = c.relu6(c.bn(c.conv(x, in, mid, 1, 1, 0, 1), mid));
    y = c.relu6(c.bn(c.conv(y, mid, mid, 3, stride, 1, mid), mid));
    y = c.bn(c.conv(y, mid, out, 1, 1, 0, 1), out);
    return stride == 1 && in == out ? c.binary("Add", x, y) : y;
  }

  /** RegNetX-style: grouped 3x3 convs with group width 16. */
  public static byte[] regnetStyle(int size) {
    CnnBuilder c = new CnnBuilder(13, 4, "x", -1, 3, size, size);
    String x = c.relu(c.bn(c.conv("x", 3, 32, 3, 2, 1, 1), 32));
    x = regBlock(c, x, 32, 48, 2);
    x = regBlock(c, x, 48, 48, 1);
    String y = c.linear(c.flatten(c.globalAveragePool(x)), 48, 5);
    return c.output(y).toBytes();
  }

  private static String regBlock(CnnBuilder c, String x, int in, int out, int stride) {
    String y = c.relu(c.bn(c.conv(x, in, out, 1, 1, 0, 1), out));
    y = c.relu(c.bn(c.conv(y, out, out, 3, stride, 1, out / 16), out));
    y = c.bn(c.conv(y, out, out, 1, 1, 0, 1), out);
    String shortcut = stride != 1 || in != out ? c.bn(c.conv(x, in, out, 1, stride, 0, 1), out)
        : x;
    return c.relu(c.binary("Add", y, shortcut));
  }

  /** SqueezeNet-style: fire modules with Concat, HardSwish spelled as paddle2onnx does. */
  public static byte[] squeezenetStyle(int size) {
    CnnBuilder c = new CnnBuilder(13, 5, "x", -1, 3, size, size);
    String x = c.maxPool(c.relu(c.conv("x", 3, 24, 3, 2, 0, 1)), 3, 2, 0);
    x = fire(c, x, 24, 8, 16);
    x = fire(c, x, 32, 8, 16);
    x = c.hardSwishSpelled(c.conv(x, 32, 10, 1, 1, 0, 1));
    String y = c.flatten(c.globalAveragePool(x));
    return c.output(y).toBytes();
  }

  private static String fire(CnnBuilder c, String x, int in, int squeeze, int expand) {
    String s = c.relu(c.conv(x, in, squeeze, 1, 1, 0, 1));
    String e1 = c.relu(c.conv(s, squeeze, expand, 1, 1, 0, 1));
    String e3 = c.relu(c.conv(s, squeeze, expand, 3, 1, 1, 1));
    return c.concat(e1, e3);
  }
}
