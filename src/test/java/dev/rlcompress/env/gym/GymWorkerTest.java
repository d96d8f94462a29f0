package dev.rlcompress.env.gym;

import static org.junit.jupiter.api.Assertions.*;

import com.google.gson.JsonObject;
import dev.rlcompress.env.EnvBatch;
import dev.rlcompress.env.EnvOptions;
import dev.rlcompress.env.EnvSpec;
import dev.rlcompress.env.Envs;
import dev.rlcompress.env.python.PythonEnv;
import dev.rlcompress.util.UserError;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Worker failures become Java exceptions with the Python side's story, and no worker is left behind. */
class GymWorkerTest {

  @Test
  void killedWorkerRaisesAndLeavesNoProcess() throws Exception {
    GymEnv env = (GymEnv) Envs.make("gym:CartPole-v1");
    env.reset(0);
    ProcessHandle worker = ProcessHandle.of(env.workerPid()).orElseThrow();
    assertTrue(ProcessHandle.current().children().anyMatch(worker::equals), "the worker is this JVM's child");
    new ProcessBuilder("kill", "-9", Long.toString(env.workerPid())).start().waitFor();
    GymWorkerException e = assertThrows(GymWorkerException.class, () -> env.step(0));
    assertTrue(e.getMessage().contains("killed by signal 9"), e.getMessage());
    assertFalse(worker.isAlive());
    assertThrows(GymWorkerException.class, () -> env.step(1), "a dead worker stays failed");
    env.close();
    assertTrue(ProcessHandle.current().children().noneMatch(worker::equals), "no orphan left");
  }

  @Test
  void pythonExceptionCarriesTheTracebackAndTheWorkerLivesOn() {
    try (GymEnv env = (GymEnv) Envs.make("gym:CartPole-v1")) {
      env.reset(0);
      // a reset of slot 5 on a worker hosting one copy: the worker's list lookup raises IndexError
      ByteBuffer bad = ByteBuffer.allocate(14).order(ByteOrder.LITTLE_ENDIAN);
      bad.put((byte) 'R').putShort((short) 1).putShort((short) 5).put((byte) 0).putLong(0);
      GymWorkerException e = assertThrows(GymWorkerException.class, () -> env.worker().call(bad.flip()));
      assertTrue(e.getMessage().contains("Traceback") && e.getMessage().contains("IndexError"), e.getMessage());
      assertEquals(4, env.step(0).observation().length, "the worker still answers");
    }
  }

  @Test
  void hungWorkerTimesOutAndIsKilled() throws Exception {
    EnvOptions o = new EnvOptions(EnvSpec.parse("gym:CartPole-v1"));
    try (EnvBatch batch = GymBridge.batch(o, 1, new BridgeSettings(1, Duration.ofSeconds(1)))) {
      GymEnv env = (GymEnv) batch.env(0);
      env.reset(0);
      long pid = env.workerPid();
      new ProcessBuilder("kill", "-STOP", Long.toString(pid)).start().waitFor();
      GymWorkerException e = assertThrows(GymWorkerException.class, () -> env.step(0));
      assertTrue(e.getMessage().contains("did not answer within 1 s"), e.getMessage());
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the hung worker was killed");
    }
  }

  @Test
  void workerOfAnEnvDroppedWithoutCloseEndsAfterCollection() throws Exception {
    long pid = startAndDrop();
    ProcessHandle worker = ProcessHandle.of(pid).orElseThrow();
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (worker.isAlive() && System.nanoTime() < until) {
      System.gc();
      Thread.sleep(50);
    }
    assertFalse(worker.isAlive(), "the abandoned env's worker is still running");
  }

  private static long startAndDrop() {
    GymEnv env = (GymEnv) Envs.make("gym:CartPole-v1");
    env.reset(0);
    return env.workerPid();
  }

  @Test
  void workerExitsWhenItsParentDies() throws Exception {
    // A stand-in parent starts the worker on pipes and is then killed with -9, as a JVM could be.
    String python = PythonEnv.get().python().toString();
    String parent = "import subprocess, sys, time\n"
        + "p = subprocess.Popen([sys.argv[1], '-u', sys.argv[2]], stdin=subprocess.PIPE, stdout=subprocess.PIPE)\n"
        + "print(p.pid, flush=True)\n"
        + "time.sleep(60)\n";
    Process stand = new ProcessBuilder(python, "-c", parent, python, GymWorker.script().toString()).start();
    long pid = Long.parseLong(new BufferedReader(new InputStreamReader(stand.getInputStream())).readLine().strip());
    Optional<ProcessHandle> worker = ProcessHandle.of(pid);
    assertTrue(worker.isPresent() && worker.get().isAlive());
    stand.destroyForcibly().waitFor();
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (worker.get().isAlive() && System.nanoTime() < until) Thread.sleep(50);
    assertFalse(worker.get().isAlive(), "the worker outlived its parent");
  }

  @Test
  void startUpFailuresAreOneLineSayingHowToInstall() {
    JsonObject config = new JsonObject();
    config.addProperty("kind", "gym");
    config.addProperty("id", "CartPole-v1");
    config.addProperty("count", 1);
    Duration t = Duration.ofSeconds(60);
    UserError noPython = assertThrows(UserError.class, () -> GymWorker.start(List.of("/nonexistent/python3"), "gym:CartPole-v1", config, t));
    assertTrue(noPython.getMessage().contains("scripts/pyenv.sh"), noPython.getMessage());
    // -S: the interpreter without its site-packages, so numpy and gymnasium are missing
    String python = PythonEnv.get().python().toString();
    UserError missing = assertThrows(UserError.class, () -> GymWorker.start(List.of(python, "-S"), "gym:CartPole-v1", config, t));
    assertTrue(missing.getMessage().contains("ModuleNotFoundError") && missing.getMessage().contains("scripts/pyenv.sh"), missing.getMessage());
    assertFalse(missing.getMessage().contains("\n"), "one line: " + missing.getMessage());
  }

  @Test
  void badIdsAndKeywordsAreOneLineUserErrors() {
    UserError unknown = assertThrows(UserError.class, () -> Envs.make("gym:NoSuchEnv-v0"));
    assertTrue(unknown.getMessage().contains("NoSuchEnv"), unknown.getMessage());
    UserError keyword = assertThrows(UserError.class, () -> Envs.make("gym:CartPole-v1[bogus=1]"));
    assertTrue(keyword.getMessage().contains("bogus") && !keyword.getMessage().contains("\n"), keyword.getMessage());
    UserError atari = assertThrows(UserError.class, () -> Envs.make("ALE/Pong-v5[frame_skp=3]"));
    assertTrue(atari.getMessage().contains("frame_skp"), atari.getMessage());
  }
}
