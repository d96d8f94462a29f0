package dev.rlcompress.env.mujoco;

import dev.rlcompress.env.Envs;
import dev.rlcompress.env.Space;
import dev.rlcompress.env.Step;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Writes docs/results/mujoco.md (run by {@code scripts/results-mujoco.sh}): per task, environment
 * steps per second of the Java env and of Gymnasium's, measured one after the other in one run, and
 * the mean return and length of 100 uniform-random-action episodes on each side (computed at the same
 * time on both sides, which is fine for returns but not for rates, so rates are measured apart).
 *
 * <p>Arguments: output file, seconds per rate measurement per side, episodes, then optionally ids.
 */
public final class MujocoBenchmark {
  private static final int ROUNDS = 3, WARMUP_STEPS = 5000;

  private record Row(String id, double javaRate, double simRate, double pyRate, double[] javaRet, double[] pyRet) {}

  public static void main(String[] args) throws IOException {
    Path outFile = Path.of(args[0]);
    double secs = Double.parseDouble(args[1]);
    int episodes = Integer.parseInt(args[2]);
    List<String> ids = new ArrayList<>();
    for (int i = 3; i < args.length; i++) ids.add(args[i]);
    if (ids.isEmpty()) Envs.ids().stream().filter(MujocoTasks::isMujoco).filter(id -> !id.equals("Pusher-v4")).forEach(ids::add);
    String load = Files.readString(Path.of("/proc/loadavg")).trim();
    long t0 = System.nanoTime();
    List<Row> rows = new ArrayList<>();
    try (GymnasiumSide gym = new GymnasiumSide()) {
      for (String id : ids) {
        double javaRate = 0, simRate = 0, pyRate = 0;
        try (MujocoEnv env = (MujocoEnv) Envs.make(id); MujocoEnv sim = (MujocoEnv) Envs.make(id)) {
          float[][] actions = actions((Space.Box) env.actionSpace(), new SplittableRandom(1), 1000);
          env.reset(1);
          sim.reset(1);
          long[] ended = new long[1];
          run(env, actions, WARMUP_STEPS, 0, 0, ended); // JIT warm-up; also counts episodes
          long episodeLength = Math.max(1, WARMUP_STEPS / Math.max(1, ended[0]));
          run(sim, actions, WARMUP_STEPS, 0, episodeLength, ended);
          for (int round = 0; round < ROUNDS; round++) { // interleaved; best round per side (a loaded machine only slows down)
            javaRate = Math.max(javaRate, run(env, actions, 0, secs / ROUNDS, 0, ended));
            pyRate = Math.max(pyRate, gym.request("bench", id, 1, Double.toString(secs / ROUNDS), new byte[0]).getDouble());
            simRate = Math.max(simRate, run(sim, actions, 0, secs / ROUNDS, episodeLength, ended));
          }
        }
        gym.send("returns", id, 1000, Integer.toString(episodes), new byte[0]);
        double[] javaRet = javaReturns(id, episodes);
        ByteBuffer b = gym.receive(id);
        double[] pyRet = new double[2];
        for (int e = 0; e < episodes; e++) {
          pyRet[0] += b.getDouble() / episodes;
          pyRet[1] += b.getDouble() / episodes;
        }
        rows.add(new Row(id, javaRate, simRate, pyRate, javaRet, pyRet));
        System.err.printf(Locale.ROOT, "%-26s java %8.0f/s  gymnasium %8.0f/s  return %9.1f / %9.1f%n", id, javaRate, pyRate, javaRet[0], pyRet[0]);
      }
    }
    double minutes = (System.nanoTime() - t0) / 60e9;
    Files.writeString(outFile, document(rows, secs, episodes, load, minutes));
  }

  /**
   * Environment steps per second over at least {@code minSteps} steps and {@code secs} seconds, adding
   * the episodes that ended to {@code episodes[0]}. With {@code simOnlyEpisode > 0}, only what MuJoCo
   * itself does per environment step (ctrl written, frame-skip mj_step calls, mj_rnePostConstraint
   * where the task needs it), with a reset every that many steps (the env's mean episode length, so
   * the states visited are alike): the ceiling for any binding.
   */
  private static double run(MujocoEnv env, float[][] actions, long minSteps, double secs, long simOnlyEpisode, long[] episodes) {
    long start = System.nanoTime(), end = start + (long) (secs * 1e9), steps = 0;
    java.util.Map<String, Double> info = new java.util.HashMap<>();
    while (steps < minSteps || System.nanoTime() < end) {
      for (int i = 0; i < 100; i++) {
        float[] a = actions[(int) (steps++ % actions.length)];
        if (simOnlyEpisode > 0) {
          env.simulate(a, info);
          if (steps % simOnlyEpisode == 0) env.reset();
        } else if (env.step(a).done()) {
          env.reset();
          episodes[0]++;
        }
      }
    }
    return steps / ((System.nanoTime() - start) / 1e9);
  }

  /** Mean return and mean length of uniform-random-action episodes, episode k reset with seed 1000 + k. */
  private static double[] javaReturns(String id, int episodes) {
    double[] out = new double[2];
    try (MujocoEnv env = (MujocoEnv) Envs.make(id)) {
      Space.Box box = (Space.Box) env.actionSpace();
      SplittableRandom rng = new SplittableRandom(1000);
      for (int e = 0; e < episodes; e++) {
        env.reset(1000 + e);
        double ret = 0;
        int len = 0;
        Step s;
        do {
          s = env.step(actions(box, rng, 1)[0]);
          ret += s.reward();
          len++;
        } while (!s.done());
        out[0] += ret / episodes;
        out[1] += (double) len / episodes;
      }
    }
    return out;
  }

