package dev.rlcompress.train;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same seed reproduces the same training on the same machine, whatever the JIT does: a DQN run on
 * the Java kernels in a fresh JVM, and the same run in a JVM limited to C1 (no Vector API intrinsics,
 * so every kernel runs the library's Java fallback), write byte-identical models. Horizontal sums used
 * {@code reduceLanes(ADD)}, whose order the intrinsic and the fallback choose differently; two runs then
 * diverged depending on when C2 compiled a kernel (9 distinct models in 13 runs of the smoke study).
 */
class SameSeedTest {
  @TempDir Path dir;

  @Test
  void aRunIsByteIdenticalWithAndWithoutC2() throws Exception {
    byte[] c2 = train("c2", List.of());
    byte[] c1 = train("c1", List.of("-XX:TieredStopAtLevel=1"));
    assertArrayEquals(c2, c1, "model.onnx of the same seed differs between a C2 and a C1-only JVM");
  }

  private byte[] train(String name, List<String> jvmFlags) throws Exception {
    Path out = dir.resolve(name);
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.addAll(jvmFlags);
    cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector",
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Drlc.home=" + System.getProperty("rlc.home"),
        "dev.rlcompress.cli.Main", "train", "--algo", "dqn", "--env", "CartPole-v1", "--seed", "3", "--steps", "2000",
        "--hp", "net_arch=64,64", "--hp", "learning_starts=500", "--hp", "eval_freq=100000", "--hp", "train_freq=4",
        "--hp", "gradient_steps=1", "--hp", "target_update_interval=250", "--out", out.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().put("CLASSPATH", System.getProperty("java.class.path")); // not on the command line (ORT and long lines)
    Process p = pb.start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), name + " did not finish");
    assertEquals(0, p.exitValue(), name + ": " + Files.readString(dir.resolve(name + ".log")));
    return Files.readAllBytes(out.resolve("model.onnx"));
  }
}
