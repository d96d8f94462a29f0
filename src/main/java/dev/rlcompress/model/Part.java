package dev.rlcompress.model;

import dev.rlcompress.model.PolicyModel.NamedLayer;
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

  /** Weighted layers (Linear, Conv2d) of the trunk and action head, in execution order. */
  public static List<NamedLayer> weighted(PolicyModel m) {
    List<NamedLayer> out = new ArrayList<>();
    for (NamedLayer n : m.actionPath()) if (Layer.weighted(n.layer())) out.add(n);
    return out;
  }

  /** The weighted layers this part selects. */
  public List<NamedLayer> select(PolicyModel m) {
    List<NamedLayer> all = weighted(m);
    if (this == ALL) return all;
    boolean hasTrunk = all.stream().anyMatch(n -> n.id().inTrunk());
    List<NamedLayer> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      boolean feature = hasTrunk ? all.get(i).id().inTrunk() : i < all.size() - 1;
      if (feature == (this == FEATURES)) out.add(all.get(i));
    }
    return out;
  }

  public String label() {
    return name().toLowerCase();
  }
}
