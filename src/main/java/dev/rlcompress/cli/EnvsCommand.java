package dev.rlcompress.cli;

import dev.rlcompress.env.Env;
import dev.rlcompress.env.Envs;
import dev.rlcompress.env.mujoco.MujocoTasks;
import dev.rlcompress.util.UserError;
import picocli.CommandLine.Command;

@Command(name = "envs", mixinStandardHelpOptions = true, description = "List the environments: spaces, time limits, success thresholds.")
final class EnvsCommand implements Runnable {
  @Override
  public void run() {
    System.out.printf("%-26s %-15s %-14s %8s %10s%n", "id", "observation", "action", "steps", "success");
    String noMujoco = null;
    boolean mujocoChecked = false;
    for (String id : Envs.ids()) {
      if (MujocoTasks.isMujoco(id)) {
        if (!mujocoChecked) {
          mujocoChecked = true;
          noMujoco = MujocoTasks.unavailable();
          if (noMujoco != null) System.out.println("(MuJoCo tasks Hopper-v4 ... not listed: " + noMujoco + ")");
        }
        if (noMujoco != null) continue;
      }
      Env e;
      try {
        e = Envs.make(id);
      } catch (UserError refused) { // Pusher-v4: refused on MuJoCo 3, as Gymnasium does
        System.out.printf("%-26s %s%n", id, refused.getMessage());
        continue;
      }
      try (e) {
        System.out.printf("%-26s %-15s %-14s %8d %10s%n", id, e.observationSpace(), e.actionSpace(), e.maxEpisodeSteps(),
          Double.isNaN(e.successThreshold()) ? "-" : String.format("%.2f", e.successThreshold()).replaceAll("\\.?0+$", ""));
      }
    }
  }
}
