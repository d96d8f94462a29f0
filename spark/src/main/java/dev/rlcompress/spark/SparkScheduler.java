package dev.rlcompress.spark;

import dev.rlcompress.study.CellExecutor;
import dev.rlcompress.study.CellOutcome;
import dev.rlcompress.study.CellScheduler;
import dev.rlcompress.study.CellTask;
import dev.rlcompress.study.CellWork;
import dev.rlcompress.study.Schedulers;
import dev.rlcompress.util.UserError;
import java.time.Instant;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Runs study cells as Apache Spark tasks. Each cell is one Spark job of one task whose function is
 * {@link CellWork#run}, the local runner's own cell code, on a fresh {@link CellExecutor} in the executor
 * JVM; the {@link CellOutcome} comes back to the driver, and the driver's {@link dev.rlcompress.study.Runner}
 * writes it. A job per cell (rather than one job per stage) is what lets the driver record every cell the
 * moment it finishes, so killing the driver loses only the cells in flight, exactly as with the local
 * runner. At most {@code parallel} cell jobs are in flight, submitted from as many driver threads.
 *
 * <p>Spark retries a task whose executor was lost ({@code spark.task.maxFailures}, 4 on a cluster); a
 * retried cell starts again from its inputs (a training cell from its last checkpoint in the shared
 * folder), and its result is still recorded once because only the job's one returned outcome is written.
 * Speculative execution is switched off: two copies of one cell would write the same files.
 */
public final class SparkScheduler implements CellScheduler {
  /** What the executor JVMs need, as {@code ./rlc} gives its own JVM (Vector API, native access, DJL offline). */
  static final String EXECUTOR_JAVA_OPTIONS = "--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
      + " --sun-misc-unsafe-memory-access=allow -Xss4m -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=1"
      + " -Dai.djl.pytorch.num_interop_threads=1";

  private final JavaSparkContext sc;
  private final boolean local;

  private SparkScheduler(JavaSparkContext sc, boolean local) {
    this.sc = sc;
    this.local = local;
  }

  /**
   * Starts a Spark context on {@code master}, or on the master {@code spark-submit} set when it is null.
   */
  public static SparkScheduler open(String master, String appName) {
    SparkConf conf = new SparkConf(true).setAppName(appName); // true: takes spark.* system properties (spark-submit)
    if (master != null) conf.setMaster(master);
    if (!conf.contains("spark.master"))
      throw new UserError("no Spark master: give --master (local[N], spark://HOST:PORT, yarn, k8s://URL) or run under spark-submit");
    boolean local = Schedulers.isLocalMaster(conf.get("spark.master"));
    conf.set("spark.speculation", "false");
    if (local) {
      conf.setIfMissing("spark.ui.enabled", "false");
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
    }
    String opts = EXECUTOR_JAVA_OPTIONS;
    String home = System.getProperty("rlc.home");
    if (home != null) opts += " -Drlc.home=" + home; // Python-backed environments find the project's .venv there
    conf.set("spark.executor.extraJavaOptions", (conf.get("spark.executor.extraJavaOptions", "") + " " + opts).strip());
    conf.setIfMissing("spark.executorEnv.DJL_OFFLINE", "true");
    Thread t = Thread.currentThread();
    ClassLoader before = t.getContextClassLoader();
    // Spark resolves task classes through the context loader; under ./rlc this module has a loader of its own.
    t.setContextClassLoader(SparkScheduler.class.getClassLoader());
    try {
      return new SparkScheduler(new JavaSparkContext(conf), local);
    } catch (RuntimeException e) {
      throw new UserError("cannot start Spark on " + conf.get("spark.master") + ": " + firstLine(e));
    } finally {
      t.setContextClassLoader(before);
    }
  }

  @Override
  public int slots() {
    return sc.defaultParallelism();
  }

  @Override
  public boolean local() {
    return local;
  }

  @Override
  public void run(List<CellTask> tasks, int parallel, Callback callback) throws InterruptedException {
    CellScheduler.onThreads(tasks, parallel, callback, r -> {
      Thread t = new Thread(r, "study-spark-driver");
      t.setDaemon(true);
      t.setContextClassLoader(SparkScheduler.class.getClassLoader());
      return t;
    }, this::submit);
  }

  /** Runs one cell as a one-task job and returns its outcome; a job Spark gave up on is a failed outcome. */
  private CellOutcome submit(CellTask task) {
    Instant started = Instant.now();
    long t0 = System.nanoTime();
    sc.setJobDescription(task.label());
    try {
      return sc.parallelize(List.of(task), 1).map(SparkScheduler::work).collect().get(0);
    } catch (Exception e) { // Spark's SparkException is checked in Java's eyes and thrown without being declared
      // The context going down (the driver is being stopped) is no verdict on the cell: leave it unrecorded.
      if (sc.sc().isStopped()) throw new UserError("Spark stopped while " + task.label() + " ran; run the study again to continue");
      return CellOutcome.failed(task.cellKey(), "Spark gave up on the cell: " + firstLine(e), started,
          (System.nanoTime() - t0) / 1e9);
    }
  }

  /** The task's function, on the executor: the local runner's cell code. */
  static CellOutcome work(CellTask task) {
    return CellWork.run(task, new CellExecutor());
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  @Override
  public void close() {
    sc.stop();
  }
}
