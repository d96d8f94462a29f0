package dev.rlcompress.train.nn;

import dev.rlcompress.util.Rows;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;

/**
 * Updates per second of TD3- and SAC-shaped gradient steps on random replay data, on either backend.
 * Each update does the network work of the real algorithm (same forwards, backwards, optimiser steps
 * and soft updates, same shapes), with the element-wise loss math in Java for both backends, so the
 * backends differ only in the MLP work. Time is the benchmark thread's CPU time (the figure for "one
 * core", insensitive to other processes sharing the machine); wall time is reported beside it.
 */
public final class UpdateBench {
  /** Network and batch shape: HalfCheetah-sized by default (17 observations, 6 actions, 256-256, batch 256). */
  public record Shape(int obs, int act, int hidden, int batch) {}

  /**
   * @param updates gradient steps measured (after warm-up)
   * @param cpuSeconds CPU time of the benchmark thread over them
   * @param wallSeconds elapsed time over them
   * @param flopsPerUpdate multiply-adds × 2 of the MLP products in one update (unpadded)
   * @param bytesPerUpdate heap allocated by the thread per update (0 = allocation-free)
   */
  public record Result(String algo, Mlp.Backend backend, long updates, double cpuSeconds, double wallSeconds, double flopsPerUpdate, double bytesPerUpdate) {
    public double updatesPerCpuSecond() {
      return updates / cpuSeconds;
    }

    public double updatesPerWallSecond() {
      return updates / wallSeconds;
    }

    public double gflops() {
      return flopsPerUpdate * updatesPerCpuSecond() / 1e9;
    }
  }

  private static final double GAMMA = 0.99, TAU = 0.005;
  private static final int REPLAY = 10_000;

  private final Shape shape;
  private final Mlp.Backend backend;
  private final SplittableRandom rng = new SplittableRandom(1);
  private final float[] replayObs, replayAct, replayNext, replayRew, replayDone;
  private final int[] rows;
  private final float[] s, a, r, d, s2, sa, noise, y, dq1, dq2, dAct, dActor;
  private double flops;

  private UpdateBench(Shape shape, Mlp.Backend backend) {
    this.shape = shape;
    this.backend = backend;
    int o = shape.obs(), n = shape.act(), b = shape.batch();
    replayObs = uniform(REPLAY * o);
    replayNext = uniform(REPLAY * o);
    replayAct = uniform(REPLAY * n);
    replayRew = uniform(REPLAY);
    replayDone = new float[REPLAY];
    for (int i = 0; i < REPLAY; i += 100) replayDone[i] = 1;
    rows = new int[b];
    s = new float[b * o];
    s2 = new float[b * o];
    a = new float[b * n];
    r = new float[b];
    d = new float[b];
    sa = new float[b * (o + n)];
    noise = new float[b * n];
    y = new float[b];
    dq1 = new float[b];
    dq2 = new float[b];
    dAct = new float[b * n];
    dActor = new float[b * 2 * n];
  }

  /** Runs warm-up then measurement for one algorithm ("td3" or "sac") on one backend. */
  public static Result run(String algo, Mlp.Backend backend, Shape shape, double warmupSeconds, double seconds) {
    UpdateBench bench = new UpdateBench(shape, backend);
    Runnable update = switch (algo) {
      case "td3" -> bench.td3();
      case "sac" -> bench.sac();
      default -> throw new IllegalArgumentException("unknown algorithm " + algo + " (td3, sac)");
    };
    var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    // Warm-up by CPU time: on a loaded machine a wall-clock warm-up may end before C2 has compiled the
    // kernels (the interpreted Vector API allocates and runs ~100x slower). The Java backend keeps warming
    // until ten updates run without allocating, i.e. compiled (at most 10 s more).
    long tid = Thread.currentThread().threadId(), cpuStart = threads.getCurrentThreadCpuTime(), wallStart = System.nanoTime();
    while (threads.getCurrentThreadCpuTime() - cpuStart < warmupSeconds * 1e9 && System.nanoTime() - wallStart < 4 * warmupSeconds * 1e9)
      update.run();
    for (long extra = threads.getCurrentThreadCpuTime(); backend == Mlp.Backend.JAVA && threads.getCurrentThreadCpuTime() - extra < 10e9; ) {
      long before = threads.getThreadAllocatedBytes(tid);
      for (int i = 0; i < 10; i++) update.run();
      if (threads.getThreadAllocatedBytes(tid) == before) break;
    }
    bench.flops = 0;
    long n = 0;
    long cpu0 = threads.getCurrentThreadCpuTime(), wall0 = System.nanoTime(), bytes0 = threads.getThreadAllocatedBytes(tid);
    // Stop on CPU time, so a loaded machine measures as much work as an idle one (within a wall cap).
    while (threads.getCurrentThreadCpuTime() - cpu0 < seconds * 1e9 && System.nanoTime() - wall0 < 4 * seconds * 1e9) {
      update.run();
      n++;
    }
    long bytes = threads.getThreadAllocatedBytes(tid) - bytes0;
    double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9, wall = (System.nanoTime() - wall0) / 1e9;
    bench.close();
    return new Result(algo, backend, n, cpu, wall, bench.flops / n, (double) bytes / n);
  }

