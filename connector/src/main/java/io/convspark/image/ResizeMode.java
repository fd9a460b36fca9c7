package io.convspark.image;

/**
 * How the (EXIF-oriented) image is mapped onto the model's height x width. All modes use
 * bilinear interpolation with half-pixel centres (align_corners=false, no antialiasing).
 */
public enum ResizeMode {
  /** Resize both axes to exactly height x width; the aspect ratio is not kept. */
  STRETCH,
  /**
   * Resize so the shorter side is {@code resizeShorterTo} (the longer side is
   * {@code floor(resizeShorterTo * long / short)}, as torchvision's {@code Resize(int)}), then
   * take the centred height x width window (offset {@code rint((resized - crop) / 2)}, as
   * torchvision's {@code CenterCrop}). The torchvision ImageNet recipe.
   */
  SHORTER_SIDE_CENTER_CROP,
  /**
   * Keep the aspect ratio: resize to height rows and {@code min(width, ceil(height * w / h))}
   * columns, then fill the columns on the right with 0 after normalization. PaddleOCR's
   * {@code resize_norm_img} for the text direction classifier and recognizer.
   */
  FIT_HEIGHT_PAD_RIGHT
}
