package dev.rlcompress.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The PyTorch engine behind DJL, configured once: offline (native libraries come from the Maven jar),
 * one intra-op and one inter-op thread (PyTorch's default pool collapses under load on two cores).
 * Training never uses bfloat16: it crashes the JVM with this engine.
 */
public final class Torch {
  private static volatile Engine engine;

  private Torch() {}

  public static Engine engine() {
    if (engine == null) {
      synchronized (Torch.class) {
        if (engine == null) {
          System.setProperty("ai.djl.offline", "true");
          System.setProperty("offline", "true");
          System.setProperty("ai.djl.pytorch.num_threads", System.getProperty("ai.djl.pytorch.num_threads", "1"));
          System.setProperty("ai.djl.pytorch.num_interop_threads",
              System.getProperty("ai.djl.pytorch.num_interop_threads", "1"));
          engine = Engine.getEngine("PyTorch");
        }
      }
    }
    return engine;
  }

  public static NDManager newManager() {
    return engine().newBaseManager();
  }

  /** A [rows, cols] float tensor from a row-major array. */
  public static NDArray matrix(NDManager m, float[] data, int rows, int cols) {
    return m.create(data, new Shape(rows, cols));
  }
}
