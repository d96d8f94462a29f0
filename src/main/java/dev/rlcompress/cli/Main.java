package dev.rlcompress.cli;

import dev.rlcompress.util.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code rlc} command. */
@Command(
    name = "rlc",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 120,
    version = "rl-compress 0.1.0",
    description = {
      "Train deep-RL policies, compress them, and measure what compression does to them.",
      "",
      "Typical flow:",
      "  rlc envs                                   list the environments",
      "  rlc train --algo dqn --env CartPole-v1 --out runs/cp            train; writes runs/cp/model.onnx",
      "  rlc eval runs/cp/model.onnx                                     return, success, latency, size",
      "  rlc quantize runs/cp/model.onnx --method ptsq -o q.onnx         int8 with calibration",
      "  rlc eval q.onnx runs/cp/model.onnx --reference runs/cp/model.onnx   both in one run",
      "  rlc prune runs/cp/model.onnx --method l2 --ratio 0.5 -o p.onnx  remove half the neurons",
      "  rlc sweep-prune runs/cp/model.onnx                              best ratio by the 90%% rule",
      "  rlc study studies/smoke.yaml                                    a whole study, crash-safe",
      "  rlc report studies/smoke.db -o out                              its tables and plots",
      "  rlc demo                                                        a trained policy compressed six ways, compared",
      ""
    },
    subcommands = {DemoCommand.class, TrainCommand.class, EvalCommand.class, QuantizeCommand.class, PruneCommand.class, CompressCommand.class,
        SweepPruneCommand.class, LotteryCommand.class, BenchSparseCommand.class, BenchTrainCommand.class, BenchEnvCommand.class,
        BenchRuntimeCommand.class, ActionGapCommand.class, ProfileCommand.class, EnvsCommand.class, StudyCommand.class, ReportCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the CLI and returns its exit code (tests call this instead of main). */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new Main());
    cl.setUsageHelpWidth(120); // propagates to every subcommand
    cl.setExecutionExceptionHandler((ex, line, parsed) -> {
      Throwable t = ex;
      while (!(t instanceof UserError) && t.getCause() != null && t.getCause() != t) t = t.getCause();
      if (t instanceof UserError) {
        System.err.println("rlc: error: " + t.getMessage());
        return 2;
      }
      System.err.println("rlc: internal error: " + ex);
      if (System.getenv("RLC_DEBUG") != null) ex.printStackTrace();
      else System.err.println("(set RLC_DEBUG=1 for the stack trace)");
      return 1;
    });
    cl.setParameterExceptionHandler((ex, args2) -> {
      String cmd = ex.getCommandLine().getCommandName();
      System.err.println("rlc: error: " + ex.getMessage().strip().replace('\n', ' ')
          + " (see 'rlc " + (cmd.equals("rlc") ? "" : cmd + " ") + "--help')");
      return 2;
    });
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) {
      // an Error, not an Exception: picocli's handler above never sees it
      long max = Runtime.getRuntime().maxMemory() >> 20;
      System.err.println("rlc: error: out of memory (" + e.getMessage() + ", Java heap limit " + max
          + " MB): ask for less (fewer episodes or models), or raise the limit, e.g. RLC_JAVA_OPTS=-Xmx" + 2 * Math.max(1, max >> 10) + "g");
      return 1;
    }
  }
}
