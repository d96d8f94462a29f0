package dev.rlcompress.cli;

import dev.rlcompress.env.Env;
import dev.rlcompress.env.Envs;
import picocli.CommandLine.Command;

@Command(name = "envs", mixinStandardHelpOptions = true, description = "List the environments: spaces, time limits, success thresholds.")
final class EnvsCommand implements Runnable {
  @Override
  public void run() {
    System.out.printf("%-26s %-15s %-14s %8s %10s%n", "id", "observation", "action", "steps", "success");
    for (String id : Envs.ids()) {
      try (Env e = Envs.make(id)) {
        System.out.printf("%-26s %-15s %-14s %8d %10s%n", id, e.observationSpace(), e.actionSpace(), e.maxEpisodeSteps(),
            Double.isNaN(e.successThreshold()) ? "-" : String.format("%.0f", e.successThreshold()));
      }
    }
  }
}
