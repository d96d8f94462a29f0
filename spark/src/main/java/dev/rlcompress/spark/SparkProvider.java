package dev.rlcompress.spark;

import dev.rlcompress.study.CellScheduler;

/** Makes {@code rlc study --executor spark} find {@link SparkScheduler} (registered in META-INF/services). */
public final class SparkProvider implements CellScheduler.Provider {
  @Override
  public String name() {
    return "spark";
  }

  @Override
  public CellScheduler open(String master, String appName) {
    return SparkScheduler.open(master, appName);
  }
}
