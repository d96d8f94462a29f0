package dev.rlcompress.study;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs cells on a pool of daemon threads in this JVM: the default scheduler of {@code rlc study}. */
public final class LocalScheduler implements CellScheduler {
  private final CellExecutor executor;
  private final int workers;

  /** @param workers the default number of cells run at once */
  public LocalScheduler(CellExecutor executor, int workers) {
    this.executor = executor;
    this.workers = workers;
  }

  @Override
  public int slots() {
    return workers;
  }

  @Override
  public boolean local() {
    return true;
  }

  @Override
  public void run(List<CellTask> tasks, int parallel, Callback callback) throws InterruptedException {
    ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
      Thread t = new Thread(r, "study-worker");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (CellTask task : tasks) {
        futures.add(pool.submit(() -> {
          callback.started(task);
          callback.finished(task, CellWork.run(task, executor));
        }));
      }
      for (Future<?> f : futures) f.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error err) throw err;
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  @Override
  public void close() {}
}
