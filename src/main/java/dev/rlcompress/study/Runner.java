package dev.rlcompress.study;

import dev.rlcompress.util.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a study's cells that are not finished yet: training cells, then variant cells, on a bounded pool
 * of workers, then the latency cells one at a time (interleaved timing must not compete with other
 * cells of the study). Every cell's outcome, done or failed, is one row in the {@link Store}; a failing
 * cell records its error and the study goes on. Re-running after a crash runs exactly the cells that
 * have no row.
 */
public final class Runner {
  private final StudySpec spec;
  private final Store store;
  private final CellExecutor executor;
  private final Path artifacts;
  private final Listener listener;
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

  private Runner(StudySpec spec, Store store, CellExecutor executor, Path artifacts, Listener listener) {
    this.spec = spec;
    this.store = store;
    this.executor = executor;
    this.artifacts = artifacts;
    this.listener = listener;
  }

  /** Where a study database keeps its model files: a folder beside it. */
  public static Path artifactsOf(Path db) {
    String n = db.getFileName().toString();
    return db.toAbsolutePath().resolveSibling((n.endsWith(".db") ? n.substring(0, n.length() - 3) : n) + ".artifacts");
  }

  public static Summary run(StudySpec spec, Options o, CellExecutor executor, Listener listener) {
    try (Store store = Store.openForWriting(o.db())) {
      Runner r = new Runner(spec, store, executor, artifactsOf(o.db()), listener);
      return r.run(o);
    }
  }

