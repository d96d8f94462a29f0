package dev.rlcompress.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * Bad input swept over every command (issue 7): each command starts from a cheap valid invocation and
 * one thing is made bad at a time — an unknown option, a malformed or out-of-domain value for every
 * numeric option, a missing / empty / garbage / truncated / directory model file for every file
 * argument, an unwritable or directory output path. Every case must exit non-zero with exactly one
 * line on stderr ({@code rlc: error: ...}), no Java exception name or stack trace, and leave no new
 * file behind. The cases are generated from the commands' own option specs, so a new option is
 * covered the day it is added; their number is printed and is part of each test's name.
 */
class CliBadInputSweepTest {
  static Path dir, model, spec, db;

  @BeforeAll
  static void fixtures() throws Exception {
    dir = Files.createTempDirectory("rlc-sweep");
    model = new CliErrorsTest() {{ this.dir = CliBadInputSweepTest.dir; }}.cartPoleModel();
    spec = dir.resolve("s.yaml");
    Files.writeString(spec, "name: sweep\nmodels:\n  - " + model.getFileName() + "\nrepeats: 1\n"
        + "evaluation: {episodes: 1}\nlatency: {rounds: 1, passes: 1, batch: 1}\nresources: {memory: false}\n");
    db = dir.resolve("s.db");
    // The optional Spark executor is never built for these cases: `--executor spark` must say how to build it.
    System.setProperty("rlc.spark.dir", dir.resolve("spark-not-built").toString());
    CliErrorsTest.Outcome made = CliErrorsTest.rlc("study", spec.toString(), "--db", db.toString());
    assertEquals(0, made.code(), "the report's database: " + made.err());
  }

  @AfterAll
  static void cleanUp() throws Exception {
    System.clearProperty("rlc.spark.dir");
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** A cheap valid invocation of each command (its positional files first). */
  static Map<String, List<String>> base() {
    String m = model.toString(), out = dir.resolve("out.onnx").toString();
    Map<String, List<String>> b = new LinkedHashMap<>();
    b.put("train", List.of("--algo", "dqn", "--env", "CartPole-v1", "--out", dir.resolve("run").toString(), "--steps", "50"));
    b.put("eval", List.of(m, "--episodes", "1", "--no-latency"));
    b.put("quantize", List.of(m, "--method", "ptdq", "-o", out));
    b.put("prune", List.of(m, "--method", "l1", "--ratio", "0.5", "-o", out));
    b.put("compress", List.of(m, "--max-drop", "5%", "--objective", "size", "-o", out));
    b.put("sweep-prune", List.of(m, "--methods", "l1", "--ratios", "0.5:0.5:0.1", "--episodes", "1"));
    b.put("prune-compare", List.of(m, "--episodes", "1", "--steps", "1", "--iterations", "1"));
    b.put("bench-sparse", List.of(m, "--episodes", "1", "--sparsities", "0.5"));
    b.put("action-gap", List.of(m, m, "--episodes", "1"));
    b.put("profile", List.of(m, "--passes", "1"));
    b.put("demo", List.of("--model", m, "--episodes", "1"));
    b.put("study", List.of(spec.toString(), "--db", db.toString(), "--plan"));
    b.put("report", List.of(db.toString(), "-o", dir.resolve("report").toString()));
    b.put("envs", List.of());
    b.put("bench-train", List.of("--seconds", "0.01", "--algos", "td3", "--backends", "java", "--hidden", "8", "--batch", "4"));
    b.put("bench-env", List.of("gym:CartPole-v1", "--envs", "1", "--rounds", "1", "--seconds", "0.05", "--workers", "1"));
    b.put("bench-runtime", List.of("--models", m, "--rounds", "1", "-o", dir.resolve("runtime.md").toString()));
    return b;
  }

  record Case(String command, String what, List<String> args) {}

  static List<Case> cases() throws Exception {
    Map<String, List<String>> base = base();
    Path empty = Files.write(dir.resolve("empty.onnx"), new byte[0]);
    Path garbage = Files.writeString(dir.resolve("garbage.onnx"), "not a model at all");
    byte[] good = Files.readAllBytes(model);
    Path truncated = Files.write(dir.resolve("truncated.onnx"), java.util.Arrays.copyOf(good, good.length / 2));
    Path aDir = Files.createDirectories(dir.resolve("a-directory.onnx"));
    Path aFile = Files.writeString(dir.resolve("a-file"), "x");
    List<String> badFiles = List.of(dir.resolve("missing.onnx").toString(), empty.toString(), garbage.toString(),
        truncated.toString(), aDir.toString());
    List<String> badOutputs = List.of("/proc/rlc-nope/x.onnx", aDir.toString(), aFile.resolve("under-a-file.onnx").toString());

    CommandLine root = new CommandLine(new Main());
    List<Case> cases = new ArrayList<>();
    for (var e : root.getSubcommands().entrySet()) {
      String cmd = e.getKey();
      if (cmd.equals("help")) continue;
      List<String> ok = base.get(cmd);
      assertNotNull(ok, "the sweep needs a valid base invocation of '" + cmd + "'");
      CommandSpec spec = e.getValue().getCommandSpec();
      cases.add(new Case(cmd, "unknown option", plus(ok, "--no-such-option")));
      for (OptionSpec o : spec.options()) {
        if (o.usageHelp() || o.versionHelp() || o.arity().max() == 0) continue;
        String name = o.longestName();
        Class<?> t = o.type();
        List<String> values = new ArrayList<>();
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class)
          values.addAll(List.of("abc", "1.5", "99999999999999999999"));
        if (t == double.class || t == Double.class) values.addAll(List.of("abc", "NaN", "Infinity"));
        if (name.matches("--(episodes|steps|passes|batch|iterations|calibration-episodes|finetune-steps|workers|block-size|sparse-train-steps|rounds|seconds)"))
          values.add("-1");
        if (name.matches("--(ratio|keep)")) values.addAll(List.of("-0.5", "1.5"));
        if (name.equals("--method") || name.equals("--algo") || name.equals("--runtime") || name.equals("--part")
            || name.equals("--observer") || name.equals("--methods"))
          values.add("no-such-choice");
        if (name.equals("--executor")) values.addAll(List.of("no-such-choice", "spark")); // spark: not built here
        if (name.equals("--master")) values.addAll(List.of("bogus", "local[0]", "mesos://host:5050", "local[2]"));
        if (name.equals("--env")) values.addAll(List.of("NoSuchEnv-v0", "CartPole-v1[no_such_option=1]"));
        if (name.equals("--ratios") || name.equals("--sparsities")) values.addAll(List.of("0.5:0.1:0.1", "1.5", "x"));
        if (t == Path.class && (name.equals("--output") || name.equals("--out") || name.equals("--db"))) values.addAll(badOutputs);
        else if (t == Path.class) values.addAll(badFiles);
        for (String v : values) cases.add(new Case(cmd, name + " " + v, withOption(ok, name, o.names(), v)));
      }
      int nFiles = 0;
      for (PositionalParamSpec p : spec.positionalParameters()) if (p.type() == Path.class || p.type() == List.class) nFiles++;
      for (int i = 0; i < nFiles && i < ok.size(); i++)
        for (String f : badFiles) {
          List<String> a = new ArrayList<>(ok);
          a.set(i, f);
          cases.add(new Case(cmd, "file " + (i + 1) + " " + Path.of(f).getFileName(), a));
        }
    }
    return cases;
  }

