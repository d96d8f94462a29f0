package dev.rlcompress.cli;

import dev.rlcompress.eval.EvalOptions;
import dev.rlcompress.eval.EvalReport;
import dev.rlcompress.eval.Evaluator;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.runtime.OrtPolicy;
import dev.rlcompress.train.Dqn;
import dev.rlcompress.train.TrainConfig;
import dev.rlcompress.train.TrainResult;
import dev.rlcompress.util.Files2;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo",
    description = {
      "Main job: train DQN on CartPole-v1, export to ONNX, evaluate in ONNX Runtime (about a minute).",
      "",
      "The embedded default job: train DQN on CartPole-v1 (RL Zoo hyperparameters, 50k steps),",
      "export it to ONNX, evaluate it in ONNX Runtime over 100 episodes and print the result table."
    },
    mixinStandardHelpOptions = true)
final class DemoCommand implements Callable<Integer> {
  @Option(names = "--out", defaultValue = "runs/demo", description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--seed", defaultValue = "0", description = "Training seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    Files2.writableDirectory(out);
    System.out.println("Training DQN on CartPole-v1 ...");
    TrainResult r = Dqn.train(new TrainConfig("CartPole-v1", seed, 0, Map.of(), out, false, new ProgressBar("dqn CartPole-v1")));
    Path model = out.resolve("model.onnx");
    OnnxExporter.write(r.model().actionOnly(), model);
    System.out.printf("Trained in %.1f s (%,.0f env steps/s); exported %s%n", r.seconds(), r.stepsPerSecond(), model);
    System.out.println("Evaluating in ONNX Runtime (100 episodes) ...");
    try (OrtPolicy p = OrtPolicy.load(model)) {
      EvalReport e = Evaluator.evaluate(p, "CartPole-v1", EvalOptions.defaults(100), null);
      System.out.print(Table.reports(List.of(e)));
    }
    return 0;
  }
}
