package dev.rlcompress.compress.quantize;

import dev.rlcompress.compress.distill.Distiller;
import dev.rlcompress.model.Part;
import dev.rlcompress.util.UserError;

/**
 * What to quantize and how, one record per method holding only the options that method has: input
 * equalization exists only for the int8 methods that quantize activations, an observer only where
 * activation ranges are calibrated, fine-tuning only for qat and binary, a block size only for int4.
 * Output centering (an exact rewrite of a discrete head) applies before any method.
 */
public sealed interface QuantOptions {
  /** The method's name on the command line and in the provenance. */
  String method();

  /** Which weighted layers are quantized. */
  Part part();

  /** Subtract the mean over actions in the last layer first ({@link OutputCentering}). */
  boolean centerOutputs();

  /** The weighted layers this method quantizes (the part's, unless the options name layers). */
  default java.util.List<dev.rlcompress.model.PolicyModel.NamedLayer> select(dev.rlcompress.model.PolicyModel m) {
    return part().select(m);
  }

  /** Whether the method needs the policy's own states (calibration or fine-tuning). */
  default boolean needsStates() {
    return false;
  }

  /** Dynamic int8 (PTDQ): int8 weights, activations quantized per call. */
  record Ptdq(Part part, boolean perChannel, boolean equalizeInputs, boolean centerOutputs) implements QuantOptions {
    public String method() {
      return "ptdq";
    }

    @Override
    public boolean needsStates() {
      return equalizeInputs;
    }
  }

  /** Static int8 (PTSQ, QDQ): activation ranges fixed by calibration with {@code observer}. */
  record Ptsq(Part part, boolean perChannel, Observer observer, boolean equalizeInputs, boolean centerOutputs)
      implements QuantOptions {
    public String method() {
      return "ptsq";
    }

    @Override
    public boolean needsStates() {
      return true;
    }
  }

  /** fp16 weight storage, cast to fp32 in the graph. */
  record Fp16(Part part, boolean centerOutputs) implements QuantOptions {
    public String method() {
      return "fp16";
    }
  }

  /** The whole graph in fp16 (every layer: no part to choose). */
  record Fp16Graph(boolean centerOutputs) implements QuantOptions {
    public String method() {
      return "fp16";
    }

    public Part part() {
      return Part.ALL;
    }
  }

  /** Int8 quantization-aware fine-tuning, exported as static int8. */
  record Qat(Part part, boolean perChannel, Observer observer, Distiller.Config finetune, boolean centerOutputs)
      implements QuantOptions {
    public String method() {
      return "qat";
    }

    @Override
    public boolean needsStates() {
      return true;
    }
  }

  /** Binary weights ±α per output channel, fine-tuned with a straight-through sign. */
  record Binary(Part part, Distiller.Config finetune, boolean centerOutputs) implements QuantOptions {
    public String method() {
      return "binary";
    }

    @Override
    public boolean needsStates() {
      return true;
    }
  }

  /** Block-wise int4 weights (MatMulNBits), activations fp32. */
  record Int4(Part part, int blockSize, boolean centerOutputs) implements QuantOptions {
    public Int4 {
      if (blockSize < 16 || Integer.bitCount(blockSize) != 1)
        throw new UserError("int4 block size must be a power of two >= 16 (got " + blockSize + ")");
    }

    public String method() {
      return "int4";
    }
  }

  /**
   * A precision per layer (weight-only and dynamic schemes only, so no calibration): what an automatic
   * search assigns once it has measured each layer's sensitivity. Layers not named, or named fp32, stay
   * fp32.
   */
  record Mixed(java.util.Map<dev.rlcompress.model.LayerId, Precision> layers, boolean centerOutputs) implements QuantOptions {
    public Mixed {
      layers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(layers));
    }

    public String method() {
      return "mixed";
    }

    public Part part() {
      return Part.ALL;
    }

    @Override
    public java.util.List<dev.rlcompress.model.PolicyModel.NamedLayer> select(dev.rlcompress.model.PolicyModel m) {
      for (dev.rlcompress.model.LayerId id : layers.keySet())
        if (Part.weighted(m).stream().noneMatch(n -> n.id().equals(id)))
          throw new UserError("no weighted layer named " + id + " in this model");
      return Part.weighted(m).stream().filter(n -> layers.getOrDefault(n.id(), Precision.FP32) != Precision.FP32).toList();
    }

    /** The assignment as text, every weighted layer of {@code m} in order: {@code q.0=int8-pc,q.2=int4,q.4=fp32}. */
    public String describe(dev.rlcompress.model.PolicyModel m) {
      java.util.StringJoiner j = new java.util.StringJoiner(",");
      for (dev.rlcompress.model.PolicyModel.NamedLayer n : Part.weighted(m))
        j.add(n.id() + "=" + layers.getOrDefault(n.id(), Precision.FP32).label);
      return j.toString();
    }
  }

  /** Fine-tuning defaults: 3000 steps at 1e-4 (qat) or 1e-3 (binary, whose sign flips need larger steps). */
  static Distiller.Config defaultFinetune(String method) {
    return Distiller.Config.of(3000, method.equals("binary") ? 1e-3 : 1e-4).withSeed(dev.rlcompress.compress.Calibration.DEFAULT_SEED);
  }

  /** The method with its defaults (per-channel, min-max observer, whole network, block 32). */
  static QuantOptions defaults(String method) {
    return switch (method) {
      case "ptdq" -> new Ptdq(Part.ALL, true, false, false);
      case "ptsq" -> new Ptsq(Part.ALL, true, new Observer.MinMax(), false, false);
      case "fp16" -> new Fp16(Part.ALL, false);
      case "qat" -> new Qat(Part.ALL, true, new Observer.MinMax(), defaultFinetune("qat"), false);
      case "binary" -> new Binary(Part.ALL, defaultFinetune("binary"), false);
      case "int4" -> new Int4(Part.ALL, 32, false);
      default -> throw new UserError("unknown quantization method '" + method + "'; known: ptdq, ptsq, fp16, qat, binary, int4");
    };
  }
}
