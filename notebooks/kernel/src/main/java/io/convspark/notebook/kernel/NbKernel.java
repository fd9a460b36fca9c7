package io.convspark.notebook.kernel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.BaseKernelBuilder;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.kernel.ReplacementOptions;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.common.Image;
import org.dflib.jjava.jupyter.kernel.display.common.Text;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;

/**
 * A Java Jupyter kernel: cells are JShell snippets run in this JVM. Magics (one per line):
 * {@code %maven g:a:v ...} and {@code %classpath PATH ...} (alias {@code %jars}; relative paths
 * are relative to the notebook's folder, {@code dir/*} adds every jar in dir). The last
 * expression of a cell is rendered: images as PNG, anything else as text.
 *
 * <p>Start: {@code java <JVM flags> -cp 'lib/*' io.convspark.notebook.kernel.NbKernel
 * CONNECTION_FILE}. {@code NB_CLASSPATH} is added to the cells' classpath at start,
 * {@code NB_COMPILER_OPTS} holds javac options for cells.
 */
public final class NbKernel extends BaseKernel {
  private final JShell shell;
  private final InProcessExecution execution;

  private NbKernel(Builder b, JShell shell, InProcessExecution execution) {
    super(b.name(), b.version(), new LanguageInfo("java", Runtime.version().toString(),
        "text/x-java-source", ".jshell", "java", "java", "script"),
        List.of(new HelpLink("ConvSpark notebooks", "notebooks/README.md")), null,
        b.io(), b.comms(), b.renderer(), b.magicParser(), b.magics(), false, b.styler());
    this.shell = shell;
    this.execution = execution;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: NbKernel CONNECTION_FILE");
      System.exit(2);
    }
    // java.util.logging INFO lines (the ConvSpark kernel choice, ...) would be cell output.
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    var props = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
    JupyterConnection connection = new JupyterConnection(props);
    NbKernel kernel = new Builder().build();
    kernel.onStartup(); // makes this the kernel display() and the other notebook statics use
    kernel.becomeHandlerForConnection(connection);
    connection.connect();
    connection.waitUntilClose();
    // Spark leaves non-daemon threads behind; the kernel is done once the connection closes.
    System.exit(0);
  }

  @Override
  public Object evalRaw(String cell) {
    try {
      StringBuilder code = new StringBuilder();
      for (String line : cell.split("\n", -1)) {
        if (!Magics.runIfMagic(line, this::addToClasspath)) {
          code.append(line).append('\n');
        }
      }
      return evalJava(code.toString());
    } catch (CellException e) {
      throw e;
    } catch (JShellException e) {
      throw new CellFailure(e);
    } catch (Exception e) {
      throw new CellException(e.toString());
    }
  }

  void addToClasspath(String classpath) {
    if (!classpath.isBlank()) {
      shell.addToClasspath(classpath);
    }
  }

  /** Runs the snippets of a cell in order; returns the last one's value if it is an expression. */
  private Object evalJava(String code) throws JShellException {
    SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
    String remaining = code;
    Object result = null;
    while (!remaining.isBlank()) {
      SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
      if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
        break;
      }
      if (!info.completeness().isComplete()) {
        throw new CellException("incomplete code:\n" + remaining.strip());
      }
      remaining = info.remaining();
      result = evalSnippet(info.source());
    }
    return result;
  }

  private Object evalSnippet(String source) throws JShellException {
    execution.takeResult();
    List<SnippetEvent> events = shell.eval(source);
    Snippet main = null;
    for (SnippetEvent e : events) {
      if (e.causeSnippet() != null) {
        continue; // an earlier snippet updated by this one
      }
      main = e.snippet();
      if (e.status() == Snippet.Status.REJECTED
          || e.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED) {
        throw new CellException(diagnostics(e.snippet()));
      }
      JShellException thrown = e.exception();
      if (thrown != null) {
        throw thrown;
      }
    }
    Object value = execution.takeResult();
    boolean expression = main != null && (main.kind() == Snippet.Kind.EXPRESSION
        || main.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND);
    return expression ? value : null;
  }

  private String diagnostics(Snippet s) {
    StringBuilder b = new StringBuilder("cannot compile:\n").append(s.source().strip())
        .append('\n');
    shell.diagnostics(s).forEach(d -> b.append("  ").append(d.getMessage(null)).append('\n'));
    if (s instanceof jdk.jshell.DeclarationSnippet ds) {
      shell.unresolvedDependencies(ds).forEach(u -> b.append("  unresolved: ").append(u)
          .append('\n'));
    }
    return b.toString();
  }

  @Override
  public List<String> formatError(Throwable error) {
    Throwable e = error instanceof CellFailure f ? f.getCause() : error;
    List<String> lines = new ArrayList<>();
    if (e instanceof CellException) {
      lines.addAll(Arrays.asList(e.getMessage().split("\n")));
    } else if (e instanceof EvalException ee) {
      // The user's exception: its class, message and causes; frames only in the cell's code.
      for (Throwable t = ee; t != null; t = t.getCause()) {
        String cls = t instanceof EvalException x ? x.getExceptionClassName()
            : t.getClass().getName();
        lines.add((t == ee ? "" : "caused by: ") + cls + ": " + t.getMessage());
        for (StackTraceElement f : t.getStackTrace()) {
          if (f.getClassName().startsWith("REPL.")) {
            lines.add("    at cell line " + f.getLineNumber());
          }
        }
      }
    } else if (e instanceof UnresolvedReferenceException u) {
      lines.add("unresolved reference in: " + u.getSnippet().source().strip());
      shell.unresolvedDependencies(u.getSnippet()).forEach(d -> lines.add("  missing: " + d));
    } else {
      lines.add(e.getClass().getName() + ": " + e.getMessage());
    }
    return lines;
  }

  @Override
  public DisplayData inspect(String code, int at, boolean extraDetail) {
    var docs = shell.sourceCodeAnalysis().documentation(code, at, true);
    if (docs.isEmpty()) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    docs.forEach(d -> b.append(d.signature()).append('\n')
        .append(d.javadoc() == null ? "" : d.javadoc() + "\n"));
    return new DisplayData(b.toString());
  }

  @Override
  public ReplacementOptions complete(String code, int at) {
    int[] anchor = new int[1];
    var suggestions = shell.sourceCodeAnalysis().completionSuggestions(code, at, anchor);
    if (suggestions.isEmpty()) {
      return null;
    }
    return new ReplacementOptions(suggestions.stream()
        .map(SourceCodeAnalysis.Suggestion::continuation).distinct().toList(), anchor[0], at);
  }

  @Override
  public String isComplete(String code) {
    var c = shell.sourceCodeAnalysis().analyzeCompletion(code).completeness();
    if (c.isComplete() || c == SourceCodeAnalysis.Completeness.EMPTY) {
      return IS_COMPLETE_YES;
    }
    return c == SourceCodeAnalysis.Completeness.UNKNOWN ? IS_COMPLETE_BAD : "    ";
  }

  @Override
  public void onShutdown(boolean restarting) {
    super.onShutdown(restarting);
    shell.close();
  }

  @Override
  protected ClassLoader getClassLoader() {
    return execution.cellLoader();
  }

  /** A cell that cannot run: the message is what the user sees. */
  static final class CellException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CellException(String message) {
      super(message);
    }
  }

  /** Carries the exception a cell threw (evalRaw may not throw checked exceptions). */
  static final class CellFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CellFailure(JShellException cause) {
      super(cause instanceof EvalException e ? e.getExceptionClassName() + ": " + e.getMessage()
          : cause.getMessage(), cause);
    }
  }

  /** Builds the JShell and the jjava-jupyter parts the base class needs. */
  static final class Builder extends BaseKernelBuilder<Builder, NbKernel> {
    @Override
    public NbKernel build() {
      CellClassLoader cells = new CellClassLoader();
      InProcessExecution execution = new InProcessExecution(cells);
      String opts = System.getenv().getOrDefault("NB_COMPILER_OPTS", "").trim();
      JShell shell = JShell.builder().executionEngine(execution.provider(), Map.of())
          .compilerOptions(opts.isEmpty() ? new String[0] : opts.split("\\s+")).build();
      // The kernel's own jars (for display() and friends), then NB_CLASSPATH.
      shell.addToClasspath(System.getProperty("java.class.path"));
      String extra = System.getenv("NB_CLASSPATH");
      if (extra != null && !extra.isBlank()) {
        shell.addToClasspath(Magics.expand(List.of(extra.split(java.io.File.pathSeparator))));
      }
      shell.eval("import static org.dflib.jjava.jupyter.kernel.BaseNotebookStatics.*;");
      return new NbKernel(this, shell, execution);
    }

    String name() {
      return "spark-java";
    }

    String version() {
      return "0.1.0";
    }

    org.dflib.jjava.jupyter.kernel.JupyterIO io() {
      return buildJupyterIO(buildJupyterIOEncoding());
    }

    org.dflib.jjava.jupyter.kernel.comm.CommManager comms() {
      return buildCommManager();
    }

    org.dflib.jjava.jupyter.kernel.display.Renderer renderer() {
      var r = buildRenderer();
      Text.registerAll(r);
      Image.registerAll(r);
      return r;
    }

    MagicParser magicParser() {
      // Unused (magics are handled in evalRaw), but the base class wants one.
      return new MagicParser("^\\s*%", "^\\s*%%", buildMagicTranspiler());
    }

    org.dflib.jjava.jupyter.kernel.magic.MagicsRegistry magics() {
      return buildMagicsRegistry();
    }

    org.dflib.jjava.jupyter.kernel.util.StringStyler styler() {
      return buildErrorStyler();
    }
  }
}
