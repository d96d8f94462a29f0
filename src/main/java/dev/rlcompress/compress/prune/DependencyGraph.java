package dev.rlcompress.compress.prune;

import dev.rlcompress.model.Forward;
import dev.rlcompress.model.Head;
import dev.rlcompress.model.Layer;
import dev.rlcompress.model.LayerId;
import dev.rlcompress.model.PolicyModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Pruning groups derived from a policy's structure, in the spirit of DepGraph (Fang et al. 2023):
 * removing output unit k of a weighted layer (a Linear neuron or a Conv channel) must remove the
 * matching inputs of every layer that consumes it. Consumers are found by walking forward through
 * element-wise activations and Flatten (where channel k becomes H·W consecutive columns), and across
 * the end of the trunk into the first weighted layer of every head (shared trunks feeding actor and
 * critic). Layers whose outputs leave the network (a head's last layer) are never pruned, nor is the
 * observation input.
 */
public final class DependencyGraph {
  private DependencyGraph() {}

  /** Where a layer sits: {@code head == -1} for the trunk, else the head index; {@code index} in that list. */
  public record Slot(int head, int index) {
    public LayerId id(PolicyModel m) {
      return head < 0 ? LayerId.trunk(index) : LayerId.of(m.heads().get(head), index);
    }

    public Layer layer(PolicyModel m) {
      return head < 0 ? m.trunk().get(index) : m.heads().get(head).layers().get(index);
    }
  }

  /**
   * A consumer of a producer's units.
   *
   * @param columnsPerUnit input columns of the consumer fed by one producer unit (H·W after a Flatten)
   */
  public record Consumer(Slot slot, int columnsPerUnit) {}

  /** A prunable group: the producer's output units and every consumer's matching inputs. */
  public record Group(Slot producer, int units, List<Consumer> consumers) {}

  public static List<Group> groups(PolicyModel m) {
    List<Group> out = new ArrayList<>();
    int[] shape = m.inputShape();
    for (int i = 0; i < m.trunk().size(); i++) {
      Layer l = m.trunk().get(i);
      shape = Forward.shapeAfter(l, shape);
      if (Layer.weighted(l)) addGroup(m, new Slot(-1, i), shape, out);
    }
    int[] trunkShape = shape;
    for (int h = 0; h < m.heads().size(); h++) {
      int[] s = trunkShape;
      List<Layer> ls = m.heads().get(h).layers();
      for (int i = 0; i < ls.size(); i++) {
        s = Forward.shapeAfter(ls.get(i), s);
        if (Layer.weighted(ls.get(i))) addGroup(m, new Slot(h, i), s, out);
      }
    }
    return out;
  }

  private static void addGroup(PolicyModel m, Slot p, int[] outShape, List<Group> out) {
    int units = outShape[0];
    int spatial = outShape.length == 3 ? outShape[1] * outShape[2] : 1;
    List<Consumer> consumers = new ArrayList<>();
    if (p.head() < 0) {
      // Walk the rest of the trunk.
      boolean flattened = false;
      for (int i = p.index() + 1; i < m.trunk().size(); i++) {
        Layer l = m.trunk().get(i);
        if (l instanceof Layer.Flatten) flattened = true;
        if (Layer.weighted(l)) {
          consumers.add(new Consumer(new Slot(-1, i), flattened ? spatial : 1));
          out.add(new Group(p, units, consumers));
          return;
        }
      }
      // The trunk's last weighted layer feeds every head.
      for (int h = 0; h < m.heads().size(); h++) {
        Consumer c = firstWeighted(m.heads().get(h), h, flattened, spatial);
        if (c == null) return; // a head outputs the trunk directly: these units are outputs
        consumers.add(c);
      }
      out.add(new Group(p, units, consumers));
      return;
    }
    Head head = m.heads().get(p.head());
    boolean flattened = false;
    for (int i = p.index() + 1; i < head.layers().size(); i++) {
      Layer l = head.layers().get(i);
      if (l instanceof Layer.Flatten) flattened = true;
      if (Layer.weighted(l)) {
        consumers.add(new Consumer(new Slot(p.head(), i), flattened ? spatial : 1));
        out.add(new Group(p, units, consumers));
        return;
      }
    }
    // Last weighted layer of a head: its outputs are the policy's outputs; not prunable.
  }

  private static Consumer firstWeighted(Head h, int index, boolean flattenedAlready, int spatial) {
    boolean flattened = flattenedAlready;
    for (int i = 0; i < h.layers().size(); i++) {
      Layer l = h.layers().get(i);
      if (l instanceof Layer.Flatten) flattened = true;
      if (Layer.weighted(l)) return new Consumer(new Slot(index, i), flattened ? spatial : 1);
    }
    return null;
  }
}
