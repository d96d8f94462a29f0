package dev.rlcompress.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.rlcompress.model.Layer;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint restores weights, optimiser state and replay buffer, not just the step counter. */
class CheckpointTest {
  @TempDir Path dir;

  @Test
  void weightsAdamAndReplayBufferRoundTrip() throws Exception {
    SplittableRandom r = new SplittableRandom(5);
    Mlp net = new Mlp(new int[] {3, 8, 2}, Layer.Activation.Kind.RELU, Double.NaN, r);
    Adam adam = new Adam(net.params, 0.9, 0.999, 1e-8);
    float[][] g = new float[net.params.length][];
    for (int i = 0; i < g.length; i++) {
      g[i] = new float[net.params[i].length];
      for (int j = 0; j < g[i].length; j++) g[i][j] = (float) r.nextGaussian();
    }
    adam.step(net.params, g, 1e-3, 0);
    adam.step(net.params, g, 1e-3, 0);
    ReplayBuffer buf = new ReplayBuffer(10, 3);
    for (int t = 0; t < 13; t++) buf.add(new float[] {t, t + 1, t + 2}, t % 2, t * 0.5, new float[] {-t, 0, t}, t % 3 == 0);

    Checkpoint c = new Checkpoint();
    c.putNet("net", net);
    c.putAdam("adam", adam);
    buf.save(c);
    Path f = dir.resolve("c.bin");
    c.write(f);

    Checkpoint back = Checkpoint.read(f);
    Mlp net2 = new Mlp(new int[] {3, 8, 2}, Layer.Activation.Kind.RELU, Double.NaN, new SplittableRandom(99));
    Adam adam2 = new Adam(net2.params, 0.9, 0.999, 1e-8);
    ReplayBuffer buf2 = new ReplayBuffer(10, 3);
    back.loadNet("net", net2);
    back.loadAdam("adam", adam2);
    buf2.load(back);
    for (int i = 0; i < net.params.length; i++) {
      assertArrayEquals(net.params[i], net2.params[i]);
      assertArrayEquals(adam.m[i], adam2.m[i]);
      assertArrayEquals(adam.v[i], adam2.v[i]);
    }
    assertEquals(2, adam2.t);
    assertArrayEquals(buf.obs, buf2.obs);
    assertArrayEquals(buf.nextObs, buf2.nextObs);
    assertArrayEquals(buf.rewards, buf2.rewards);
    assertArrayEquals(buf.terminated, buf2.terminated);
    assertArrayEquals(buf.actions, buf2.actions);
    assertEquals(buf.size, buf2.size);
    assertEquals(buf.pos, buf2.pos);
  }

  @Test
  void aFlippedByteIsDetected() throws Exception {
    Checkpoint c = new Checkpoint();
    c.put("x", new float[] {1, 2, 3});
    Path f = dir.resolve("c.bin");
    c.write(f);
    byte[] b = java.nio.file.Files.readAllBytes(f);
    b[b.length / 2] ^= 1;
    java.nio.file.Files.write(f, b);
    java.io.IOException e = assertThrows(java.io.IOException.class, () -> Checkpoint.read(f));
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
  }
}
