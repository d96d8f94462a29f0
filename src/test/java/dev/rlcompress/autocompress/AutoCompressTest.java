package dev.rlcompress.autocompress;

import static org.junit.jupiter.api.Assertions.*;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.rlcompress.compress.Calibration;
import dev.rlcompress.compress.quantize.QuantOptions;
import dev.rlcompress.compress.quantize.Quantizer;
import dev.rlcompress.env.Env;
import dev.rlcompress.env.Envs;
import dev.rlcompress.env.Rollouts;
import dev.rlcompress.eval.EvalOptions;
import dev.rlcompress.eval.EvalReport;
import dev.rlcompress.eval.Evaluator;
import dev.rlcompress.model.Actions;
import dev.rlcompress.model.CompressionStep;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.ModelFormat;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.runtime.Policy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code rlc compress --max-drop 5% --objective size} on the committed LunarLander DQN, whose all-int8
 * PTDQ keeps about half its return (quantization.md): the search must return a variant smaller than
 * fp16 that keeps ≥ 95% of the return on fresh evaluation seeds (1,000,000…, never used by the search),
 * must do it the same way twice for one seed, and its rule must reject a variant that loses 20%.
 */
class AutoCompressTest {
  static PolicyModel dqn;
  static SearchOptions options;
  static SearchResult first;

  @BeforeAll
  static void search() {
    Path home = Path.of(System.getProperty("rlc.home", "."));
    dqn = OnnxImporter.read(home.resolve("docs/results/models/dqn-lunarlander-v3.onnx"));
    options = SearchOptions.of(dqn.provenance().envId(), 0.05, Objective.SIZE);
    first = AutoCompress.run(dqn, options, line -> {});
  }

  @Test
  void keepsTheReturnOnFreshSeedsAndIsSmallerThanFp16() {
    assertNotNull(first.proto(), "a variant was accepted: " + first.notes());
    ModelProto fp16 = Quantizer.quantize(dqn, new QuantOptions.Fp16(Part.ALL, false),
        new Calibration.Given(List.of(new float[8]))).policy().toProto();
    assertTrue(first.proto().getSerializedSize() < fp16.getSerializedSize(),
        first.proto().getSerializedSize() + " bytes vs fp16 " + fp16.getSerializedSize());
    try (Policy ref = Policy.of(OnnxExporter.toProto(dqn.actionOnly()), "fp32", "ort");
        Policy chosen = Policy.of(first.proto(), "chosen", "ort")) {
      List<EvalReport> r = Evaluator.evaluateAll(List.of(ref, chosen), List.of("fp32", "chosen"), options.envId(),
          EvalOptions.defaults(100).withoutLatency(), null);
      assertTrue(r.get(1).meanReturn() >= 0.95 * r.get(0).meanReturn(),
          "chosen " + first.chosenRow().label() + ": " + r.get(1).meanReturn() + " vs fp32 " + r.get(0).meanReturn());
    }
  }

  @Test
  void recordsTheSearchInTheProvenance() {
    List<CompressionStep> steps = ModelFormat.provenance(ModelFormat.toMap(first.proto().getMetadataPropsList())).compression();
    CompressionStep last = steps.getLast();
    assertInstanceOf(CompressionStep.Search.class, last);
    assertEquals("size", last.parameters().get("objective"));
    assertTrue(last.parameters().get("decisions").contains("q.4"), "explains the output layer: " + last.parameters());
    assertTrue(steps.size() > 1, "the variant's own steps come first: " + steps);
    assertEquals(first.episodes().total(), Integer.parseInt(last.parameters().get("episodes")));
    assertTrue(first.episodes().total() <= options.budgetEpisodes());
  }

  @Test
  void isReproducibleForOneSeed() {
    SearchResult again = AutoCompress.run(dqn, options, line -> {});
    assertEquals(first.chosenRow().label(), again.chosenRow().label());
    assertEquals(first.evaluated().stream().map(SearchResult.Row::label).toList(),
        again.evaluated().stream().map(SearchResult.Row::label).toList());
    for (int i = 0; i < first.evaluated().size(); i++)
      assertArrayEquals(first.evaluated().get(i).returns(), again.evaluated().get(i).returns());
    assertEquals(first.proto(), again.proto(), "the same file, provenance included");
  }

  @Test
  void rejectsAVariantConstructedToLoseTwentyPercent() {
    // Real episodes of the original on other seeds, scaled to 80%: no pairing with the baseline's episodes helps it.
    Env env = Envs.make(options.envId());
    try (Policy ref = Policy.of(OnnxExporter.toProto(dqn.actionOnly()), "fp32", "ort")) {
      Acceptance.Outcome o = Acceptance.of(options.maxDrop()).sequential(first.baseline().returns(),
          k -> 0.8 * Rollouts.run(env, Actions.greedy(ref.actionHead(), env.actionSpace(), ref::run), 1, 6_000_000L + k, null)[0]
              .totalReturn(), new double[0], 1000, false);
      assertEquals(Acceptance.Verdict.CLEARLY_OUT, o.decision().verdict(), o.decision().toString());
    }
  }
}
