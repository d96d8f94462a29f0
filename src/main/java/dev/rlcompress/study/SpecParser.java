package dev.rlcompress.study;

import dev.rlcompress.env.Envs;
import dev.rlcompress.util.UserError;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads a study spec (YAML) and validates all of it before any work: every problem becomes one line
 * {@code FILE:LINE: where: what} and they are reported together, so a long study never fails an hour in
 * on a typo. The format is documented in {@code studies/README.md}.
 */
public final class SpecParser {
  private final Path file;
  private final CellExecutor executor;
  /** Problems found, as {line, text}; reported in line order. */
  private final List<Map.Entry<Integer, String>> errors = new ArrayList<>();

  private SpecParser(Path file, CellExecutor executor) {
    this.file = file;
    this.executor = executor;
  }

  static final Set<String> TOP = Set.of("name", "models", "train", "compression", "repeats", "evaluation", "latency",
      "resources", "scores", "shared_dir");

  /** Parses and validates {@code file}; throws one {@link UserError} listing every problem. */
  public static StudySpec parse(Path file, CellExecutor executor) {
    if (!Files.isRegularFile(file)) throw new UserError("study spec not found: " + file);
    Node root;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).compose(r);
    } catch (MarkedYAMLException e) {
      throw new UserError(file + ":" + (e.getProblemMark().getLine() + 1) + ": not valid YAML: " + e.getProblem());
    } catch (YAMLException | IOException e) {
      throw new UserError("cannot read study spec " + file + ": " + e.getMessage());
    }
    return new SpecParser(file, executor).read(root);
  }

  private StudySpec read(Node root) {
    if (!(root instanceof MappingNode)) {
      throw new UserError(file + ": a study spec is a YAML mapping (name:, models: or train:, compression:, ...)");
    }
    Map<String, Node> top = map(root, "", TOP);
    String name = top.containsKey("name") ? scalar(top.get("name"), "name") : stem(file);
    List<StudySpec.Source> sources = new ArrayList<>();
    if (top.containsKey("models")) readModels(top.get("models"), sources);
    if (top.containsKey("train")) readTraining(top.get("train"), sources);
    if (!top.containsKey("models") && !top.containsKey("train"))
      error(root, "", "no policies: give models: (existing .onnx files) or train: (algorithms × environments)");
    List<StudySpec.Variant> variants = new ArrayList<>();
    variants.add(new StudySpec.Variant("baseline", List.of()));
    if (top.containsKey("compression")) readCompression(top.get("compression"), variants);
    int repeats = top.containsKey("repeats") ? (int) integer(top.get("repeats"), "repeats", 1, 1000) : 1;
    StudySpec.Evaluation ev = readEvaluation(top.get("evaluation"));
    StudySpec.LatencyProtocol lp = readLatency(top.get("latency"));
    StudySpec.Resources res = readResources(top.get("resources"));
    StudySpec.ScoreWeights sw = readScores(top.get("scores"));
    Path shared = top.containsKey("shared_dir") ? readSharedDir(top.get("shared_dir")) : null;
    if (!errors.isEmpty()) {
      throw new UserError(file + ": " + errors.size() + " problem" + (errors.size() == 1 ? "" : "s")
          + " in the study spec (nothing was run):\n  "
          + String.join("\n  ", errors.stream().sorted(Map.Entry.comparingByKey()).map(Map.Entry::getValue).toList()));
    }
    return new StudySpec(name, file, sources, variants, repeats, new StudySpec.Measurement(ev, lp, res, sw), shared);
  }

  // ---- sources ----

  private void readModels(Node n, List<StudySpec.Source> sources) {
    List<Node> items = list(n, "models");
    for (int i = 0; i < items.size(); i++) {
      Node item = items.get(i);
      String where = "models[" + i + "]";
      String path;
      String env = null;
      if (item instanceof MappingNode) {
        Map<String, Node> m = map(item, where, Set.of("path", "env"));
        if (!m.containsKey("path")) {
          error(item, where, "missing path");
          continue;
        }
        path = scalar(m.get("path"), where + ".path");
        if (m.containsKey("env")) env = scalar(m.get("env"), where + ".env");
      } else {
        path = scalar(item, where);
      }
      if (path == null) continue;
      Path p = file.toAbsolutePath().getParent().resolve(path).normalize();
      if (!Files.isReadable(p)) {
        error(item, where, "cannot read model " + path + " (resolved to " + p + ")");
        continue;
      }
      CellExecutor.ModelInfo info;
      try {
        info = executor.inspect(p);
      } catch (UserError e) {
        error(item, where, "unreadable model " + path + ": " + e.getMessage());
        continue;
      }
      String envId = env != null ? env : info.envId();
      if (envId == null || envId.isBlank()) {
        error(item, where, path + " does not record its environment; give env:");
        continue;
      }
      if (checkEnv(item, where, envId))
        sources.add(new StudySpec.Source.ModelFile(p, Hashing.sha256(p), info.algorithm(), envId));
    }
  }

  private static final Set<String> TRAIN_KEYS = Set.of("algorithms", "environments", "steps", "seeds", "hyperparameters");

  private void readTraining(Node n, List<StudySpec.Source> sources) {
    Map<String, Node> m = map(n, "train", TRAIN_KEYS);
    for (String k : List.of("algorithms", "environments", "steps"))
      if (!m.containsKey(k)) error(n, "train", "missing " + k);
    if (!m.keySet().containsAll(List.of("algorithms", "environments", "steps"))) return;
    List<String> algos = new ArrayList<>();
    for (Node a : list(m.get("algorithms"), "train.algorithms")) {
      String s = scalar(a, "train.algorithms");
      if (s == null) continue;
      s = s.toLowerCase(Locale.ROOT);
      if (!executor.algorithms().contains(s)) {
        error(a, "train.algorithms", "unknown algorithm '" + s + "' (this build trains " + String.join(", ", executor.algorithms())
            + "; a spec naming an algorithm that has not landed yet validates once it does)");
      } else {
        algos.add(s);
      }
    }
    List<String> envs = new ArrayList<>();
    for (Node e : list(m.get("environments"), "train.environments")) {
      String s = scalar(e, "train.environments");
      if (s != null && checkEnv(e, "train.environments", s)) envs.add(s);
    }
    long steps = integer(m.get("steps"), "train.steps", 1, Long.MAX_VALUE);
    List<Long> seeds = new ArrayList<>();
    if (m.containsKey("seeds")) {
      for (Node s : list(m.get("seeds"), "train.seeds")) seeds.add(integer(s, "train.seeds", 0, Long.MAX_VALUE));
      if (new LinkedHashSet<>(seeds).size() != seeds.size()) error(m.get("seeds"), "train.seeds", "duplicate seeds");
    } else {
      seeds.add(0L);
    }
    Map<String, Map<String, String>> hp = new LinkedHashMap<>();
    if (m.containsKey("hyperparameters")) {
      Map<String, Node> byAlgo = map(m.get("hyperparameters"), "train.hyperparameters", null);
      byAlgo.forEach((algo, node) -> {
        Map<String, String> values = new LinkedHashMap<>();
        map(node, "train.hyperparameters." + algo, null).forEach((k, v) -> values.put(k, scalar(v, "train.hyperparameters." + algo + "." + k)));
        hp.put(algo.toLowerCase(Locale.ROOT), values);
      });
    }
    for (String algo : algos)
      for (String env : envs) {
        Map<String, String> o = hp.getOrDefault(algo, Map.of());
        String why = executor.checkTraining(algo, env, o);
        if (why != null) {
          error(m.containsKey("hyperparameters") ? m.get("hyperparameters") : n, "train", algo + " on " + env + ": " + why);
          continue;
        }
        for (long seed : seeds) sources.add(new StudySpec.Source.Training(algo, env, steps, seed, o));
      }
  }

  private boolean checkEnv(Node at, String where, String envId) {
    try {
      Envs.check(envId);
      return true;
    } catch (UserError e) {
      String id = envId.contains("[") ? envId.substring(0, envId.indexOf('[')) : envId;
      if (!Envs.ids().contains(id)) {
        error(at, where, "unknown environment '" + id + "' (this build has " + String.join(", ", Envs.ids())
            + "; a spec naming an environment that has not landed yet validates once it does)");
      } else {
        error(at, where, e.getMessage());
      }
      return false;
    }
  }

  // ---- compression ----

  private void readCompression(Node n, List<StudySpec.Variant> variants) {
    Map<String, Node> m = map(n, "compression", Set.of("quantize", "prune", "pipelines"));
    if (m.containsKey("quantize")) {
      List<Node> items = list(m.get("quantize"), "compression.quantize");
      for (int i = 0; i < items.size(); i++) {
        StudySpec.Step.Quantize q = quantize(items.get(i), "compression.quantize[" + i + "]", "method");
        if (q != null) add(variants, items.get(i), new StudySpec.Variant(label(q), List.of(q)));
      }
    }
    if (m.containsKey("prune")) {
      List<Node> items = list(m.get("prune"), "compression.prune");
      for (int i = 0; i < items.size(); i++) {
        String where = "compression.prune[" + i + "]";
        Map<String, Node> e = map(items.get(i), where, null);
        if (!e.containsKey("ratios")) {
          error(items.get(i), where, "missing ratios (a list, one number, or {from, to, step})");
          continue;
        }
        Map<String, Node> rest = new LinkedHashMap<>(e);
        rest.remove("ratios");
        for (double r : ratios(e.get("ratios"), where + ".ratios")) {
          StudySpec.Step.Prune p = prune(items.get(i), rest, where, r);
          if (p != null) add(variants, items.get(i), new StudySpec.Variant(label(p), List.of(p)));
        }
      }
    }
    if (m.containsKey("pipelines")) {
      List<Node> items = list(m.get("pipelines"), "compression.pipelines");
      for (int i = 0; i < items.size(); i++) {
        StudySpec.Variant v = pipeline(items.get(i), "compression.pipelines[" + i + "]");
        if (v != null) add(variants, items.get(i), v);
      }
    }
  }

  private StudySpec.Variant pipeline(Node n, String where) {
    Map<String, Node> m = map(n, where, Set.of("name", "steps"));
    if (!m.containsKey("steps")) {
      error(n, where, "missing steps");
      return null;
    }
    List<StudySpec.Step> steps = new ArrayList<>();
    List<Node> items = list(m.get("steps"), where + ".steps");
    boolean quantized = false, ok = true;
    for (int i = 0; i < items.size(); i++) {
      String w = where + ".steps[" + i + "]";
      Map<String, Node> s = map(items.get(i), w, null);
      StudySpec.Step step = null;
      if (s.containsKey("quantize")) {
        if (quantized) error(items.get(i), w, "a second quantization step; a variant is quantized once, last");
        step = quantize(items.get(i), w, "quantize");
        quantized = true;
      } else if (s.containsKey("prune")) {
        if (quantized) error(items.get(i), w, "pruning after quantization is not supported: prune the fp32 weights, then quantize");
        Map<String, Node> rest = new LinkedHashMap<>(s);
        rest.remove("ratio");
        Node method = rest.remove("prune");
        rest.put("method", method);
        if (!s.containsKey("ratio")) error(items.get(i), w, "missing ratio");
        else step = prune(items.get(i), rest, w, real(s.get("ratio"), w + ".ratio"));
      } else {
        error(items.get(i), w, "a step is {quantize: METHOD, ...} or {prune: METHOD, ratio: R, ...}");
      }
      if (step == null) ok = false;
      else steps.add(step);
    }
    if (!ok) return null;
    if (steps.isEmpty()) {
      error(n, where, "no steps");
      return null;
    }
    String name = m.containsKey("name") ? scalar(m.get("name"), where + ".name")
        : String.join(" + ", steps.stream().map(SpecParser::label).toList());
    return new StudySpec.Variant(name, steps);
  }

  private StudySpec.Step.Quantize quantize(Node n, String where, String methodKey) {
    String method;
    Map<String, String> options = new LinkedHashMap<>();
    if (n instanceof ScalarNode) {
      method = scalar(n, where);
    } else {
      Map<String, Node> m = map(n, where, null);
      if (!m.containsKey(methodKey)) {
        error(n, where, "missing " + methodKey + " (one of " + String.join(", ", Methods.QUANTIZE) + ")");
        return null;
      }
      method = scalar(m.get(methodKey), where + "." + methodKey);
      m.forEach((k, v) -> {
        if (!k.equals(methodKey)) options.put(k, scalar(v, where + "." + k));
      });
    }
    if (method == null) return null;
    method = method.toLowerCase(Locale.ROOT);
    if (!Methods.QUANTIZE.contains(method)) {
      error(n, where, "unknown quantization method '" + method + "'; known: " + String.join(", ", Methods.QUANTIZE));
      return null;
    }
    List<String> problems = Methods.check(Methods.QUANTIZE_OPTIONS, method, options);
    problems.forEach(p -> error(n, where, p));
    return problems.isEmpty() ? new StudySpec.Step.Quantize(method, options) : null;
  }

  private StudySpec.Step.Prune prune(Node at, Map<String, Node> m, String where, double ratio) {
    if (!m.containsKey("method")) {
      error(at, where, "missing method (one of " + String.join(", ", Methods.PRUNE) + ")");
      return null;
    }
    String method = scalar(m.get("method"), where + ".method");
    if (method == null) return null;
    method = method.toLowerCase(Locale.ROOT);
    if (!Methods.PRUNE.contains(method)) {
      error(m.get("method"), where, "unknown pruning method '" + method + "'; known: " + String.join(", ", Methods.PRUNE));
      return null;
    }
    Map<String, String> options = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (!k.equals("method")) options.put(k, scalar(v, where + "." + k));
    });
    List<String> problems = Methods.check(Methods.PRUNE_OPTIONS, method, options);
    problems.forEach(p -> error(at, where, p));
    if (Double.isNaN(ratio)) return null;
    if (!(ratio > 0 && ratio < 1)) {
      error(at, where, "pruning ratio " + ratio + " is out of range: ratios are fractions in (0, 1)");
      return null;
    }
    return problems.isEmpty() ? new StudySpec.Step.Prune(method, ratio, options) : null;
  }

  private List<Double> ratios(Node n, String where) {
    List<Double> out = new ArrayList<>();
    if (n instanceof SequenceNode s) {
      for (Node x : s.getValue()) out.add(real(x, where));
    } else if (n instanceof MappingNode) {
      Map<String, Node> m = map(n, where, Set.of("from", "to", "step"));
      if (!m.keySet().equals(Set.of("from", "to", "step"))) {
        error(n, where, "a ratio range is {from, to, step}");
        return out;
      }
      double from = real(m.get("from"), where + ".from"), to = real(m.get("to"), where + ".to"),
          step = real(m.get("step"), where + ".step");
      if (!(step > 0) || !(from <= to)) {
        error(n, where, "a ratio range needs from <= to and step > 0");
        return out;
      }
      int count = (int) Math.floor((to - from) / step + 1e-9) + 1;
      for (int i = 0; i < count; i++) out.add(Math.round((from + i * step) * 1e6) / 1e6);
    } else {
      out.add(real(n, where));
    }
    return out;
  }

  private void add(List<StudySpec.Variant> variants, Node at, StudySpec.Variant v) {
    for (StudySpec.Variant o : variants) {
      if (o.name().equals(v.name())) {
        error(at, "compression", "two variants are named '" + v.name() + "'");
        return;
      }
      if (o.definition().equals(v.definition())) {
        error(at, "compression", "variant '" + v.name() + "' repeats the steps of '" + o.name() + "'");
        return;
      }
    }
    variants.add(v);
  }

  /** How a variant is named in tables: the method, its options, the ratio. */
  static String label(StudySpec.Step s) {
    return switch (s) {
      case StudySpec.Step.Quantize q -> q.method() + options(q.options());
      case StudySpec.Step.Prune p -> String.format(Locale.ROOT, "%s %.2f", p.method(), p.ratio()) + options(p.options());
    };
  }

  private static String options(Map<String, String> o) {
    if (o.isEmpty()) return "";
    List<String> kv = new ArrayList<>();
    o.forEach((k, v) -> kv.add(k + "=" + v));
    return " (" + String.join(", ", kv) + ")";
  }

  // ---- measurement and scoring ----

  private StudySpec.Evaluation readEvaluation(Node n) {
    if (n == null) return new StudySpec.Evaluation(100, 1_000_000L);
    Map<String, Node> m = map(n, "evaluation", Set.of("episodes", "seed"));
    return new StudySpec.Evaluation(
        m.containsKey("episodes") ? (int) integer(m.get("episodes"), "evaluation.episodes", 1, 1_000_000) : 100,
        m.containsKey("seed") ? integer(m.get("seed"), "evaluation.seed", 0, Long.MAX_VALUE / 2) : 1_000_000L);
  }

  private StudySpec.LatencyProtocol readLatency(Node n) {
    if (n == null) return new StudySpec.LatencyProtocol(5, 500, 100);
    Map<String, Node> m = map(n, "latency", Set.of("rounds", "passes", "batch"));
    return new StudySpec.LatencyProtocol(
        m.containsKey("rounds") ? (int) integer(m.get("rounds"), "latency.rounds", 1, 1000) : 5,
        m.containsKey("passes") ? (int) integer(m.get("passes"), "latency.passes", 1, 1_000_000) : 500,
        m.containsKey("batch") ? (int) integer(m.get("batch"), "latency.batch", 1, 100_000) : 100);
  }

  private StudySpec.Resources readResources(Node n) {
    if (n == null) return new StudySpec.Resources(true, Energy.DEFAULT_WATTS_PER_CORE, 0);
    Map<String, Node> m = map(n, "resources", Set.of("memory", "watts_per_core", "probe_repeats"));
    boolean memory = true;
    if (m.containsKey("memory")) {
      String s = scalar(m.get("memory"), "resources.memory");
      if (!"true".equals(s) && !"false".equals(s)) error(m.get("memory"), "resources.memory", "expected true or false");
      memory = !"false".equals(s);
    }
    double w = m.containsKey("watts_per_core") ? real(m.get("watts_per_core"), "resources.watts_per_core")
        : Energy.DEFAULT_WATTS_PER_CORE;
    if (!(w > 0)) error(n, "resources.watts_per_core", "must be positive");
    int probeRepeats = m.containsKey("probe_repeats")
        ? (int) integer(m.get("probe_repeats"), "resources.probe_repeats", 0, 1_000_000) : 0;
    return new StudySpec.Resources(memory, w, probeRepeats);
  }

  private StudySpec.ScoreWeights readScores(Node n) {
    StudySpec.ScoreWeights d = StudySpec.ScoreWeights.DEFAULT;
    if (n == null) return d;
    Map<String, Node> m = map(n, "scores", Set.of("keep", "weights", "return_floor"));
    double keep = m.containsKey("keep") ? real(m.get("keep"), "scores.keep") : d.keep();
    if (!(keep > 0 && keep <= 1)) error(n, "scores.keep", "keep is a return fraction in (0, 1], got " + keep);
    double floor = m.containsKey("return_floor") ? real(m.get("return_floor"), "scores.return_floor") : d.returnFloor();
    double[] w = {d.returnWeight(), d.speedWeight(), d.sizeWeight(), d.energyWeight()};
    if (m.containsKey("weights")) {
      Map<String, Node> wm = map(m.get("weights"), "scores.weights", Set.of("return", "speed", "size", "energy"));
      String[] names = {"return", "speed", "size", "energy"};
      for (int i = 0; i < names.length; i++) {
        if (!wm.containsKey(names[i])) continue;
        w[i] = real(wm.get(names[i]), "scores.weights." + names[i]);
        if (!(w[i] >= 0)) error(wm.get(names[i]), "scores.weights." + names[i], "weights must not be negative");
      }
    }
    return new StudySpec.ScoreWeights(keep, w[0], w[1], w[2], w[3], floor);
  }

  /**
   * {@code shared_dir}: a filesystem folder (relative to the spec's folder); it need not exist yet (the
   * run creates it) but must be creatable and writable here, because the driver stages source models
   * into it. Object-store URIs are refused: the cells read and write models through the filesystem API,
   * so the folder has to be mounted on every executor (NFS, a cluster filesystem's mount, ...).
   */
  private Path readSharedDir(Node n) {
    String s = scalar(n, "shared_dir");
    if (s == null) return null;
    if (s.isBlank()) {
      error(n, "shared_dir", "empty; give a folder every executor can read and write");
      return null;
    }
    if (s.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*") && !s.startsWith("file://")) {
      error(n, "shared_dir", "'" + s + "' is not a filesystem path; object-store URIs are not supported: mount the"
          + " store on every executor and give the mount point");
      return null;
    }
    Path p = file.toAbsolutePath().getParent().resolve(s.startsWith("file://") ? s.substring(7) : s).normalize();
    Path existing = p;
    while (existing != null && !Files.exists(existing)) existing = existing.getParent();
    if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing))
      error(n, "shared_dir", "cannot create or write " + p + (existing == null ? "" : " (" + existing + " is not a writable folder)"));
    return p;
  }

  // ---- YAML helpers: each reports its own problem and returns a harmless value ----

  /** A mapping's entries; keys outside {@code allowed} (when given) are reported. */
  private Map<String, Node> map(Node n, String where, Set<String> allowed) {
    Map<String, Node> out = new LinkedHashMap<>();
    if (!(n instanceof MappingNode mn)) {
      error(n, where, "expected a mapping (key: value)");
      return out;
    }
    for (NodeTuple t : mn.getValue()) {
      String k = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
      if (k == null) {
        error(t.getKeyNode(), where, "keys must be plain words");
        continue;
      }
      if (allowed != null && !allowed.contains(k)) {
        error(t.getKeyNode(), where, "unknown key '" + k + "'; known: " + String.join(", ", allowed.stream().sorted().toList()));
        continue;
      }
      if (out.put(k, t.getValueNode()) != null) error(t.getKeyNode(), where, "duplicate key '" + k + "'");
    }
    return out;
  }

  private List<Node> list(Node n, String where) {
    if (n instanceof SequenceNode s) return s.getValue();
    if (n instanceof ScalarNode) return List.of(n);
    error(n, where, "expected a list");
    return List.of();
  }

  private String scalar(Node n, String where) {
    if (n instanceof ScalarNode s) return s.getValue();
    error(n, where, "expected a single value");
    return null;
  }

  private long integer(Node n, String where, long min, long max) {
    String s = scalar(n, where);
    if (s == null) return min;
    try {
      long v = Long.parseLong(s.replace("_", ""));
      if (v < min || v > max) {
        error(n, where, v + " is out of range [" + min + ", " + (max == Long.MAX_VALUE ? "∞" : max) + "]");
        return min;
      }
      return v;
    } catch (NumberFormatException e) {
      error(n, where, "expected an integer, got '" + s + "'");
      return min;
    }
  }

  private double real(Node n, String where) {
    String s = scalar(n, where);
    if (s == null) return Double.NaN;
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      error(n, where, "expected a number, got '" + s + "'");
      return Double.NaN;
    }
  }

  private void error(Node at, String where, String what) {
    int line = at == null ? 0 : at.getStartMark().getLine() + 1;
    errors.add(Map.entry(line, file.getFileName() + (line > 0 ? ":" + line : "") + ": " + (where.isEmpty() ? "" : where + ": ") + what));
  }

  private static String stem(Path p) {
    String s = p.getFileName().toString();
    return s.contains(".") ? s.substring(0, s.lastIndexOf('.')) : s;
  }
}
