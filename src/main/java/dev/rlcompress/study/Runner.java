package dev.rlcompress.study;

import dev.rlcompress.util.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a study's cells that are not finished yet: training cells, then variant cells, at most
 * {@code workers} at once, then the latency cells one at a time (interleaved timing must not compete with
 * other cells of the study). The cells run on a {@link CellScheduler} (threads here, or a cluster); the
 * runner alone decides what runs, resolves each cell's inputs into a {@link CellTask} and writes every
 * outcome, done or failed, as one row in the {@link Store}, so the database and its resume semantics are
 * the same whatever ran the cells. A failing cell records its error and the study goes on. Re-running
 * after a crash runs exactly the cells that have no row.
 */
public final class Runner {
  private final StudySpec spec;
  private final Store store;
  private final Path artifacts;
  private final Listener listener;
  /** The training cell of each trained source, by source key. */
  private final Map<String, Cell> trainOf = new HashMap<>();
  /** Where each model-file source is read from by the cells (staged into the shared folder when there is one). */
  private final Map<String, Path> sourceFile = new HashMap<>();
  private long runId;

  /** Receives progress: cells finished by this run out of those it has to run, and a note. */
  public interface Listener {
    void progress(long done, long total, String note);

    Listener NONE = (d, t, n) -> {};
  }

  /**
   * @param db the study database
   * @param workers cells run at once (training and variant cells)
   * @param retryFailed run failed cells again instead of keeping their error rows
   * @param command the command line, recorded with the run
   */
  public record Options(Path db, int workers, boolean retryFailed, String command) {
    public Options {
      if (workers < 1) throw new UserError("--workers must be at least 1");
    }
  }

  /** What a run did. */
  public record Summary(int cells, int alreadyFinished, int ran, int failedNow, int failedTotal) {}

  private Runner(StudySpec spec, Store store, Path artifacts, Listener listener) {
    this.spec = spec;
    this.store = store;
    this.artifacts = artifacts;
    this.listener = listener;
  }

  /** Where a study database keeps its model files: a folder beside it. */
  public static Path artifactsOf(Path db) {
    String n = db.getFileName().toString();
    return db.toAbsolutePath().resolveSibling((n.endsWith(".db") ? n.substring(0, n.length() - 3) : n) + ".artifacts");
  }

  /**
   * Where this study's model files go: beside the database, or in the spec's {@code shared_dir} under the
   * same folder name when it names one.
   */
  public static Path artifactsOf(StudySpec spec, Path db) {
    Path beside = artifactsOf(db);
    return spec.sharedDir() == null ? beside : spec.sharedDir().resolve(beside.getFileName());
  }

  /** Runs the study's unfinished cells on threads of this JVM. */
  public static Summary run(StudySpec spec, Options o, CellExecutor executor, Listener listener) {
    try (CellScheduler s = new LocalScheduler(executor, o.workers())) {
      return run(spec, o, s, listener);
    }
  }

  /**
   * Runs the study's unfinished cells on {@code scheduler}. A scheduler whose cells do not share this
   * JVM's files (a cluster) needs the spec's {@code shared_dir}.
   */
  public static Summary run(StudySpec spec, Options o, CellScheduler scheduler, Listener listener) {
    checkSharedDir(spec, scheduler.local());
    try (Store store = Store.openForWriting(o.db())) {
      Runner r = new Runner(spec, store, artifactsOf(spec, o.db()), listener);
      return r.run(o, scheduler);
    }
  }

  /**
   * Refuses a study whose cells run outside this JVM's files ({@code local} false) when its spec names no
   * {@code shared_dir}; callers that know this before starting a cluster check it first.
   */
  public static void checkSharedDir(StudySpec spec, boolean local) {
    if (!local && spec.sharedDir() == null)
      throw new UserError(spec.file().getFileName() + ": a cluster's executors need shared_dir: in the spec (a folder"
          + " every executor can read and write, e.g. an NFS mount); it holds the models the cells pass on");
  }

