package dev.rlcompress.env.gym;

import dev.rlcompress.env.Env;
import dev.rlcompress.env.Space;
import dev.rlcompress.env.Step;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One environment copy hosted by a Gymnasium worker: slot {@code slot} of {@code worker}. Made alone
 * ({@link dev.rlcompress.env.Envs#make(String)}) it owns its worker and {@link #close()} ends it; as
 * part of a {@link GymBatch} the batch owns the workers and closing the copy does nothing.
 */
public final class GymEnv implements Env {
  private final String id;
  private final GymWorker worker;
  private final int slot;
  private final Codec codec;
  private final boolean ownsWorker;
  private final ByteBuffer request;
  private boolean needsReset = true;

  GymEnv(String id, GymWorker worker, int slot, Codec codec, boolean ownsWorker) {
    this.id = id;
    this.worker = worker;
    this.slot = slot;
    this.codec = codec;
    this.ownsWorker = ownsWorker;
    this.request = ByteBuffer.allocate(Math.max(3 + codec.actionBytes(), 14)).order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Space observationSpace() {
    return codec.observationSpace();
  }

  @Override
  public Space actionSpace() {
    return codec.actionSpace();
  }

  @Override
  public int maxEpisodeSteps() {
    return codec.maxEpisodeSteps();
  }

  @Override
  public double successThreshold() {
    return codec.successThreshold();
  }

  /** The worker process's id (diagnostics, tests). */
  public long workerPid() {
    return worker.pid();
  }

  @Override
  public float[] reset(long seed) {
    return reset(true, seed);
  }

  @Override
  public float[] reset() {
    return reset(false, 0);
  }

  private float[] reset(boolean seeded, long seed) {
    request.clear();
    request.put((byte) 'R').putShort((short) 1).putShort((short) slot).put((byte) (seeded ? 1 : 0)).putLong(seed);
    float[] obs = codec.readObservation(worker.call(request.flip()));
    needsReset = false;
    return obs;
  }

  @Override
  public Step step(int action) {
    request.clear();
    request.put((byte) 'T').putShort((short) slot);
    codec.putAction(request, action, id);
    return send();
  }

  @Override
  public Step step(float[] action) {
    request.clear();
    request.put((byte) 'T').putShort((short) slot);
    codec.putAction(request, action, id);
    return send();
  }

  private Step send() {
    if (needsReset)
      throw new IllegalStateException(id + ": step() called before reset() or after the episode ended");
    Step s = codec.readStep(worker.call(request.flip()));
    needsReset = s.done();
    return s;
  }

  GymWorker worker() {
    return worker;
  }

  /** Marks the copy ready after the batch reset it. */
  void markReset() {
    needsReset = false;
  }

  @Override
  public void close() {
    if (ownsWorker) worker.close();
  }
}
