package dev.rlcompress.env;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.util.UserError;
import org.junit.jupiter.api.Test;

/** LunarLander-v3 semantics: spaces, start state, reward shaping terms, engine costs, termination. */
class LunarLanderTest {

  @Test
  void spacesAndLimitsMatchGymnasium() {
    Env env = Envs.make("LunarLander-v3");
    assertEquals(new Space.Discrete(4), env.actionSpace());
    Space.Box obs = (Space.Box) env.observationSpace();
    assertArrayEquals(new float[] {-2.5f, -2.5f, -10f, -10f, (float) (-2 * Math.PI), -10f, 0f, 0f}, obs.low());
    assertEquals(1000, env.maxEpisodeSteps());
    assertEquals(200.0, env.successThreshold());
    Env cont = Envs.make("LunarLanderContinuous-v3");
    assertEquals(2, cont.actionSpace().flatSize());
  }

  @Test
  void startsNearTopCentreWithLegsInTheAir() {
    Env env = Envs.make("LunarLander-v3");
    for (int seed = 0; seed < 20; seed++) {
      float[] o = env.reset(seed);
      assertEquals(8, o.length);
      assertTrue(Math.abs(o[0]) < 0.05, "x starts at the centre: " + o[0]);
      assertTrue(o[1] > 1.3 && o[1] < 1.5, "y starts near the top: " + o[1]);
      assertEquals(0f, o[6]);
      assertEquals(0f, o[7]);
    }
  }

  /** Per-step reward = change of the shaping potential minus 0.3 per main-engine frame, 0.03 per side frame. */
  @Test
  void rewardIsShapingDifferenceMinusFuel() {
    Env env = Envs.make("LunarLander-v3");
    float[] prev = env.reset(5);
    int[] actions = {0, 2, 1, 3, 2, 2, 0, 1};
    for (int t = 0; t < actions.length; t++) {
      Step s = env.step(actions[t]);
      assertFalse(s.done());
      double fuel = actions[t] == 2 ? 0.3 : (actions[t] == 1 || actions[t] == 3) ? 0.03 : 0;
      double expected = LunarLander.shaping(s.observation()) - LunarLander.shaping(prev) - fuel;
      assertEquals(expected, s.reward(), 1e-4, "step " + t + " action " + actions[t]);
      prev = s.observation();
    }
  }

  @Test
  void mainEngineSlowsTheFallAndSideEnginesRotateOppositeWays() {
    Env a = Envs.make("LunarLander-v3"), b = Envs.make("LunarLander-v3");
    a.reset(9);
    b.reset(9);
    float[] fired = null, idle = null;
    for (int t = 0; t < 10; t++) {
      fired = a.step(2).observation();
      idle = b.step(0).observation();
    }
    assertTrue(fired[3] > idle[3], "main engine raises vertical velocity");
    Env l = Envs.make("LunarLander-v3"), r = Envs.make("LunarLander-v3");
    l.reset(9);
    r.reset(9);
    float[] left = null, right = null;
    for (int t = 0; t < 10; t++) {
      left = l.step(1).observation();
      right = r.step(3).observation();
    }
    assertTrue(Math.signum(left[5]) != Math.signum(right[5]), "left and right engines spin opposite ways");
  }

  @Test
  void fallingWithoutThrustEndsWithCrashOrRest() {
    Env env = Envs.make("LunarLander-v3");
    env.reset(3);
    Step s;
    int steps = 0;
    do {
      s = env.step(0);
      steps++;
    } while (!s.done());
    assertTrue(s.terminated());
    assertTrue(s.reward() == -100 || s.reward() == 100, "terminal reward is -100 (crash) or +100 (rest): " + s.reward());
    assertTrue(steps < 1000);
  }

  @Test
  void recklessFlightEndsInACrash() {
    Env env = Envs.make("LunarLander-v3");
    env.reset(11);
    Step s;
    int t = 0;
    do {
      s = env.step(t++ < 60 ? 1 : 2); // spin with one side engine, then thrust: body hits ground or leaves the screen
    } while (!s.done());
    assertTrue(s.terminated());
    assertEquals(-100.0, s.reward());
  }