  @TestFactory
  Stream<DynamicTest> everyCommandRefusesBadInputInOneLine() throws Exception {
    List<Case> cases = cases();
    System.out.println("CLI bad-input sweep: " + cases.size() + " cases over "
        + cases.stream().map(Case::command).distinct().count() + " commands");
    return cases.stream().map(c -> DynamicTest.dynamicTest(
        "[" + cases.size() + " cases] rlc " + c.command() + ": " + c.what(), () -> check(c)));
  }

  static void check(Case c) throws Exception {
    List<Path> before = listing();
    CliErrorsTest.Outcome o = CliErrorsTest.rlc(c.args().toArray(String[]::new));
    String where = "rlc " + String.join(" ", c.args()) + "\nstdout: " + o.out() + "\nstderr: " + o.err();
    assertNotEquals(0, o.code(), "accepted: " + where);
    List<String> lines = o.err().lines().filter(l -> !l.isBlank()).filter(l -> !l.contains("\r")).collect(Collectors.toList());
    assertEquals(1, lines.size(), "one line on stderr: " + where);
    assertTrue(lines.get(0).startsWith("rlc: error: "), where);
    assertFalse(lines.get(0).matches(".*\\b(java|javax|ai|dev)\\.[a-z]+\\.\\S*(Exception|Error)\\b.*"), "no exception name: " + where);
    assertFalse(o.err().contains("\tat "), "no stack trace: " + where);
    assertEquals(before, listing(), "no output file left behind: " + where);
  }

  static List<Path> listing() throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> !p.toString().contains("a-directory.onnx")).sorted().collect(Collectors.toList());
    }
  }

  static List<String> plus(List<String> a, String... more) {
    List<String> r = new ArrayList<>(a);
    r.addAll(List.of(more));
    return r;
  }

  /** {@code base} with option {@code name} set to {@code value} (replacing it where base sets it). */
  static List<String> withOption(List<String> base, String name, String[] names, String value) {
    List<String> r = new ArrayList<>(base);
    for (int i = 0; i < r.size(); i++)
      if (List.of(names).contains(r.get(i)) && i + 1 < r.size()) {
        r.set(i + 1, value);
        return r;
      }
    r.add(name);
    r.add(value);
    return r;
  }
}
