package dev.rlcompress.cli;
import dev.rlcompress.compress.Part;

import dev.rlcompress.compress.quantize.Observer;

import dev.rlcompress.compress.quantize.Quantizer;
import dev.rlcompress.model.PolicyModel;
import dev.rlcompress.onnx.OnnxExporter;
import dev.rlcompress.onnx.OnnxImporter;
import dev.rlcompress.runtime.GraphInspector;
import dev.rlcompress.util.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

  @Option(names = "--distill-temperature", description = "qat/binary: fine-tune with KL to softmax(teacher/T) (Rusu et al. 2016; 0.01 for DQN) instead of MSE on Q-values. Outputs become action scores.")
  Double distillTemperature;

  @Option(names = "--env", description = "Environment for calibration (default: the model's).")
  String env;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.onnx", description = "Where to write the quantized model.")
  Path out;

  @Override
  public Integer call() throws Exception {
    Quantizer.Method m = Quantizer.Method.parse(method);
    Observer obs = Observer.parse(observer);
    Part p = Part.parse(part);
    if (calibrationEpisodes <= 0) throw new UserError("--calibration-episodes must be at least 1");
    if (finetuneSteps < 0) throw new UserError("--finetune-steps must not be negative");
    PolicyModel fp32 = OnnxImporter.read(model);
    String envId = env != null ? env : fp32.provenance().envId();
    Quantizer.Spec d = Quantizer.Spec.defaults(m, envId);
    Quantizer.Spec spec = new Quantizer.Spec(m, p, perChannel, obs, envId, calibrationEpisodes, d.calibrationSeed(),
        d.maxCalibrationStates(), blockSize, fullFp16, finetuneSteps, d.finetuneLr(), equalizeInputs, centerOutputs,
        distillTemperature == null ? Double.NaN : distillTemperature);
    Quantizer.Result r;
    try {
      r = Quantizer.quantize(fp32, spec);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    OnnxExporter.write(r.policy().toProto(), out);
    System.out.printf("wrote %s (%,d bytes, fp32 original %,d bytes)%n", out, Files.size(out), Files.size(model));
    System.out.println("step: " + r.policy().model().provenance().compression().getLast());
    if (r.packedWeightBytes() >= 0) System.out.printf("bit-packed weights would take %,d bytes%n", r.packedWeightBytes());
    System.out.println("ONNX Runtime executes: " + GraphInspector.optimizedOps(out));
    return 0;
  }
}