  /**
   * CPU microseconds per call of one network at one batch size: a forward only (rollout action
   * selection), or forward + backward + Adam step (one optimisation step of one network).
   */
  public static double micros(Mlp.Backend backend, int[] sizes, int batch, boolean train, double seconds) {
    SplittableRandom rng = new SplittableRandom(2);
    try (Mlp net = Mlp.of(backend, sizes, Activation.RELU, Activation.IDENTITY, WeightInit.TORCH_DEFAULT, rng)) {
      Adam adam = new Adam(Adam.Settings.lr(1e-5), net);
      float[] x = new float[batch * sizes[0]], d = new float[batch * net.outputs()];
      for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble();
      for (int i = 0; i < d.length; i++) d[i] = (float) rng.nextDouble() / batch;
      Runnable call = train ? () -> {
        net.backward(net.forward(x, batch), d, Backprop.PARAMS);
        adam.step();
      } : () -> net.forward(x, batch);
      var threads = ManagementFactory.getThreadMXBean();
      for (int phase = 0; ; phase++) { // phase 0 warms up, phase 1 measures
        long cpu0 = threads.getCurrentThreadCpuTime(), wall0 = System.nanoTime(), n = 0;
        double budget = (phase == 0 ? 0.5 : 1) * seconds;
        while (threads.getCurrentThreadCpuTime() - cpu0 < budget * 1e9 && System.nanoTime() - wall0 < 4 * budget * 1e9) {
          call.run();
          n++;
        }
        if (phase == 1) return (threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / n;
      }
    }
  }

  /**
   * Single-precision GFLOP/s of one core running only independent vector fused multiply-adds
   * ({@link Vec#FMA_CHAINS} accumulators, at least latency × units), at the JVM's preferred vector width: the practical peak
   * the kernels are measured against.
   */
  public static double fmaPeakGflops(double seconds) {
    var threads = ManagementFactory.getThreadMXBean();
    double best = 0;
    float sink = 0;
    int n = 200_000;
    // Compiled code only: on a loaded machine a loop bounded by wall time could end while fmaChains still
    // ran interpreted, and report a "peak" hundreds of times too low.
    for (int i = 0; i < 30; i++) sink += Vec.fmaChains(n);
    long cpu0 = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < 20 || threads.getCurrentThreadCpuTime() - cpu0 < seconds * 1e9; i++) {
      long t0 = threads.getCurrentThreadCpuTime();
      sink += Vec.fmaChains(n);
      best = Math.max(best, 2.0 * Vec.FMA_CHAINS * Vec.L * n / (threads.getCurrentThreadCpuTime() - t0));
    }
    return sink == 42 ? best + 1e-9 : best; // keeps the result live
  }

  private final java.util.List<Mlp> nets = new java.util.ArrayList<>();

  private Mlp net(int in, int out, Activation outAct) {
    Mlp m = Mlp.of(backend, new int[] {in, shape.hidden(), shape.hidden(), out}, Activation.RELU, outAct, WeightInit.TORCH_DEFAULT, rng);
    nets.add(m);
    return m;
  }

  private Mlp target(Mlp m) {
    Mlp t = m.copy();
    nets.add(t);
    return t;
  }

  private void close() {
    nets.forEach(Mlp::close);
  }

  /**
   * TD3 (Fujimoto et al. 2018, as SB3): twin critics regressed on the clipped double-Q target with
   * target policy smoothing; actor and target networks updated every second step.
   */
  private Runnable td3() {
    int o = shape.obs(), n = shape.act(), b = shape.batch();
    Mlp actor = net(o, n, Activation.TANH), q1 = net(o + n, 1, Activation.IDENTITY), q2 = net(o + n, 1, Activation.IDENTITY);
    Mlp actorT = target(actor), q1T = target(q1), q2T = target(q2);
    Adam actorOpt = new Adam(Adam.Settings.lr(1e-3), actor), criticOpt = new Adam(Adam.Settings.lr(1e-3), q1, q2);
    int[] step = {0};
    return () -> {
      sample();
      // Target: smoothed target action, clipped double Q.
      float[] a2 = forward(actorT, s2, b).output();
      for (int i = 0; i < noise.length; i++) noise[i] = Math.clamp(a2[i] + Math.clamp(0.2f * gaussian(), -0.5f, 0.5f), -1f, 1f);
      concat(s2, noise);
      float[] t1 = forward(q1T, sa, b).output(), t2 = forward(q2T, sa, b).output();
      for (int i = 0; i < b; i++) y[i] = (float) (r[i] + GAMMA * (1 - d[i]) * Math.min(t1[i], t2[i]));
      criticStep(q1, q2, criticOpt);
      if (++step[0] % 2 == 0) {
        // Actor: maximise Q1(s, pi(s)) through the critic's input gradient.
        Tape ta = forward(actor, s, b);
        concat(s, ta.output());
        Tape tq = forward(q1, sa, b);
        java.util.Arrays.fill(dq1, -1f / b);
        float[] dsa = backward(q1, tq, dq1, Backprop.INPUT);
        actionColumns(dsa, dAct, 0f);
        backward(actor, ta, dAct, Backprop.PARAMS);
        actorOpt.step();
        q1T.softUpdateFrom(q1, TAU);
        q2T.softUpdateFrom(q2, TAU);
        actorT.softUpdateFrom(actor, TAU);
      }
    };
  }

