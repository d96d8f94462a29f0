package dev.rlcompress.rt;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code java --add-modules jdk.incubator.vector -jar rlc-runtime.jar [--fast] MODEL.onnx}: loads the
 * model ({@code --fast}: {@link RlcPolicy.Startup#FAST}), prints the start-up cost (load, first
 * inference) measured in this fresh JVM, the compiled plan, then the steady-state batch-1 latency of
 * the compiled kernels. A quick check that a file runs, and what it costs to start.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    boolean fast = args.length == 2 && args[0].equals("--fast");
    if (args.length != 1 && !fast) {
      System.err.println("usage: java --add-modules jdk.incubator.vector -jar rlc-runtime.jar [--fast] MODEL.onnx");
      System.exit(2);
    }
    String file = args[args.length - 1];
    long t0 = System.nanoTime();
    byte[] bytes = Files.readAllBytes(Path.of(file));
    RlcPolicy p;
    try {
      p = RlcPolicy.load(bytes, file, fast ? RlcPolicy.Startup.FAST : RlcPolicy.Startup.COMPILED);
    } catch (UnsupportedModelException | MalformedModelException e) {
      System.err.println("rlc-runtime: " + e.getMessage());
      System.exit(1);
      return;
    }
    long t1 = System.nanoTime();
    float[] obs = new float[p.inputSize()], out = new float[p.outputSize()];
    p.run(obs, 0, 1, out, 0);
    long t2 = System.nanoTime();
    boolean interpreted = !p.isCompiled();
    p.awaitCompiled();
    long t3 = System.nanoTime();
    System.out.printf("load_ms=%.2f first_inference_ms=%.2f first_answer_by=%s compiled_after_ms=%.2f weight_bytes=%d%n",
        (t1 - t0) / 1e6, (t2 - t1) / 1e6, interpreted ? "scalar" : "vector", (t3 - t0) / 1e6, p.weightBytes());
    for (String s : p.describe()) System.out.println("step: " + s);
    RlcPolicy.Session s = p.session();
    for (int i = 0; i < 20_000; i++) s.run(obs, 0, 1, out, 0); // past the JIT's thresholds, as a FAST policy's warm-up
    java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
    float[][] xs = new float[256][p.inputSize()];
    for (float[] x : xs) for (int i = 0; i < x.length; i++) x[i] = (float) rng.nextDouble(-1, 1);
    long end = System.nanoTime() + 1_000_000_000L, calls = 0, start = System.nanoTime();
    while (System.nanoTime() < end) {
      for (int i = 0; i < 256; i++) s.run(xs[i], 0, 1, out, 0);
      calls += 256;
    }
    System.out.printf("steady_batch1_us=%.2f%n", (System.nanoTime() - start) / 1e3 / calls);
  }
}
