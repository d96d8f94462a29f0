package dev.rlcompress.env;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

/**
 * Pins the dynamics to Gymnasium's documented equations. Expected numbers were computed independently
 * from the equations in Gymnasium's documentation (double precision, then rounded to float).
 */
class ClassicControlTest {
  private static final double EPS = 1e-6;

  @Test
  void cartPoleStepFromRestPushRight() {
    CartPole env = new CartPole();
    env.reset(0);
    env.setState(0, 0, 0, 0);
    Step s = env.step(1);
    // Gymnasium: step(1) from the zero state gives [0, 0.19512196, 0, -0.29268292].
    assertArrayEquals(new float[] {0f, 0.19512196f, 0f, -0.29268292f}, s.observation(), 1e-6f);
    assertEquals(1.0, s.reward());
    assertFalse(s.terminated());
  }

  @Test
  void cartPoleStepFromGivenState() {
    CartPole env = new CartPole();
    env.reset(0);
    env.setState(0.1, -0.2, 0.05, 0.3);
    Step s = env.step(0);
    assertArrayEquals(new float[] {0.096f, -0.39579765f, 0.056f, 0.60802331f}, s.observation(), 1e-6f);
  }

  @Test
  void cartPoleTerminatesBeyondTwelveDegreesAndRewardsTheTerminalStep() {
    CartPole env = new CartPole();
    env.reset(0);
    env.setState(0, 0, 12 * 2 * Math.PI / 360 - 1e-4, 1.0);
    Step s = env.step(1);
    assertTrue(s.terminated());
    assertEquals(1.0, s.reward(), "CartPole-v1 pays 1 on the terminating step too");
    assertThrows(IllegalStateException.class, () -> env.step(0), "stepping a finished episode is an error");
  }

  @Test
  void cartPoleTerminatesBeyondTrackEdge() {
    CartPole env = new CartPole();
    env.reset(0);
    env.setState(2.399, 1.0, 0, 0);
    assertTrue(env.step(1).terminated());
  }

  @Test
  void cartPoleTruncatesAt500Steps() {
    CartPole env = new CartPole();
    env.reset(3);
    Step s = null;
    int steps = 0;
    do {
      env.setState(0, 0, 0, 0); // keep it balanced forever
      s = env.step(steps % 2);
      steps++;
    } while (!s.done());
    assertEquals(500, steps);
    assertTrue(s.truncated());
    assertFalse(s.terminated());
  }

  /** Gymnasium's TimeLimit: a terminal step that is also the limit step is terminated and truncated. */
  @Test
  void terminalStepOnTheTimeLimitIsBothTerminatedAndTruncated() {
    MountainCar env = MountainCar.discrete();
    env.reset(3);
    for (int t = 0; t < 199; t++) {
      env.setState(-0.5, 0); // far from the goal for 199 steps
      assertFalse(env.step(1).done());
    }
    env.setState(0.499, 0.02); // the 200th step reaches the goal
    Step s = env.step(2);
    assertTrue(s.terminated());
    assertTrue(s.truncated());
  }

  @Test
  void cartPoleResetIsUniformInFiveHundredths() {
    CartPole env = new CartPole();
    for (int seed = 0; seed < 50; seed++)
      for (float v : env.reset(seed)) assertTrue(Math.abs(v) <= 0.05f);
  }

  @Test
  void mountainCarStep() {
    MountainCar env = MountainCar.discrete();
    env.reset(0);
    env.setState(-0.5, 0);
    Step s = env.step(2);
    assertArrayEquals(new float[] {-0.49917684f, 0.00082315697f}, s.observation(), 1e-7f);
    assertEquals(-1.0, s.reward());
  }

  @Test
  void mountainCarStopsAtLeftWallAndReachesGoal() {
    MountainCar env = MountainCar.discrete();
    env.reset(0);
    env.setState(-1.2, -0.05);
    Step s = env.step(0);
    assertEquals(-1.2f, s.observation()[0], 1e-7f);
    assertEquals(0f, s.observation()[1], "velocity is zeroed at the left wall");
    env.setState(0.499, 0.02);
    assertTrue(env.step(2).terminated());
  }

  @Test
  void mountainCarContinuousRewardsGoalAndChargesSquaredAction() {
    MountainCar env = MountainCar.continuous();
    env.reset(0);
    env.setState(-0.5, 0);
    assertEquals(-0.1 * 0.25, env.step(new float[] {0.5f}).reward(), 1e-6);
    env.setState(0.449, 0.02);
    Step s = env.step(new float[] {1f});
    assertTrue(s.terminated());
    assertEquals(100 - 0.1, s.reward(), 1e-6);
    assertEquals(999, env.maxEpisodeSteps());
  }

