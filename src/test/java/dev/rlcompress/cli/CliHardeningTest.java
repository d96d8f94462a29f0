package dev.rlcompress.cli;

import static dev.rlcompress.cli.CliErrorsTest.rlc;
import static org.junit.jupiter.api.Assertions.*;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.model.Provenance;
import dev.rlcompress.onnx.ModelFormat;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.train.Mlp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Issue 7's model-file defects: each bad file or path is one line, nothing is clobbered or silently wrong. */
class CliHardeningTest {
  @TempDir Path dir;

  PolicyModel cartPole() {
    Mlp net = new Mlp(new int[] {4, 32, 2}, Layer.Activation.Kind.RELU, Double.NaN, new SplittableRandom(5));
    return new PolicyModel(new int[] {4}, null, List.of(), List.of(new Head("q", new HeadKind.QValues(), net.toLayers())),
        new Provenance("dqn", "CartPole-v1", 5, Map.of(), 0, List.of()));
  }

  Path write(String name, ModelProto proto) throws Exception {
    Path f = dir.resolve(name);
    Files.write(f, proto.toByteArray());
    return f;
  }

  static void assertOneLine(CliErrorsTest.Outcome o, String fragment) {
    CliErrorsTest.assertOneLineError(o, fragment);
    assertEquals(1, o.err().strip().split("\n").length, "one line: " + o.err());
    assertFalse(o.err().contains("Exception") || o.err().contains(".tmp"), o.err());
  }

  /** A model whose first weight is NaN, written past the exporter's check, as a damaged file would be. */
  ModelProto withNaN() {
    ModelProto p = OnnxExporter.toProto(cartPole());
    var g = p.getGraph().toBuilder();
    for (int i = 0; i < g.getInitializerCount(); i++) {
      TensorProto t = g.getInitializer(i);
      if (!t.getName().equals("q.0.weight")) continue;
      ByteBuffer b = ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
      b.putFloat(8, Float.NaN);
      g.setInitializer(i, t.toBuilder().setRawData(ByteString.copyFrom(b.array())));
    }
    return p.toBuilder().setGraph(g).build();
  }

  @Test
  void nonFiniteWeightsAreRefusedEverywhere() throws Exception {
    Path nan = write("nan.onnx", withNaN()), out = dir.resolve("out.onnx");
    assertOneLine(rlc("eval", nan.toString(), "--episodes", "1"), "non-finite");
    assertOneLine(rlc("quantize", nan.toString(), "--method", "ptsq", "-o", out.toString()), "non-finite");
    assertOneLine(rlc("prune", nan.toString(), "--method", "l1", "--ratio", "0.5", "-o", out.toString()), "non-finite");
    assertFalse(Files.exists(out), "nothing written");
  }

  @Test
  void outputEqualToInputIsRefusedUnlessForced() throws Exception {
    Path m = dir.resolve("m.onnx");
    OnnxExporter.write(cartPole(), m);
    byte[] before = Files.readAllBytes(m);
    for (String[] args : List.of(new String[] {"quantize", m.toString(), "--method", "ptdq", "-o", m.toString()},
        new String[] {"prune", m.toString(), "--method", "l2", "--ratio", "0.5", "-o", dir.resolve(".").resolve("m.onnx").toString()})) {
      assertOneLine(rlc(args), "--force");
      assertArrayEquals(before, Files.readAllBytes(m), "the input is untouched");
    }
    CliErrorsTest.Outcome forced = rlc("quantize", m.toString(), "--method", "ptdq", "-o", m.toString(), "--force");
    assertEquals(0, forced.code(), forced.err());
    assertTrue(forced.out().contains("fp32 original " + String.format("%,d", before.length) + " bytes"), forced.out());
    assertTrue(OnnxImporter.readProto(m).getMetadataPropsList().stream()
        .anyMatch(e -> e.getKey().equals(ModelFormat.COMPRESSION) && e.getValue().contains("ptdq")), "replaced by the quantized model");
    try (var files = Files.list(dir)) {
      assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")), "no temporary file left");
    }
  }

