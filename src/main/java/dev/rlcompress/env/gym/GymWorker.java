package dev.rlcompress.env.gym;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.rlcompress.env.python.PythonEnv;
import dev.rlcompress.util.UserError;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One Python worker process and the framing of its pipe protocol (described in {@code worker.py}).
 *
 * <p>Lifetime: a worker never outlives the JVM. It ends on {@link #close()}; one that is dropped
 * without close is killed once it has been garbage-collected; every live worker is killed by a
 * shutdown hook; and when the JVM dies without running hooks (kill -9), the worker sees EOF on its
 * stdin or its parent id change and exits by itself.
 *
 * <p>Failures: each request has a deadline; a watchdog thread kills a worker that misses it. A worker
 * that died (killed, crashed, timed out) turns the pending call into a {@link GymWorkerException}
 * carrying the exit status and the tail of the worker's stderr (the Python traceback); a Python
 * exception raised while serving a request comes back as one with the traceback, the worker alive.
 */
final class GymWorker implements AutoCloseable {
  private static final Set<Guard> LIVE = ConcurrentHashMap.newKeySet();
  private static final Cleaner CLEANER = Cleaner.create();
  private static final int STDERR_KEEP = 16 * 1024;
  private static volatile Path script;
  private static volatile Thread watchdog;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(g -> g.process.destroyForcibly()), "rlc-gym-shutdown"));
  }

  private final String label;
  private final Process process;
  private final OutputStream out;
  private final DataInputStream in;
  private final StringBuilder stderr = new StringBuilder();
  private final Thread stderrReader;
  private final long timeoutNanos;
  /** The wait the current request was given: the timeout, or the longer start-up allowance. */
  private long waitNanos;

  /**
   * Start-up (interpreter, imports of Gymnasium and the game, first env creation) gets at least this
   * long whatever the per-request timeout: on a loaded machine imports alone take seconds, and a short
   * step timeout (a test's 1 s) must not fail a healthy start.
   */
  static final Duration STARTUP_ALLOWANCE = Duration.ofSeconds(120);
  private JsonObject description;
  private final byte[] head = new byte[5];
  private byte[] body = new byte[1 << 16];
  private final Guard guard;
  private final Cleaner.Cleanable cleanable;
  private GymWorkerException failure;
  private boolean closed;

  private GymWorker(String label, Process process, Duration timeout) {
    this.label = label;
    this.process = process;
    this.timeoutNanos = timeout.toNanos();
    this.out = new BufferedOutputStream(process.getOutputStream(), 1 << 16);
    this.in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16));
    StringBuilder err = stderr;
    this.stderrReader = Thread.ofPlatform().daemon().name("rlc-gym-stderr-" + process.pid()).start(() -> drain(process, err));
    this.guard = new Guard(process);
    LIVE.add(guard);
    this.cleanable = CLEANER.register(this, guard);
  }

  /**
   * What the shutdown hook, the watchdog and the cleaner need of a worker, without a reference to the
   * worker itself, so that a worker dropped without {@link #close()} can be collected and its process
   * ended. Running it ends the process.
   */
  private static final class Guard implements Runnable {
    final Process process;
    volatile long deadline = Long.MAX_VALUE;
    volatile boolean timedOut;

    Guard(Process process) {
      this.process = process;
    }

    @Override
    public void run() {
      LIVE.remove(this);
      process.destroyForcibly();
    }
  }

  /**
   * Starts a worker hosting {@code config.count} copies of an environment and waits for its
   * description of the spaces. Start-up problems (no Python, missing package, unknown id, bad
   * keyword argument) are {@link UserError}s of one line.
   */
  static GymWorker start(String label, JsonObject config, Duration timeout) {
    return start(List.of(PythonEnv.get().python().toString()), label, config, timeout);
  }

  /** As {@link #start(String, JsonObject, Duration)} with the interpreter's command line given. */
  static GymWorker start(List<String> python, String label, JsonObject config, Duration timeout) {
    List<String> command = new ArrayList<>(python);
    command.addAll(List.of("-u", script().toString()));
    Process p;
    try {
      p = new ProcessBuilder(command).start();
    } catch (IOException e) {
      throw new UserError("cannot start Python (" + python.getFirst() + "): " + e.getMessage() + "; run scripts/pyenv.sh to install it");
    }
    GymWorker w = new GymWorker(label, p, timeout);
    ensureWatchdog();
    ByteBuffer reply;
    try {
      w.send(ByteBuffer.wrap(config.toString().getBytes(StandardCharsets.UTF_8)));
      w.waitNanos = Math.max(w.timeoutNanos, STARTUP_ALLOWANCE.toNanos());
      w.guard.deadline = System.nanoTime() + w.waitNanos;
      reply = w.receive();
    } catch (GymWorkerException e) {
      w.kill();
      throw new UserError(startFailure(label, e.getMessage()));
    }
    w.description = JsonParser.parseString(StandardCharsets.UTF_8.decode(reply).toString()).getAsJsonObject();
    return w;
  }

  /** The one line a start-up failure becomes: the missing package, else the Python error's last line. */
  private static String startFailure(String label, String detail) {
    String last = lastLine(detail);
    if (last.contains("ModuleNotFoundError") || last.contains("DependencyNotInstalled")) {
      // scripts/pyenv.sh installs what the bridge and the Atari ids need; other envs' extras are the user's
      return "the Python environment lacks a package for " + label + " (" + last + "); run scripts/pyenv.sh"
          + " (gymnasium, ale-py, numpy, opencv), or for another env's extras: " + PythonEnv.projectRoot().resolve(".venv/bin/python") + " -m pip install <package>";
    }
    if (!detail.contains("Traceback")) return "the Gymnasium worker for " + label + " failed to start: " + last;
    return "cannot make " + label + ": " + last;
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1].strip();
  }

  /** The worker script, written once per JVM user to the temp folder under a name that is its hash. */
  static Path script() {
    Path s = script;
    if (s != null) return s;
    synchronized (GymWorker.class) {
      if (script != null) return script;
      try (InputStream r = GymWorker.class.getResourceAsStream("worker.py")) {
        if (r == null) throw new IllegalStateException("worker.py missing from the class path");
        byte[] text = r.readAllBytes();
        String hash = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(text), 0, 6);
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "rlc-gym-worker-" + System.getProperty("user.name") + "-" + hash + ".py");
        if (!Files.isRegularFile(target) || !java.util.Arrays.equals(Files.readAllBytes(target), text)) {
          Path tmp = Files.createTempFile(target.getParent(), "rlc-gym-worker", ".tmp");
          Files.write(tmp, text);
          Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        script = target;
        return target;
      } catch (IOException | java.security.NoSuchAlgorithmException e) {
        throw new UserError("cannot write the Gymnasium worker script to the temp folder: " + e.getMessage());
      }
    }
  }

  private static synchronized void ensureWatchdog() {
    if (watchdog != null) return;
    watchdog = Thread.ofPlatform().daemon().name("rlc-gym-watchdog").start(() -> {
      while (true) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
        long now = System.nanoTime();
        for (Guard g : LIVE) {
          if (now - g.deadline > 0) {
            g.timedOut = true;
            g.process.destroyForcibly();
          }
        }
      }
    });
  }

  /** The worker's description of what it hosts (spaces, limits, pid), from the handshake. */
  JsonObject description() {
    return description;
  }

  long pid() {
    return process.pid();
  }

  String label() {
    return label;
  }

  /** Sends one request frame (the buffer from its position to its limit). Replies come back in order. */
  void send(ByteBuffer request) {
    check();
    waitNanos = timeoutNanos;
    guard.deadline = System.nanoTime() + timeoutNanos;
    try {
      int n = request.remaining();
      out.write(n);
      out.write(n >>> 8);
      out.write(n >>> 16);
      out.write(n >>> 24);
      out.write(request.array(), request.arrayOffset() + request.position(), n);
      out.flush();
    } catch (IOException e) {
      throw died();
    }
  }

  /**
   * The next reply's data (after the status byte), little-endian, valid until the next call. A Python
   * exception becomes a {@link GymWorkerException} with its traceback.
   */
  ByteBuffer receive() {
    check();
    int n;
    try {
      in.readFully(head, 0, 5);
      n = (head[0] & 0xff) | (head[1] & 0xff) << 8 | (head[2] & 0xff) << 16 | (head[3] & 0xff) << 24;
      if (n - 1 > body.length) body = new byte[Math.max(n - 1, body.length * 2)];
      in.readFully(body, 0, n - 1);
    } catch (IOException e) {
      throw died();
    } finally {
      guard.deadline = Long.MAX_VALUE;
    }
    if (head[4] != 0)
      throw new GymWorkerException(label + ": the environment raised a Python exception:\n"
          + new String(body, 0, n - 1, StandardCharsets.UTF_8).strip());
    return ByteBuffer.wrap(body, 0, n - 1).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** One request, one reply. */
  ByteBuffer call(ByteBuffer request) {
    send(request);
    return receive();
  }

  private void check() {
    if (failure != null) throw failure;
    if (closed) throw new IllegalStateException(label + ": the environment was closed");
  }

  /** Records why the worker is gone (exit status, timeout, stderr tail) and returns it as the failure. */
  private GymWorkerException died() {
    boolean exited;
    try {
      exited = process.waitFor(2, TimeUnit.SECONDS);
      if (!exited) process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
      stderrReader.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exited = false;
    }
    cleanable.clean();
    String why = guard.timedOut
        ? "did not answer within " + TimeUnit.NANOSECONDS.toSeconds(waitNanos) + " s and was killed"
        : exitStatus(exited);
    String tail;
    synchronized (stderr) {
      tail = stderr.toString().strip();
    }
    failure = new GymWorkerException("Gymnasium worker pid " + process.pid() + " (" + label + ") " + why
        + (tail.isEmpty() ? " (no output on stderr)" : "; its stderr:\n" + tail));
    return failure;
  }

  private String exitStatus(boolean exited) {
    if (!exited || process.isAlive()) return "stopped answering";
    int rc = process.exitValue();
    // Java reports death by signal s as 128 + s
    return rc > 128 ? "died (killed by signal " + (rc - 128) + ")" : "died (exit code " + rc + ")";
  }

  /** Keeps the last {@link #STDERR_KEEP} characters of the worker's stderr in {@code stderr}. */
  private static void drain(Process process, StringBuilder stderr) {
    byte[] buf = new byte[4096];
    try (InputStream err = process.getErrorStream()) {
      for (int n; (n = err.read(buf)) > 0; ) {
        synchronized (stderr) {
          stderr.append(new String(buf, 0, n, StandardCharsets.UTF_8));
          if (stderr.length() > STDERR_KEEP) stderr.delete(0, stderr.length() - STDERR_KEEP);
        }
      }
    } catch (IOException ignored) {
      // the worker is gone; what was read is kept
    }
  }

  /** Asks the worker to quit, then makes sure it has. Idempotent. */
  @Override
  public void close() {
    if (closed) return;
    closed = true;
    if (failure == null && process.isAlive()) {
      try {
        out.write(new byte[] {1, 0, 0, 0, 'Q'});
        out.flush();
        out.close();
        process.waitFor(2, TimeUnit.SECONDS); // then kill() below only tidies up, or ends a worker that did not quit
      } catch (IOException ignored) {
        // already gone
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    kill();
  }

  private void kill() {
    cleanable.clean();
    try {
      process.waitFor(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