  @Test
  void continuousActionsAreClippedAndThrottled() {
    Env env = Envs.make("LunarLanderContinuous-v3");
    float[] prev = env.reset(4);
    Step s = env.step(new float[] {5f, 0f}); // clipped to 1: full main engine, cost 0.3
    double expected = LunarLander.shaping(s.observation()) - LunarLander.shaping(prev) - 0.3;
    assertEquals(expected, s.reward(), 1e-4);
    prev = s.observation();
    s = env.step(new float[] {0f, 0.4f}); // |side| <= 0.5: engines off
    assertEquals(LunarLander.shaping(s.observation()) - LunarLander.shaping(prev), s.reward(), 1e-4);
  }

  /** x and y of the lander after {@code steps} no-op steps from the same seed. */
  private static float[] driftWithEnginesOff(String spec, int steps) {
    Env env = Envs.make(spec);
    float[] o = env.reset(21);
    for (int t = 0; t < steps; t++) o = env.step(0).observation();
    return new float[] {o[0], o[1]};
  }

  @Test
  void windPushesTheLanderSidewaysAndTheSignOfItsPowerSetsTheDirection() {
    float calm = driftWithEnginesOff("LunarLander-v3", 40)[0];
    float east = driftWithEnginesOff("LunarLander-v3[enable_wind=true,turbulence_power=0,wind_power=20]", 40)[0];
    float west = driftWithEnginesOff("LunarLander-v3[enable_wind=true,turbulence_power=0,wind_power=-20]", 40)[0];
    assertTrue(Math.abs(east - calm) > 0.01, "wind moved the lander: " + calm + " vs " + east);
    assertEquals(Math.signum(east - calm), -Math.signum(west - calm), "opposite winds push opposite ways");
    assertEquals(calm, driftWithEnginesOff("LunarLander-v3[wind_power=20]", 40)[0], 0f,
        "wind_power alone does nothing: Gymnasium applies it only with enable_wind");
  }

  @Test
  void gravityOptionSetsHowFastTheLanderFalls() {
    float weak = driftWithEnginesOff("LunarLander-v3[gravity=-2]", 30)[1];
    float strong = driftWithEnginesOff("LunarLander-v3[gravity=-11.5]", 30)[1];
    float standard = driftWithEnginesOff("LunarLander-v3", 30)[1];
    assertTrue(weak > standard && standard > strong, weak + " > " + standard + " > " + strong);
  }

  @Test
  void continuousOptionGivesTheBoxActionSpace() {
    assertEquals(Space.Box.uniform(2, -1f, 1f), Envs.make("LunarLander-v3[continuous=true]").actionSpace());
    assertEquals(new Space.Discrete(4), Envs.make("LunarLanderContinuous-v3[continuous=false]").actionSpace());
  }

  @Test
  void valuesGymnasiumRefusesAreRefusedInOneLine() {
    String[][] cases = {
      {"LunarLander-v3[gravity=0]", "gravity must be in (-12, 0)"},
      {"LunarLander-v3[gravity=-12]", "gravity must be in (-12, 0)"},
      {"LunarLander-v3[gravity=3]", "gravity must be in (-12, 0)"},
      {"LunarLander-v3[gravity=heavy]", "gravity must be a number"},
      {"LunarLander-v3[enable_wind=yes]", "enable_wind must be true or false"},
      {"LunarLander-v3[wind_power=NaN]", "wind_power must be a finite number"},
      {"LunarLander-v3[turbulence_power=Infinity]", "turbulence_power must be a finite number"},
      {"LunarLander-v3[wind=15]", "has no option wind"},
    };
    for (String[] c : cases) {
      UserError e = assertThrows(UserError.class, () -> Envs.make(c[0]), c[0]);
      assertTrue(e.getMessage().contains(c[1]), c[0] + ": " + e.getMessage());
      assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    }
  }

  @Test
  void legsAndFloorKeepBox2dsDefaultFrictionWhereGymnasiumSetsNone() {
    LunarLander env = (LunarLander) Envs.make("LunarLander-v3");
    env.reset(0);
    float box2dDefault = new org.jbox2d.dynamics.FixtureDef().friction;
    assertEquals(0.2f, box2dDefault, "Box2D's default friction");
    assertEquals(box2dDefault, env.leg(0).getFixtureList().getFriction());
    assertEquals(box2dDefault, env.leg(1).getFixtureList().getFriction());
    assertEquals(0.1f, env.lander().getFixtureList().getFriction(), "the lander body itself: Gymnasium sets 0.1");
  }
}
