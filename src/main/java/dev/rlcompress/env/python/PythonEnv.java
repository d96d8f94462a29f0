package dev.rlcompress.env.python;

import dev.rlcompress.util.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * The project-local Python environment ({@code .venv/}) that holds the packages rl-compress uses as
 * artifacts: MuJoCo's library and headers, Gymnasium's task files and reference environments, ale-py.
 *
 * <p>Created on first use by {@code scripts/pyenv.sh}, which records where everything is in
 * {@code .venv/rlc.properties}; this class reads that file. The project root comes from the system
 * property {@code rlc.home} (set by {@code ./rlc} and by the Maven build), else the working directory.
 * When the environment cannot be created, the caller gets one {@link UserError} line saying how to
 * install it; nothing else in the product needs Python.
 */
public final class PythonEnv {
  private static volatile PythonEnv instance;

  private final Path root;
  private final Properties props;

  private PythonEnv(Path root, Properties props) {
    this.root = root;
    this.props = props;
  }

  /** The environment, creating it with {@code scripts/pyenv.sh} when it is missing or stale. */
  public static PythonEnv get() {
    PythonEnv e = instance;
    if (e != null) return e;
    synchronized (PythonEnv.class) {
      if (instance == null) instance = setUp(projectRoot());
      return instance;
    }
  }

  /** The project root: {@code -Drlc.home}, else the working directory. */
  public static Path projectRoot() {
    String home = System.getProperty("rlc.home");
    return Path.of(home != null ? home : "").toAbsolutePath();
  }

  private static PythonEnv setUp(Path root) {
    Path script = root.resolve("scripts/pyenv.sh");
    Path propsFile = root.resolve(".venv/rlc.properties");
    if (Files.isRegularFile(script)) {
      try {
        Process p = new ProcessBuilder("bash", script.toString())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        int rc = p.waitFor();
        if (rc != 0)
          throw new UserError("the Python environment for MuJoCo/Gymnasium could not be set up (scripts/pyenv.sh exited " + rc + ")");
      } catch (IOException e) {
        throw new UserError("cannot run scripts/pyenv.sh (bash missing?): " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UserError("interrupted while setting up the Python environment");
      }
    }
    if (!Files.isRegularFile(propsFile))
      throw new UserError("the Python environment is not installed (" + propsFile + " missing); run "
          + root.resolve("scripts/pyenv.sh") + " from an rl-compress checkout");
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(propsFile)) {
      props.load(in);
    } catch (IOException e) {
      throw new UserError("cannot read " + propsFile + ": " + e.getMessage());
    }
    return new PythonEnv(root, props);
  }

  public Path root() {
    return root;
  }

  /** The interpreter inside the environment. */
  public Path python() {
    return path("python");
  }

  /** {@code libmujoco.so} shipped by the {@code mujoco} wheel. */
  public Path mujocoLibrary() {
    return path("mujoco.library");
  }

  /** MuJoCo's C headers shipped by the {@code mujoco} wheel. */
  public Path mujocoInclude() {
    return path("mujoco.include");
  }

  /** The compiled rl-compress MuJoCo shim, or null when the build has none. */
  public Path mujocoShim() {
    String s = props.getProperty("mujoco.shim", "");
    return s.isEmpty() ? null : Path.of(s);
  }

  /** Gymnasium's MuJoCo task files ({@code gymnasium/envs/mujoco/assets}). */
  public Path gymnasiumMujocoAssets() {
    return path("gymnasium.mujoco.assets");
  }

  private Path path(String key) {
    String s = props.getProperty(key);
    if (s == null || s.isEmpty())
      throw new UserError("the Python environment lacks '" + key + "'; rerun scripts/pyenv.sh");
    return Path.of(s);
  }
}
