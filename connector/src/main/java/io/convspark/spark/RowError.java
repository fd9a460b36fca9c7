package io.convspark.spark;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** The structured error of one row: code, message with the values, and the failing stage. */
record RowError(String code, String message, String stage) {
  Row toRow() {
    return RowFactory.create(code, message, stage);
  }
}
