package dev.rlcompress.compress;

import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Which part of the network a compression method touches, as the pixel-game study split it (the fully
 * connected head alone vs CNN + head). With a trunk (e.g. convolutions) the feature extractor is the
 * trunk and the head is the action head. A plain MLP has no trunk: its feature extractor is every
 * Linear but the last, its head the last Linear.
 */
public enum Part {
  FEATURES,
  HEAD,
  ALL;

  public static Part parse(String s) {
    return switch (s) {
      case "features" -> FEATURES;
      case "head" -> HEAD;
      case "all" -> ALL;
      default -> throw new dev.rlcompress.util.UserError("unknown part '" + s + "'; known: features, head, all");
    };
  }

  /** A weighted layer with the name the exporter gives it. */
  public record Named(String name, Layer layer) {}

  /** Weighted layers (Linear, Conv2d) of the trunk and action head, in execution order. */
  public static List<Named> weighted(PolicyModel m) {
    List<Named> out = new ArrayList<>();
    for (int i = 0; i < m.trunk().size(); i++)
      if (isWeighted(m.trunk().get(i))) out.add(new Named("trunk." + i, m.trunk().get(i)));
    List<Layer> h = m.actionHead().layers();
    for (int i = 0; i < h.size(); i++) if (isWeighted(h.get(i))) out.add(new Named(m.actionHead().name() + "." + i, h.get(i)));
    return out;
  }

  static boolean isWeighted(Layer l) {
    return l instanceof Layer.Linear || l instanceof Layer.Conv2d;
  }

  /** The weighted layers this part selects. */
  public List<Named> select(PolicyModel m) {
    List<Named> all = weighted(m);
    if (this == ALL) return all;
    boolean hasTrunk = all.stream().anyMatch(n -> n.name().startsWith("trunk."));
    List<Named> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      boolean feature = hasTrunk ? all.get(i).name().startsWith("trunk.") : i < all.size() - 1;
      if (feature == (this == FEATURES)) out.add(all.get(i));
    }
    return out;
  }

  public String label() {
    return name().toLowerCase();
  }
}
