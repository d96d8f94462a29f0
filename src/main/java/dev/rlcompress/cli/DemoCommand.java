package dev.rlcompress.cli;

import dev.rlcompress.eval.Showcase;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.train.Dqn;
import dev.rlcompress.train.TrainConfig;
import dev.rlcompress.train.TrainResult;
import dev.rlcompress.util.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    description = {
      "Main job: compress a trained LunarLander policy six ways and compare them side by side (1-2 minutes).",
      "",
      "Loads the committed DQN LunarLander-v3 policy (8-256-256-4), compresses it as the DQN-LunarLander",
      "study did (dynamic int8, 30%% unstructured pruning, both) and as rl-compress recommends (50%% structured",
      "pruning with distillation fine-tuning, then int8 hidden layers with an fp32 output layer), evaluates",
      "every variant with the same evaluator (return with 95%% interval, success, agreement with the original,",
      "latency at batch 1 and 100, size) and says which variant to deploy. --train trains a CartPole DQN first",
      "and compresses that instead."
    },
    mixinStandardHelpOptions = true)
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--model", description = "Policy to compress (default: the committed DQN LunarLander-v3 policy).")
  Path model;

  @Option(names = "--train", description = "Train DQN on CartPole-v1 first (about a minute) and compress that policy.")
  boolean train;

  @Option(names = "--out", defaultValue = "runs/demo", description = "Where --train writes its run (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--episodes", defaultValue = "100", description = "Evaluation episodes per variant (default: ${DEFAULT-VALUE}).")
  int episodes;

  @Option(names = "--seed", defaultValue = "0", description = "Training and fine-tuning seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    if (episodes < 1) throw new UserError("--episodes must be at least 1");
    PolicyModel policy;
    if (train) {
      System.out.println("Training DQN on CartPole-v1 (RL Zoo hyperparameters) ...");
      TrainResult r = Dqn.train(new TrainConfig("CartPole-v1", seed, 0, Map.of(), out, false, new ProgressBar("dqn CartPole-v1")));
      policy = r.model();
    } else {
      Path m = model != null ? model : committedModel();
      System.out.println("Compressing " + m + " ...");
      policy = OnnxImporter.read(m);
    }
    System.out.printf("Evaluating 6 variants on %s, %d episodes each, latency interleaved ...%n", policy.provenance().envId(), episodes);
    Showcase.Result r = Showcase.run(policy, episodes, seed);
    System.out.print(Table.reports(r.reports()));
    System.out.println(r.conclusion());
    return 0;
  }

  private static Path committedModel() {
    Path root = Path.of(System.getProperty("rlc.home", "")).toAbsolutePath();
    Path m = root.resolve("docs/results/models/dqn-lunarlander-v3.onnx");
    if (!Files.isRegularFile(m))
      throw new UserError("the committed demo policy " + m + " is missing; give --model FILE or --train");
    return m;
  }
}
