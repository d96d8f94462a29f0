package dev.rlcompress.cli;

import dev.rlcompress.report.StudyReport;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "report",
    description = {
      "Write a study's report: Markdown and one self-contained HTML page with plots.",
      "",
      "Reads only the study database (it may still be running): return per algorithm × environment × method,",
      "best pruning ratio by the 90%% rule, resources (latency, memory, energy), scores, recommendations, and",
      "plots. DIR gets report.md with its PNG plots beside it, and report.html with everything inlined."
    },
    mixinStandardHelpOptions = true)
final class ReportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "STUDY.db", description = "Database written by 'rlc study'.")
  Path db;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "Output directory.")
  Path out;

  @Override
  public Integer call() throws Exception {
    StudyReport.Written w = StudyReport.write(db, out);
    System.out.printf("wrote %s, %s and %d plots%n", w.markdown(), w.html(), w.images().size());
    return 0;
  }
}
