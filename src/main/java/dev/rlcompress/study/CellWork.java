package dev.rlcompress.study;

import dev.rlcompress.util.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one cell: a function from its {@link CellTask} to its {@link CellOutcome}, the same code whichever
 * scheduler calls it (a thread of the local runner or a task on a Spark executor). It reads the files the
 * task names and writes its own outputs, never the database; a cell's own failure becomes a failed
 * outcome, never an exception, so only a dying JVM loses a cell (and then the scheduler runs it again).
 */
public final class CellWork {
  private CellWork() {}

  public static CellOutcome run(CellTask task, CellExecutor executor) {
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    try {
      CellOutcome o = switch (task) {
        case CellTask.Train t -> train(t, executor);
        case CellTask.Variant v -> variant(v, executor);
        case CellTask.Latency l -> latency(l, executor);
      };
      return new CellOutcome(task.cellKey(), "done", null, o.metrics(), o.model(), started, seconds(t0));
    } catch (VirtualMachineError e) {
      if (!(e instanceof StackOverflowError)) throw e;
      return failure(task, e, started, t0);
    } catch (Exception | Error e) {
      return failure(task, e, started, t0);
    }
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static CellOutcome failure(CellTask t, Throwable e, Instant started, long t0) {
    String msg = e instanceof UserError ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
    return CellOutcome.failed(t.cellKey(), msg, started, seconds(t0));
  }

  private static CellOutcome done(CellTask t, Map<String, Object> metrics, CellOutcome.Model model) {
    return new CellOutcome(t.cellKey(), "done", null, metrics, model, null, 0);
  }

  private static CellOutcome.Model model(Path file, CellExecutor executor) {
    return new CellOutcome.Model(file.toString(), Hashing.sha256(file), executor.inspect(file).metadata());
  }

  private static CellOutcome train(CellTask.Train t, CellExecutor executor) throws IOException {
    Path dir = Path.of(t.dir());
    Path model = dir.resolve("model.onnx");
    Files.createDirectories(dir);
    executor.train(t.source(), dir.resolve("run"), model);
    return done(t, Map.of(), model(model, executor));
  }

  private static CellOutcome variant(CellTask.Variant c, CellExecutor executor) throws IOException {
    Path src = Path.of(c.sourceModel());
    Path variants = Path.of(c.variantsDir());
    Path out = c.variant().isBaseline() ? src : variants.resolve(c.cellKey() + ".onnx");
    Files.createDirectories(variants);
    Path current = src;
    List<StudySpec.Step> steps = c.variant().steps();
    for (int i = 0; i < steps.size(); i++) {
      Path next = i == steps.size() - 1 ? out : variants.resolve(c.cellKey() + ".step" + i + ".onnx");
      switch (steps.get(i)) {
        case StudySpec.Step.Quantize q -> executor.quantize(current, q, c.repeat(), next);
        case StudySpec.Step.Prune p -> executor.prune(current, p, c.repeat(), next);
      }
      if (!current.equals(src)) Files.deleteIfExists(current);
      current = next;
    }
    CellTask.Protocol pr = c.protocol();
    dev.rlcompress.eval.EvalReport m = executor.evaluate(out, src, c.envId(), pr.episodes(), pr.seed());
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
    if (pr.resources().probes(c.repeat())) {
      MemoryProbe.Result p = MemoryProbe.measure(out, pr.latency().passes(), pr.latency().batch(),
          pr.resources().wattsPerCore());
      metrics.put("memory_baseline_kb", p.baselineKb());
      metrics.put("memory_peak_kb", p.peakKb());
      metrics.put("memory_model_kb", p.modelKb());
      metrics.put("energy_j_per_inference", p.joulesPerInference());
      metrics.put("energy_method", p.energyMethod().name());
      metrics.put("probe_cpu_ns", p.cpuNanos());
      metrics.put("probe_inferences", p.inferences());
    }
    metrics.replaceAll((k, v) -> v instanceof Double d && !Double.isFinite(d) ? null : v);
    return done(c, metrics, model(out, executor));
  }

  private static CellOutcome latency(CellTask.Latency c, CellExecutor executor) {
    List<CellTask.Member> members = c.members();
    if (members.isEmpty()) throw new UserError("no variant of this source and repeat finished; nothing to time");
    double[][] lat = executor.latency(members.stream().map(m -> Path.of(m.modelPath())).toList(), Path.of(c.sourceModel()),
        c.envId(), c.seed(), c.protocol());
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
    metrics.put("batch", c.protocol().batch());
    // A latency cell that timed fewer variants than planned (some had failed) is redone by --retry-failed.
    metrics.put("complete", members.size() == c.planned());
    metrics.put("variants", rows);
    return done(c, metrics, null);
  }
}
