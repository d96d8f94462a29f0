package dev.rlcompress.cli;

import dev.rlcompress.compress.Calibration;
import dev.rlcompress.compress.quantize.Observer;
import dev.rlcompress.eval.ActionGaps;
import dev.rlcompress.compress.quantize.QuantOptions;
import dev.rlcompress.compress.quantize.Quantizer;
import dev.rlcompress.model.CompressionStep;
import dev.rlcompress.model.Part;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.runtime.GraphInspector;
import dev.rlcompress.util.UserError;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "quantize",
    description = {
      "Quantize a model: ptdq, ptsq, fp16, qat, binary or int4.",
      "",
      "Quantize an fp32 model and write a new ONNX file that ONNX Runtime runs with integer/fp16 kernels.",
      "Methods:",
      "  ptdq    dynamic int8: int8 weights, activations quantized per call (DynamicQuantizeMatMul)",
      "  ptsq    static int8 (QDQ): activation ranges calibrated on the policy's own rollouts (QGemm/QLinearConv)",
      "  fp16    fp16 weights cast to fp32 at load (half the size); --full-fp16 runs the whole graph in fp16",
      "  qat     int8 quantization-aware fine-tuning (distillation from the fp32 policy), exported as ptsq",
      "  binary  weights in {-a,+a} per output channel, fine-tuned with a straight-through sign",
      "  int4    block-wise 4-bit weights (MatMulNBits), activations fp32",
      "Parts: features (CNN trunk, or all but the last Linear of an MLP), head (the rest), all."
    },
    mixinStandardHelpOptions = true)
final class QuantizeCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "fp32 model written by rlc.")
  Path model;

  @Option(names = "--method", required = true, description = "ptdq, ptsq, fp16, qat, binary or int4.")
  String method;

  @Option(names = "--per-channel", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Per-output-channel weight scales (default); --no-per-channel for one scale per tensor.")
  boolean perChannel;

  @Option(names = "--observer", defaultValue = "minmax", description = "Activation range observer for ptsq/qat: minmax, moving-average, percentile, mse (default: ${DEFAULT-VALUE}).")
  String observer;

  @Option(names = "--calibration-episodes", defaultValue = "10", description = "Episodes of the fp32 policy that calibrate (default: ${DEFAULT-VALUE}).")
  int calibrationEpisodes;

  @Option(names = "--part", defaultValue = "all", description = "features, head or all (default: ${DEFAULT-VALUE}).")
  String part;

  @Option(names = "--block-size", defaultValue = "32", description = "int4 block size (default: ${DEFAULT-VALUE}).")
  int blockSize;

  @Option(names = "--full-fp16", description = "fp16: run the whole graph in fp16.")
  boolean fullFp16;

  @Option(names = "--finetune-steps", defaultValue = "3000", description = "qat/binary fine-tuning gradient steps (default: ${DEFAULT-VALUE}).")
  int finetuneSteps;

  @Option(names = "--equalize-inputs", description = "ptdq/ptsq: rescale each observation feature to a common range first (folded into the first layer; exact in fp32).")
  boolean equalizeInputs;

  @Option(names = "--center-outputs", description = "Subtract the mean over actions in the last layer first (exact for greedy and softmax policies; shrinks int8 scales).")
  boolean centerOutputs;

  @Mixin DistillOptions distill;

  @Option(names = "--env", description = "Environment for calibration (default: the model's).")
  String env;

  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    Part p = Part.parse(part);
    Path out = output.checkedAgainst(model);
    long inputBytes = model.toFile().length();
    PolicyModel fp32 = OnnxImporter.read(model);
    String envId = env != null ? env : fp32.provenance().envId();
    Calibration.Episodes calibration = Calibration.Episodes.of(envId, calibrationEpisodes, 10_000, fp32);
    Quantizer.Result r = Quantizer.quantize(fp32, options(p), calibration);
    OnnxExporter.write(r.policy().toProto(), out);
    System.out.printf("wrote %s (%,d bytes, fp32 original %,d bytes)%n", out, out.toFile().length(), inputBytes);
    for (CompressionStep step : r.policy().model().provenance().compression()) System.out.println("step: " + step.describe());
    if (r.packedWeightBytes() >= 0) System.out.printf("bit-packed weights would take %,d bytes%n", r.packedWeightBytes());
    System.out.println("ONNX Runtime executes: " + GraphInspector.optimizedOps(out));
    warnOnGaps(fp32, r, calibration);
    return 0;
  }

  /**
   * One line when the scheme's output error exceeds the fp32 policy's action gap on most of its own
   * states (greedy decisions will flip), pointing to the search that keeps the fragile layers precise.
   */
  private static void warnOnGaps(PolicyModel fp32, Quantizer.Result r, Calibration.Episodes calibration) {
    if (!fp32.actionHead().kind().isDiscrete()) return;
    java.util.List<float[]> states = r.calibrationStates().isEmpty() ? calibration.states(fp32.actionOnly()) : r.calibrationStates();
    ActionGaps.Row row = ActionGaps.compare(OnnxExporter.toProto(fp32.actionOnly()), r.policy().toProto(), states);
    if (row.exceedsGap() > 0.5)
      System.out.printf("warning: the output error exceeds the action gap on %.0f%% of the fp32 policy's states (greedy agreement %.0f%%): "
          + "expect lost return; rlc compress searches per-layer precision that keeps it%n", 100 * row.exceedsGap(), 100 * row.agreement());
  }

  /** The method's option record from the flags; flags that do not fit the method are refused. */
  private QuantOptions options(Part p) {
    QuantOptions d = Quantizer.defaults(method);
    if (equalizeInputs && !(d instanceof QuantOptions.Ptdq || d instanceof QuantOptions.Ptsq))
      throw new UserError("--equalize-inputs applies to ptdq and ptsq");
    if (fullFp16 && !(d instanceof QuantOptions.Fp16)) throw new UserError("--full-fp16 applies to fp16");
    if (fullFp16 && p != Part.ALL) throw new UserError("--full-fp16 runs the whole graph in fp16; it takes no --part");
    if (distill.temperature != null && !(d instanceof QuantOptions.Qat || d instanceof QuantOptions.Binary))
      throw new UserError("--distill-temperature applies to qat and binary");
    return switch (d) {
      case QuantOptions.Ptdq x -> new QuantOptions.Ptdq(p, perChannel, equalizeInputs, centerOutputs);
      case QuantOptions.Ptsq x -> new QuantOptions.Ptsq(p, perChannel, Observer.parse(observer), equalizeInputs, centerOutputs);
      case QuantOptions.Fp16 x -> fullFp16 ? new QuantOptions.Fp16Graph(centerOutputs) : new QuantOptions.Fp16(p, centerOutputs);
      case QuantOptions.Fp16Graph x -> x;
      case QuantOptions.Mixed x -> x;
      case QuantOptions.Int4 x -> new QuantOptions.Int4(p, blockSize, centerOutputs);
      case QuantOptions.Qat x -> new QuantOptions.Qat(p, perChannel, Observer.parse(observer),
          x.finetune().withSteps(finetuneSteps).withTemperature(distill.value()), centerOutputs);
      case QuantOptions.Binary x -> new QuantOptions.Binary(p, x.finetune().withSteps(finetuneSteps).withTemperature(distill.value()),
          centerOutputs);
    };
  }
}
