package io.convspark.spark;

import io.convspark.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Reads model bytes from any Hadoop FileSystem URI (file:, hdfs:, s3a:, ...). */
public final class HadoopModelFiles {
  private HadoopModelFiles() {}

  /** The file's bytes, refusing files over {@code maxBytes} before reading them. */
  public static byte[] read(String uri, long maxBytes) {
    try {
      Path path = new Path(URI.create(uri));
      FileSystem fs = path.getFileSystem(configuration());
      FileStatus st = fs.getFileStatus(path);
      if (st.isDirectory()) {
        throw new ModelException("cannot load model " + uri + ": it is a directory, a model"
            + " file is expected");
      }
      if (st.getLen() > maxBytes) {
        throw new ModelException("cannot load model " + uri + ": " + st.getLen() + " bytes"
            + " exceed the limit of " + maxBytes + " bytes (LoaderLimits.maxModelBytes)");
      }
      try (InputStream in = fs.open(path)) {
        return in.readNBytes((int) st.getLen());
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new ModelException("cannot load model " + uri + ": " + e.getMessage(), e);
    }
  }

  /** The active Spark session's Hadoop configuration when there is one, else the defaults. */
  private static Configuration configuration() {
    var session = org.apache.spark.sql.SparkSession.getActiveSession();
    return session.isDefined() ? session.get().sparkContext().hadoopConfiguration()
        : new Configuration();
  }
}
