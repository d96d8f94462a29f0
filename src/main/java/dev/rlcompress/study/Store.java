package dev.rlcompress.study;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlcompress.util.UserError;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A study's results in one SQLite file. Crash safety comes from SQLite itself: WAL journal with full
 * sync, and a cell's result row written in one transaction only when the cell is complete, under a
 * UNIQUE (primary) key, so a kill at any moment leaves either the whole row or none. What a run starts
 * is recorded first as an attempt (an in-progress marker); a new run treats an attempt without a result
 * as not done and simply runs the cell again. The attempts also count how often each cell ran.
 *
 * <p>Tables: {@code study} (key/value: name, spec, score weights), {@code runs} (one per invocation),
 * {@code cells} (the planned grid), {@code attempts}, {@code results} (one row per finished cell, done
 * or failed, with the model file's SHA-256, its provenance, and the metrics as JSON).
 */
public final class Store implements AutoCloseable {
  private final Connection db;
  private final FileChannel lockChannel;
  private final FileLock lock;

  private Store(Connection db, FileChannel lockChannel, FileLock lock) {
    this.db = db;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /** One finished cell as written. */
  public record Row(Cell cell, CellOutcome outcome) {
    String status() {
      return outcome.status();
    }

    String error() {
      return outcome.error();
    }

    Map<String, Object> metrics() {
      return outcome.metrics();
    }

    String modelPath() {
      return outcome.model() == null ? null : outcome.model().path();
    }

    String modelSha256() {
      return outcome.model() == null ? null : outcome.model().sha256();
    }

    Map<String, String> provenance() {
      return outcome.model() == null ? null : outcome.model().provenance();
    }

    Instant started() {
      return outcome.started();
    }

    double seconds() {
      return outcome.seconds();
    }
  }

  /** One finished cell as read back. */
  public record Result(String cellKey, Subject subject, String status, String error, JsonObject metrics, Artifact artifact,
      long attemptId, long runId) {
    public String kind() {
      return subject.kind();
    }

    public String sourceKey() {
      return subject.sourceKey();
    }

    public String sourceLabel() {
      return subject.sourceLabel();
    }

    public String algorithm() {
      return subject.algorithm();
    }

    public String env() {
      return subject.env();
    }

    public String variant() {
      return subject.variant();
    }

    public String steps() {
      return subject.steps();
    }

    public int repeat() {
      return subject.repeat();
    }

    public String modelPath() {
      return artifact.path();
    }

    public String modelSha256() {
      return artifact.sha256();
    }

    public String provenance() {
      return artifact.provenance();
    }
  }

  /** What a cell was about: its kind, its source policy, the variant and the repeat. */
  public record Subject(String kind, String sourceKey, String sourceLabel, String algorithm, String env, String variant,
      String steps, int repeat) {}

  /** The model file a cell wrote (nulls when it wrote none), with its provenance as canonical JSON. */
  public record Artifact(String path, String sha256, String provenance) {}

  /** Opens (creating if needed) {@code file} for writing; one study process per database at a time. */
  public static Store openForWriting(Path file) {
    Path abs = file.toAbsolutePath();
    FileChannel ch = null;
    FileLock lock;
    try {
      Files.createDirectories(abs.getParent());
      ch = FileChannel.open(abs.resolveSibling(abs.getFileName() + ".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    } catch (IOException e) {
      throw new UserError("cannot use study database " + file + ": " + e.getMessage());
    }
    if (lock == null) {
      close(ch);
      throw new UserError(file + " is in use by another running study");
    }
    try {
      Store s = new Store(connect(abs), ch, lock);
      s.createSchema();
      return s;
    } catch (SQLException e) {
      close(ch);
      throw new UserError("cannot open study database " + file + ": " + e.getMessage());
    }
  }

  /** Opens an existing database for reading (the report); works while a study is writing it. */
  public static Store openForReading(Path file) {
    if (!Files.isRegularFile(file)) throw new UserError("study database not found: " + file);
    try {
      Store s = new Store(connect(file.toAbsolutePath()), null, null);
      try (Statement st = s.db.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_master WHERE name='results'")) {
        if (!rs.next() || rs.getInt(1) == 0) {
          s.close();
          throw new UserError(file + " is not a study database (no results table)");
        }
      }
      return s;
    } catch (SQLException e) {
      throw new UserError("cannot open study database " + file + ": " + e.getMessage());
    }
  }

  private static Connection connect(Path file) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement st = c.createStatement()) {
      st.execute("PRAGMA busy_timeout=10000");
      st.execute("PRAGMA journal_mode=WAL");
      st.execute("PRAGMA synchronous=FULL");
    }
    return c;
  }

  private void createSchema() throws SQLException {
    try (Statement st = db.createStatement()) {
      st.execute("CREATE TABLE IF NOT EXISTS study (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
      st.execute("""
          CREATE TABLE IF NOT EXISTS runs (run_id INTEGER PRIMARY KEY AUTOINCREMENT, started_at TEXT NOT NULL,
            pid INTEGER, command TEXT, workers INTEGER, java TEXT, host TEXT)""");
      st.execute("""
          CREATE TABLE IF NOT EXISTS cells (cell_key TEXT PRIMARY KEY, kind TEXT NOT NULL, label TEXT NOT NULL,
            definition TEXT NOT NULL, planned_in_run INTEGER NOT NULL)""");
      st.execute("""
          CREATE TABLE IF NOT EXISTS attempts (attempt_id INTEGER PRIMARY KEY AUTOINCREMENT, cell_key TEXT NOT NULL,
            run_id INTEGER NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, outcome TEXT)""");
      st.execute("CREATE INDEX IF NOT EXISTS attempts_cell ON attempts(cell_key)");
      st.execute("""
          CREATE TABLE IF NOT EXISTS results (cell_key TEXT PRIMARY KEY, kind TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('done', 'failed')), error TEXT,
            source_key TEXT NOT NULL, source_label TEXT NOT NULL, algorithm TEXT, env TEXT, variant TEXT,
            steps TEXT, repeat INTEGER, definition TEXT NOT NULL, metrics TEXT NOT NULL,
            model_path TEXT, model_sha256 TEXT, provenance TEXT,
            attempt_id INTEGER NOT NULL, run_id INTEGER NOT NULL, started_at TEXT NOT NULL, finished_at TEXT NOT NULL,
            seconds REAL NOT NULL)""");
    }
  }

  public synchronized void putStudy(Map<String, String> kv) {
    inTransaction(() -> {
      try (PreparedStatement ps = db.prepareStatement("INSERT OR REPLACE INTO study(key, value) VALUES (?, ?)")) {
        for (var e : kv.entrySet()) {
          ps.setString(1, e.getKey());
          ps.setString(2, e.getValue());
          ps.executeUpdate();
        }
      }
    });
  }

  public synchronized Map<String, String> study() {
    Map<String, String> m = new LinkedHashMap<>();
    query("SELECT key, value FROM study", rs -> m.put(rs.getString(1), rs.getString(2)));
    return m;
  }

  /** Records this invocation; returns its run id. */
  public synchronized long startRun(String command, int workers) {
    long[] id = {0};
    inTransaction(() -> {
      try (PreparedStatement ps = db.prepareStatement(
          "INSERT INTO runs(started_at, pid, command, workers, java, host) VALUES (?, ?, ?, ?, ?, ?)",
          Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, Instant.now().toString());
        ps.setLong(2, ProcessHandle.current().pid());
        ps.setString(3, command);
        ps.setInt(4, workers);
        ps.setString(5, System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        ps.setString(6, System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
            + Runtime.getRuntime().availableProcessors() + " cores");
        ps.executeUpdate();
        try (ResultSet rs = ps.getGeneratedKeys()) {
          rs.next();
          id[0] = rs.getLong(1);
        }
      }
    });
    return id[0];
  }

  /** Adds the planned cells (existing ones are kept as they are). */
  public synchronized void plan(List<Cell> cells, long runId) {
    inTransaction(() -> {
      try (PreparedStatement ps = db.prepareStatement(
          "INSERT OR IGNORE INTO cells(cell_key, kind, label, definition, planned_in_run) VALUES (?, ?, ?, ?, ?)")) {
        for (Cell c : cells) {
          ps.setString(1, c.key());
          ps.setString(2, c.kind().name());
          ps.setString(3, c.label());
          ps.setString(4, c.definition());
          ps.setLong(5, runId);
          ps.executeUpdate();
        }
      }
    });
  }

  /** Keys of finished cells (done or failed). */
  public synchronized Set<String> finishedKeys() {
    Set<String> s = new HashSet<>();
    query("SELECT cell_key FROM results", rs -> s.add(rs.getString(1)));
    return s;
  }

  /**
   * Forgets failed results, and latency results that timed only part of their variants, so that this
   * run tries those cells again.
   */
  public synchronized int forgetFailed() {
    int[] n = {0};
    inTransaction(() -> {
      try (Statement st = db.createStatement()) {
        n[0] = st.executeUpdate("DELETE FROM results WHERE status = 'failed'"
            + " OR (kind = 'LATENCY' AND json_extract(metrics, '$.complete') = 0)");
      }
    });
    return n[0];
  }

  /** Marks {@code cell} as in progress (an attempt); returns the attempt id. */
  public synchronized long begin(Cell cell, long runId) {
    long[] id = {0};
    inTransaction(() -> {
      try (PreparedStatement ps = db.prepareStatement(
          "INSERT INTO attempts(cell_key, run_id, started_at) VALUES (?, ?, ?)", Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, cell.key());
        ps.setLong(2, runId);
        ps.setString(3, Instant.now().toString());
        ps.executeUpdate();
        try (ResultSet rs = ps.getGeneratedKeys()) {
          rs.next();
          id[0] = rs.getLong(1);
        }
      }
    });
    return id[0];
  }

  /** Writes the finished cell's row and closes its attempt, in one transaction. */
  public synchronized void finish(Row row, long attemptId, long runId) {
    Cell c = row.cell();
    inTransaction(() -> {
      try (PreparedStatement ps = db.prepareStatement("""
          INSERT INTO results(cell_key, kind, status, error, source_key, source_label, algorithm, env, variant, steps,
            repeat, definition, metrics, model_path, model_sha256, provenance, attempt_id, run_id, started_at,
            finished_at, seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
        int i = 1;
        ps.setString(i++, c.key());
        ps.setString(i++, c.kind().name());
        ps.setString(i++, row.status());
        ps.setString(i++, row.error());
        ps.setString(i++, c.sourceKey());
        ps.setString(i++, Grid.sourceLabel(c.source()));
        ps.setString(i++, Grid.algorithm(c.source()));
        ps.setString(i++, Grid.envId(c.source()));
        ps.setString(i++, c.variant() == null ? null : c.variant().name());
        ps.setString(i++, c.variant() == null ? null : Hashing.canonical(c.variant().definition()));
        ps.setInt(i++, c.repeat());
        ps.setString(i++, c.definition());
        ps.setString(i++, Hashing.canonical(row.metrics()));
        ps.setString(i++, row.modelPath());
        ps.setString(i++, row.modelSha256());
        ps.setString(i++, row.provenance() == null ? null : Hashing.canonical(row.provenance()));
        ps.setLong(i++, attemptId);
        ps.setLong(i++, runId);
        ps.setString(i++, row.started().toString());
        ps.setString(i++, Instant.now().toString());
        ps.setDouble(i, row.seconds());
        ps.executeUpdate();
      }
      try (PreparedStatement ps = db.prepareStatement(
          "UPDATE attempts SET finished_at = ?, outcome = ? WHERE attempt_id = ?")) {
        ps.setString(1, Instant.now().toString());
        ps.setString(2, row.status());
        ps.setLong(3, attemptId);
        ps.executeUpdate();
      }
    });
  }

  /** Every finished cell, in the order they finished. */
  public synchronized List<Result> results() {
    List<Result> out = new ArrayList<>();
    query("""
        SELECT cell_key, kind, status, error, source_key, source_label, algorithm, env, variant, steps, repeat, metrics,
          model_path, model_sha256, provenance, attempt_id, run_id FROM results ORDER BY finished_at, cell_key""",
        rs -> out.add(new Result(rs.getString(1),
            new Subject(rs.getString(2), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                rs.getString(10), rs.getInt(11)),
            rs.getString(3), rs.getString(4), JsonParser.parseString(rs.getString(12)).getAsJsonObject(),
            new Artifact(rs.getString(13), rs.getString(14), rs.getString(15)), rs.getLong(16), rs.getLong(17))));
    return out;
  }

  /** A result by key, or null. */
  public synchronized Result result(String key) {
    return results().stream().filter(r -> r.cellKey().equals(key)).findFirst().orElse(null);
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      // closing: nothing left to protect
    }
    try {
      if (lock != null) lock.release();
    } catch (IOException e) {
      // released with the channel below
    }
    close(lockChannel);
  }

  private interface SqlWork {
    void run() throws SQLException;
  }

  private interface RowReader {
    void read(ResultSet rs) throws SQLException;
  }

  private void inTransaction(SqlWork w) {
    try {
      db.setAutoCommit(false);
      try {
        w.run();
        db.commit();
      } catch (SQLException | RuntimeException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new UserError("study database: " + e.getMessage());
    }
  }

  private void query(String sql, RowReader r) {
    try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) r.read(rs);
    } catch (SQLException e) {
      throw new UserError("study database: " + e.getMessage());
    }
  }

  private static void close(FileChannel ch) {
    try {
      if (ch != null) ch.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
