package dev.rlcompress.env.mujoco;

/**
 * A fatal MuJoCo error (unparsable or invalid model file, allocation failure, arena overflow)
 * carrying MuJoCo's own message. MuJoCo would end the process on these; the native shim turns them
 * into this exception, so the JVM and every other simulation keep running. After one is thrown from
 * a step, the simulation must be reset before it is stepped again.
 */
public final class MujocoException extends RuntimeException {
  public MujocoException(String message) {
    super(message);
  }
}