  private static float[][] actions(Space.Box box, SplittableRandom rng, int n) {
    float[][] a = new float[n][box.flatSize()];
    for (float[] row : a)
      for (int i = 0; i < row.length; i++)
        row[i] = (float) (box.low()[i] + (box.high()[i] - (double) box.low()[i]) * rng.nextDouble());
    return a;
  }

  /** The 3× goal on Hopper and Humanoid, with MuJoCo alone as the ceiling any binding has. */
  private static String summary(List<Row> rows) {
    StringBuilder sb = new StringBuilder("Goal: Java at least 3× Gymnasium on Hopper and Humanoid.");
    StringBuilder ceiling = new StringBuilder();
    for (Row r : rows) {
      if (!r.id().startsWith("Hopper") && !r.id().matches("Humanoid-v\\d")) continue;
      sb.append(String.format(Locale.ROOT, " %s %.2f×;", r.id(), r.javaRate() / r.pyRate()));
      ceiling.append(String.format(Locale.ROOT, " %s %.2f×;", r.id(), r.simRate() / r.pyRate()));
    }
    List<String> met = rows.stream().filter(r -> r.javaRate() >= 3 * r.pyRate()).map(Row::id).toList();
    sb.append(" MuJoCo alone runs at only").append(ceiling)
        .append(" Gymnasium's rate there: Gymnasium's own Python work is the smaller part of its step, and the Java env steps ")
        .append("about as fast as MuJoCo alone (within the noise of this machine), so no binding reaches 3× on these tasks with this ")
        .append("MuJoCo build. Tasks at 3× or more in this run: ").append(met.isEmpty() ? "none" : String.join(", ", met)).append(".\n");
    return sb.toString();
  }

  private static String document(List<Row> rows, double secs, int episodes, String load, double minutes) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Gymnasium MuJoCo tasks in Java: speed and random-policy returns\n\n");
    sb.append("Regenerate: `scripts/results-mujoco.sh` (about ").append(String.format(Locale.ROOT, "%.0f", Math.ceil(minutes)))
        .append(" minutes in this run; most of it is the 100 random episodes of the 1000-step tasks on both sides; ")
        .append("`scripts/results-mujoco.sh 1.5 100 Hopper-v4 Humanoid-v4` runs chosen tasks). Every number below comes from one run of it.\n\n");
    sb.append("Parity: the Java envs are checked step by step against Gymnasium (same start states, same 1,000 actions, observation, ")
        .append("reward, terminated and truncated equal to 1e-9 relative; in fact bit-identical except 1-ulp differences of sin/cos in ")
        .append("Reacher and InvertedDoublePendulum) by `GymnasiumParityTest`, so the return columns differ only through the ")
        .append("independent random actions and start states.\n\n");
    sb.append("Machine: this project's 2-core AMD EPYC VM, shared with other agents that were building and testing at the time ")
        .append("(load average at the start: ").append(load).append("), so absolute rates are noisy; the two sides of a row ")
        .append("were measured back to back. MuJoCo ").append(MjSim.version()).append(" (the `mujoco` wheel's own library on both sides), Gymnasium 1.3.0, ")
        .append("NumPy 2.4.6, Java ").append(System.getProperty("java.version")).append(".\n\n");
    sb.append("## Steps per second\n\n");
    sb.append(String.format(Locale.ROOT, "Uniform random actions, resets included, %.1f s per side per task in %d interleaved rounds, ", secs, ROUNDS))
        .append("the best round reported (load from other agents only ever slows a round down); Java after ")
        .append(WARMUP_STEPS).append(" warm-up steps (JIT). ")
        .append("Java: `Envs.make(id)` stepped directly; Gymnasium: `gym.make(id)` with its default wrappers, stepped from Python.\n\n");
    sb.append("The last column is MuJoCo's own share: the same frame-skip `mj_step` calls (and `mj_rnePostConstraint` where the ")
        .append("task reads cfrc_ext) alone, called from Java without observation, reward or termination test, with a reset after ")
        .append("as many steps as the Java env's mean random episode lasted: no binding can step faster than it.\n\n");
    sb.append("| task | Java steps/s | Gymnasium steps/s | Java / Gymnasium | MuJoCo alone steps/s |\n|---|---:|---:|---:|---:|\n");
    for (Row r : rows)
      sb.append(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.2f× | %.0f |%n", r.id(), r.javaRate(), r.pyRate(), r.javaRate() / r.pyRate(), r.simRate()));
    sb.append("\n").append(summary(rows));
    sb.append("\n## Random-policy return over ").append(episodes).append(" episodes\n\n");
    sb.append("Episode k reset with seed 1000 + k; actions uniform in the action box (Java: its own generator; Gymnasium: ")
        .append("`action_space.sample()`), so the two columns are independent samples of the same quantity.\n\n");
    sb.append("| task | Java mean return | Gymnasium mean return | Java mean length | Gymnasium mean length |\n|---|---:|---:|---:|---:|\n");
    for (Row r : rows)
      sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.1f | %.1f |%n", r.id(), r.javaRet()[0], r.pyRet()[0], r.javaRet()[1], r.pyRet()[1]));
    return sb.toString();
  }
}
