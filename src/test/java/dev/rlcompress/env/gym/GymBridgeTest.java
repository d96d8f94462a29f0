package dev.rlcompress.env.gym;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.env.Env;
import dev.rlcompress.env.EnvBatch;
import dev.rlcompress.env.EnvOptions;
import dev.rlcompress.env.EnvSpec;
import dev.rlcompress.env.Envs;
import dev.rlcompress.env.Space;
import dev.rlcompress.env.Step;
import dev.rlcompress.env.VectorEnv;
import dev.rlcompress.env.python.PythonEnv;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bridge against Gymnasium driven directly in Python (reference.py, no rl-compress code): same
 * seed, same actions, 1,000 steps, observations (CRC-32 of their bytes), rewards, flags and info
 * compared exactly. Needs the project's Python environment; fails, never skips, without it.
 */
class GymBridgeTest {
  private static final int STEPS = 1000;

  @TempDir Path dir;

  @Test
  void cartPoleRoundTripsExactly() throws Exception {
    int episodes = replay("gym:CartPole-v1", "gym", "CartPole-v1", 7, List.of(), false);
    assertTrue(episodes >= 10, "random CartPole play ends an episode every ~20 steps; saw " + episodes);
  }

  @Test
  void rawAtariRoundTripsExactly() throws Exception {
    // v5: frameskip 4 and sticky actions 0.25 inside the ALE, 210x160x3 RGB frames
    replay("gym:ALE/Pong-v5", "gym", "ALE/Pong-v5", 3, List.of("lives", "episode_frame_number", "frame_number"), true);
  }

  @Test
  void atariPreprocessingMatchesGymnasiumAtariPreprocessingAndFrameStack() throws Exception {
    // Breakout: FIRE on reset, lives, and several games over in 1,000 random steps (resets and terminal frames)
    // (Gymnasium's AtariPreprocessing does not fire after a lost life: compared without rl-compress's evaluation FIRE)
    int episodes = replay("ALE/Breakout-v5[fire_on_life_loss=false]", "atari", "ALE/Breakout-v5", 11, List.of("lives", "episode_frame_number", "frame_number"), true);
    assertTrue(episodes >= 2, "random Breakout loses a game in a few hundred steps; saw " + episodes);
  }