  private Summary run(Options o) {
    List<Cell> cells = Grid.expand(spec);
    runId = store.startRun(o.command(), o.workers());
    store.putStudy(studyMeta());
    store.plan(cells, runId);
    if (o.retryFailed()) store.forgetFailed();
    Set<String> finished = store.finishedKeys();
    List<Cell> todo = cells.stream().filter(c -> !finished.contains(c.key())).toList();
    int already = cells.size() - todo.size();
    AtomicInteger done = new AtomicInteger(), failed = new AtomicInteger();
    listener.progress(0, todo.size(), already > 0 ? already + " of " + cells.size() + " cells already done" : "");
    for (Cell.Kind stage : Cell.Kind.values()) {
      List<Cell> batch = todo.stream().filter(c -> c.kind() == stage).toList();
      int workers = stage == Cell.Kind.LATENCY ? 1 : o.workers();
      ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
        Thread t = new Thread(r, "study-worker");
        t.setDaemon(true);
        return t;
      });
      try {
        List<Future<?>> futures = new ArrayList<>();
        for (Cell c : batch) {
          futures.add(pool.submit(() -> {
            boolean ok = runCell(c);
            if (!ok) failed.incrementAndGet();
            listener.progress(done.incrementAndGet(), todo.size(), (ok ? "done: " : "FAILED: ") + c.label());
          }));
        }
        for (Future<?> f : futures) f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UserError("study interrupted; run the same command again to continue");
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
      } finally {
        pool.shutdownNow();
      }
    }
    int failedTotal = (int) store.results().stream().filter(r -> r.status().equals("failed")).count();
    return new Summary(cells.size(), already, todo.size(), failed.get(), failedTotal);
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

  /** Runs one cell and records its row; returns whether it succeeded. Never throws for a cell's own failure. */
  private boolean runCell(Cell c) {
    long attempt = store.begin(c, runId);
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    Store.Row row;
    try {
      row = switch (c.kind()) {
        case TRAIN -> train(c, started);
        case VARIANT -> variant(c, started);
        case LATENCY -> latency(c, started);
      };
      row = new Store.Row(c, "done", null, row.metrics(), row.modelPath(), row.modelSha256(), row.provenance(), started,
          (System.nanoTime() - t0) / 1e9);
    } catch (VirtualMachineError e) {
      if (!(e instanceof StackOverflowError)) throw e;
      row = failure(c, e, started, t0);
    } catch (Exception | Error e) {
      row = failure(c, e, started, t0);
    }
    store.finish(row, attempt, runId);
    return row.status().equals("done");
  }

  private static Store.Row failure(Cell c, Throwable e, Instant started, long t0) {
    String msg = e instanceof UserError ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    return new Store.Row(c, "failed", msg, Map.of(), null, null, null, started, (System.nanoTime() - t0) / 1e9);
  }

  private Store.Row train(Cell c, Instant started) throws IOException {
    StudySpec.Source.Training t = (StudySpec.Source.Training) c.source();
    Path dir = artifacts.resolve("models").resolve(c.sourceKey().substring(0, 16));
    Path model = dir.resolve("model.onnx");
    Files.createDirectories(dir);
    executor.train(t, dir.resolve("run"), model);
    return modelRow(c, model, Map.of(), started);
  }

  private Store.Row modelRow(Cell c, Path model, Map<String, Object> metrics, Instant started) {
    return new Store.Row(c, "done", null, metrics, model.toString(), Hashing.sha256(model),
        executor.inspect(model).metadata(), started, 0);
  }

  /** The source policy's file: the spec's model, or what the training cell wrote. */
  private Path sourceModel(Cell c) {
    if (c.source() instanceof StudySpec.Source.ModelFile f) return f.path();
    Cell train = Grid.expand(spec).stream()
        .filter(x -> x.kind() == Cell.Kind.TRAIN && x.sourceKey().equals(c.sourceKey())).findFirst().orElseThrow();
    Store.Result r = store.result(train.key());
    if (r == null || !r.status().equals("done"))
      throw new UserError("its source policy is not available (" + train.label() + ": "
          + (r == null ? "not run" : r.error()) + ")");
    return Path.of(r.modelPath());
  }

  private Store.Row variant(Cell c, Instant started) throws IOException {
    Path src = sourceModel(c);
    Path out = c.variant().isBaseline() ? src : artifacts.resolve("variants").resolve(c.key() + ".onnx");
    Files.createDirectories(artifacts.resolve("variants"));
    Path current = src;
    List<StudySpec.Step> steps = c.variant().steps();
    for (int i = 0; i < steps.size(); i++) {
      Path next = i == steps.size() - 1 ? out : artifacts.resolve("variants").resolve(c.key() + ".step" + i + ".onnx");
      switch (steps.get(i)) {
        case StudySpec.Step.Quantize q -> executor.quantize(current, q, c.repeat(), next);
        case StudySpec.Step.Prune p -> executor.prune(current, p, c.repeat(), next);
      }
      if (!current.equals(src)) Files.deleteIfExists(current);
      current = next;
    }
    String env = Grid.envId(c.source());
    CellExecutor.Measured m = executor.evaluate(out, src, env, spec.evaluation().episodes(), spec.evaluation().seedOf(c.repeat()));
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("episodes", m.episodes());
    metrics.put("mean_return", m.meanReturn());
    metrics.put("std_return", m.stdReturn());
    metrics.put("ci95_low", m.ci95Low());
    metrics.put("ci95_high", m.ci95High());
    metrics.put("success_rate", m.successRate());
    metrics.put("agreement", m.fidelity().agreement());
    metrics.put("agreement_decisive", m.fidelity().agreementDecisive());
    metrics.put("action_rmse", m.fidelity().actionRmse());
    metrics.put("action_max_error", m.fidelity().actionMaxError());
    metrics.put("mean_episode_length", m.meanEpisodeLength());
    metrics.put("size_bytes", m.sizeBytes());
    metrics.put("params", m.params());
    metrics.put("sparsity", m.sparsity());
    if (spec.resources().probes(c.repeat())) {
      MemoryProbe.Result p = MemoryProbe.measure(out, spec.latency().passes(), spec.latency().batch(),
          spec.resources().wattsPerCore());
      metrics.put("memory_baseline_kb", p.baselineKb());
      metrics.put("memory_peak_kb", p.peakKb());
      metrics.put("memory_model_kb", p.modelKb());
      metrics.put("energy_j_per_inference", p.joulesPerInference());
      metrics.put("energy_method", p.energyMethod().name());
      metrics.put("probe_cpu_ns", p.cpuNanos());
      metrics.put("probe_inferences", p.inferences());
    }
    metrics.replaceAll((k, v) -> v instanceof Double d && !Double.isFinite(d) ? null : v);
    return modelRow(c, out, metrics, started);
  }

  private Store.Row latency(Cell c, Instant started) {
    List<Store.Result> members = new ArrayList<>();
    for (Cell m : c.members()) {
      Store.Result r = store.result(m.key());
      if (r != null && r.status().equals("done") && r.modelPath() != null && Files.isRegularFile(Path.of(r.modelPath())))
        members.add(r);
    }
    if (members.isEmpty()) throw new UserError("no variant of this source and repeat finished; nothing to time");
    Path src = sourceModel(c);
    double[][] lat = executor.latency(members.stream().map(r -> Path.of(r.modelPath())).toList(), src,
        Grid.envId(c.source()), spec.evaluation().seedOf(c.repeat()), spec.latency());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("cell_key", members.get(i).cellKey());
      r.put("variant", members.get(i).variant());
      r.put("latency_us_b1", lat[i][0]);
      r.put("latency_ms_batch", lat[i][1]);
      rows.add(r);
    }
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("batch", spec.latency().batch());
    // A latency cell that timed fewer variants than planned (some had failed) is redone by --retry-failed.
    metrics.put("complete", members.size() == c.members().size());
    metrics.put("variants", rows);
    return new Store.Row(c, "done", null, metrics, null, null, null, started, 0);
  }
}
