package dev.rlcompress.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.model.Provenance;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.train.Mlp;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input gets one clear line on stderr and a non-zero exit, never a stack trace. */
public class CliErrorsTest {
  @TempDir Path dir;

  public record Outcome(int code, String out, String err) {}

  public static Outcome rlc(String... args) {
    PrintStream oldOut = System.out, oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true));
    System.setErr(new PrintStream(err, true));
    try {
      int code = Main.run(args);
      return new Outcome(code, out.toString(), err.toString());
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  static void assertOneLineError(Outcome o, String fragment) {
    assertNotEquals(0, o.code(), o.err());
    String[] lines = o.err().strip().split("\n");
    assertTrue(lines[0].startsWith("rlc: error: "), o.err());
    assertTrue(lines[0].contains(fragment), "expected '" + fragment + "' in: " + o.err());
    assertFalse(o.err().contains("\tat "), "no stack trace: " + o.err());
  }

  Path cartPoleModel() throws Exception {
    Mlp net = new Mlp(new int[] {4, 16, 2}, dev.rlcompress.model.Layer.Activation.Kind.RELU, Double.NaN, new SplittableRandom(1));
    PolicyModel m = new PolicyModel(new int[] {4}, null, List.of(), List.of(new Head("q", new HeadKind.QValues(), net.toLayers())),
        new Provenance("dqn", "CartPole-v1", 1, Map.of(), 0, List.of()));
    Path f = dir.resolve("cp.onnx");
    OnnxExporter.write(m, f);
    return f;
  }

  @Test
  void sparkExecutorNotBuiltSaysHowToBuildIt() throws Exception {
    Path spec = dir.resolve("s.yaml");
    Files.writeString(spec, "models: [" + cartPoleModel() + "]\nevaluation: {episodes: 1}\n");
    System.setProperty("rlc.spark.dir", dir.resolve("no-build").toString());
    try {
      Outcome o = rlc("study", spec.toString(), "--executor", "spark", "--master", "local[2]");
      assertOneLineError(o, "the spark executor is not built");
      assertTrue(o.err().contains("scripts/build-spark.sh"), o.err());
      assertFalse(Files.exists(dir.resolve("s.db")), "nothing was run");
      assertOneLineError(rlc("study", spec.toString(), "--master", "local[2]"), "--master is for --executor spark");
      assertOneLineError(rlc("study", spec.toString(), "--executor", "spark", "--master", "spark:/x"), "not a Spark master URL");
    } finally {
      System.clearProperty("rlc.spark.dir");
    }
  }

  @Test
  void missingModel() {
    assertOneLineError(rlc("eval", dir.resolve("nope.onnx").toString()), "not found");
  }

  @Test
  void corruptModel() throws Exception {
    Path f = dir.resolve("bad.onnx");
    Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    assertOneLineError(rlc("eval", f.toString()), "bad.onnx");
  }

  @Test
  void modelEnvironmentMismatch() throws Exception {
    assertOneLineError(rlc("eval", cartPoleModel().toString(), "--env", "LunarLander-v3", "--episodes", "1"), "expects observations of 4");
    assertOneLineError(rlc("eval", cartPoleModel().toString(), "--env", "Pendulum-v1", "--episodes", "1"), "Pendulum-v1");
  }

  @Test
  void unknownEnvironmentAndAlgorithm() {
    assertOneLineError(rlc("train", "--algo", "dqn", "--env", "Pong-v5", "--out", dir.toString()), "known: CartPole-v1");
    assertOneLineError(rlc("train", "--algo", "a3c", "--env", "CartPole-v1", "--out", dir.toString()), "a3c");
  }

  @Test
  void negativeEpisodes() throws Exception {
    assertOneLineError(rlc("eval", cartPoleModel().toString(), "--episodes", "-3"), "--episodes");
  }

  @Test
  void unwritableOutputDirectory() throws Exception {
    Path file = dir.resolve("afile");
    Files.writeString(file, "x");
    assertOneLineError(rlc("train", "--algo", "dqn", "--env", "CartPole-v1", "--out", file.resolve("sub").toString()), "output directory");
  }

  @Test
  void unknownHyperparameter() {
    assertOneLineError(rlc("train", "--algo", "ppo", "--env", "CartPole-v1", "--steps", "100", "--hp", "lr=3",
        "--out", dir.toString()), "unknown ppo hyperparameter 'lr'");
  }

  /**
   * Agreement against a reference that always pushes right equals the share of the evaluated model's
   * own visited states where it pushes right, counted here with the Java forward pass on the same seeds.
   */
  @Test
  void evalJsonHasTheDocumentedFields() throws Exception {
    Path model = cartPoleModel();
    PolicyModel m = dev.rlcompress.onnx.OnnxImporter.read(model);
    PolicyModel right = new PolicyModel(new int[] {4}, null, List.of(), List.of(new Head("q", new HeadKind.QValues(),
        List.of(new dev.rlcompress.model.Layer.Linear(4, 2, new float[8], new float[] {0f, 1f})))), m.provenance());
    Path ref = dir.resolve("right.onnx");
    OnnxExporter.write(right, ref);
    Outcome o = rlc("eval", model.toString(), "--episodes", "3", "--json", "--reference", ref.toString());
    assertEquals(0, o.code(), o.err());
    var json = com.google.gson.JsonParser.parseString(o.out()).getAsJsonObject();
    for (String k : List.of("mean_return", "std_return", "ci95", "success_rate", "agreement", "latency_us_b1",
        "latency_ms_b100", "size_bytes", "params", "sparsity"))
      assertTrue(json.has(k), k);
    int states = 0, pushesRight = 0;
    var env = dev.rlcompress.env.Envs.make("CartPole-v1");
    for (int ep = 0; ep < 3; ep++) {
      float[] obs = env.reset(dev.rlcompress.eval.EvalOptions.DEFAULT_SEED + ep);
      while (true) {
        int a = dev.rlcompress.model.Actions.argmax(m.forward(obs));
        states++;
        if (a == 1) pushesRight++;
        var step = env.step(a);
        if (step.done()) break;
        obs = step.observation();
      }
    }
    assertEquals((double) pushesRight / states, json.get("agreement").getAsDouble(), 1e-12);
    assertEquals(4 * 16 + 16 + 16 * 2 + 2, json.get("params").getAsLong());
  }

  @Test
  void evalJsonWritesNullForWhatDoesNotApply() throws Exception {
    Outcome o = rlc("eval", cartPoleModel().toString(), "--episodes", "2", "--json", "--no-latency");
    assertEquals(0, o.code(), o.err());
    var json = com.google.gson.JsonParser.parseString(o.out()).getAsJsonObject();
    assertTrue(json.get("agreement").isJsonNull(), "no reference, no agreement: " + o.out());
    assertTrue(json.get("latency_us_b1").isJsonNull());
    assertTrue(json.get("mean_return").getAsDouble() > 0);
  }

  @Test
  void helpIsAvailableForEveryCommand() {
    for (String c : List.of("train", "eval", "envs", "demo")) {
      Outcome o = rlc(c, "--help");
      assertEquals(0, o.code());
      assertTrue(o.out().contains("Usage: rlc " + c), o.out());
    }
  }
}
