package io.convspark.notebook.kernel;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import jdk.jshell.spi.ExecutionControl.ClassInstallException;

/**
 * Where cell classes and {@code %maven}/{@code %classpath} jars load: one URLClassLoader whose
 * parent is the kernel's loader, so kernel-side classes (slf4j, jjava's statics) are shared.
 */
final class CellClassLoader implements LoaderDelegate {
  private final Loader loader = new Loader(CellClassLoader.class.getClassLoader());
  private final Map<String, Class<?>> loaded = new ConcurrentHashMap<>();

  ClassLoader classLoader() {
    return loader;
  }

  @Override
  public void load(ClassBytecodes[] classes) throws ClassInstallException {
    for (ClassBytecodes c : classes) {
      loader.declare(c.name(), c.bytecodes());
    }
    boolean[] installed = new boolean[classes.length];
    for (int i = 0; i < classes.length; i++) {
      try {
        Class<?> c = loader.loadClass(classes[i].name());
        c.getDeclaredMethods(); // links now, so a bad class fails here rather than mid-cell
        loaded.put(classes[i].name(), c);
        installed[i] = true;
      } catch (ClassNotFoundException | LinkageError e) {
        throw new ClassInstallException("cannot load cell class " + classes[i].name() + ": "
            + e, installed);
      }
    }
  }

  @Override
  public void classesRedefined(ClassBytecodes[] classes) {
    for (ClassBytecodes c : classes) {
      loader.declare(c.name(), c.bytecodes());
    }
  }

  @Override
  public void addToClasspath(String classpath) {
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      if (!entry.isBlank()) {
        try {
          loader.add(Path.of(entry).toUri().toURL());
        } catch (MalformedURLException e) {
          throw new IllegalArgumentException("bad classpath entry " + entry, e);
        }
      }
    }
  }

  @Override
  public Class<?> findClass(String name) throws ClassNotFoundException {
    Class<?> c = loaded.get(name);
    if (c == null) {
      throw new ClassNotFoundException(name + " was not loaded by a cell");
    }
    return c;
  }

  /** Defines declared cell classes from their bytes, everything else from the added jars. */
  private static final class Loader extends URLClassLoader {
    private final Map<String, byte[]> declared = new ConcurrentHashMap<>();

    static {
      registerAsParallelCapable();
    }

    Loader(ClassLoader parent) {
      super("notebook-cells", new URL[0], parent);
    }

    void declare(String name, byte[] bytes) {
      declared.put(name, bytes);
    }

    void add(URL url) {
      addURL(url);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] bytes = declared.get(name);
      if (bytes != null) {
        return defineClass(name, bytes, 0, bytes.length);
      }
      return super.findClass(name);
    }
  }
}
