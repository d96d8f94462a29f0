package dev.rlcompress.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rlcompress.study.CellExecutor;
import dev.rlcompress.study.Runner;
import dev.rlcompress.study.SpecParser;
import dev.rlcompress.study.StudySpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small real study on the committed DQN LunarLander policy, its report, and the HTML page opened in
 * headless Chromium with no network: the tables are there with rows, and every plot is an image the
 * browser decoded to a non-zero size.
 */
class StudyReportTest {
  static final Path HOME = Path.of(System.getProperty("rlc.home", "."));
  @TempDir Path dir;

  @Test
  void reportOpensInHeadlessChromiumWithTablesAndPlots() throws Exception {
    Path spec = dir.resolve("tiny.yaml");
    Files.writeString(spec, """
        name: tiny
        models: [%s]
        compression:
          quantize: [ptdq]
          prune: [{method: l1, ratios: [0.2, 0.4]}]
        repeats: 1
        evaluation: {episodes: 2}
        latency: {rounds: 1, passes: 20, batch: 10}
        """.formatted(HOME.resolve("docs/results/models/dqn-lunarlander-v3.onnx")));
    StudySpec s = SpecParser.parse(spec, new CellExecutor());
    Path db = dir.resolve("tiny.db");
    Runner.Summary sum = Runner.run(s, new Runner.Options(db, 1, false, "test"), new CellExecutor(), Runner.Listener.NONE);
    assertEquals(0, sum.failedTotal());

    Path out = dir.resolve("report");
    StudyReport.Written w = StudyReport.write(db, out);
    assertEquals(2, w.images().size(), "return-vs-ratio and resources plots");
    for (Path png : w.images()) assertTrue(Files.size(png) > 1000, png + " is a real image");
    String md = Files.readString(w.markdown());
    assertTrue(md.contains("## Best pruning method and ratio") && md.contains("(estimate"), "energy labelled as an estimate");
    String html = Files.readString(w.html());
    assertFalse(Pattern.compile("(src|href)=\"(https?:)?//").matcher(html).find(), "nothing is fetched from the network");

    // The page as Chromium renders it; a copy gets a script that records each image's decoded width.
    Path probe = dir.resolve("probe.html");
    Files.writeString(probe, html.replace("</body>", "<script>window.addEventListener('load',()=>{for(const i of "
        + "document.images)i.setAttribute('data-decoded-width',i.naturalWidth)});</script></body>"));
    String dom = chromiumDom(probe);
    List<String> tables = all(dom, "<table>(.*?)</table>");
    assertTrue(tables.size() >= 5, "recommendations, returns, best pruning, variants, resources: " + tables.size());
    for (String t : tables) assertTrue(t.contains("<td"), "a table with rows");
    List<String> widths = all(dom, "data-decoded-width=\"(\\d+)\"");
    assertEquals(2, widths.size(), "both plots are in the page");
    for (String wd : widths) assertTrue(Integer.parseInt(wd) > 0, "Chromium decoded the plot");
  }

  private String chromiumDom(Path page) throws Exception {
    String bin = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser").stream().filter(b -> Files.isExecutable(Path.of(b)))
        .findFirst().orElseThrow(() -> new AssertionError("Chromium is not installed (apt-get install -y chromium; scripts/test.sh does it)"));
    List<String> cmd = new ArrayList<>(List.of(bin, "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")), "--virtual-time-budget=5000",
        "--dump-dom", page.toUri().toString()));
    Path outFile = dir.resolve("dom.html"), errFile = dir.resolve("chromium.err");
    Process p = new ProcessBuilder(cmd).redirectOutput(outFile.toFile()).redirectError(errFile.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("Chromium did not finish in 120 s");
    }
    String dom = Files.readString(outFile);
    assertTrue(dom.contains("</html>"), "Chromium dumped the page (exit " + p.exitValue() + "): " + Files.readString(errFile));
    return dom;
  }

  private static List<String> all(String text, String regex) {
    List<String> out = new ArrayList<>();
    Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(text);
    while (m.find()) out.add(m.group(1));
    return out;
  }
}
