package dev.rlcompress.cli;

import dev.rlcompress.eval.EvalOptions;
import dev.rlcompress.eval.EvalReport;
import dev.rlcompress.eval.Evaluator;
import dev.rlcompress.onnx.ModelFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "eval",
    description = {
      "Evaluate models in ONNX Runtime: return with 95%% CI, success, agreement, latency, size.",
      "",
      "Evaluate a model in ONNX Runtime: greedy episodes on fixed seeds, return with a 95%% bootstrap",
      "interval, success rate, action agreement with --reference, batch-1 and batch-100 latency over",
      "the visited observations, size on disk, parameters and sparsity."
    },
    mixinStandardHelpOptions = true)
final class EvalCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "MODEL.onnx",
      description = "Model file(s) written by rlc; several are evaluated in one run (one table, comparable latencies).")
  List<Path> models;

  @Option(names = "--env", description = "Environment id (default: the one in the model's provenance).")
  String env;

  @Mixin EpisodesOption episodes;

  @Option(names = "--seed", defaultValue = "1000000", description = "Seed of the first episode (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--reference", paramLabel = "OTHER.onnx", description = "Model to measure action agreement against.")
  Path reference;

  @Option(names = "--runtime", defaultValue = "ort",
      description = "Engine: ort (ONNX Runtime, default), java (the dependency-free Java runtime, module rlc-runtime) or java-sparse (CSR kernels for unstructured-pruned MLPs).")
  String runtime;

  @Option(names = "--no-latency", description = "Skip the latency measurement.")
  boolean noLatency;

  @Option(names = "--observations", paramLabel = "FILE.npz",
      description = {"Stored observation set to time latency on (the pixel-game study's protocol: 500 passes of batch",
          "100 over stored observations). Read when FILE exists; otherwise 1,000 states visited by the first",
          "model (or --reference) are saved there, for later runs and other tools (NumPy: np.load(FILE)['observations'])."})
  Path observations;

  @Option(names = "--latency-rounds", defaultValue = "5",
      description = "Interleaved latency rounds when several models are timed together; medians reported (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--jobs", defaultValue = "1",
      description = {"Environments to play side by side, each with its own episodes (default: ${DEFAULT-VALUE}). The results",
          "are the same for any value (episode k always starts from seed + k); the wall time of a slow",
          "environment (Atari) divides by up to this many, given as many free cores."})
  int jobs;

  @Option(names = "--stochastic",
      description = {"Sample each action from the policy's distribution (categorical or Gaussian heads; seeded per",
          "episode) instead of taking the most likely one: RL Zoo's way of evaluating Atari policies. Action",
          "agreement still compares greedy actions."})
  boolean stochastic;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    EvalOptions opt = new EvalOptions(episodes.episodes, seed, !noLatency, 500, 100, rounds, jobs, stochastic);
    List<EvalReport> reports = Evaluator.evaluateFiles(models, runtime, reference, env, opt, observations);
    if (json) {
      Object out = reports.size() == 1 ? reports.get(0).toJson() : reports.stream().map(EvalReport::toJson).toList();
      System.out.println(ModelFormat.REPORT_GSON.toJson(out));
    } else {
      System.out.print(Table.reports(reports));
    }
    return 0;
  }
}
