package dev.rlcompress.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlcompress.util.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudySpecTest {
  @TempDir Path dir;
  final CellExecutor executor = new CellExecutor();
  static final Path HOME = Path.of(System.getProperty("rlc.home", "."));

  private Path write(String name, String yaml) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, yaml);
    return p;
  }

  private List<String> problems(Path spec) {
    UserError e = assertThrows(UserError.class, () -> SpecParser.parse(spec, executor));
    List<String> lines = e.getMessage().lines().toList();
    assertTrue(lines.get(0).contains("nothing was run"), lines.get(0));
    return lines.subList(1, lines.size()).stream().map(String::strip).toList();
  }

  @Test
  void everyProblemIsOneLineWithItsLineNumberAndAllAreReportedTogether() throws Exception {
    Files.write(dir.resolve("broken.onnx"), new byte[] {1, 2, 3});
    Path spec = write("bad.yaml", """
        name: bad
        models:
          - missing.onnx
          - broken.onnx
        train:
          algorithms: [dqn, a2c]
          environments: [CartPole-v1, Hopper-v9]
          steps: 1000
        compression:
          quantize:
            - int3
            - {method: ptsq, observer: median}
          prune:
            - method: l1
              ratios: [0.5, 1.2]
            - method: magnitude
              ratios: [0.1]
        repeats: 0
        evaluaton: {episodes: 3}
        """);
    List<String> p = problems(spec);
    assertTrue(p.stream().allMatch(l -> l.matches("bad\\.yaml:\\d+: .*")), p.toString());
    assertHas(p, "bad.yaml:3: models[0]: cannot read model missing.onnx");
    assertHas(p, "bad.yaml:4: models[1]: unreadable model broken.onnx");
    assertHas(p, "bad.yaml:6: train.algorithms: unknown algorithm 'a2c'");
    assertHas(p, "has not landed yet");
    assertHas(p, "bad.yaml:7: train.environments: unknown environment 'Hopper-v9'");
    assertHas(p, "bad.yaml:11: compression.quantize[0]: unknown quantization method 'int3'");
    assertHas(p, "bad.yaml:12: compression.quantize[1]: option 'observer': 'median' is not one of");
    assertHas(p, "compression.prune[0]: pruning ratio 1.2 is out of range");
    assertHas(p, "unknown pruning method 'magnitude'");
    assertHas(p, "bad.yaml:18: repeats: 0 is out of range");
    assertHas(p, "bad.yaml:19: unknown key 'evaluaton'");
    assertEquals(10, p.size(), p.toString());
  }

  @Test
  void pipelinesQuantizeLastAndVariantsAreDistinct() throws Exception {
    Path spec = write("pipe.yaml", """
        models: [%s]
        compression:
          quantize: [ptdq]
          pipelines:
            - name: wrong order
              steps: [{quantize: ptdq}, {prune: l1, ratio: 0.3}]
            - name: same as ptdq
              steps: [{quantize: ptdq}]
        """.formatted(HOME.resolve("docs/results/models/dqn-lunarlander-v3.onnx")));
    List<String> p = problems(spec);
    assertHas(p, "pruning after quantization is not supported");
    assertHas(p, "repeats the steps of 'ptdq'");
  }

  @Test
  void shippedSpecsValidateOrNameWhatHasNotLanded() {
    StudySpec smoke = SpecParser.parse(HOME.resolve("studies/smoke.yaml"), executor);
    assertEquals(List.of("baseline", "ptdq", "l1 0.25", "l1 0.50"), smoke.variants().stream().map(StudySpec.Variant::name).toList());
    StudySpec ll = SpecParser.parse(HOME.resolve("studies/dqn-lunarlander.yaml"), executor);
    assertEquals(10, ll.repeats());
    assertTrue(ll.variants().stream().anyMatch(v -> v.steps().size() == 2), "the prune + quantize pipeline");
    // The five-algorithm specs validate once TRPO, DDPG, TD3, SAC and the MuJoCo tasks have landed; until
    // then every problem names one of them as not landed yet.
    List<String> missing = new java.util.ArrayList<>();
    for (String a : List.of("trpo", "ppo", "ddpg", "td3", "sac")) if (!executor.algorithms().contains(a)) missing.add("algorithm '" + a + "'");
    for (String e : List.of("Hopper-v4", "HalfCheetah-v4")) if (!dev.rlcompress.env.Envs.ids().contains(e)) missing.add("environment '" + e + "'");
    for (String f : List.of("studies/five-algorithms.yaml", "studies/five-algorithms-reduced.yaml")) {
      if (missing.isEmpty()) {
        assertEquals(10, SpecParser.parse(HOME.resolve(f), executor).sources().size());
        continue;
      }
      List<String> p = problems(HOME.resolve(f));
      for (String m : missing) assertHas(p, "unknown " + m);
      assertTrue(p.stream().allMatch(l -> l.contains("has not landed yet")), p.toString());
    }
  }

  @Test
  void cellKeysAreDeterministicDistinctAndFollowTheDefinition() throws Exception {
    String yaml = """
        models: [%s]
        compression:
          quantize: [ptdq]
          prune: [{method: l1, ratios: {from: 0.1, to: 0.3, step: 0.1}}]
        repeats: 3
        evaluation: {episodes: %d}
        """;
    Path model = HOME.resolve("docs/results/models/dqn-lunarlander-v3.onnx");
    List<Cell> a = Grid.expand(SpecParser.parse(write("a.yaml", yaml.formatted(model, 5)), executor));
    List<Cell> again = Grid.expand(SpecParser.parse(write("b.yaml", yaml.formatted(model, 5)), executor));
    List<Cell> other = Grid.expand(SpecParser.parse(write("c.yaml", yaml.formatted(model, 6)), executor));
    assertEquals(3 * 5 + 3, a.size(), "5 variants × 3 repeats, one latency cell per repeat");
    assertEquals(a.stream().map(Cell::key).toList(), again.stream().map(Cell::key).toList());
    Set<String> keys = new HashSet<>(a.stream().map(Cell::key).toList());
    assertEquals(a.size(), keys.size(), "keys are distinct");
    assertFalse(other.stream().anyMatch(c -> keys.contains(c.key())), "changing the episodes changes every key");
    assertNotEquals(a.get(0).key(), a.get(5).key());
  }

  @Test
  void probeRepeatsLimitsTheMemoryProbeAndKeepsTheKeysOfSpecsWithoutIt() throws Exception {
    String yaml = """
        models: [%s]
        compression: {quantize: [ptdq]}
        repeats: 3
        %s
        """;
    Path model = HOME.resolve("docs/results/models/dqn-lunarlander-v3.onnx");
    StudySpec all = SpecParser.parse(write("all.yaml", yaml.formatted(model, "")), executor);
    StudySpec one = SpecParser.parse(write("one.yaml", yaml.formatted(model, "resources: {probe_repeats: 1}")), executor);
    assertTrue(all.resources().probes(2) && one.resources().probes(0) && !one.resources().probes(1));
    List<Cell> a = Grid.expand(all), b = Grid.expand(one);
    for (int i = 0; i < a.size(); i++) {
      boolean firstRepeat = a.get(i).repeat() == 0;
      if (a.get(i).kind() == Cell.Kind.VARIANT)
        assertEquals(firstRepeat, a.get(i).key().equals(b.get(i).key()), "only the unprobed repeats' cells change: " + a.get(i).label());
    }
    assertHas(problems(write("neg.yaml", yaml.formatted(model, "resources: {probe_repeats: -1}"))), "resources.probe_repeats");
    // the committed-policy five-algorithm spec validates against the files in docs/results/models
    assertTrue(SpecParser.parse(HOME.resolve("studies/five-algorithms-committed.yaml"), executor).sources().size() >= 8);
  }

  @Test
  void sharedDirTakesTheModelsButNoCellKey() throws Exception {
    Path model = HOME.resolve("docs/results/models/dqn-lunarlander-v3.onnx");
    String yaml = """
        models: [%s]
        compression: {quantize: [ptdq]}
        evaluation: {episodes: 1}
        latency: {rounds: 1, passes: 1, batch: 1}
        resources: {memory: false}
        """.formatted(model);
    StudySpec plain = SpecParser.parse(write("plain.yaml", yaml), executor);
    StudySpec shared = SpecParser.parse(write("shared.yaml", yaml + "shared_dir: nfs/studies\n"), executor);
    assertEquals(null, plain.sharedDir());
    assertEquals(dir.resolve("nfs/studies"), shared.sharedDir());
    assertFalse(Files.exists(dir.resolve("nfs")), "validation creates nothing");
    assertEquals(Grid.expand(plain).stream().map(Cell::key).toList(), Grid.expand(shared).stream().map(Cell::key).toList(),
        "where files are kept is no part of a cell's definition");
    assertHas(problems(write("s3.yaml", yaml + "shared_dir: s3a://bucket/studies\n")), "object-store URIs are not supported");
    write("a-file", "x");
    assertHas(problems(write("file.yaml", yaml + "shared_dir: a-file/studies\n")), "shared_dir: cannot create or write");

    // A scheduler whose cells do not run in this JVM's file view: without shared_dir the study is refused
    // before any work; with it, the source is staged there and every file the cells write lands there.
    class Remote implements CellScheduler {
      final LocalScheduler inner = new LocalScheduler(executor, 1);
      public int slots() { return 1; }
      public boolean local() { return false; }
      public void run(List<CellTask> tasks, int parallel, Callback cb) throws InterruptedException { inner.run(tasks, parallel, cb); }
      public void close() {}
    }
    Path db = dir.resolve("db/s.db");
    UserError e = assertThrows(UserError.class, () -> Runner.run(plain, new Runner.Options(db, 1, false, "t"), new Remote(), Runner.Listener.NONE));
    assertTrue(e.getMessage().contains("shared_dir"), e.getMessage());
    assertFalse(Files.exists(db), "refused before the database was made");
    Runner.Summary sum = Runner.run(shared, new Runner.Options(db, 1, false, "t"), new Remote(), Runner.Listener.NONE);
    assertEquals(0, sum.failedTotal());
    Path artifacts = dir.resolve("nfs/studies/s.artifacts");
    assertEquals(artifacts, Runner.artifactsOf(shared, db));
    assertTrue(Files.isRegularFile(artifacts.resolve("sources").resolve(Hashing.sha256(model) + ".onnx")), "source staged");
    try (Store st = Store.openForReading(db)) {
      for (Store.Result r : st.results())
        if (r.modelPath() != null) assertTrue(Path.of(r.modelPath()).startsWith(artifacts), r.modelPath());
      assertEquals(3, st.results().size(), "baseline, ptdq, latency");
    }
    assertFalse(Files.exists(dir.resolve("db/s.artifacts")), "nothing beside the database");
  }

  @Test
  void theCommandRefusesABadSpecBeforeAnyWork() throws Exception {
    Path spec = write("typo.yaml", "models: [nowhere.onnx]\nrepeats: 2\n");
    assertEquals(2, dev.rlcompress.cli.Main.run("study", spec.toString()));
    assertFalse(Files.exists(dir.resolve("typo.db")), "no database was created");
  }

  private static void assertHas(List<String> lines, String part) {
    assertTrue(lines.stream().anyMatch(l -> l.contains(part)), "no line contains \"" + part + "\" in:\n" + String.join("\n", lines));
  }
}