  /**
   * Steps {@code spec} in Java and {@code refId} in reference.py with the same seed and random actions;
   * returns the number of episodes that ended.
   */
  private int replay(String spec, String mode, String refId, long seed, List<String> infoKeys, boolean bytes) throws Exception {
    try (Env env = Envs.make(spec)) {
      int n = ((Space.Discrete) env.actionSpace()).n();
      SplittableRandom rng = new SplittableRandom(seed);
      ByteBuffer actions = ByteBuffer.allocate(4 * STEPS).order(ByteOrder.LITTLE_ENDIAN);
      for (int t = 0; t < STEPS; t++) actions.putInt(rng.nextInt(n));
      Path actionsFile = dir.resolve("actions.bin"), out = dir.resolve("reference.bin");
      Files.write(actionsFile, actions.array());
      python(resource("reference.py").toString(), mode, refId, "{}", Long.toString(seed), actionsFile.toString(), out.toString(),
          String.join(",", infoKeys));
      ByteBuffer ref = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);

      int episodes = 0;
      assertObservation(ref, env.reset(seed), bytes, "reset");
      for (int t = 0; t < STEPS; t++) {
        Step s = env.step(actions.getInt(4 * t));
        String at = spec + " step " + t;
        assertEquals(ref.getDouble(), s.reward(), 0.0, at + " reward");
        assertEquals(ref.get() != 0, s.terminated(), at + " terminated");
        assertEquals(ref.get() != 0, s.truncated(), at + " truncated");
        for (String k : infoKeys) assertEquals(ref.getDouble(), s.info().get(k), 0.0, at + " info " + k);
        assertObservation(ref, s.observation(), bytes, at);
        if (s.done()) {
          episodes++;
          assertObservation(ref, env.reset(), bytes, at + " (reset)");
        }
      }
      assertFalse(ref.hasRemaining(), "reference recorded more than the bridge");
      return episodes;
    }
  }

  private static void assertObservation(ByteBuffer ref, float[] obs, boolean bytes, String at) {
    ByteBuffer b = ByteBuffer.allocate(obs.length * (bytes ? 1 : 4)).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : obs) {
      if (bytes) b.put((byte) x);
      else b.putFloat(x);
    }
    CRC32 crc = new CRC32();
    crc.update(b.array());
    long want = Integer.toUnsignedLong(ref.getInt());
    assertEquals(Integer.toUnsignedLong(ref.getInt()), (long) b.capacity(), at + " observation size");
    assertEquals(want, crc.getValue(), at + " observation differs");
  }

  @Test
  void batchedCopiesStepAsSingleCopiesWould() {
    // 3 copies over 2 workers, stepped and auto-reset in one message per worker, against 3 separately
    // made envs stepped and reset one call at a time
    int n = 3;
    Env[] singles = new Env[n];
    for (int i = 0; i < n; i++) singles[i] = Envs.make("gym:CartPole-v1");
    try (EnvBatch batched = GymBridge.batch(new EnvOptions(EnvSpec.parse("gym:CartPole-v1")), n, BridgeSettings.defaults().withWorkers(2));
        EnvBatch separate = EnvBatch.of(singles)) {
      long[] seeds = {100, 101, 102};
      float[][] a = new float[n][], b = new float[n][];
      batched.reset(seeds, a);
      separate.reset(seeds, b);
      assertArrayEquals(b, a);
      Step[] sa = new Step[n], sb = new Step[n];
      SplittableRandom rng = new SplittableRandom(5);
      int ended = 0;
      for (int t = 0; t < 300; t++) {
        int[] actions = new int[n];
        for (int i = 0; i < n; i++) {
          actions[i] = rng.nextInt(2);
          seeds[i] = rng.nextBoolean() ? -1 : rng.nextLong(1L << 40); // -1: reset without re-seeding
        }
        batched.step(actions, seeds, sa, a);
        separate.step(actions, seeds, sb, b);
        for (int i = 0; i < n; i++) {
          assertArrayEquals(sb[i].observation(), sa[i].observation());
          assertEquals(sb[i].reward(), sa[i].reward());
          assertEquals(sb[i].terminated(), sa[i].terminated());
          assertEquals(sb[i].truncated(), sa[i].truncated());
          assertArrayEquals(b[i], a[i], "observation after the auto-reset");
          if (sa[i].done()) ended++;
        }
      }
      assertTrue(ended > 10, "auto-reset was exercised " + ended + " times");
    }
  }

  @Test
  void vectorEnvResumesGymnasiumEpisodesByReplay() {
    SplittableRandom rng = new SplittableRandom(9);
    int[][] actions = new int[160][2];
    for (int[] a : actions) for (int i = 0; i < 2; i++) a[i] = rng.nextInt(2);
    VectorEnv.State mid;
    float[][] end;
    try (VectorEnv vec = new VectorEnv("gym:CartPole-v1", 2)) {
      vec.reset(3);
      for (int t = 0; t < 100; t++) vec.step(actions[t]);
      mid = vec.snapshot();
      for (int t = 100; t < 160; t++) vec.step(actions[t]);
      end = vec.observations().clone();
    }
    try (VectorEnv resumed = new VectorEnv("gym:CartPole-v1", 2)) {
      resumed.restore(mid);
      for (int t = 100; t < 160; t++) resumed.step(actions[t]);
      assertArrayEquals(end, resumed.observations());
    }
  }

  @Test
  void continuousActionsAndDiscreteObservationsTravel() {
    try (VectorEnv vec = new VectorEnv("gym:Pendulum-v1", 2)) {
      Space.Box act = (Space.Box) vec.env(0).actionSpace();
      assertArrayEquals(new float[] {-2f}, act.low());
      vec.reset(0);
      int truncations = 0;
      for (int t = 0; t < 200; t++) {
        vec.step(new float[][] {{1.5f}, {-0.5f}});
        assertTrue(Math.abs(vec.reward(0)) <= 16.3 && vec.reward(0) <= 0, "Pendulum's reward is in [-16.27, 0]");
        if (vec.truncated(0)) truncations++;
      }
      assertEquals(1, truncations, "Gymnasium's TimeLimit of 200 steps");
    }
    try (Env lake = Envs.make("gym:FrozenLake-v1[is_slippery=false]")) {
      assertEquals(new Space.Box(new int[] {1}, new float[] {0}, new float[] {15}), lake.observationSpace());
      assertArrayEquals(new float[] {0f}, lake.reset(0));
      assertArrayEquals(new float[] {4f}, lake.step(1).observation(), "DOWN from cell 0 is cell 4");
    }
  }

  @Test
  void gymOptionsReachGymnasiumMakeAsPythonLiterals() {
    try (Env env = Envs.make("gym:ALE/Pong-v5[obs_type=grayscale,frameskip=1,repeat_action_probability=0.0]")) {
      assertArrayEquals(new int[] {210, 160}, ((Space.Box) env.observationSpace()).shape());
      env.reset(0);
      assertEquals(1.0, env.step(0).info().get("episode_frame_number"), "frameskip=1 reached the ALE");
    }
  }

  @Test
  void atariIdsHaveTheStandardSpaces() {
    try (Env env = Envs.make("ALE/Pong-v5")) {
      assertEquals(new Space.Discrete(6), env.actionSpace());
      Space.Box box = (Space.Box) env.observationSpace();
      assertArrayEquals(new int[] {4, 84, 84}, box.shape());
      assertEquals(255f, box.high()[0]);
      assertEquals(108_000 / 4, env.maxEpisodeSteps());
    }
  }

  @Test
  void evaluationFiresAfterALostLifeSoAPolicyThatNeverFiresStillFinishesItsGame() {
    // action 0 (NOOP) only: the ball is served by the reset's FIRE and by the FIRE after each lost life
    assertEquals(5, noopStepsToGameOver("ALE/Breakout-v5", 5_000)[1], "all five lives lost");
    // without it the game waits for FIRE after the first lost life, until the frame limit
    assertEquals(1, noopStepsToGameOver("ALE/Breakout-v5[fire_on_life_loss=false]", 5_000)[1], "stalled after one lost life");
  }

  /** Steps with action 0 until the game ends or {@code limit} steps: {steps, lives lost}. */
  private static int[] noopStepsToGameOver(String id, int limit) {
    try (Env env = Envs.make(id)) {
      env.reset(7);
      double lives = 5;
      int lost = 0;
      for (int t = 1; t <= limit; t++) {
        Step s = env.step(0);
        if (s.info().get("lives") < lives) {
          lost += (int) (lives - s.info().get("lives"));
          lives = s.info().get("lives");
        }
        if (s.done()) return new int[] {t, lost};
      }
      return new int[] {limit, lost};
    }
  }

  @Test
  void trainingModeEndsEpisodesOnLostLivesAndClipsRewards() {
    try (Env env = Envs.make("ALE/Breakout-v5[training=true]")) {
      env.reset(4);
      SplittableRandom rng = new SplittableRandom(4);
      double lives = 5;
      int lifeEpisodes = 0;
      for (int t = 0; t < 2000 && lifeEpisodes < 3; t++) {
        Step s = env.step(rng.nextInt(4));
        assertTrue(s.reward() == 0 || s.reward() == 1 || s.reward() == -1, "clipped reward " + s.reward());
        assertEquals(Math.signum(s.info().get("raw_reward")), s.reward());
        if (s.done()) {
          assertEquals(lives - 1, s.info().get("lives"), "an episode ends when a life is lost");
          assertEquals(0.0, s.info().get("game_over"));
          lives = s.info().get("lives");
          lifeEpisodes++;
          env.reset(1000 + t); // as VectorEnv resets: seeded
          Step next = env.step(0);
          assertEquals(lives, next.info().get("lives"), "the game goes on after a lost life");
          assertFalse(next.done());
        }
      }
      assertEquals(3, lifeEpisodes, "three lives lost in 2,000 random steps");
    }
  }

  static Path resource(String name) throws IOException {
    Path target = Files.createTempFile("rlc-gym-test-", "-" + name);
    target.toFile().deleteOnExit();
    try (InputStream in = GymBridgeTest.class.getResourceAsStream(name)) {
      Files.write(target, in.readAllBytes());
    }
    return target;
  }

  static void python(String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(PythonEnv.get().python().toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "reference.py failed:\n" + output);
  }
}
