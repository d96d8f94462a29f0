package dev.rlcompress.env;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jbox2d.collision.shapes.EdgeShape;
import org.jbox2d.collision.shapes.PolygonShape;
import org.jbox2d.dynamics.Body;
import org.jbox2d.dynamics.BodyType;
import org.jbox2d.dynamics.Fixture;
import org.jbox2d.dynamics.FixtureDef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LunarLander against Gymnasium's own lunar_lander.py, for seeds 0..99. pybox2d cannot be installed
 * here, so gym_oracle.py runs Gymnasium's reset on a stand-in Box2D module that records what
 * Gymnasium hands to Box2D: every fixture (shape, vertices, density, friction, restitution, collision
 * bits; a property Gymnasium does not set is Box2D's default), the world's gravity, the initial force,
 * the wind phase. Those must equal this class's jbox2d world exactly, and NumPy's generator must stand
 * at the same place after reset. The first observation, which pybox2d's solver would produce, is
 * checked loosely: its velocity is the impulse of Gymnasium's initial force plus gravity over one step.
 */
class LunarLanderParityTest {
  private static GymOracle oracle;
  private static final FixtureDef BOX2D_DEFAULTS = new FixtureDef();

  @BeforeAll
  static void runGymnasium() {
    oracle = GymOracle.run("lunar");
  }

  @AfterAll
  static void cleanUp() {
    if (oracle != null) oracle.delete();
  }

  @Test
  void defaultLanderEqualsGymnasiumsForSeeds0To99() {
    check("plain", "LunarLander-v3");
  }

  @Test
  void windyLanderDrawsGymnasiumsWindPhase() {
    check("wind", "LunarLander-v3[enable_wind=true]");
  }

  @Test
  void optionsReachTheWorldAsGymnasiumsConstructorArguments() {
    check("options", "LunarLander-v3[continuous=true,enable_wind=true,gravity=-3.5,turbulence_power=0.5,wind_power=5.0]");
  }

  private static void check(String variant, String spec) {
    JsonArray rows = oracle.values().getAsJsonArray(variant);
    assertEquals(100, rows.size());
    LunarLander env = (LunarLander) Envs.make(spec);
    for (int seed = 0; seed < rows.size(); seed++) {
      JsonObject row = rows.get(seed).getAsJsonObject();
      String at = spec + " seed " + seed;
      float[] obs = env.reset(seed);
      double[] gravity = GymOracle.doubles(row.get("gravity"));
      assertEquals((float) gravity[1], env.world().getGravity().y, 0f, at + " gravity");
      checkFixtures(row.getAsJsonArray("fixtures"), env, at);

      double[][] forces = forces(row.get("forces"));
      assertArrayEquals(forces[0], env.initialForce(), 0.0, at + ": initial force");
      if (row.get("wind_idx").isJsonNull()) {
        assertEquals(1, forces.length, at + ": no wind force without enable_wind");
      } else {
        assertEquals(row.get("wind_idx").getAsLong(), env.windIdx(), at + " wind index");
        assertEquals(row.get("torque_idx").getAsLong(), env.torqueIdx(), at + " torque index");
        assertEquals(2, forces.length, at + ": the reset step's wind force");
      }
      assertEquals(row.get("next_random").getAsDouble(), env.npRandom().random(), 0.0,
          at + ": reset drew as many numbers as Gymnasium's (terrain, force, wind, engine dispersion)");
      checkFirstObservation(obs, forces, row.getAsJsonArray("fixtures"), gravity[1], at);
    }
  }

  private static void checkFixtures(JsonArray expected, LunarLander env, String at) {
    List<Fixture> actual = new ArrayList<>(fixtures(env.moon()));
    actual.addAll(fixtures(env.lander()));
    actual.addAll(fixtures(env.leg(0)));
    actual.addAll(fixtures(env.leg(1)));
    assertEquals(expected.size(), actual.size(), at + ": fixture count");
    for (int i = 0; i < actual.size(); i++) {
      JsonObject e = expected.get(i).getAsJsonObject();
      Fixture f = actual.get(i);
      String what = at + " fixture " + i + " (" + e.get("body").getAsString() + " " + e.get("shape").getAsString() + ")";
      assertEquals(e.get("body").getAsString().equals("static") ? BodyType.STATIC : BodyType.DYNAMIC,
          f.getBody().getType(), what + " body type");
      assertEquals(number(e, "density", BOX2D_DEFAULTS.density), f.getDensity(), 0f, what + " density");
      assertEquals(number(e, "friction", BOX2D_DEFAULTS.friction), f.getFriction(), 0f, what + " friction");
      assertEquals(number(e, "restitution", BOX2D_DEFAULTS.restitution), f.getRestitution(), 0f, what + " restitution");
      assertEquals((int) number(e, "categoryBits", BOX2D_DEFAULTS.filter.categoryBits), f.getFilterData().categoryBits,
          what + " categoryBits");
      assertEquals((int) number(e, "maskBits", BOX2D_DEFAULTS.filter.maskBits), f.getFilterData().maskBits, what + " maskBits");
      assertEquals(BOX2D_DEFAULTS.isSensor, f.isSensor(), what + " sensor");
      float[][] v = vertices(e.getAsJsonArray("vertices"));
      switch (e.get("shape").getAsString()) {
        case "edge" -> {
          EdgeShape s = (EdgeShape) f.getShape();
          assertArrayEquals(v[0], new float[] {s.m_vertex1.x, s.m_vertex1.y}, 0f, what + " first vertex");
          assertArrayEquals(v[1], new float[] {s.m_vertex2.x, s.m_vertex2.y}, 0f, what + " second vertex");
        }
        case "polygon" -> {
          PolygonShape s = (PolygonShape) f.getShape();
          if (e.has("box")) {
            float[] half = {(float) e.getAsJsonArray("box").get(0).getAsDouble(), (float) e.getAsJsonArray("box").get(1).getAsDouble()};
            v = new float[][] {{-half[0], -half[1]}, {half[0], -half[1]}, {half[0], half[1]}, {-half[0], half[1]}};
          }
          float[][] mine = new float[s.getVertexCount()][];
          for (int k = 0; k < mine.length; k++) mine[k] = new float[] {s.getVertex(k).x, s.getVertex(k).y};
          assertEquals(sorted(v), sorted(mine), what + " vertices (as a set: Box2D orders them itself)");
        }
        default -> fail(what + ": unexpected shape");
      }
    }
  }

  /**
   * One step after the initial push: the lander and its legs (joined, not yet touching ground) gain
   * (F/m + g) dt of vertical and F/m dt of horizontal velocity; the joints' solver makes this approximate (measured within 0.3%; 1% allowed).
   */
  private static void checkFirstObservation(float[] obs, double[][] forces, JsonArray fixtures, double g, String at) {
    double mass = 0;
    for (JsonElement el : fixtures) {
      JsonObject e = el.getAsJsonObject();
      if (!e.get("body").getAsString().equals("dynamic")) continue;
      double area;
      if (e.has("box")) {
        area = 4 * e.getAsJsonArray("box").get(0).getAsDouble() * e.getAsJsonArray("box").get(1).getAsDouble();
      } else {
        float[][] v = vertices(e.getAsJsonArray("vertices"));
        double twice = 0;
        for (int k = 0; k < v.length; k++) {
          float[] p = v[k], q = v[(k + 1) % v.length];
          twice += (double) p[0] * q[1] - (double) q[0] * p[1];
        }
        area = Math.abs(twice) / 2;
      }
      mass += area * e.get("density").getAsDouble();
    }
    double fx = 0, fy = 0;
    for (double[] f : forces) {
      fx += f[0];
      fy += f[1];
    }
    double dt = 1.0 / LunarLander.FPS, halfW = LunarLander.VIEWPORT_W / LunarLander.SCALE / 2;
    double halfH = LunarLander.VIEWPORT_H / LunarLander.SCALE / 2;
    double vx = fx / mass * dt * halfW / LunarLander.FPS, vy = (fy / mass + g) * dt * halfH / LunarLander.FPS;
    assertEquals(vx, obs[2], 0.01 * Math.abs(vx) + 1e-3, at + ": first-step x velocity");
    assertEquals(vy, obs[3], 0.01 * Math.abs(vy) + 1e-3, at + ": first-step y velocity");
    assertEquals(0.0, obs[0], 0.01, at + ": x barely moved");
  }

  private static List<Fixture> fixtures(Body b) {
    List<Fixture> out = new ArrayList<>();
    for (Fixture f = b.getFixtureList(); f != null; f = f.getNext()) out.add(0, f); // jbox2d lists newest first
    return out;
  }

  private static float number(JsonObject e, String key, float def) {
    return e.has(key) ? (float) e.get(key).getAsDouble() : def;
  }

  private static double[][] forces(JsonElement el) {
    JsonArray a = el.getAsJsonArray();
    double[][] out = new double[a.size()][];
    for (int i = 0; i < out.length; i++) out[i] = GymOracle.doubles(a.get(i));
    return out;
  }

  private static float[][] vertices(JsonArray a) {
    float[][] out = new float[a.size()][];
    for (int i = 0; i < out.length; i++) {
      double[] d = GymOracle.doubles(a.get(i));
      out[i] = new float[] {(float) d[0], (float) d[1]};
    }
    return out;
  }

  private static List<String> sorted(float[][] v) {
    return Arrays.stream(v).map(p -> p[0] + "," + p[1]).sorted().toList();
  }
}
