package io.convspark.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The structured error of one row: code, message with the values, and the failing stage.
 * Codes are the names of {@link io.convspark.image.ImageException.Code}, plus {@link
 * #INTERNAL}.
 */
record RowError(String code, String message, String stage) {
  /** An unexpected exception converting one row: a connector bug, not bad data. */
  static final String INTERNAL = "INTERNAL";

  Row toRow() {
    return RowFactory.create(code, message, stage);
  }
}
