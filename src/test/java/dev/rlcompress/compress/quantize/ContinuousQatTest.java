package dev.rlcompress.compress.quantize;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.compress.Calibration;
import dev.rlcompress.compress.distill.Distiller;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.runtime.OrtPolicy;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quantization-aware training of a continuous-control actor whose graph normalizes observations and
 * squashes actions (the committed TRPO Hopper-v4 policy): the study's QAT cells on MuJoCo policies. The
 * student learns on normalized states and keeps its frozen normalization; its int8 graph must match its
 * Java reference within the scheme's bound and its actions must stay close to the fp32 teacher's.
 */
class ContinuousQatTest {
  @TempDir Path dir;

  @Test
  void qatFineTunesANormalizedGaussianActorAndKeepsItsNormalization() throws Exception {
    PolicyModel fp32 = OnnxImporter.read(Path.of(System.getProperty("rlc.home"), "docs/results/models/trpo-hopper-v4.onnx"));
    assertNotNull(fp32.normalization(), "fixture: the TRPO actor normalizes its observations in the graph");
    Calibration.Episodes cal = Calibration.Episodes.of("Hopper-v4", 2, 2_000);
    List<float[]> states = cal.states(fp32);
    Quantizer.Result qat = Quantizer.quantize(fp32, new QuantOptions.Qat(Part.ALL, true, new Observer.MinMax(),
        Distiller.Config.of(200, 1e-4).withSeed(Calibration.DEFAULT_SEED), false), cal);
    PolicyModel student = qat.policy().model();
    assertEquals(fp32.normalization(), student.normalization(), "the frozen normalization travels unchanged");
    assertNotEquals(fp32.actionHead().layers(), student.actionHead().layers(), "fine-tuning changed the weights");

    Path file = dir.resolve("qat.onnx");
    OnnxExporter.write(qat.policy().toProto(), file);
    double sq = 0, range = 2; // Hopper's actions lie in [-1, 1]
    int n = 0;
    try (OrtPolicy ort = OrtPolicy.load(file)) {
      for (float[] s : states.subList(0, Math.min(500, states.size()))) {
        float[] y = ort.run(s);
        QuantizedPolicy.Reference ref = qat.policy().referenceWithBound(s);
        float[] teacher = fp32.forward(s);
        for (int k = 0; k < y.length; k++) {
          assertTrue(Math.abs(y[k] - ref.output()[k]) <= ref.bound() + 1e-5f, "ORT vs the Java reference of the int8 graph");
          sq += (y[k] - teacher[k]) * (y[k] - teacher[k]);
          n++;
        }
      }
    }
    double rmse = Math.sqrt(sq / n) / range;
    assertTrue(rmse < 0.05, "QAT actions stay near the fp32 actor's: normalized RMSE " + rmse);
  }
}
