package dev.rlcompress.study;

import dev.rlcompress.util.UserError;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * Finds the scheduler {@code rlc study --executor NAME} asks for. {@code local} is built in; any other is
 * an optional module that stays off the default class path (Spark's jars would slow every start of
 * {@code rlc} and weigh hundreds of MB): it is looked up with {@link ServiceLoader} first on the class path
 * (as under {@code spark-submit}, where the job jar carries it), then in the folder its build script
 * writes, {@code RLC_HOME/NAME/target/rlc-NAME/} (its jar and a {@code lib/} of its dependencies), loaded
 * in a class loader of its own only now.
 */
public final class Schedulers {
  private Schedulers() {}

  /** The executor names {@code rlc study} knows. */
  public static final List<String> NAMES = List.of("local", "spark");

  /** The master URLs Spark 4 accepts (its documented forms; Mesos was removed in Spark 4.0). */
  private static final java.util.regex.Pattern MASTER = java.util.regex.Pattern.compile(
      "local(\\[(\\*|[1-9][0-9]*)(,[1-9][0-9]*)?])?|local-cluster\\[[1-9][0-9]*,[1-9][0-9]*,[1-9][0-9]*]"
          + "|spark://[^\\s/]+|yarn|k8s://\\S+");

  /** Checks a name before any work; unknown names are a one-line error. */
  public static String checkName(String name) {
    if (!NAMES.contains(name))
      throw new UserError("unknown executor '" + name + "'; known: " + String.join(", ", NAMES));
    return name;
  }

  /**
   * Checks {@code --executor} and {@code --master} together before any work.
   *
   * @param master null when not given
   */
  public static void check(String name, String master) {
    checkName(name);
    if (master == null) return;
    if (!MASTER.matcher(master).matches())
      throw new UserError("--master '" + master + "' is not a Spark master URL; expected local[N], local[*], local[N,RETRIES],"
          + " spark://HOST:PORT, yarn or k8s://URL");
    if (!name.equals("spark")) throw new UserError("--master is for --executor spark");
  }

  /** Whether a master URL runs the executors inside this JVM (so they see this machine's files). */
  public static boolean isLocalMaster(String master) {
    return master.equals("local") || master.startsWith("local[");
  }

  /**
   * Opens the scheduler {@code name}.
   *
   * @param workers the local scheduler's default number of cells at once
   * @param master the cluster's master URL (non-local schedulers), or null to take it from the environment
   */
  public static CellScheduler open(String name, CellExecutor executor, int workers, String master, String appName) {
    checkName(name);
    if (name.equals("local")) return new LocalScheduler(executor, workers);
    return provider(name).open(master, appName);
  }

  /** The provider of {@code name}, from the class path or the optional module's folder. */
  public static CellScheduler.Provider provider(String name) {
    CellScheduler.Provider p = find(name, Schedulers.class.getClassLoader());
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (p == null && context != null) p = find(name, context); // spark-submit loads the job jar in a loader of its own
    if (p != null) return p;
    Path dir = moduleDir(name);
    List<URL> urls = jars(dir);
    if (!urls.isEmpty()) p = find(name, new URLClassLoader("rlc-" + name, urls.toArray(URL[]::new), Schedulers.class.getClassLoader()));
    if (p != null) return p;
    throw new UserError("the " + name + " executor is not built (nothing in " + dir + "); build it once with"
        + " scripts/build-" + name + ".sh, or run under spark-submit with its job jar (docs/scale-out.md)");
  }

  /** Where {@code scripts/build-NAME.sh} puts the module for {@code rlc}; {@code -Drlc.NAME.dir} overrides it. */
  public static Path moduleDir(String name) {
    String override = System.getProperty("rlc." + name + ".dir");
    if (override != null) return Path.of(override);
    return Path.of(System.getProperty("rlc.home", ".")).toAbsolutePath().resolve(name).resolve("target").resolve("rlc-" + name);
  }

  private static CellScheduler.Provider find(String name, ClassLoader loader) {
    for (CellScheduler.Provider p : ServiceLoader.load(CellScheduler.Provider.class, loader))
      if (p.name().equals(name)) return p;
    return null;
  }

  private static List<URL> jars(Path dir) {
    List<URL> urls = new ArrayList<>();
    for (Path d : List.of(dir, dir.resolve("lib"))) {
      if (!Files.isDirectory(d)) continue;
      try (Stream<Path> s = Files.list(d)) {
        for (Path f : s.filter(f -> f.toString().endsWith(".jar")).sorted().toList()) urls.add(f.toUri().toURL());
      } catch (MalformedURLException e) {
        throw new IllegalStateException(e);
      } catch (IOException e) {
        throw new UserError("cannot read " + d + ": " + e.getMessage());
      }
    }
    return urls;
  }
}
