package dev.rlcompress.study;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The smoke study run as `rlc study` in a child JVM, destroyed twice part-way (once while its first cell
 * trains, once after some variant cells finished), then run to the end: the database must hold exactly
 * the planned cells (what an uninterrupted run writes), each once, all done, and no cell that had
 * finished may have been started again.
 */
class StudyCrashResumeTest {
  static final Path HOME = Path.of(System.getProperty("rlc.home", "."));
  @TempDir Path dir;

  @Test
  void killedStudyResumesWithoutLosingDuplicatingOrRedoingCells() throws Exception {
    Path spec = HOME.resolve("studies/smoke.yaml");
    Path db = dir.resolve("smoke.db");
    List<Cell> planned = Grid.expand(SpecParser.parse(spec, new CellExecutor()));

    Process p = start(spec, db, "run1.log");
    waitUntil(p, () -> count(db, "SELECT count(*) FROM attempts") >= 1, "run 1 to start its first cell");
    Thread.sleep(500);
    p.destroyForcibly().waitFor();
    assertTrue(count(db, "SELECT count(*) FROM attempts WHERE outcome IS NULL") >= 1,
        "run 1 was killed inside a cell, leaving an in-progress marker");

    p = start(spec, db, "run2.log");
    int before = count(db, "SELECT count(*) FROM results");
    waitUntil(p, () -> count(db, "SELECT count(*) FROM results WHERE kind = 'VARIANT'") >= 3, "run 2 to finish 3 variant cells");
    p.destroyForcibly().waitFor();
    int afterKill = count(db, "SELECT count(*) FROM results");
    assertTrue(afterKill > before && afterKill < planned.size(), "run 2 was killed part-way: " + afterKill + " rows");

    p = start(spec, db, "run3.log");
    assertTrue(p.waitFor(600, TimeUnit.SECONDS), "run 3 finishes");
    assertEquals(0, p.exitValue(), Files.readString(dir.resolve("run3.log")));

    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      Map<String, String> rows = new HashMap<>();
      List<String> statuses = new ArrayList<>();
      Map<String, Long> resultAttempt = new HashMap<>();
      try (ResultSet rs = st.executeQuery("SELECT cell_key, definition, status, attempt_id FROM results")) {
        while (rs.next()) {
          assertTrue(rows.put(rs.getString(1), rs.getString(2)) == null, "duplicate row " + rs.getString(1));
          statuses.add(rs.getString(3));
          resultAttempt.put(rs.getString(1), rs.getLong(4));
        }
      }
      Map<String, String> expected = planned.stream().collect(Collectors.toMap(Cell::key, Cell::definition));
      assertEquals(expected, rows, "exactly the planned cells, with their definitions");
      assertEquals(Set.of("done"), Set.copyOf(statuses));
      try (ResultSet rs = st.executeQuery("""
          SELECT a.cell_key, sum(a.outcome IS NOT NULL), sum(a.attempt_id > r.attempt_id), count(*)
          FROM attempts a JOIN results r ON r.cell_key = a.cell_key GROUP BY a.cell_key""")) {
        int cells = 0, rerunAfterKill = 0;
        while (rs.next()) {
          cells++;
          assertEquals(1, rs.getInt(2), "cell " + rs.getString(1) + " finished exactly once");
          assertEquals(0, rs.getInt(3), "cell " + rs.getString(1) + " was started again after it had finished");
          if (rs.getInt(4) > 1) rerunAfterKill++;
        }
        assertEquals(planned.size(), cells);
        assertTrue(rerunAfterKill >= 1, "the cells killed in progress ran again");
      }
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM runs")) {
        rs.next();
        assertEquals(3, rs.getInt(1));
      }
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM results WHERE kind = 'VARIANT' AND (model_sha256 IS NULL OR provenance IS NULL)")) {
        rs.next();
        assertEquals(0, rs.getInt(1), "every variant row has its model's SHA-256 and provenance");
      }
    }
  }

  private Process start(Path spec, Path db, String log) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--enable-native-access=ALL-UNNAMED", "--add-modules", "jdk.incubator.vector", "-Xss4m", "-XX:+UseParallelGC",
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1",
        "-Drlc.home=" + HOME, "-cp", System.getProperty("java.class.path"), "dev.rlcompress.cli.Main",
        "study", spec.toString(), "--db", db.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile());
    pb.environment().put("DJL_OFFLINE", "true");
    return pb.start();
  }

  private void waitUntil(Process p, BooleanSupplier condition, String what) throws Exception {
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

  private String logs() throws Exception {
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
