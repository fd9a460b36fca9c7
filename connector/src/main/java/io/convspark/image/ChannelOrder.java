package io.convspark.image;

/** Colour channel order the model expects in the last (C) dimension of its NHWC input. */
public enum ChannelOrder {
  /** Red, green, blue: PIL, torchvision, most ONNX exports from PyTorch. */
  RGB,
  /** Blue, green, red: models trained on OpenCV {@code imread} (Caffe, PaddleOCR). */
  BGR
}
