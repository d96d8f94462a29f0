package dev.rlcompress.autocompress;

import dev.rlcompress.util.UserError;

/**
 * What {@code rlc compress} is asked for.
 *
 * @param envId environment the return is measured on
 * @param maxDrop largest share of the baseline's return the variant may lose (0.05 for 5%)
 * @param objective what to minimize
 * @param budgetEpisodes most episodes the search may run, calibration and baseline included
 * @param allowFinetune whether distillation fine-tuning may be used (pruned bases, self-distillation)
 * @param seed in [0, 99]: seeds the search episodes ({@link #SEARCH_SEED} + seed·10,000 …) and fine-tuning
 * @param runtime "ort" keeps every candidate on ONNX Runtime; "any" runs unstructured-sparse candidates
 *     on the Java sparse engine, which is what makes their zeros pay
 * @param calibrationEpisodes greedy episodes of the original whose states drive the screen and fine-tuning
 */
public record SearchOptions(String envId, double maxDrop, Objective objective, int budgetEpisodes, boolean allowFinetune,
    long seed, String runtime, int calibrationEpisodes) {
  /** First search seed: disjoint from training (0…), evaluation (1e6…), calibration (3e6…) and training-time eval (7e6…). */
  public static final long SEARCH_SEED = 5_000_000L;

  public SearchOptions {
    if (budgetEpisodes <= 0) throw new UserError("--budget-episodes must be positive (got " + budgetEpisodes + ")");
    if (calibrationEpisodes <= 0) throw new UserError("calibration needs at least one episode");
    if (!runtime.equals("ort") && !runtime.equals("any"))
      throw new UserError("unknown runtime '" + runtime + "'; known: ort (ONNX Runtime only), any (sparse candidates on java-sparse)");
    if (seed < 0 || seed > 99) throw new UserError("--seed must be in [0, 99] (got " + seed + ")");
  }

  public static SearchOptions of(String envId, double maxDrop, Objective objective) {
    return new SearchOptions(envId, maxDrop, objective, 1000, false, 0, "any", 20);
  }

  public SearchOptions withBudget(int episodes) {
    return new SearchOptions(envId, maxDrop, objective, episodes, allowFinetune, seed, runtime, calibrationEpisodes);
  }

  public SearchOptions withFinetune(boolean allow) {
    return new SearchOptions(envId, maxDrop, objective, budgetEpisodes, allow, seed, runtime, calibrationEpisodes);
  }

  public SearchOptions withSeed(long s) {
    return new SearchOptions(envId, maxDrop, objective, budgetEpisodes, allowFinetune, s, runtime, calibrationEpisodes);
  }

  /** The seed of search episode k. */
  long episodeSeed(int k) {
    return SEARCH_SEED + seed * 10_000 + k;
  }
}
