/**
 * Gymnasium's MuJoCo tasks (v4 and v5) in Java: the simulation runs in libmujoco from the {@code mujoco}
 * wheel, bound through the FFM API and a small C shim that turns MuJoCo's fatal errors into Java
 * exceptions; each task's reward, termination, observation and reset follow Gymnasium's source and are
 * tested against Gymnasium step by step.
 */
package dev.rlcompress.env.mujoco;
