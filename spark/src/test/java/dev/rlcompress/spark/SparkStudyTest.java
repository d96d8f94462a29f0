package dev.rlcompress.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rlcompress.study.Cell;
import dev.rlcompress.study.CellExecutor;
import dev.rlcompress.study.Grid;
import dev.rlcompress.study.Runner;
import dev.rlcompress.study.SpecParser;
import dev.rlcompress.study.Store;
import dev.rlcompress.study.StudySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smoke study (studies/smoke.yaml) on Spark's local[2] master against the local runner: the same
 * cells, the same structure and the same returns; and the Spark driver killed part-way twice, then run
 * to the end: no row lost, duplicated or recorded twice.
 *
 * <p>Why returns are compared with a tolerance against the local run, and exactly against the evaluator:
 * the trained source policy can differ in its last bits from one run to the next (with the local runner
 * too), because the Java training kernels sum floats with the Vector API's {@code reduceLanes(ADD)}, whose
 * order may differ between the interpreted and the JIT-compiled code, so the JIT's timing shows in the
 * weights (docs/scale-out.md: 9 distinct models in 13 runs, identical returns in all). Given the same model
 * file, the evaluator is deterministic: every return Spark recorded must be exactly what the local
 * evaluator computes on that file.
 */
class SparkStudyTest {
  static final Path HOME = Path.of(System.getProperty("rlc.home", ".."));
  static final Path SPEC = HOME.resolve("studies/smoke.yaml");
  @TempDir static Path dir;
  static StudySpec spec;
  static List<Cell> planned;
  static Path localDb;

