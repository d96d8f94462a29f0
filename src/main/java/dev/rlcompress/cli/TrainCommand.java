package dev.rlcompress.cli;

import dev.rlcompress.env.EnvSpec;
import dev.rlcompress.env.Envs;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.train.Algorithms;
import dev.rlcompress.train.Hyperparameters;
import dev.rlcompress.train.TrainConfig;
import dev.rlcompress.train.TrainResult;
import dev.rlcompress.train.TrainingLog;
import dev.rlcompress.util.Files2;
import dev.rlcompress.util.UserError;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "train",
    description = {
      "Train a DQN, PPO, PPO-RND, TRPO, DDPG, TD3 or SAC policy; writes DIR/model.onnx and checkpoints.",
      "",
      "Train a policy and export it to DIR/model.onnx (fp32, provenance in its metadata).",
      "Checkpoints go to DIR while training; rerun the same command with --resume after a crash or",
      "Ctrl-C to continue from the last one. Hyperparameters default to RL Zoo's tuned values for the",
      "environment; list them with --show-hp, override with --hp key=value. PPO trains a categorical",
      "policy on discrete actions, a diagonal Gaussian one on continuous (Box) actions, and the Nature",
      "CNN on image observations (ALE/<Game>-v5, trained with episodic life and clipped rewards).",
      "ppo-rnd is PPO with Random Network Distillation on images (the RND paper's network and settings)."
    },
    mixinStandardHelpOptions = true)
final class TrainCommand implements Callable<Integer> {
  @Option(names = "--algo", required = true, description = "Algorithm: ${COMPLETION-CANDIDATES}.", completionCandidates = Algos.class)
  String algo;

  @Option(names = "--env", required = true, description = "Environment id (see 'rlc envs'), optionally with options: LunarLander-v3[enable_wind=true].")
  String env;

  @Option(names = "--steps", description = "Environment steps (default: the environment's tuned n_timesteps).")
  long steps;

  @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--out", description = "Output directory for model.onnx and checkpoints (required unless --show-hp).")
  Path out;

  @Option(names = "--hp", description = "Hyperparameter override key=value; repeatable.")
  Map<String, String> hp = new LinkedHashMap<>();

  @Option(names = "--resume", description = "Continue from the checkpoint in --out if there is one.")
  boolean resume;

  @Option(names = "--show-hp", description = "Print the hyperparameters that would be used (with their domains) and exit.")
  boolean showHp;

  @Option(names = "--env-opt", paramLabel = "KEY=VALUE",
      description = "Environment option as Gymnasium's make() takes it, e.g. enable_wind=true; repeatable. Recorded in the model's provenance.")
  List<String> envOpts = new java.util.ArrayList<>();

  static final class Algos extends java.util.ArrayList<String> {
    Algos() {
      super(Algorithms.names());
    }
  }

  @Override
  public Integer call() throws Exception {
    // Everything is validated before --out is created: algorithm, environment and options, hyperparameters.
    String spec = envOpts.isEmpty() ? env : EnvSpec.parse(env).with(EnvSpec.parseOptions(envOpts)).toString();
    Envs.check(spec);
    if (steps < 0) throw new UserError("--steps must be positive");
    Hyperparameters hps = Algorithms.hyperparameters(algo, spec, hp);
    if (showHp) {
      hps.describe().forEach(System.out::println);
      return 0;
    }
    if (out == null) throw new UserError("--out is required: the directory for model.onnx, train.json and checkpoints");
    Path model = out.resolve("model.onnx");
    TrainConfig cfg = new TrainConfig(spec, seed, steps, hp, out, resume, new ProgressBar(algo + " " + spec),
        r -> publish(r, spec, model));
    TrainResult r = Algorithms.train(algo, cfg);
    System.out.printf("trained %s on %s: %,d steps%s in %.1f s (%,.0f steps/s this session); %s%n",
        algo, spec, r.steps(), r.resumedFrom() >= 0 ? " (resumed at " + r.resumedFrom() + ")" : "", r.seconds(),
        r.stepsPerSecond(), Double.isNaN(r.bestEvalReturn())
            ? "no training-time evaluation ran (steps below eval_freq, or eval off): the final weights are exported"
            : String.format("selected policy scored %.1f in training-time evaluation", r.bestEvalReturn()));
    System.out.println("wrote " + model);
    return 0;
  }

  /** JSON has no NaN: a quantity that is undefined for an update (explained variance of constant returns) is null. */
  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** Writes train.json and model.onnx while the run directory is still locked; the summary is built first. */
  private void publish(TrainResult r, String spec, Path model) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("algorithm", algo);
    summary.put("env", spec);
    summary.put("seed", seed);
    summary.put("steps", r.steps());
    summary.put("resumed_from_step", r.resumedFrom() >= 0 ? r.resumedFrom() : null);
    summary.put("seconds", r.seconds());
    // The whole run's rate (across resumes); this session's only when it trained (a resume at the final
    // step just exports, and its "0 steps/s" would read as a measurement).
    summary.put("steps_per_second", r.seconds() > 0 ? r.steps() / r.seconds() : null);
    boolean trainedNow = r.resumedFrom() < 0 || r.steps() > r.resumedFrom();
    summary.put("session_steps_per_second", trainedNow ? r.stepsPerSecond() : null);
    summary.put("best_eval_return", Double.isNaN(r.bestEvalReturn()) ? null : r.bestEvalReturn());
    summary.put("best_eval_step", r.bestEvalStep() >= 0 ? r.bestEvalStep() : null);
    summary.put("hyperparameters", r.model().provenance().hyperparameters());
    TrainingLog.Summary log = r.log();
    if (!log.rooms().isEmpty()) {
      Map<String, Object> exploration = new LinkedHashMap<>();
      exploration.put("rooms_visited", log.rooms().size());
      exploration.put("rooms", log.rooms());
      exploration.put("cells_visited", log.cells());
      summary.put("exploration", exploration);
    }
    // The learning curve: every finished training episode (step, return); Atari returns are game scores.
    Map<String, Object> episodes = new LinkedHashMap<>();
    episodes.put("step", log.episodeSteps());
    episodes.put("return", log.episodeReturns());
    summary.put("episodes", episodes);
    // PPO's per-update diagnostics (SB3's train/ metrics), one column per quantity, one row per rollout.
    if (!log.updates().isEmpty()) {
      Map<String, Object> updates = new LinkedHashMap<>();
      updates.put("step", log.updates().stream().mapToLong(TrainingLog.Update::step).toArray());
      for (int c = 0; c < TrainingLog.Update.COLUMNS.size(); c++) {
        int col = c;
        updates.put(TrainingLog.Update.COLUMNS.get(c), log.updates().stream().map(u -> finiteOrNull(u.column(col))).toList());
      }
      summary.put("updates", updates);
    }
    byte[] json = new com.google.gson.GsonBuilder().serializeNulls().setPrettyPrinting().create().toJson(summary)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    OnnxExporter.write(r.model().actionOnly(), model);
    Files2.writeAtomically(out.resolve("train.json"), json);
  }
}