  /**
   * SAC (Haarnoja et al. 2018, as SB3): tanh-squashed Gaussian actor (mean and log-std heads), twin
   * critics with the entropy-regularised target, actor through both critics' minimum, automatic
   * entropy coefficient, critic targets soft-updated every step.
   */
  private Runnable sac() {
    int o = shape.obs(), n = shape.act(), b = shape.batch();
    Mlp actor = net(o, 2 * n, Activation.IDENTITY), q1 = net(o + n, 1, Activation.IDENTITY), q2 = net(o + n, 1, Activation.IDENTITY);
    Mlp q1T = target(q1), q2T = target(q2);
    Adam actorOpt = new Adam(Adam.Settings.lr(3e-4), actor), criticOpt = new Adam(Adam.Settings.lr(3e-4), q1, q2);
    float[][] logAlpha = {{0f}}, alphaGrad = {{0f}};
    Adam alphaOpt = new Adam(Adam.Settings.lr(3e-4), logAlpha, alphaGrad);
    Tape piTape = actor.newTape(b), nextTape = actor.newTape(b);
    float[] aPi = new float[b * n], epsPi = new float[b * n], logpPi = new float[b], a2 = new float[b * n], eps2 = new float[b * n], logp2 = new float[b];
    double targetEntropy = -n;
    return () -> {
      sample();
      float alpha = (float) Math.exp(logAlpha[0][0]);
      // Policy sample on s (for the entropy coefficient and the actor loss), kept on its own tape.
      actor.forward(s, piTape);
      flops += forwardFlops(actor, b);
      squash(piTape.output(), epsPi, aPi, logpPi);
      double meanLogp = 0;
      for (int i = 0; i < b; i++) meanLogp += logpPi[i];
      alphaGrad[0][0] = (float) -(meanLogp / b + targetEntropy);
      alphaOpt.step();
      // Target with the next-state policy sample.
      actor.forward(s2, nextTape);
      flops += forwardFlops(actor, b);
      squash(nextTape.output(), eps2, a2, logp2);
      concat(s2, a2);
      float[] t1 = forward(q1T, sa, b).output(), t2 = forward(q2T, sa, b).output();
      for (int i = 0; i < b; i++) y[i] = (float) (r[i] + GAMMA * (1 - d[i]) * (Math.min(t1[i], t2[i]) - alpha * logp2[i]));
      criticStep(q1, q2, criticOpt);
      // Actor: mean(α·logπ − min(Q1, Q2)) at (s, a_pi).
      concat(s, aPi);
      Tape tq1 = forward(q1, sa, b), tq2 = forward(q2, sa, b);
      for (int i = 0; i < b; i++) {
        boolean first = tq1.output()[i] <= tq2.output()[i];
        dq1[i] = first ? -1f / b : 0f;
        dq2[i] = first ? 0f : -1f / b;
      }
      actionColumns(backward(q1, tq1, dq1, Backprop.INPUT), dAct, 0f);
      actionColumns(backward(q2, tq2, dq2, Backprop.INPUT), dAct, 1f);
      squashBackward(piTape.output(), epsPi, aPi, alpha / b);
      backward(actor, piTape, dActor, Backprop.PARAMS);
      actorOpt.step();
      q1T.softUpdateFrom(q1, TAU);
      q2T.softUpdateFrom(q2, TAU);
    };
  }

  /** Twin-critic regression on y: loss = mse(Q1, y) + mse(Q2, y), one optimiser over both. */
  private void criticStep(Mlp q1, Mlp q2, Adam opt) {
    int b = shape.batch();
    concat(s, a);
    Tape t1 = forward(q1, sa, b);
    for (int i = 0; i < b; i++) dq1[i] = 2 * (t1.output()[i] - y[i]) / b;
    backward(q1, t1, dq1, Backprop.PARAMS);
    Tape t2 = forward(q2, sa, b);
    for (int i = 0; i < b; i++) dq2[i] = 2 * (t2.output()[i] - y[i]) / b;
    backward(q2, t2, dq2, Backprop.PARAMS);
    opt.step();
  }