  @Test
  void pendulumStep() {
    Pendulum env = new Pendulum();
    env.reset(0);
    env.setState(0.5, -1.0);
    Step s = env.step(new float[] {1.5f});
    assertEquals(-0.35225, s.reward(), 1e-6);
    assertArrayEquals(new float[] {0.88735094f, 0.46109468f, -0.41543085f}, s.observation(), 1e-6f);
    env.setState(0, 0);
    assertEquals(-0.001 * 4, env.step(new float[] {5f}).reward(), 1e-9, "torque is clipped to 2 before the cost");
    assertTrue(Double.isNaN(env.successThreshold()));
  }

  @Test
  void acrobotRestsAtTheBottomAndTerminatesAboveTheLine() {
    Acrobot env = new Acrobot();
    env.reset(0);
    env.setState(0, 0, 0, 0);
    Step s = env.step(1); // zero torque: hanging straight down is an equilibrium
    assertArrayEquals(new float[] {1, 0, 1, 0, 0, 0}, s.observation(), 1e-6f);
    assertEquals(-1.0, s.reward());
    env.setState(Math.PI, 0, 0, 0); // pointing straight up: -cos(pi) - cos(pi) = 2 > 1
    Step up = env.step(1);
    assertTrue(up.terminated());
    assertEquals(0.0, up.reward());
  }

  @Test
  void acrobotVelocitiesStayBounded() {
    Acrobot env = new Acrobot();
    env.reset(1);
    for (int i = 0; i < 200; i++) {
      Step s = env.step(i % 3);
      assertTrue(Math.abs(s.observation()[4]) <= 4 * Math.PI + EPS);
      assertTrue(Math.abs(s.observation()[5]) <= 9 * Math.PI + EPS);
      if (s.done()) break;
    }
  }

  @Test
  void seedsReplayAndDiffer() {
    for (String id : Envs.ids()) {
      if (dev.rlcompress.env.mujoco.MujocoTasks.isMujoco(id)) continue; // MjSimTest.seedsReplayAndDiffer
      Env a = Envs.make(id), b = Envs.make(id);
      assertArrayEquals(a.reset(42), b.reset(42), id);
      assertFalse(java.util.Arrays.equals(a.reset(1), b.reset(2)), id + ": different seeds, different starts");
      a.reset(7);
      b.reset(7);
      for (int t = 0; t < 50; t++) {
        Step sa, sb;
        if (a.actionSpace() instanceof Space.Discrete d) {
          sa = a.step(t % d.n());
          sb = b.step(t % d.n());
        } else {
          float[] act = new float[a.actionSpace().flatSize()];
          java.util.Arrays.fill(act, (float) Math.sin(t));
          sa = a.step(act);
          sb = b.step(act);
        }
        assertArrayEquals(sa.observation(), sb.observation(), id);
        assertEquals(sa.reward(), sb.reward(), id);
        if (sa.done()) break;
      }
    }
  }

  @Test
  void unknownEnvironmentListsKnownOnes() {
    var e = assertThrows(dev.rlcompress.util.UserError.class, () -> Envs.make("Pong-v5"));
    assertTrue(e.getMessage().contains("CartPole-v1") && e.getMessage().contains("LunarLander-v3"), e.getMessage());
  }

  @Test
  void wrongActionKindIsRejected() {
    Env cp = Envs.make("CartPole-v1");
    cp.reset(0);
    assertThrows(IllegalArgumentException.class, () -> cp.step(new float[] {1f}));
    assertThrows(IllegalArgumentException.class, () -> cp.step(2));
  }

  @Test
  void vectorEnvAutoResetsAndKeepsFinalObservation() {
    VectorEnv v = new VectorEnv("CartPole-v1", 3);
    v.reset(10);
    int ended = 0;
    for (int t = 0; t < 200 && ended == 0; t++) {
      v.step(new int[] {1, 1, 1}); // always pushing right ends episodes quickly
      for (int i = 0; i < 3; i++) {
        if (v.episodeEnded(i)) {
          ended++;
          assertNotNull(v.finalObservation(i));
          assertTrue(v.terminated(i));
          assertTrue(v.lastReturn(i) > 0);
        }
      }
    }
    assertTrue(ended > 0);
  }
}
