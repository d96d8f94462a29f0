package dev.rlcompress.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The default hyperparameters as data: one YAML table per algorithm under
 * {@code dev/rlcompress/train/hyperparameters/} (format in that folder's README), the library's defaults
 * and RL Zoo's tuned values per environment, so that checking them against their published source is
 * reading a table, not code. Values stay the strings they are written as: they travel into provenance
 * and resume identity checks, where {@code 2.3e-3} must not become {@code 0.0023}.
 */
final class HyperparameterTables {
  private HyperparameterTables() {}

  private record Table(String parent, Map<String, String> defaults, Map<String, Map<String, String>> environments) {}

  private static final Map<String, Table> CACHE = new ConcurrentHashMap<>();

  /** Table {@code name}'s values for {@code envId}: its parent's first, then its defaults, then every entry naming the env. */
  static Map<String, String> resolve(String name, String envId) {
    Table t = CACHE.computeIfAbsent(name, HyperparameterTables::load);
    Map<String, String> d = t.parent() == null ? new LinkedHashMap<>() : resolve(t.parent(), envId);
    d.putAll(t.defaults());
    t.environments().forEach((ids, values) -> {
      if (Arrays.stream(ids.split(",")).map(String::strip).anyMatch(envId::equals)) d.putAll(values);
    });
    return d;
  }

  private static Table load(String name) {
    String resource = "hyperparameters/" + name + ".yaml";
    try (InputStream in = HyperparameterTables.class.getResourceAsStream(resource)) {
      if (in == null) throw new IllegalStateException("missing hyperparameter table " + resource);
      Node root = new Yaml(new LoaderOptions()).compose(new InputStreamReader(in, StandardCharsets.UTF_8));
      String parent = null;
      Map<String, String> defaults = Map.of();
      Map<String, Map<String, String>> envs = new LinkedHashMap<>();
      for (NodeTuple kv : mapping(root, resource).getValue()) {
        String key = scalar(kv.getKeyNode(), resource);
        switch (key) {
          case "extends" -> parent = scalar(kv.getValueNode(), resource);
          case "defaults" -> defaults = values(kv.getValueNode(), resource + " defaults");
          case "environments" -> {
            for (NodeTuple e : mapping(kv.getValueNode(), resource).getValue())
              envs.put(scalar(e.getKeyNode(), resource), values(e.getValueNode(), resource + " " + scalar(e.getKeyNode(), resource)));
          }
          default -> throw new IllegalStateException(resource + ": unknown key '" + key + "'");
        }
      }
      return new Table(parent, defaults, envs);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, String> values(Node n, String where) {
    Map<String, String> m = new LinkedHashMap<>();
    for (NodeTuple kv : mapping(n, where).getValue()) m.put(scalar(kv.getKeyNode(), where), scalar(kv.getValueNode(), where));
    return m;
  }

  private static MappingNode mapping(Node n, String where) {
    if (n instanceof MappingNode m) return m;
    throw new IllegalStateException(where + ": expected a mapping");
  }

  private static String scalar(Node n, String where) {
    if (n instanceof ScalarNode s) return s.getValue();
    throw new IllegalStateException(where + ": expected a plain value");
  }
}
