package io.convspark.plan;

/**
 * One planned operation of a compiled model. Steps are immutable and shared by sessions; they
 * read and write arena slots through the {@link Frame}.
 */
abstract class Step {
  final String name;
  final String opType;
  final int[] inputs;
  final int output;

  Step(String name, String opType, int[] inputs, int output) {
    this.name = name;
    this.opType = opType;
    this.inputs = inputs;
    this.output = output;
  }

  abstract void run(Frame f);

  /** FLOPs per image (multiply-adds count 2). */
  double flops() {
    return 0;
  }

  /** Weight layout and algorithm, for inspect output. */
  String detail() {
    return "";
  }

  /** Bytes of packed weights this step reads per call (0 for ops without weights). */
  long weightBytes() {
    return 0;
  }

  /** Scratch floats this step needs beside the arena (conv padding copies). */
  long scratchFloats() {
    return 0;
  }

  /** True when the output is the input reinterpreted (same memory, no work). */
  boolean isView() {
    return false;
  }

  int off(Frame f, int value) {
    return f.slotOffset[value];
  }
}
