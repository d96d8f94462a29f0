package dev.rlcompress.env.gym;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.rlcompress.env.Space;
import dev.rlcompress.env.Step;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a worker hosts (spaces, limits), read from its handshake, and the decoding of its replies:
 * observations arrive as bytes (uint8 images) or float32, and become the {@code float[]} that
 * {@link dev.rlcompress.env.Env} hands out.
 */
record Codec(Space observationSpace, Space actionSpace, boolean byteObservations, int maxEpisodeSteps, double successThreshold) {

  static Codec of(JsonObject d) {
    JsonObject obs = d.getAsJsonObject("obs");
    int[] shape = ints(obs.getAsJsonArray("shape"));
    int size = 1;
    for (int s : shape) size *= s;
    Space observation = new Space.Box(shape, bounds(obs.get("low"), size), bounds(obs.get("high"), size));
    JsonObject act = d.getAsJsonObject("act");
    Space action = act.get("kind").getAsString().equals("discrete")
        ? new Space.Discrete(act.get("n").getAsInt())
        : new Space.Box(ints(act.getAsJsonArray("shape")), bounds(act.get("low"), -1), bounds(act.get("high"), -1));
    JsonElement limit = d.get("max_episode_steps");
    JsonElement threshold = d.get("reward_threshold");
    return new Codec(observation, action, obs.get("wire").getAsString().equals("u1"),
        limit == null || limit.isJsonNull() ? Integer.MAX_VALUE : limit.getAsInt(),
        threshold == null || threshold.isJsonNull() ? Double.NaN : threshold.getAsDouble());
  }

  private static int[] ints(JsonArray a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsInt();
    return out;
  }

  /** A bound given as one number for every element (size copies) or as a list. */
  private static float[] bounds(JsonElement e, int size) {
    if (e.isJsonArray()) {
      JsonArray a = e.getAsJsonArray();
      float[] out = new float[a.size()];
      for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsFloat();
      return out;
    }
    float[] out = new float[size];
    java.util.Arrays.fill(out, e.getAsFloat());
    return out;
  }

  int observationSize() {
    return observationSpace.flatSize();
  }

  float[] readObservation(ByteBuffer b) {
    float[] out = new float[observationSize()];
    if (byteObservations) {
      byte[] a = b.array();
      int p = b.arrayOffset() + b.position();
      for (int i = 0; i < out.length; i++) out[i] = a[p + i] & 0xff;
      b.position(b.position() + out.length);
    } else {
      b.asFloatBuffer().get(out);
      b.position(b.position() + 4 * out.length);
    }
    return out;
  }

  /** One step record: reward, flags, numeric info, observation. */
  Step readStep(ByteBuffer b) {
    double reward = b.getDouble();
    int flags = b.get();
    int entries = b.get() & 0xff;
    Map<String, Double> info = entries == 0 ? Map.of() : new LinkedHashMap<>();
    for (int k = 0; k < entries; k++) {
      int len = b.get() & 0xff;
      String key = new String(b.array(), b.arrayOffset() + b.position(), len, StandardCharsets.UTF_8);
      b.position(b.position() + len);
      info.put(key, b.getDouble());
    }
    return new Step(readObservation(b), reward, (flags & 1) != 0, (flags & 2) != 0, info);
  }

  /** Bytes one action takes in a request. */
  int actionBytes() {
    return 4 * actionSpace.flatSize();
  }

  void putAction(ByteBuffer b, int action, String id) {
    if (!(actionSpace instanceof Space.Discrete d))
      throw new IllegalArgumentException(id + " has continuous actions; call step(float[])");
    if (action < 0 || action >= d.n()) throw new IllegalArgumentException("action " + action + " outside " + d);
    b.putInt(action);
  }

  /** Continuous actions are clipped to the action space, as {@link dev.rlcompress.env.Env} promises. */
  void putAction(ByteBuffer b, float[] action, String id) {
    if (!(actionSpace instanceof Space.Box box))
      throw new IllegalArgumentException(id + " has discrete actions; call step(int)");
    if (action.length != box.flatSize())
      throw new IllegalArgumentException("action has " + action.length + " elements, " + id + " expects " + box.flatSize());
    for (float x : box.clip(action)) b.putFloat(x);
  }
}
