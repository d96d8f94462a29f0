package dev.rlcompress.study;

import java.util.List;

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
    CellScheduler.onThreads(tasks, parallel, callback, r -> {
      Thread t = new Thread(r, "study-worker");
      t.setDaemon(true);
      return t;
    }, task -> CellWork.run(task, executor));
  }

  @Override
  public void close() {}
}
