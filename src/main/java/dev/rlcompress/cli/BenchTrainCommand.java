package dev.rlcompress.cli;

import dev.rlcompress.train.nn.Mlp;
import dev.rlcompress.train.nn.UpdateBench;
import dev.rlcompress.train.nn.UpdateBenchReport;
import dev.rlcompress.util.UserError;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bench-train",
    description = {
      "Training speed of the MLP backends: TD3- and SAC-shaped updates per second on one core.",
      "",
      "Runs the network work of one TD3 update (twin critics forward/backward/Adam, target forwards, actor",
      "through the critic every second step, soft updates) and one SAC update (tanh-Gaussian actor, twin",
      "critics, entropy coefficient) on random replay data, with the Java Vector API kernels and with",
      "PyTorch through DJL, plus single-network timings at batch 256 and 1. Rates use the thread's CPU",
      "time, so they mean one core even on a shared machine; the wall-clock rate is printed beside them.",
      "Prints markdown."
    },
    mixinStandardHelpOptions = true)
final class BenchTrainCommand implements Callable<Integer> {
  @Option(names = "--algos", defaultValue = "td3,sac", split = ",", description = "Update shapes (default: ${DEFAULT-VALUE}).")
  List<String> algos;

  @Option(names = "--backends", defaultValue = "JAVA,DJL", split = ",", description = "JAVA, DJL (default: ${DEFAULT-VALUE}).")
  List<Mlp.Backend> backends;

  @Option(names = "--seconds", defaultValue = "2", description = "CPU seconds measured per update row, after half as much warm-up (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--obs", defaultValue = "17", description = "Observation size (default: ${DEFAULT-VALUE}, HalfCheetah).")
  int obs;

  @Option(names = "--act", defaultValue = "6", description = "Action size (default: ${DEFAULT-VALUE}).")
  int act;

  @Option(names = "--hidden", defaultValue = "256", description = "Width of the two hidden layers (default: ${DEFAULT-VALUE}).")
  int hidden;

  @Option(names = "--batch", defaultValue = "256", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
  int batch;

  @Override
  public Integer call() throws Exception {
    if (!(seconds > 0 && seconds <= 30)) throw new UserError("--seconds must be in (0, 30]: " + seconds);
    if (obs <= 0 || act <= 0 || hidden <= 0 || batch <= 0) throw new UserError("--obs, --act, --hidden and --batch must be positive");
    for (String a : algos) if (!a.equals("td3") && !a.equals("sac")) throw new UserError("unknown --algos entry '" + a + "' (td3, sac)");
    System.out.print(UpdateBenchReport.markdown(
        new UpdateBenchReport.Config(algos, backends, new UpdateBench.Shape(obs, act, hidden, batch), seconds)));
    return 0;
  }
}
