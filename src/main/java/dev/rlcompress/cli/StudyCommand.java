package dev.rlcompress.cli;

import dev.rlcompress.onnx.ModelFormat;
import dev.rlcompress.study.Analysis;
import dev.rlcompress.study.Cell;
import dev.rlcompress.study.CellExecutor;
import dev.rlcompress.study.CellScheduler;
import dev.rlcompress.study.Grid;
import dev.rlcompress.study.Runner;
import dev.rlcompress.study.Schedulers;
import dev.rlcompress.study.SpecParser;
import dev.rlcompress.study.Store;
import dev.rlcompress.study.StudySpec;
import dev.rlcompress.util.UserError;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "study",
    description = {
      "Run a whole compression study from a YAML spec; crash-safe, resumable.",
      "",
      "Validates the spec (every problem listed, nothing run), expands it into cells (a cell is one variant",
      "of one policy in one repeat), runs the cells not yet finished and records each in an SQLite database.",
      "Kill it at any moment and run the same command again: it continues where it stopped. Then",
      "'rlc report DB -o DIR' writes the tables and plots. Spec format: studies/README.md."
    },
    mixinStandardHelpOptions = true)
final class StudyCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "SPEC.yaml", description = "The study spec.")
  Path spec;

  @Option(names = "--db", paramLabel = "FILE", description = "Results database (default: SPEC's name with .db, beside it).")
  Path db;

  @Option(names = "--workers", description = "Cells run at once (default: 1; with --executor spark: the cluster's task slots).")
  Integer workers;

  @Option(names = "--executor", paramLabel = "NAME", defaultValue = "local",
      description = "Where cells run: local (threads of this process, the default) or spark (Apache Spark; build it"
          + " once with scripts/build-spark.sh; docs/scale-out.md).")
  String executorName;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master for --executor spark: local[N], spark://HOST:PORT, yarn, k8s://URL (default: the one"
          + " spark-submit sets).")
  String master;

  @Option(names = "--retry-failed", description = "Run failed cells again (their error rows are replaced).")
  boolean retryFailed;

  @Option(names = "--plan", description = "Validate and print what would run, then exit.")
  boolean plan;

  @Option(names = "--json", description = "Print one JSON object at the end.")
  boolean json;

  @Override
  public Integer call() {
    Schedulers.check(executorName, master);
    if (workers != null && workers < 1) throw new UserError("--workers must be at least 1");
    CellExecutor executor = new CellExecutor();
    StudySpec s = SpecParser.parse(spec, executor);
    Path database = db != null ? db : defaultDb(spec);
    if (!executorName.equals("local")) Schedulers.provider(executorName); // not built: say so before any work
    if (master != null) Runner.checkSharedDir(s, Schedulers.isLocalMaster(master));
    List<Cell> cells = Grid.expand(s);
    if (plan) {
      Map<Cell.Kind, Long> byKind = new LinkedHashMap<>();
      for (Cell c : cells) byKind.merge(c.kind(), 1L, Long::sum);
      long variantCells = byKind.getOrDefault(Cell.Kind.VARIANT, 0L);
      System.out.printf("study %s: %d sources × %d variants × %d repeats; cells: %s%n", s.name(), s.sources().size(),
          s.variants().size(), s.repeats(), byKind);
      System.out.printf("evaluation: %,d episodes in all (%d per variant cell); database %s%n",
          variantCells * s.evaluation().episodes(), s.evaluation().episodes(), database);
      return 0;
    }
    ProgressBar bar = new ProgressBar("study " + s.name(), "cells");
    Runner.Summary r;
    try (CellScheduler scheduler = Schedulers.open(executorName, executor, workers == null ? 1 : workers, master, "rlc study " + s.name())) {
      int n = workers != null ? workers : scheduler.slots();
      r = Runner.run(s, new Runner.Options(database, n, retryFailed, "rlc study " + spec + (db != null ? " --db " + db : "")
          + " --workers " + n + (executorName.equals("local") ? "" : " --executor " + executorName
          + (master != null ? " --master " + master : ""))), scheduler, (done, total, note) -> bar.update(done, total, Double.NaN, note));
    }
    Analysis.Study a;
    try (Store store = Store.openForReading(database)) {
      a = Analysis.of(store);
    }
    if (json) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("study", s.name());
      o.put("database", database.toString());
      o.put("cells", r.cells());
      o.put("already_finished", r.alreadyFinished());
      o.put("ran", r.ran());
      o.put("failed_this_run", r.failedNow());
      o.put("failed_total", r.failedTotal());
      o.put("groups", a.groups().stream().map(g -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("algorithm", g.algorithm());
        m.put("env", g.env());
        m.put("recommendation", g.recommendation());
        m.put("recommended_variant", g.recommended());
        m.put("best_pruning", g.bestPruning() == null ? null
            : Map.of("method", g.bestPruning().method(), "ratio", g.bestPruning().ratio()));
        return m;
      }).toList());
      System.out.println(ModelFormat.REPORT_GSON.toJson(o));
    } else {
      System.out.printf("study %s: %d cells, %d finished before, %d run now (%d failed); database %s%n", s.name(),
          r.cells(), r.alreadyFinished(), r.ran(), r.failedNow(), database);
      for (Analysis.Group g : a.groups()) System.out.printf("%s %s: %s%n", g.algorithm(), g.env(), g.recommendation());
      if (r.failedTotal() > 0)
        System.out.printf("%d cells failed (errors in the database and the report); rerun with --retry-failed to try them again%n",
            r.failedTotal());
      System.out.println("report: rlc report " + database + " -o DIR");
    }
    return 0;
  }

  static Path defaultDb(Path spec) {
    String n = spec.getFileName().toString();
    int dot = n.lastIndexOf('.');
    return spec.toAbsolutePath().resolveSibling((dot > 0 ? n.substring(0, dot) : n) + ".db");
  }
}
