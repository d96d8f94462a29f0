package dev.rlcompress.onnx;

import static org.junit.jupiter.api.Assertions.*;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.rlcompress.model.CompressionStep;
import dev.rlcompress.model.CompressionStep.Pruning;
import dev.rlcompress.model.CompressionStep.Quantization;
import dev.rlcompress.model.CompressionStep.Reparametrization;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.HeadKind;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.model.Provenance;
import dev.rlcompress.util.UserError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The history survives the file typed, and files written before typed provenance still load. */
class CompressionHistoryTest {
  static PolicyModel model(List<CompressionStep> steps) {
    Layer.Linear l = new Layer.Linear(4, 2, new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new float[] {0.5f, -0.5f});
    return new PolicyModel(new int[] {4}, null, List.of(), List.of(new Head("q", new HeadKind.QValues(), List.of(l))),
        new Provenance("dqn", "CartPole-v1", 1, Map.of(), 10, steps));
  }

  /** The model's file with its compression entry replaced by {@code json}, as an older rlc wrote it. */
  static ModelProto withHistory(PolicyModel m, String json) {
    ModelProto p = OnnxExporter.toProto(m);
    ModelProto.Builder b = p.toBuilder().clearMetadataProps();
    for (StringStringEntryProto e : p.getMetadataPropsList())
      b.addMetadataProps(e.getKey().equals(ModelFormat.COMPRESSION) ? e.toBuilder().setValue(json).build() : e);
    return b.build();
  }

  @Test
  void typedStepsRoundTrip() {
    List<CompressionStep> steps = List.of(
        new Pruning("structured-l2", Part.FEATURES, Map.of("ratio", "0.999")),
        new Reparametrization("input-equalization", Part.ALL, Map.of("calibration", "10ep/100states")));
    PolicyModel m = model(steps);
    assertEquals(steps, OnnxImporter.read(OnnxExporter.toProto(m), "m").provenance().compression());
  }

  @Test
  void legacyStringsParseIntoSteps() {
    assertEquals(List.of(
            new Reparametrization("output-centering", Part.HEAD, Map.of()),
            new Reparametrization("input-equalization", Part.ALL, Map.of()),
            new Quantization("ptdq", Part.ALL, Map.of("scheme", "ptdq-int8-per-channel"))),
        CompressionHistory.legacy("quantize:ptdq:ptdq-int8-per-channel:part=all:centered-outputs:equalized-inputs"));
    assertEquals(List.of(new Quantization("ptsq", Part.HEAD,
            Map.of("scheme", "ptsq-int8-per-tensor", "calibration", "10ep/3000states", "observer", "mse"))),
        CompressionHistory.legacy("quantize:ptsq:ptsq-int8-per-tensor:part=head:calibration=10ep/3000states:observer=mse"));
    assertEquals(List.of(new Pruning("unstructured-l1", Part.ALL, Map.of("ratio", "0.50", "global", "true"))),
        CompressionHistory.legacy("prune:unstructured:l1:0.50:part=all:global"));
    assertEquals(List.of(new Pruning("structured-l2", Part.ALL, Map.of("ratio", "0.50", "iterations", "5", "finetune", "600"))),
        CompressionHistory.legacy("prune:iterative:l2:0.50:iterations=5:finetune=600"));
    assertEquals(List.of(new CompressionStep.Unrecognized("something:else")), CompressionHistory.legacy("something:else"));
  }

  @Test
  void oldFilesLoadAndOldQuantizedFilesAreStillRefused() {
    PolicyModel m = model(List.of());
    PolicyModel pruned = OnnxImporter.read(withHistory(m, "[\"prune:structured:l1:0.30\"]"), "old");
    assertEquals(List.of(new Pruning("structured-l1", Part.ALL, Map.of("ratio", "0.30"))), pruned.provenance().compression());
    UserError e = assertThrows(UserError.class,
        () -> OnnxImporter.read(withHistory(m, "[\"quantize:fp16:fp16-weights:part=all\"]"), "old-q"));
    assertTrue(e.getMessage().contains("compressed weights"), e.getMessage());
  }
}