  @Test
  void unwritableOrDirectoryOutputIsOneClearLine() throws Exception {
    Path m = dir.resolve("m.onnx");
    OnnxExporter.write(cartPole(), m);
    assertOneLine(rlc("quantize", m.toString(), "--method", "fp16", "-o", dir.toString()), "is a directory");
    assertOneLine(rlc("prune", m.toString(), "--method", "l1", "--ratio", "0.3", "-o", "/proc/q.onnx"), "/proc/q.onnx");
    Path file = dir.resolve("plain");
    Files.writeString(file, "x");
    assertOneLine(rlc("quantize", m.toString(), "--method", "fp16", "-o", file.resolve("q.onnx").toString()), "q.onnx");
  }

  @Test
  void graphAndMetadataThatDisagreeAreOneClearLine() throws Exception {
    ModelProto p = OnnxExporter.toProto(cartPole());
    ModelProto.Builder b = p.toBuilder().clearMetadataProps();
    for (StringStringEntryProto e : p.getMetadataPropsList()) {
      String v = e.getValue();
      if (e.getKey().equals(ModelFormat.INPUT_SHAPE)) v = "[5]";
      if (e.getKey().equals(ModelFormat.ARCHITECTURE)) v = v.replace("\"input_shape\":[4]", "\"input_shape\":[5]");
      b.addMetadataProps(e.toBuilder().setValue(v).build());
    }
    Path bad = write("bad.onnx", b.build()), out = dir.resolve("o.onnx");
    assertOneLine(rlc("eval", bad.toString(), "--episodes", "1", "--env", "CartPole-v1"), "disagree");
    assertOneLine(rlc("quantize", bad.toString(), "--method", "ptdq", "-o", out.toString()), "disagree");
    assertOneLine(rlc("prune", bad.toString(), "--method", "l1", "--ratio", "0.3", "-o", out.toString()), "disagree");
    assertFalse(Files.exists(out));
  }

  @Test
  void evalRefusesNoEpisodesAndNamesADirectory() throws Exception {
    Path m = dir.resolve("m.onnx");
    OnnxExporter.write(cartPole(), m);
    assertOneLine(rlc("eval", m.toString(), "--episodes", "0"), "--episodes");
    assertOneLine(rlc("eval", dir.toString()), "is a directory");
  }

  @Test
  void pruneReportsItsRatioAndTheSparsityEvalReports() throws Exception {
    Path m = dir.resolve("m.onnx"), out = dir.resolve("p.onnx");
    OnnxExporter.write(cartPole(), m);
    CliErrorsTest.Outcome p = rlc("prune", m.toString(), "--method", "l1-unstructured", "--ratio", "0.999", "-o", out.toString());
    assertEquals(0, p.code(), p.err());
    assertTrue(p.out().contains("ratio=0.999"), p.out());
    Matcher s = Pattern.compile("sparsity ([0-9.]+)%").matcher(p.out());
    assertTrue(s.find(), p.out());
    CliErrorsTest.Outcome e = rlc("eval", out.toString(), "--episodes", "1", "--no-latency", "--json");
    assertEquals(0, e.code(), e.err());
    double evalSparsity = com.google.gson.JsonParser.parseString(e.out()).getAsJsonObject().get("sparsity").getAsDouble();
    assertEquals(String.format("%.1f", 100 * evalSparsity), s.group(1), "prune and eval agree");
  }

  /** Every command's help, and the top-level help, prints no picocli warning (an unescaped % does). */
  @Test
  void helpOfEveryCommandPrintsNoWarning() {
    CliErrorsTest.Outcome top = rlc("--help");
    assertEquals(0, top.code());
    assertEquals("", top.err(), "rlc --help");
    var commands = new CommandLine(new Main()).getSubcommands().keySet();
    assertTrue(commands.size() >= 11, commands.toString());
    for (String c : commands) {
      CliErrorsTest.Outcome o = rlc(c, "--help");
      assertEquals(0, o.code(), c);
      assertEquals("", o.err(), c + " --help");
      assertFalse(o.out().contains("WARN"), c);
    }
  }
}
