package dev.rlcompress.study;

import java.util.List;

/**
 * Where a study's cells run: threads of this JVM ({@link LocalScheduler}, the default) or the executors of
 * a cluster (the optional Spark module, found through {@link Provider}). A scheduler only runs
 * {@link CellTask}s and hands their {@link CellOutcome}s back on this JVM; the {@link Runner} alone
 * decides what to run and writes the database, so resume semantics are the same whatever runs the cells.
 */
public interface CellScheduler extends AutoCloseable {
  /** Cells that can run at once here (threads, or the cluster's task slots). */
  int slots();

  /**
   * Whether the cells run in this JVM's filesystem view (a local master): then models may stay beside the
   * database; otherwise the spec must name a {@code shared_dir}.
   */
  boolean local();

  /**
   * Runs {@code tasks}, at most {@code parallel} at once, and returns when every one has finished. Each
   * task is announced to {@code callback} once when it is handed to a worker and once, with its outcome,
   * when it is over; a task the scheduler could not complete (its retries used up) is reported as a
   * failed outcome. Callbacks may come from several threads.
   *
   * @throws InterruptedException when the run is interrupted; tasks not reported as finished are then
   *     simply not recorded, and a later run does them again
   */
  void run(List<CellTask> tasks, int parallel, Callback callback) throws InterruptedException;

  @Override
  void close();

  /** What a scheduler reports. */
  /**
   * Runs {@code tasks} on {@code parallel} daemon threads of {@code threads}, each task through
   * {@code cell}, reporting to {@code callback}; returns when all are done. The one pool loop of the local
   * and the Spark scheduler (which submits a job per cell from such a thread). A task's exception is
   * rethrown as it is (errors and runtime exceptions) or wrapped.
   */
  static void onThreads(List<CellTask> tasks, int parallel, Callback callback, java.util.concurrent.ThreadFactory threads,
      java.util.function.Function<CellTask, CellOutcome> cell) throws InterruptedException {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel, threads);
    try {
      List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
      for (CellTask task : tasks) {
        futures.add(pool.submit(() -> {
          callback.started(task);
          callback.finished(task, cell.apply(task));
        }));
      }
      for (java.util.concurrent.Future<?> f : futures) f.get();
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Error err) throw err;
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  interface Callback {
    void started(CellTask task);

    void finished(CellTask task, CellOutcome outcome);
  }

  /**
   * Makes a scheduler by name; implementations are found with {@link java.util.ServiceLoader} (see
   * {@link Schedulers}).
   */
  interface Provider {
    /** The name {@code rlc study --executor} selects it by. */
    String name();

    /**
     * Opens the scheduler.
     *
     * @param master where to run (a Spark master URL), or null to take it from the environment
     *     ({@code spark-submit} sets it)
     * @param appName a name for the cluster's UI
     */
    CellScheduler open(String master, String appName);
  }
}