  private Summary run(Options o, CellScheduler scheduler) {
    List<Cell> cells = Grid.expand(spec);
    for (Cell c : cells) if (c.kind() == Cell.Kind.TRAIN) trainOf.put(c.sourceKey(), c);
    stageSources();
    runId = store.startRun(o.command(), o.workers());
    store.putStudy(studyMeta());
    store.plan(cells, runId);
    if (o.retryFailed()) store.forgetFailed();
    Set<String> finished = store.finishedKeys();
    List<Cell> todo = cells.stream().filter(c -> !finished.contains(c.key())).toList();
    int already = cells.size() - todo.size();
    AtomicInteger done = new AtomicInteger(), failed = new AtomicInteger();
    listener.progress(0, todo.size(), already > 0 ? already + " of " + cells.size() + " cells already done" : "");
    Map<String, Long> attempts = new ConcurrentHashMap<>();
    Map<String, Cell> byKey = new HashMap<>();
    for (Cell c : todo) byKey.put(c.key(), c);
    CellScheduler.Callback callback = new CellScheduler.Callback() {
      @Override
      public void started(CellTask task) {
        attempts.put(task.cellKey(), store.begin(byKey.get(task.cellKey()), runId));
      }

      @Override
      public void finished(CellTask task, CellOutcome outcome) {
        Cell c = byKey.get(task.cellKey());
        Long attempt = attempts.get(task.cellKey());
        store.finish(row(c, outcome), attempt != null ? attempt : store.begin(c, runId), runId);
        if (!outcome.done()) failed.incrementAndGet();
        listener.progress(done.incrementAndGet(), todo.size(), (outcome.done() ? "done: " : "FAILED: ") + c.label());
      }
    };
    for (Cell.Kind stage : Cell.Kind.values()) {
      List<CellTask> tasks = new ArrayList<>();
      for (Cell c : todo) {
        if (c.kind() != stage) continue;
        try {
          tasks.add(task(c));
        } catch (UserError e) { // an input is missing (its training cell failed): the cell fails without running
          store.finish(row(c, CellOutcome.failed(c.key(), e.getMessage(), Instant.now(), 0)), store.begin(c, runId), runId);
          failed.incrementAndGet();
          listener.progress(done.incrementAndGet(), todo.size(), "FAILED: " + c.label());
        }
      }
      if (tasks.isEmpty()) continue;
      try {
        scheduler.run(tasks, stage == Cell.Kind.LATENCY ? 1 : o.workers(), callback);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UserError("study interrupted; run the same command again to continue");
      }
    }
    int failedTotal = (int) store.results().stream().filter(r -> r.status().equals("failed")).count();
    return new Summary(cells.size(), already, todo.size(), failed.get(), failedTotal);
  }

  private static Store.Row row(Cell c, CellOutcome o) {
    return new Store.Row(c, o);
  }

  /**
   * With a shared folder, copies each model-file source into it once (by content hash), so executors that
   * cannot see the spec's own folder read the same bytes.
   */
  private void stageSources() {
    for (StudySpec.Source s : spec.sources()) {
      if (!(s instanceof StudySpec.Source.ModelFile f)) continue;
      if (spec.sharedDir() == null) {
        sourceFile.put(f.sha256(), f.path());
        continue;
      }
      Path staged = artifacts.resolve("sources").resolve(f.sha256() + ".onnx");
      try {
        if (!Files.isRegularFile(staged) || !Hashing.sha256(staged).equals(f.sha256())) {
          Files.createDirectories(staged.getParent());
          Path tmp = staged.resolveSibling(staged.getFileName() + ".tmp");
          Files.copy(f.path(), tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.move(tmp, staged, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
      } catch (IOException e) {
        throw new UserError("cannot stage " + f.path() + " into shared_dir " + spec.sharedDir() + ": " + e.getMessage());
      }
      sourceFile.put(f.sha256(), staged);
    }
  }

  private Map<String, String> studyMeta() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("name", spec.name());
    m.put("spec_path", spec.file().toAbsolutePath().toString());
    try {
      m.put("spec_text", Files.readString(spec.file()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    m.put("variants", Hashing.canonical(spec.variants().stream().map(StudySpec.Variant::name).toList()));
    m.put("repeats", Integer.toString(spec.repeats()));
    m.put("evaluation", Hashing.canonical(Map.of("episodes", spec.evaluation().episodes(), "seed", spec.evaluation().seed())));
    m.put("latency", Hashing.canonical(spec.latency().definition()));
    m.put("resources", Hashing.canonical(spec.resources().definition()));
    m.put("scores", Hashing.canonical(spec.scores().toMap()));
    return m;
  }

  /** The cell's work with its inputs resolved from the spec and the database; a missing input is a {@link UserError}. */
  private CellTask task(Cell c) {
    return switch (c.kind()) {
      case TRAIN -> new CellTask.Train(c.key(), c.label(), (StudySpec.Source.Training) c.source(),
          artifacts.resolve("models").resolve(c.sourceKey().substring(0, 16)).toString());
      case VARIANT -> new CellTask.Variant(c.key(), c.label(), sourceModel(c).toString(), c.variant(), c.repeat(),
          Grid.envId(c.source()), new CellTask.Protocol(spec.evaluation().episodes(), spec.evaluation().seedOf(c.repeat()),
              spec.latency(), spec.resources()), artifacts.resolve("variants").toString());
      case LATENCY -> {
        List<CellTask.Member> members = new ArrayList<>();
        for (Cell m : c.members()) {
          Store.Result r = store.result(m.key());
          if (r != null && r.status().equals("done") && r.modelPath() != null && Files.isRegularFile(Path.of(r.modelPath())))
            members.add(new CellTask.Member(r.cellKey(), r.variant(), r.modelPath()));
        }
        yield new CellTask.Latency(c.key(), c.label(), sourceModel(c).toString(), Grid.envId(c.source()),
            spec.evaluation().seedOf(c.repeat()), spec.latency(), members, c.members().size());
      }
    };
  }

  /** The source policy's file: the spec's model (or its staged copy), or what the training cell wrote. */
  private Path sourceModel(Cell c) {
    if (c.source() instanceof StudySpec.Source.ModelFile f) return sourceFile.get(f.sha256());
    Cell train = trainOf.get(c.sourceKey());
    Store.Result r = store.result(train.key());
    if (r == null || !r.status().equals("done"))
      throw new UserError("its source policy is not available (" + train.label() + ": "
          + (r == null ? "not run" : r.error()) + ")");
    return Path.of(r.modelPath());
  }
}
