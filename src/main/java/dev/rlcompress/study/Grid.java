package dev.rlcompress.study;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Expands a spec into its cells: a training cell per trained source, then per source and repeat one
 * cell per variant, then per source and repeat the latency cell that times those variants together.
 */
public final class Grid {
  private Grid() {}

  public static List<Cell> expand(StudySpec spec) {
    List<Cell> trains = new ArrayList<>(), variants = new ArrayList<>(), latencies = new ArrayList<>();
    for (StudySpec.Source src : spec.sources()) {
      String sourceKey = Hashing.sha256(Hashing.canonical(src.definition()));
      if (src instanceof StudySpec.Source.Training) {
        Map<String, Object> d = new TreeMap<>(Map.of("kind", "train", "source", src.definition()));
        String text = Hashing.canonical(d);
        trains.add(new Cell(Hashing.sha256(text), Cell.Kind.TRAIN, text, src, sourceKey, null, -1, List.of()));
      }
      for (int r = 0; r < spec.repeats(); r++) {
        List<Cell> members = new ArrayList<>();
        for (StudySpec.Variant v : spec.variants()) {
          Map<String, Object> d = new TreeMap<>();
          d.put("kind", "variant");
          d.put("source", src.definition());
          d.put("steps", v.definition());
          d.put("repeat", r);
          d.put("evaluation", new TreeMap<>(Map.of("episodes", spec.evaluation().episodes(),
              "seed", spec.evaluation().seedOf(r))));
          d.put("resources", spec.resources().definition(r));
          d.put("latency", spec.latency().definition()); // the probe's workload follows the latency protocol
          String text = Hashing.canonical(d);
          Cell c = new Cell(Hashing.sha256(text), Cell.Kind.VARIANT, text, src, sourceKey, v, r, List.of());
          members.add(c);
          variants.add(c);
        }
        Map<String, Object> d = new TreeMap<>();
        d.put("kind", "latency");
        d.put("source", src.definition());
        d.put("repeat", r);
        d.put("protocol", spec.latency().definition());
        d.put("variants", members.stream().map(Cell::key).toList());
        String text = Hashing.canonical(d);
        latencies.add(new Cell(Hashing.sha256(text), Cell.Kind.LATENCY, text, src, sourceKey, null, r, List.copyOf(members)));
      }
    }
    List<Cell> all = new ArrayList<>(trains);
    all.addAll(variants);
    all.addAll(latencies);
    return all;
  }

  /** A short human name of a source: the algorithm, environment and seed, or the file's name. */
  public static String sourceLabel(StudySpec.Source s) {
    return switch (s) {
      case StudySpec.Source.Training t -> t.algorithm() + " " + t.envId() + " seed " + t.seed();
      case StudySpec.Source.ModelFile f -> f.path().getFileName().toString();
    };
  }

  public static String algorithm(StudySpec.Source s) {
    return switch (s) {
      case StudySpec.Source.Training t -> t.algorithm();
      case StudySpec.Source.ModelFile f -> f.algorithm() == null ? "?" : f.algorithm();
    };
  }

  public static String envId(StudySpec.Source s) {
    return switch (s) {
      case StudySpec.Source.Training t -> t.envId();
      case StudySpec.Source.ModelFile f -> f.envId();
    };
  }
}