  @BeforeAll
  static void localRun() {
    spec = SpecParser.parse(SPEC, new CellExecutor());
    planned = Grid.expand(spec);
    localDb = dir.resolve("local.db");
    long t0 = System.nanoTime();
    Runner.Summary s = Runner.run(spec, new Runner.Options(localDb, 1, false, "test local"), new CellExecutor(), Runner.Listener.NONE);
    System.out.printf("smoke study, local runner: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertEquals(0, s.failedTotal(), () -> errors(localDb));
  }

  @Test
  void sparkLocal2RecordsTheLocalRunnersRows() throws Exception {
    Path db = dir.resolve("spark.db");
    long t0 = System.nanoTime();
    Runner.Summary s;
    try (SparkScheduler spark = SparkScheduler.open("local[2]", "test")) {
      assertEquals(2, spark.slots());
      s = Runner.run(spec, new Runner.Options(db, spark.slots(), false, "test spark"), spark, Runner.Listener.NONE);
    }
    System.out.printf("smoke study, Spark local[2]: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertEquals(planned.size(), s.ran());
    assertEquals(0, s.failedTotal(), () -> errors(db));
    assertSameRows(localDb, db);
    // The evaluator on the very files Spark's tasks wrote gives exactly the returns they recorded.
    CellExecutor ex = new CellExecutor();
    try (Store store = Store.openForReading(db)) {
      for (Cell c : planned) {
        if (c.kind() != Cell.Kind.VARIANT) continue;
        Store.Result r = store.result(c.key());
        Path source = Path.of(store.result(planned.get(0).key()).modelPath());
        dev.rlcompress.eval.EvalReport m = ex.evaluate(Path.of(r.modelPath()), source, Grid.envId(c.source()),
            spec.evaluation().episodes(), spec.evaluation().seedOf(c.repeat()));
        assertEquals(m.meanReturn(), r.metrics().get("mean_return").getAsDouble(), 0.0, c.label());
        assertEquals(m.fidelity().agreement(), r.metrics().get("agreement").getAsDouble(), 0.0, c.label());
      }
    }
  }

  @Test
  void killedSparkDriverResumesWithoutLosingOrDuplicatingRows() throws Exception {
    Path db = dir.resolve("killed.db");
    Process p = start(db, "run1.log");
    waitUntil(p, () -> count(db, "SELECT count(*) FROM attempts") >= 1, "run 1 to start its first cell");
    Thread.sleep(2000);
    p.destroyForcibly().waitFor();
    assertTrue(count(db, "SELECT count(*) FROM attempts WHERE outcome IS NULL") >= 1,
        "run 1 was killed inside a cell, leaving an in-progress marker");

    p = start(db, "run2.log");
    int before = count(db, "SELECT count(*) FROM results");
    waitUntil(p, () -> count(db, "SELECT count(*) FROM results WHERE kind = 'VARIANT'") >= 3, "run 2 to finish 3 variant cells");
    p.destroyForcibly().waitFor();
    int afterKill = count(db, "SELECT count(*) FROM results");
    assertTrue(afterKill > before && afterKill < planned.size(), "run 2 was killed part-way: " + afterKill + " rows");

    p = start(db, "run3.log");
    assertTrue(p.waitFor(600, TimeUnit.SECONDS), "run 3 finishes");
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("run3.log")));

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery("""
          SELECT a.cell_key, sum(a.outcome IS NOT NULL), sum(a.attempt_id > r.attempt_id), count(*)
          FROM attempts a JOIN results r ON r.cell_key = a.cell_key GROUP BY a.cell_key""")) {
        int cells = 0, rerun = 0;
        while (rs.next()) {
          cells++;
          assertEquals(1, rs.getInt(2), "cell " + rs.getString(1) + " recorded exactly once");
          assertEquals(0, rs.getInt(3), "cell " + rs.getString(1) + " was submitted again after it had finished");
          if (rs.getInt(4) > 1) rerun++;
        }
        assertEquals(planned.size(), cells);
        assertTrue(rerun >= 1, "the cells killed in flight ran again");
      }
      try (ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT run_id) FROM runs")) {
        rs.next();
        assertEquals(3, rs.getInt(1));
      }
    }
    assertSameRows(localDb, db);
  }

  /**
   * Spark's standalone cluster in miniature ({@code local-cluster[2,1,1024]}: a master and two workers in
   * the driver JVM, each executor a JVM of its own): the cells run in other JVMs, so everything they pass
   * on goes through {@code shared_dir}; while the training cell runs, every executor is killed. Spark
   * launches new executors and runs the lost task again; the driver records the cell once, from its one
   * attempt, and the study ends with the local runner's rows.
   */
  @Test
  void lostExecutorsCellIsRetriedBySparkAndRecordedOnce() throws Exception {
    // The executors get what a cluster gets (docs/scale-out.md): Spark's jars as $SPARK_HOME/jars, and the job
    // folder scripts/build-spark.sh lays out, on a short class path of wildcards.
    Path job = HOME.resolve("spark/target/rlc-spark-job"), sparkJars = HOME.resolve("spark/target/rlc-spark/lib");
    assertTrue(Files.isDirectory(job.resolve("lib")) && Files.isDirectory(sparkJars), "run scripts/build-spark.sh first");
    Path sparkHome = Files.createDirectories(dir.resolve("spark-home"));
    Files.createSymbolicLink(sparkHome.resolve("jars"), sparkJars);
    Path spec = dir.resolve("smoke-shared.yaml");
    Files.writeString(spec, Files.readString(SPEC) + "\nshared_dir: shared\n");
    Path db = dir.resolve("cluster.db");
    List<String> cmd = command(spec, db, "local-cluster[2,1,1024]");
    cmd.add(1, "-Dspark.executor.extraClassPath=" + job + "/*:" + job + "/lib/*");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("cluster.log").toFile());
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    Process p = pb.start();
    try {
      waitUntil(p, () -> count(db, "SELECT count(*) FROM attempts") >= 1 && executors(p).size() == 2, "the training cell to start");
      Thread.sleep(1500);
      assertEquals(0, count(db, "SELECT count(*) FROM results"), "the training cell is still running");
      for (ProcessHandle e : executors(p)) e.destroyForcibly();
      assertTrue(p.waitFor(600, TimeUnit.SECONDS), "the study finishes");
    } finally {
      p.destroyForcibly();
      for (ProcessHandle e : executors(p)) e.destroyForcibly();
    }
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("cluster.log")));
    try (var apps = Files.list(sparkHome.resolve("work"))) {
      Path app = apps.findFirst().orElseThrow();
      try (var ex = Files.list(app)) {
        assertTrue(ex.count() >= 4, "two executors lost, two more launched in their place");
      }
    }
    assertEquals(1, count(db, "SELECT count(*) FROM attempts WHERE cell_key IN (SELECT cell_key FROM results WHERE kind = 'TRAIN')"),
        "the driver submitted the training cell once; Spark retried its task");
    assertEquals(planned.size(), count(db, "SELECT count(*) FROM attempts"), "one attempt per cell");
    assertEquals(planned.size(), count(db, "SELECT count(*) FROM results WHERE model_path IS NULL OR model_path LIKE '"
        + dir.resolve("shared/cluster.artifacts") + "/%'"), "every model in shared_dir");
    assertSameRows(localDb, db);
  }

  /** The executor JVMs the study's driver started: its child processes (their own children are probes). */
  private static List<ProcessHandle> executors(Process driver) {
    return driver.children().filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false)).toList();
  }

  /**
   * The same planned cells, each once and done, with the same definitions; variant rows with the same
   * episodes, sizes, parameter counts and sparsity, and returns within 5% of the local run's; latency rows
   * timing the same variants.
   */
  static void assertSameRows(Path expectedDb, Path actualDb) throws Exception {
    Map<String, Row> expected = rows(expectedDb), actual = rows(actualDb);
    assertEquals(planned.stream().map(Cell::key).collect(Collectors.toSet()), actual.keySet(), "exactly the planned cells");
    assertEquals(expected.keySet(), actual.keySet());
    for (String k : expected.keySet()) {
      Row e = expected.get(k), a = actual.get(k);
      assertEquals(e.definition(), a.definition());
      assertEquals("done", a.status(), a.kind() + " " + k + ": " + a.error());
      assertEquals(e.kind(), a.kind());
      if (e.kind().equals("VARIANT")) {
        for (String m : List.of("episodes", "size_bytes", "params", "sparsity"))
          assertEquals(e.metrics().get(m), a.metrics().get(m), m + " of " + k);
        double re = e.metrics().get("mean_return").getAsDouble(), ra = a.metrics().get("mean_return").getAsDouble();
        assertEquals(re, ra, 0.05 * Math.abs(re) + 1e-9, "mean return of " + k);
      }
      if (e.kind().equals("LATENCY")) {
        assertEquals(variants(e.metrics()), variants(a.metrics()), "latency cell " + k + " times the same variants");
        assertEquals(e.metrics().get("complete"), a.metrics().get("complete"));
      }
    }
  }

  private static String errors(Path db) {
    try (Store st = Store.openForReading(db)) {
      return st.results().stream().filter(r -> r.error() != null).map(r -> r.variant() + ": " + r.error()).distinct()
          .collect(Collectors.joining("\n"));
    }
  }

  private static Set<String> variants(JsonObject m) {
    Set<String> s = new java.util.TreeSet<>();
    for (JsonElement v : m.getAsJsonArray("variants")) s.add(v.getAsJsonObject().get("cell_key").getAsString());
    return s;
  }

  record Row(String kind, String status, String error, String definition, JsonObject metrics) {}

  static Map<String, Row> rows(Path db) throws Exception {
    Map<String, Row> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT cell_key, kind, status, error, definition, metrics FROM results")) {
      while (rs.next()) {
        Row r = new Row(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
            com.google.gson.JsonParser.parseString(rs.getString(6)).getAsJsonObject());
        assertTrue(out.put(rs.getString(1), r) == null, "duplicate row " + rs.getString(1));
      }
    }
    return out;
  }

  private Process start(Path db, String log) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command(SPEC, db, "local[2]")).redirectErrorStream(true)
        .redirectOutput(dir.resolve(log).toFile());
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
    return pb.start();
  }

  /**
   * {@code rlc study SPEC --db DB --executor spark --master MASTER} as ./rlc starts it; the caller passes this
   * test's class path in the environment ({@code CLASSPATH}): ONNX Runtime's native start-up crashes when the
   * JVM's command line is long (see MemoryProbe).
   */
  private static List<String> command(Path spec, Path db, String master) {
    return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "--add-modules", "jdk.incubator.vector",
        "-Xss4m", "-XX:+UseParallelGC", "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
        "-Dai.djl.pytorch.num_interop_threads=1", "-Drlc.home=" + HOME, "dev.rlcompress.cli.Main", "study", spec.toString(), "--db", db.toString(), "--executor", "spark", "--master", master));
  }

  private static void waitUntil(Process p, BooleanSupplier condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (!condition.getAsBoolean()) {
      if (!p.isAlive()) throw new AssertionError("the study exited before " + what + ":\n" + logs());
      if (System.nanoTime() > deadline) {
        p.destroyForcibly().waitFor();
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  private static String logs() throws Exception {
    StringBuilder sb = new StringBuilder();
    try (var s = Files.list(dir)) {
      for (Path f : s.filter(f -> f.toString().endsWith(".log")).sorted().toList()) sb.append(Files.readString(f));
    }
    return sb.toString();
  }

  private static int count(Path db, String sql) {
    if (!Files.exists(db)) return 0;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      return rs.next() ? rs.getInt(1) : 0;
    } catch (java.sql.SQLException e) {
      return 0; // the schema is not there yet
    }
  }
}
