package io.convspark.onnx;

import com.google.protobuf.InvalidProtocolBufferException;

/** Protobuf parsing limits and messages shared by the model and tensor readers. */
final class ProtoLimits {
  /** Message nesting depth, as protobuf-java's default; deeper input is rejected, not recursed. */
  static final int RECURSION_LIMIT = 100;

  private ProtoLimits() {}

  /** Restates protobuf's parse error for a model user (no protobuf API advice). */
  static String describe(InvalidProtocolBufferException e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("ended unexpectedly")) {
      return "the data ends in the middle of a field";
    }
    if (m.contains("message was too large")) {
      return "a field declares a length beyond the " + Integer.MAX_VALUE + "-byte protobuf"
          + " limit (message too large); larger models must store weights as external data";
    }
    if (m.contains("too many levels of nesting")) {
      return "messages are nested more than " + RECURSION_LIMIT + " levels deep (too many"
          + " levels of nesting)";
    }
    return m;
  }
}
