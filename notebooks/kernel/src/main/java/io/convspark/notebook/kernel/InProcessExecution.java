package io.convspark.notebook.kernel;

import java.lang.reflect.Method;
import java.util.Map;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

/**
 * Runs snippets on the kernel's own thread and JVM (so kernel.json's JVM flags apply to Spark)
 * and keeps each snippet's real result object, which is what lets a returned BufferedImage
 * render as a PNG instead of JShell's string form.
 */
final class InProcessExecution extends DirectExecutionControl {
  private final CellClassLoader cells;
  private Object lastResult;

  InProcessExecution(CellClassLoader cells) {
    super(cells);
    this.cells = cells;
  }

  ClassLoader cellLoader() {
    return cells.classLoader();
  }

  /** The value of the last snippet run, then forgets it. */
  Object takeResult() {
    Object r = lastResult;
    lastResult = null;
    return r;
  }

  @Override
  protected String invoke(Method doit) throws Exception {
    Thread t = Thread.currentThread();
    ClassLoader before = t.getContextClassLoader();
    // Spark builds its executor loaders from the context loader: lambdas from cells resolve.
    t.setContextClassLoader(cells.classLoader());
    try {
      lastResult = doit.invoke(null);
      return valueString(lastResult);
    } finally {
      t.setContextClassLoader(before);
    }
  }

  /** Hands JShell this instance (JShell asks for the control by name). */
  ExecutionControlProvider provider() {
    InProcessExecution self = this;
    return new ExecutionControlProvider() {
      @Override
      public String name() {
        return "convspark-in-process";
      }

      @Override
      public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
        return self;
      }
    };
  }
}
