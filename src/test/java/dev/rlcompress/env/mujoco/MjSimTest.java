package dev.rlcompress.env.mujoco;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.env.Envs;
import dev.rlcompress.env.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MuJoCo's failures reach Java as exceptions and warnings; the JVM and other simulations carry on. */
class MjSimTest {
  @TempDir Path dir;

  private Path xml(String text) throws IOException {
    Path p = dir.resolve("model.xml");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void brokenXmlRaisesMujocosMessage() throws IOException {
    Path p = xml("<mujoco><worldbody><body><geom type='sphere' size='0.1'/></body></worldbody>");
    MujocoException e = assertThrows(MujocoException.class, () -> new MjSim(p));
    assertTrue(e.getMessage().contains("XML parse error"), e.getMessage());
  }

  @Test
  void invalidModelRaisesMujocosMessageAndTheNextModelLoads() throws IOException {
    Path p = xml("<mujoco><worldbody><geom type='tetrahedron' size='0.1'/></worldbody></mujoco>");
    MujocoException e = assertThrows(MujocoException.class, () -> new MjSim(p));
    assertTrue(e.getMessage().contains("tetrahedron"), e.getMessage());
    try (MjSim ok = new MjSim(xml("<mujoco><worldbody><body><freejoint/><geom type='sphere' size='0.1'/></body></worldbody></mujoco>"))) {
      assertEquals(7, ok.nq());
      ok.step(10, false);
      assertTrue(ok.get(MjSim.DataArray.QVEL, 2) < 0, "falls under gravity");
    }
  }

  @Test
  void missingFileRaises() {
    MujocoException e = assertThrows(MujocoException.class, () -> new MjSim(dir.resolve("none.xml")));
    assertTrue(e.getMessage().contains("none.xml"), e.getMessage());
  }

  /** An mju_error inside mj_step (here: the arena is too small) comes back as an exception. */
  @Test
  void fatalErrorDuringSimulationRaisesAndTheJvmSurvives() throws IOException {
    StringBuilder bodies = new StringBuilder();
    for (int i = 0; i < 20; i++)
      bodies.append("<body pos='0 0 ").append(0.1 * i).append("'><freejoint/><geom type='box' size='0.1 0.1 0.1'/></body>");
    Path p = xml("<mujoco><size memory='20K'/><worldbody><geom type='plane' size='5 5 .1'/>" + bodies + "</worldbody></mujoco>");
    MujocoException e = assertThrows(MujocoException.class, () -> {
      try (MjSim sim = new MjSim(p)) {
        for (int i = 0; i < 1000; i++) sim.step(1, false);
      }
    });
    assertTrue(e.getMessage().startsWith("mj_step: ") && e.getMessage().length() > 20, e.getMessage());
    System.out.println("fatal error seen by Java: " + e.getMessage());
    try (var env = Envs.make("Hopper-v5")) {
      env.reset(1);
      assertEquals(11, env.step(new float[3]).observation().length);
    }
  }

  @Test
  void instabilityIsReportedInInfoAndWarnings() {
    try (MujocoEnv env = (MujocoEnv) Envs.make("Hopper-v5")) {
      env.reset(0);
      double[] qvel = new double[env.qvel().length];
      Arrays.fill(qvel, 1e12);
      env.setState(env.qpos(), qvel);
      Step s = env.step(new float[] {1, 1, 1});
      assertEquals(1.0, s.info().get("mujoco_warning_badqvel"), s.info().toString());
      assertFalse(env.warnings().isEmpty());
      assertTrue(env.warnings().getFirst().contains("Hopper-v5"), env.warnings().getFirst());
    }
  }

  @Test
  void seedsReplayAndDiffer() {
    WithGymnasium.taskIds().forEach(id -> {
      try (var a = Envs.make(id); var b = Envs.make(id)) {
        assertArrayEquals(a.reset(42), b.reset(42), id);
        assertFalse(Arrays.equals(a.reset(1), b.reset(2)), id + ": different seeds, different starts");
        a.reset(7);
        b.reset(7);
        float[] act = new float[a.actionSpace().flatSize()];
        for (int t = 0; t < 20; t++) {
          Arrays.fill(act, (float) Math.sin(t));
          Step sa = a.step(act), sb = b.step(act);
          assertArrayEquals(sa.observation(), sb.observation(), id);
          assertEquals(sa.reward(), sb.reward(), id);
          if (sa.done()) break;
        }
      }
    });
  }

  @Test
  void unknownOptionAndBadRangeAreOneLineErrors() {
    var e = assertThrows(dev.rlcompress.util.UserError.class, () -> Envs.make("Hopper-v5[healthy_z=1]"));
    assertTrue(e.getMessage().contains("healthy_z_range"), e.getMessage());
    e = assertThrows(dev.rlcompress.util.UserError.class, () -> Envs.make("Hopper-v5[healthy_z_range=2:1]"));
    assertTrue(e.getMessage().contains("low:high"), e.getMessage());
    e = assertThrows(dev.rlcompress.util.UserError.class, () -> Envs.make("Hopper-v4[frame_skip=2]"));
    assertTrue(e.getMessage().contains("no option frame_skip"), e.getMessage());
  }

  @Test
  void closeIsIdempotentAndUseAfterCloseFails() {
    MujocoEnv env = (MujocoEnv) Envs.make("InvertedPendulum-v5");
    env.reset(0);
    env.close();
    env.close();
    assertThrows(IllegalStateException.class, env::qpos);
  }
}
