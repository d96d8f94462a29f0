/**
 * The Gymnasium bridge: environments that run in Python worker processes behind the ordinary
 * {@link dev.rlcompress.env.Env} and {@link dev.rlcompress.env.VectorEnv} interfaces, so trainers and
 * the evaluator do not know the difference.
 *
 * <p><b>Ids.</b> {@code gym:<id>} is any installed Gymnasium env as {@code gymnasium.make(id, **options)}
 * makes it, options written as Python literals ({@code gym:ALE/Pong-v5[frameskip=1,obs_type=grayscale]};
 * {@code true}/{@code false} as Java writes them are accepted too). {@code ALE/<Game>-v5} is the Atari
 * game with the standard preprocessing ({@link dev.rlcompress.env.gym.Atari} says which and why).
 *
 * <p><b>Processes and protocol.</b> Each worker is {@code .venv}'s Python running {@code worker.py}
 * (a resource of this package, written to the temp folder under its hash) and hosts one or more
 * copies of one env. Java talks to it over the process's stdin/stdout: length-prefixed binary frames,
 * one JSON handshake for the spaces, then per step only raw bytes (actions as int32/float32; rewards
 * as float64; observations as uint8 or float32). A {@link dev.rlcompress.env.VectorEnv} of N copies
 * spreads them over up to {@link dev.rlcompress.env.gym.BridgeSettings#workers()} workers (default
 * one per core); one step is one message to each worker with all its copies' actions, the workers
 * step in parallel, and copies that end an episode are reset in the same message. Gymnasium's
 * Python-side stepping and the observation copies stay; the per-step cost of the bridge is one round
 * trip per worker, not per copy ({@code rlc bench-env} measures it, {@code docs/results/atari.md}).
 *
 * <p><b>Observations.</b> The {@code Env} interface hands out {@code float[]}: an Atari observation is
 * a {@code float[]} of 4×84×84 values 0..255 with a {@code Box} of shape [4, 84, 84]. It travels as
 * bytes on the pipe (28 KB per step) and is widened in Java; no second byte path was added, because
 * every consumer (trainers, evaluator, ONNX runtime) takes {@code float[]} and the widening is a few
 * microseconds against the hundreds an Atari step costs. A replay buffer that wants bytes can narrow
 * the values back exactly (they are integers).
 *
 * <p><b>Where the Atari preprocessing runs.</b> In the worker, in numpy and OpenCV. Measured against
 * doing it in Java on raw frames: the worker ships the 28 KB stack instead of the last two 210×160
 * frames (67 KB), and the 84×84 resize is OpenCV's own INTER_AREA (for the non-integer factors
 * 210→84 and 160→84 it weighs fractional pixels in a specific order; a Java copy would have to match
 * it bit for bit to give Gymnasium's frames). The worker drives the ALE directly (one {@code act} per
 * frame, a grayscale screen only for the last two frames) rather than stepping Gymnasium's env per
 * frame, which copies an RGB screen every frame; that is why it is faster than Gymnasium's own
 * AtariPreprocessing while giving the same frames (tested on a recorded trajectory).
 *
 * <p><b>Failures and lifetime.</b> A worker that dies, hangs past its timeout, or raises a Python
 * exception becomes a {@link dev.rlcompress.env.gym.GymWorkerException} carrying the traceback or the
 * tail of its stderr. Start-up problems (no Python, a missing package, an unknown id or keyword) are
 * one-line {@link dev.rlcompress.util.UserError}s that say to run {@code scripts/pyenv.sh}. Workers
 * never outlive the JVM: {@code close()}, a shutdown hook, and in the worker itself exit on stdin EOF
 * and on a change of parent process. Linux's {@code PR_SET_PDEATHSIG} is not used: it fires when the
 * Java <i>thread</i> that started the worker ends, which would kill workers made on short-lived threads.
 */
package dev.rlcompress.env.gym;
