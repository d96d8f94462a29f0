package dev.rlcompress.train;

import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.model.Provenance;

/**
 * The networks PPO and TRPO train on Box action spaces: the Gaussian policy's mean network and its
 * state-independent log-std, the critic, and the snapshot periodic evaluation selects (networks,
 * log-std and the observation statistics of that moment, so the exported policy normalizes as the
 * evaluated one did).
 */
final class GaussianActorCritic {
  final Mlp pi, v;
  final float[] logStd;
  private final Mlp bestPi, bestV;
  private final float[] bestLogStd;
  private final ActionBox box;
  private RunningMeanStd bestObsRms;

  /** Separate MLPs as SB3's (orthogonal init with gains 0.01 and 1, or PyTorch's default), log-std at log_std_init. */
  GaussianActorCritic(Hyperparameters hp, int obsDim, ActionBox box, long seed) {
    this.box = box;
    Mlp[] nets = GaussianRollouts.networks(hp, obsDim, box.dim(), seed);
    pi = nets[0];
    v = nets[1];
    logStd = new float[box.dim()];
    java.util.Arrays.fill(logStd, (float) hp.dbl("log_std_init"));
    bestPi = pi.copy();
    bestV = v.copy();
    bestLogStd = logStd.clone();
  }

  /** The policy's head kind now: the mean clipped to the box, with the current log-std. */
  HeadKind.Gaussian kind() {
    return box.gaussian(logStd);
  }

  /** Binds the rollouts' observation statistics (after a resume: restores the selected snapshot's). */
  void attach(GaussianRollouts rollouts, Checkpoint resumed) {
    bestObsRms = rollouts.obsRms == null ? null : rollouts.obsRms.copy();
    if (resumed != null && bestObsRms != null) bestObsRms.load(resumed, "bestObsRms");
  }

  /** A due periodic evaluation of the mean action; a new best is snapshotted. */
  void select(Selection selection, long step, GaussianRollouts rollouts) {
    HeadKind.Gaussian kind = kind();
    if (selection.due(step) && selection.evaluate(step, kind, o -> kind.finish(pi.forward(rollouts.normalize(o))))) {
      bestPi.copyFrom(pi);
      bestV.copyFrom(v);
      System.arraycopy(logStd, 0, bestLogStd, 0, logStd.length);
      if (bestObsRms != null) bestObsRms.copyFrom(rollouts.obsRms);
    }
  }

  /** The model: the selected snapshot (or the current networks when none was selected), critic as a second head. */
  PolicyModel model(GaussianRollouts rollouts, boolean selected, Provenance provenance) {
    RunningMeanStd stats = selected ? bestObsRms : rollouts.obsRms;
    return new PolicyModel(new int[] {rollouts.obsDim}, stats == null ? null : stats.normalization(GaussianRollouts.CLIP),
        java.util.List.of(), java.util.List.of(
            new Head("pi", box.gaussian(selected ? bestLogStd : logStd), (selected ? bestPi : pi).toLayers()),
            new Head("v", new HeadKind.Value(), (selected ? bestV : v).toLayers())),
        provenance);
  }

  /** The trained and the selected networks under their checkpoint names (save and load read the one table). */
  private java.util.Map<String, Mlp> nets() {
    return java.util.Map.of("pi", pi, "v", v, "bestPi", bestPi, "bestV", bestV);
  }

  void save(Checkpoint c) {
    nets().forEach(c::putNet);
    c.putArrays(logStds());
    if (bestObsRms != null) bestObsRms.save(c, "bestObsRms");
  }

  void load(Checkpoint c) {
    nets().forEach(c::loadNet);
    c.loadArrays(logStds());
  }

  private java.util.Map<String, float[]> logStds() {
    return java.util.Map.of("logStd", logStd, "bestLogStd", bestLogStd);
  }
}
