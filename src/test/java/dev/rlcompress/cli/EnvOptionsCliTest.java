package dev.rlcompress.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.onnx.OnnxImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code rlc train --env-opt}: the options travel in the model's env id and eval runs on them. */
class EnvOptionsCliTest {
  @TempDir Path dir;

  @Test
  void envOptionsRoundTripThroughTrainingProvenanceIntoEval() throws Exception {
    Path out = dir.resolve("windy");
    var train = CliErrorsTest.rlc("train", "--algo", "dqn", "--env", "LunarLander-v3", "--env-opt", "enable_wind=true",
        "--env-opt", "wind_power=5", "--steps", "300", "--out", out.toString(), "--hp", "learning_starts=50",
        "--hp", "buffer_size=1000", "--hp", "eval_freq=300", "--hp", "eval_episodes=1", "--hp", "checkpoint_freq=300");
    assertEquals(0, train.code(), train.err());
    String envId = OnnxImporter.read(out.resolve("model.onnx")).provenance().envId();
    assertEquals("LunarLander-v3[enable_wind=true,wind_power=5]", envId);
    var eval = CliErrorsTest.rlc("eval", out.resolve("model.onnx").toString(), "--episodes", "1");
    assertEquals(0, eval.code(), eval.err());
    assertTrue(eval.out().contains(envId), "eval names the env it ran: " + eval.out());
  }

  @Test
  void badEnvOptionIsRefusedInOneLineBeforeAnythingIsWritten() {
    Path out = dir.resolve("never");
    String[][] cases = {
      {"gravity=0", "gravity must be in (-12, 0)"},
      {"enable_wind", "expected key=value"},
      {"windpower=3", "has no option windpower"},
    };
    for (String[] c : cases) {
      var o = CliErrorsTest.rlc("train", "--algo", "dqn", "--env", "LunarLander-v3", "--env-opt", c[0], "--out", out.toString());
      CliErrorsTest.assertOneLineError(o, c[1]);
      assertFalse(Files.exists(out), c[0] + ": no output directory");
    }
  }
}
