package dev.rlcompress.env.gym;

import com.google.gson.JsonObject;
import dev.rlcompress.env.Env;
import dev.rlcompress.env.EnvBatch;
import dev.rlcompress.env.Step;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * N copies of a Gymnasium-hosted environment spread over a few workers. A step sends one message to
 * every worker (all its copies' actions), then reads the replies: workers step in parallel, and a
 * worker's copies cost one round trip, not one each. Copies that end an episode are reset by the
 * worker in the same message, with the seeds the request carries.
 */
final class GymBatch implements EnvBatch {
  private final GymWorker[] workers;
  private final int[] first; // copies first[w] .. first[w+1]-1 live on worker w
  private final GymEnv[] copies;
  private final Codec codec;
  private final ByteBuffer[] requests;

  /**
   * Starts the workers for {@code n} copies described by {@code config} (the worker's JSON config,
   * without the count). Workers are started one after the other; a failure closes those started.
   */
  static GymBatch start(String id, JsonObject config, int n, BridgeSettings settings) {
    int w = Math.min(n, settings.workers());
    GymWorker[] workers = new GymWorker[w];
    int[] first = new int[w + 1];
    try {
      for (int k = 0; k < w; k++) {
        first[k + 1] = (int) ((long) n * (k + 1) / w);
        JsonObject c = config.deepCopy();
        c.addProperty("count", first[k + 1] - first[k]);
        workers[k] = GymWorker.start(id, c, settings.timeout());
      }
    } catch (RuntimeException e) {
      for (GymWorker started : workers) if (started != null) started.close();
      throw e;
    }
    return new GymBatch(id, workers, first);
  }

  private GymBatch(String id, GymWorker[] workers, int[] first) {
    this.workers = workers;
    this.first = first;
    this.codec = Codec.of(workers[0].description());
    int n = first[workers.length];
    copies = new GymEnv[n];
    requests = new ByteBuffer[workers.length];
    for (int w = 0; w < workers.length; w++) {
      int count = first[w + 1] - first[w];
      for (int j = 0; j < count; j++)
        copies[first[w] + j] = new GymEnv(id, workers[w], j, codec, count == 1 && workers.length == 1);
      int size = Math.max(1 + count * (codec.actionBytes() + 8), 3 + count * 11);
      requests[w] = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
  }

  @Override
  public Env env(int i) {
    return copies[i];
  }

  @Override
  public void reset(long[] seeds, float[][] obs) {
    for (int w = 0; w < workers.length; w++) {
      ByteBuffer r = requests[w].clear();
      r.put((byte) 'R').putShort((short) (first[w + 1] - first[w]));
      for (int i = first[w]; i < first[w + 1]; i++) r.putShort((short) (i - first[w])).put((byte) 1).putLong(seeds[i]);
    }
    exchange((w, reply) -> {
      for (int i = first[w]; i < first[w + 1]; i++) {
        obs[i] = codec.readObservation(reply);
        copies[i].markReset();
      }
    });
  }

  @Override
  public void step(int[] actions, long[] resetSeeds, Step[] steps, float[][] next) {
    for (int w = 0; w < workers.length; w++) {
      ByteBuffer r = stepRequest(w);
      for (int i = first[w]; i < first[w + 1]; i++) codec.putAction(r, actions[i], copies[i].id());
      for (int i = first[w]; i < first[w + 1]; i++) r.putLong(resetSeeds[i]);
    }
    exchange((w, reply) -> readSteps(w, reply, steps, next));
  }

  @Override
  public void step(float[][] actions, long[] resetSeeds, Step[] steps, float[][] next) {
    for (int w = 0; w < workers.length; w++) {
      ByteBuffer r = stepRequest(w);
      for (int i = first[w]; i < first[w + 1]; i++) codec.putAction(r, actions[i], copies[i].id());
      for (int i = first[w]; i < first[w + 1]; i++) r.putLong(resetSeeds[i]);
    }
    exchange((w, reply) -> readSteps(w, reply, steps, next));
  }

  /** 'S', then the slots' actions, then the seeds for the slots whose episode ends. */
  private ByteBuffer stepRequest(int w) {
    return requests[w].clear().put((byte) 'S');
  }

  private void readSteps(int w, ByteBuffer reply, Step[] steps, float[][] next) {
    for (int i = first[w]; i < first[w + 1]; i++) {
      Step s = codec.readStep(reply);
      steps[i] = s;
      next[i] = s.done() ? codec.readObservation(reply) : s.observation();
    }
  }

  private interface ReplyReader {
    void read(int worker, ByteBuffer reply);
  }

  /**
   * Sends every worker its prepared request, then reads every reply that is owed, even after a
   * failure, so that each worker's replies stay paired with its requests; the first failure is thrown.
   */
  private void exchange(ReplyReader reader) {
    RuntimeException failure = null;
    int sent = 0;
    try {
      for (; sent < workers.length; sent++) workers[sent].send(requests[sent].flip());
    } catch (RuntimeException e) {
      failure = e;
    }
    for (int w = 0; w < sent; w++) {
      try {
        ByteBuffer reply = workers[w].receive();
        if (failure == null) reader.read(w, reply);
      } catch (RuntimeException e) {
        if (failure == null) failure = e;
      }
    }
    if (failure != null) throw failure;
  }

  @Override
  public void close() {
    for (GymWorker w : workers) w.close();
  }
}