  /**
   * Tanh-Gaussian sample from [mean | log-std] rows: u = μ + σ·ε, a = tanh u, log π(a) = Σ log N(u; μ, σ)
   * − Σ log(1 − a² + 1e-6) (SB3's squashing correction); log-std clamped to [−20, 2].
   */
  private void squash(float[] out, float[] eps, float[] act, float[] logp) {
    int n = shape.act();
    for (int i = 0; i < shape.batch(); i++) {
      double lp = 0;
      for (int j = 0; j < n; j++) {
        float mu = out[i * 2 * n + j], ls = Math.clamp(out[i * 2 * n + n + j], -20f, 2f);
        float e = gaussian(), u = mu + (float) Math.exp(ls) * e, t = (float) Math.tanh(u);
        eps[i * n + j] = e;
        act[i * n + j] = t;
        lp += -0.5 * e * e - ls - 0.5 * Math.log(2 * Math.PI) - Math.log(1 - t * t + 1e-6);
      }
      logp[i] = (float) lp;
    }
  }

  /**
   * dActor = d/d[mean | log-std] of mean_i(α·logπ_i − Qmin_i), given dAct = −dQmin/da (already scaled by
   * 1/B) and w = α/B.
   */
  private void squashBackward(float[] out, float[] eps, float[] act, float w) {
    int n = shape.act();
    for (int i = 0; i < shape.batch(); i++) {
      for (int j = 0; j < n; j++) {
        int k = i * n + j;
        float t = act[k], e = eps[k], raw = out[i * 2 * n + n + j], ls = Math.clamp(raw, -20f, 2f);
        // logπ depends on a through −log(1 − a² + 1e-6); a = tanh u; u = μ + exp(ls)·ε.
        float dA = dAct[k] + w * 2 * t / (1 - t * t + 1e-6f);
        float dU = dA * (1 - t * t);
        dActor[i * 2 * n + j] = dU;
        float dLs = dU * (float) Math.exp(ls) * e - w; // −ls term of log N
        dActor[i * 2 * n + n + j] = raw == ls ? dLs : 0f;
      }
    }
  }

  private Tape forward(Mlp m, float[] x, int b) {
    flops += forwardFlops(m, b);
    return m.forward(x, b);
  }

  private float[] backward(Mlp m, Tape t, float[] dOut, Backprop what) {
    int[] z = m.sizes;
    int b = t.batch();
    for (int l = 0; l + 1 < z.length; l++) {
      if (what.params()) flops += 2.0 * b * z[l] * z[l + 1];
      if (l > 0 || what.input()) flops += 2.0 * b * z[l] * z[l + 1];
    }
    return m.backward(t, dOut, what);
  }

  private static double forwardFlops(Mlp m, int b) {
    double f = 0;
    for (int l = 0; l + 1 < m.sizes.length; l++) f += 2.0 * b * m.sizes[l] * m.sizes[l + 1];
    return f;
  }

  /** A random minibatch from the replay arrays into s, a, r, d, s2, gathered as the replay buffer gathers. */
  private void sample() {
    for (int i = 0; i < rows.length; i++) rows[i] = rng.nextInt(REPLAY);
    int o = shape.obs(), n = shape.act();
    Rows.gather(replayObs, o, rows, s);
    Rows.gather(replayNext, o, rows, s2);
    Rows.gather(replayAct, n, rows, a);
    Rows.gather(replayRew, 1, rows, r);
    Rows.gather(replayDone, 1, rows, d);
  }

  /** sa ← [obs | act] rows. */
  private void concat(float[] obs, float[] act) {
    int o = shape.obs(), n = shape.act();
    for (int i = 0; i < shape.batch(); i++) {
      System.arraycopy(obs, i * o, sa, i * (o + n), o);
      System.arraycopy(act, i * n, sa, i * (o + n) + o, n);
    }
  }

  /** into ← keep·into + the action columns of a critic's input gradient (sign: minimising −Q). */
  private void actionColumns(float[] dsa, float[] into, float keep) {
    int o = shape.obs(), n = shape.act();
    for (int i = 0; i < shape.batch(); i++)
      for (int j = 0; j < n; j++) into[i * n + j] = keep * into[i * n + j] + dsa[i * (o + n) + o + j];
  }

  private float[] uniform(int n) {
    float[] x = new float[n];
    for (int i = 0; i < n; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
    return x;
  }

  private float gaussian() {
    double u1 = rng.nextDouble(), u2 = rng.nextDouble();
    return (float) (Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2));
  }
}
