package dev.rlcompress.model;

import java.util.List;

/** A named branch after the shared trunk, e.g. "q", "pi" or "v". */
public record Head(String name, HeadKind kind, List<Layer> layers) {
  public Head {
    if (name == null || !name.matches("[A-Za-z][A-Za-z0-9_]*"))
      throw new IllegalArgumentException("head name must be an identifier: " + name);
    layers = List.copyOf(layers);
  }
}
