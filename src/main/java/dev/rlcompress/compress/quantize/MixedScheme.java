package dev.rlcompress.compress.quantize;

import dev.rlcompress.model.Layer;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.onnx.GraphBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One scheme per layer: each layer's nodes and Java reference come from the scheme chosen for it. What
 * lets a search keep a fragile output layer in fp32 while the wide hidden layers go to int8 or int4.
 */
final class MixedScheme implements LayerScheme {
  private final Map<LayerId, LayerScheme> byLayer;

  MixedScheme(Map<LayerId, LayerScheme> byLayer) {
    this.byLayer = new LinkedHashMap<>(byLayer);
  }

  private LayerScheme of(LayerId id) {
    LayerScheme s = byLayer.get(id);
    if (s == null) throw new IllegalArgumentException("no scheme chosen for " + id);
    return s;
  }

  @Override
  public String describe() {
    StringJoiner j = new StringJoiner(",", "mixed(", ")");
    byLayer.forEach((id, s) -> j.add(id + "=" + s.describe()));
    return j.toString();
  }

  @Override
  public boolean supports(Layer layer) {
    return byLayer.values().stream().allMatch(s -> s.supports(layer));
  }

  @Override
  public String write(GraphBuilder g, Layer layer, LayerId prefix, String input, int[] inputShape) {
    return of(prefix).write(g, layer, prefix, input, inputShape);
  }

  @Override
  public float[] reference(Layer layer, LayerId prefix, float[] x, int[] inputShape) {
    return of(prefix).reference(layer, prefix, x, inputShape);
  }

  @Override
  public float stepBound(Layer layer, LayerId prefix, float[] x, int[] inputShape) {
    return of(prefix).stepBound(layer, prefix, x, inputShape);
  }

  @Override
  public boolean microsoftOps() {
    return byLayer.values().stream().anyMatch(LayerScheme::microsoftOps);
  }
}
