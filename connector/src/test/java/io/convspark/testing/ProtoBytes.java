package io.convspark.testing;

import java.io.ByteArrayOutputStream;

/** Raw protobuf wire bytes, for models no well-formed builder would write. */
public final class ProtoBytes {
  private ProtoBytes() {}

  /** A length-delimited protobuf field. */
  public static byte[] field(int number, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varint(out, (number << 3) | 2);
    varint(out, payload.length);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  public static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
