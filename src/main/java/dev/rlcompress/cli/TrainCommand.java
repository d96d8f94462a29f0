package dev.rlcompress.cli;

import dev.rlcompress.env.Envs;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.train.Algorithms;
import dev.rlcompress.train.TrainConfig;
import dev.rlcompress.train.TrainResult;
import dev.rlcompress.util.Files2;
import dev.rlcompress.util.UserError;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "train",
    description = {
      "Train a DQN or PPO policy; writes DIR/model.onnx and checkpoints.",
      "",
      "Train a policy and export it to DIR/model.onnx (fp32, provenance in its metadata).",
      "Checkpoints go to DIR while training; rerun the same command with --resume after a crash or",
      "Ctrl-C to continue from the last one. Hyperparameters default to RL Zoo's tuned values for the",
      "environment; list them with --show-hp, override with --hp key=value."
    },
    mixinStandardHelpOptions = true)
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--algo", required = true, description = "Algorithm: ${COMPLETION-CANDIDATES}.", completionCandidates = Algos.class)
  String algo;

  @Option(names = "--env", required = true, description = "Environment id (see 'rlc envs').")
  String env;

  @Option(names = "--steps", description = "Environment steps (default: the environment's tuned n_timesteps).")
  long steps;

  @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", required = true, description = "Output directory for model.onnx and checkpoints.")
  Path out;

  @Option(names = "--hp", description = "Hyperparameter override key=value; repeatable.")
  Map<String, String> hp = new LinkedHashMap<>();

  @Option(names = "--resume", description = "Continue from the checkpoint in --out if there is one.")
  boolean resume;

  @Option(names = "--show-hp", description = "Print the hyperparameters that would be used and exit.")
  boolean showHp;

  static final class Algos extends java.util.ArrayList<String> {
    Algos() {
      super(Algorithms.names());
    }
  }

  @Override
  public Integer call() throws Exception {
    Envs.make(env); // validates the id with a helpful message
    if (steps < 0) throw new UserError("--steps must be positive");
    if (showHp) {
      Algorithms.defaults(algo, env).forEach((k, v) -> System.out.println(k + "=" + hp.getOrDefault(k, v)));
      return 0;
    }
    Files2.writableDirectory(out);
    TrainConfig cfg = new TrainConfig(env, seed, steps, hp, out, resume, new ProgressBar(algo + " " + env));
    TrainResult r = Algorithms.train(algo, cfg);
    Path model = out.resolve("model.onnx");
    OnnxExporter.write(r.model().actionOnly(), model);
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("algorithm", algo);
    summary.put("env", env);
    summary.put("seed", seed);
    summary.put("steps", r.steps());
    summary.put("seconds", r.seconds());
    summary.put("steps_per_second", r.stepsPerSecond());
    summary.put("best_eval_return", r.bestEvalReturn());
    summary.put("best_eval_step", r.bestEvalStep());
    summary.put("hyperparameters", r.model().provenance().hyperparameters());
    Files2.writeAtomically(out.resolve("train.json"),
        dev.rlcompress.onnx.ModelFormat.GSON.toJson(summary).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    System.out.printf("trained %s on %s: %,d steps in %.1f s (%,.0f steps/s); selected policy scored %.1f in training-time evaluation%n",
        algo, env, r.steps(), r.seconds(), r.stepsPerSecond(), r.bestEvalReturn());
    System.out.println("wrote " + model);
    return 0;
  }
}
