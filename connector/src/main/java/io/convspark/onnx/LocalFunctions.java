package io.convspark.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.convspark.onnx.proto.ModelProto;
import java.util.HashSet;
import java.util.Set;

/**
 * Names of a model's local functions (ModelProto field 25, FunctionProto). Our onnx.proto
 * leaves functions out, so they arrive as unknown fields; only each function's name (field 1)
 * and domain (field 10) are read, never its body, so a recursive function cannot recurse here.
 */
final class LocalFunctions {
  private static final int MODEL_FUNCTIONS = 25;
  private static final int FUNCTION_NAME = 1;
  private static final int FUNCTION_DOMAIN = 10;

  private LocalFunctions() {}

  /** "domain.name" of every local function; the domain is "" for the default one. */
  static Set<String> of(ModelProto m) {
    Set<String> names = new HashSet<>();
    UnknownFieldSet.Field f = m.getUnknownFields().getField(MODEL_FUNCTIONS);
    for (ByteString fn : f.getLengthDelimitedList()) {
      UnknownFieldSet fields;
      try {
        fields = UnknownFieldSet.parseFrom(fn);
      } catch (InvalidProtocolBufferException e) {
        continue; // not a readable FunctionProto: no node can be matched to it
      }
      names.add(key(text(fields, FUNCTION_DOMAIN), text(fields, FUNCTION_NAME)));
    }
    return names;
  }

  static String key(String domain, String name) {
    return (domain.equals("ai.onnx") ? "" : domain) + "." + name;
  }

  private static String text(UnknownFieldSet fields, int number) {
    var values = fields.getField(number).getLengthDelimitedList();
    return values.isEmpty() ? "" : values.get(values.size() - 1).toStringUtf8();
  }
}
