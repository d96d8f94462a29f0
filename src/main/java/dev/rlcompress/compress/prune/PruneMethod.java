package dev.rlcompress.compress.prune;

import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.util.UserError;

/** What one pruning step removes: single weights by magnitude, or whole units ranked by an {@link Importance}. */
public sealed interface PruneMethod {
  /** The name recorded in the provenance: "unstructured-l1", "structured-l2", … */
  String label();

  Part part();

  /** One step at {@code ratio}: of each layer's (or, global, all) weights, or of each group's units. Records the step. */
  PolicyModel prune(PolicyModel m, double ratio);

  /** L1-magnitude unstructured pruning (zeros, the shapes stay). */
  record Unstructured(Part part, boolean global) implements PruneMethod {
    public String label() {
      return "unstructured-l1";
    }

    public PolicyModel prune(PolicyModel m, double ratio) {
      return UnstructuredPruner.prune(m, ratio, part, global);
    }
  }

  /** Structured pruning over the dependency graph (units removed, the model shrinks). */
  record Structured(Importance importance, Part part) implements PruneMethod {
    public String label() {
      return "structured-" + importance.name();
    }

    public PolicyModel prune(PolicyModel m, double ratio) {
      return StructuredPruner.prune(m, importance, ratio, part);
    }
  }

  /**
   * From the command-line name: "l1-unstructured", or an importance for structured pruning (l1, l2,
   * group, random; {@code seed} seeds random).
   */
  static PruneMethod parse(String name, Part part, boolean global, long seed) {
    if (name.equals("l1-unstructured")) return new Unstructured(part, global);
    Importance imp = Importance.parse(name, seed);
    if (global) throw new UserError("--global applies to l1-unstructured pruning");
    return new Structured(imp, part);
  }
}
