package dev.rlcompress.cli;

import static dev.rlcompress.cli.CliErrorsTest.rlc;
import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `rlc train` on the edges a user hits: short runs, bad arguments, options, resume bookkeeping. */
class TrainCliTest {
  @TempDir Path dir;

  @Test
  void aRunShorterThanEvalFreqWritesModelAndSummary() throws Exception {
    Path out = dir.resolve("short");
    CliErrorsTest.Outcome o = rlc("train", "--algo", "dqn", "--env", "CartPole-v1", "--out", out.toString(), "--steps", "200");
    assertEquals(0, o.code(), o.err());
    assertTrue(o.out().contains("no training-time evaluation ran"), o.out());
    JsonObject j = JsonParser.parseString(Files.readString(out.resolve("train.json"))).getAsJsonObject();
    assertEquals(200, j.get("steps").getAsLong());
    assertTrue(j.get("best_eval_return").isJsonNull());
    assertTrue(Files.size(out.resolve("model.onnx")) > 0);
  }

  @Test
  void evaluationSwitchedOffIsNotAnError() {
    Path out = dir.resolve("noeval");
    assertEquals(0, rlc("train", "--algo", "ppo", "--env", "CartPole-v1", "--out", out.toString(), "--steps", "512",
        "--hp", "eval_freq=0", "--hp", "n_envs=2", "--hp", "n_steps=128").code());
    assertEquals(0, rlc("train", "--algo", "dqn", "--env", "CartPole-v1", "--out", dir.resolve("noeval2").toString(),
        "--steps", "3000", "--hp", "eval_episodes=0").code());
  }

  @Test
  void badArgumentsLeaveNoOutputDirectory() {
    String[][] bad = {
      {"--algo", "nope", "--env", "CartPole-v1"},
      {"--algo", "dqn", "--env", "NoSuchEnv-v0"},
      {"--algo", "dqn", "--env", "CartPole-v1", "--hp", "batch_size=0"},
      {"--algo", "dqn", "--env", "CartPole-v1", "--hp", "no_such_key=1"},
      {"--algo", "dqn", "--env", "CartPole-v1", "--hp", "buffer_size=10"},
      {"--algo", "dqn", "--env", "CartPole-v1", "--env-opt", "gravity=-5"},
      {"--algo", "dqn", "--env", "CartPole-v1", "--steps", "-5"},
    };
    for (String[] b : bad) {
      Path out = dir.resolve("never");
      String[] args = new String[b.length + 3];
      args[0] = "train";
      System.arraycopy(b, 0, args, 1, b.length);
      args[b.length + 1] = "--out";
      args[b.length + 2] = out.toString();
      CliErrorsTest.Outcome o = rlc(args);
      CliErrorsTest.assertOneLineError(o, "");
      assertFalse(Files.exists(out), "no directory for " + String.join(" ", b));
    }
  }

  @Test
  void showHpChecksAndDescribes() {
    CliErrorsTest.Outcome ok = rlc("train", "--algo", "dqn", "--env", "CartPole-v1", "--out", dir.resolve("x").toString(), "--show-hp");
    assertEquals(0, ok.code());
    assertTrue(ok.out().contains("batch_size=64") && ok.out().contains("minibatch size"), ok.out());
    CliErrorsTest.assertOneLineError(rlc("train", "--algo", "dqn", "--env", "CartPole-v1", "--out", dir.resolve("x").toString(),
        "--show-hp", "--hp", "learning_rate=-1"), "learning_rate must be > 0");
  }

  @Test
  void resumingCountsTheWholeRun() throws Exception {
    Path out = dir.resolve("r");
    String[] base = {"train", "--algo", "dqn", "--env", "CartPole-v1", "--out", out.toString(), "--hp", "checkpoint_freq=1000",
        "--hp", "eval_freq=0"};
    assertEquals(0, rlc(concat(base, "--steps", "2000")).code());
    CliErrorsTest.Outcome o = rlc(concat(base, "--steps", "3000", "--resume"));
    assertEquals(0, o.code(), o.err());
    JsonObject j = JsonParser.parseString(Files.readString(out.resolve("train.json"))).getAsJsonObject();
    assertEquals(3000, j.get("steps").getAsLong());
    assertEquals(2000, j.get("resumed_from_step").getAsLong());
    CliErrorsTest.assertOneLineError(rlc(concat(base, "--steps", "3000", "--resume", "--seed", "7")), "seed 0 there, 7 here");
  }

  /**
   * PPO's per-update diagnostics reach train.json, one row per rollout, and survive a resume: a run of
   * two rollouts resumed for two more reports four, at the steps the rollouts ended, with values in
   * their ranges (KL ≥ 0, fractions in [0, 1], a two-action entropy in (0, ln 2], explained variance ≤ 1).
   */
  @Test
  void ppoRecordsEachUpdatesDiagnosticsAcrossAResume() throws Exception {
    Path out = dir.resolve("ppo");
    String[] base = {"train", "--algo", "ppo", "--env", "CartPole-v1", "--out", out.toString(), "--hp", "eval_freq=0",
        "--hp", "n_envs=2", "--hp", "n_steps=128", "--hp", "checkpoint_freq=256"};
    assertEquals(0, rlc(concat(base, "--steps", "512")).code());
    CliErrorsTest.Outcome o = rlc(concat(base, "--steps", "1024", "--resume"));
    assertEquals(0, o.code(), o.err());
    JsonObject u = JsonParser.parseString(Files.readString(out.resolve("train.json"))).getAsJsonObject().getAsJsonObject("updates");
    var steps = u.getAsJsonArray("step");
    assertEquals(4, steps.size(), u.toString());
    for (int i = 0; i < 4; i++) {
      assertEquals(256L * (i + 1), steps.get(i).getAsLong());
      double kl = u.getAsJsonArray("approx_kl").get(i).getAsDouble(), clip = u.getAsJsonArray("clip_fraction").get(i).getAsDouble();
      double entropy = u.getAsJsonArray("entropy").get(i).getAsDouble(), ev = u.getAsJsonArray("explained_variance").get(i).getAsDouble();
      assertTrue(kl > 0 && kl < 1, "approx_kl " + kl);
      assertTrue(clip >= 0 && clip <= 1, "clip_fraction " + clip);
      assertTrue(entropy > 0 && entropy <= Math.log(2) + 1e-6, "entropy " + entropy);
      assertTrue(ev <= 1, "explained_variance " + ev);
      assertTrue(u.getAsJsonArray("grad_norm").get(i).getAsDouble() > 0);
      assertTrue(u.getAsJsonArray("learning_rate").get(i).getAsDouble() > 0);
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
