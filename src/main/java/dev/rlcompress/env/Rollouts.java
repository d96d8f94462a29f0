package dev.rlcompress.env;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Runs whole episodes: the one episode loop behind training-time evaluation and the evaluator. Episode
 * k is reset with seed {@code seed + k}, so a (seed, episodes) pair names a fixed set of start states.
 */
public final class Rollouts {
  private Rollouts() {}

  /** Return and length of one finished episode. */
  public record Episode(double totalReturn, int length) {}

  /**
   * @param observer receives every observation the agent acts on (null for none)
   */
  public static Episode[] run(Env env, Agent agent, int episodes, long seed, Consumer<float[]> observer) {
    return runWhile(env, agent, episodes, seed, observer == null ? null : o -> {
      observer.accept(o);
      return true;
    });
  }

  /**
   * As {@link #run}, but {@code observer} (null for none) may stop the rollouts: once it returns false
   * for an observation, no further step is taken, and the episodes finished until then are returned
   * (the one cut short is not). For collecting a fixed number of states: a long game (an Atari game
   * lasts up to 27,000 steps) need not be played to its end once there are enough.
   */
  public static Episode[] runWhile(Env env, Agent agent, int episodes, long seed, Predicate<float[]> observer) {
    List<Episode> out = new ArrayList<>(episodes);
    boolean discrete = env.actionSpace() instanceof Space.Discrete;
    for (int k = 0; k < episodes; k++) {
      float[] obs = env.reset(seed + k);
      double ret = 0;
      int len = 0;
      while (true) {
        if (observer != null && !observer.test(obs)) return out.toArray(new Episode[0]);
        Step s = discrete ? env.step(agent.discreteAction(obs)) : env.step(agent.continuousAction(obs));
        ret += s.reward();
        len++;
        obs = s.observation();
        if (s.done()) break;
      }
      out.add(new Episode(ret, len));
    }
    return out.toArray(new Episode[0]);
  }

  /**
   * As {@link #run}, with the episodes spread over {@code jobs} environments played side by side: {@code
   * env} and {@code jobs − 1} more from {@code more}, closed at the end. The result is the sequential
   * one, episode for episode: each episode still starts from seed {@code seed + k} and lands at index k,
   * and the observer still sees the observations of episodes 0, 1, … in order, because the episodes it
   * watches are played first, one at a time on {@code env}, until it has seen {@code observed}
   * observations (finishing the episode it is in; it is shown no more than that many in all); only the
   * rest run in parallel, unobserved. For an
   * evaluator whose time is in the environment's and the network's calls (an Atari game through its
   * Python worker) this divides the wall time by up to {@code jobs}. Each episode gets an agent of its own,
   * made from its seed by {@code agentFor}: a stochastic agent seeded that way draws the same actions in
   * an episode however the episodes are spread; the agents must allow concurrent calls to any shared
   * model.
   */
  public static Episode[] run(Env env, Supplier<Env> more, LongFunction<Agent> agentFor, int episodes, long seed,
      Consumer<float[]> observer, int observed, int jobs) {
    int[] seen = {0};
    Consumer<float[]> firstObserved = observer == null ? null : o -> {
      if (seen[0] < observed) observer.accept(o);
      seen[0]++;
    };
    Episode[] out = new Episode[episodes];
    int k = 0; // one job: every episode here; more: the observed ones here, in order, then the rest in parallel
    for (; k < episodes && (jobs <= 1 || episodes <= 1 || observer != null && seen[0] < observed); k++)
      out[k] = run(env, agentFor.apply(seed + k), 1, seed + k, firstObserved)[0];
    if (k == episodes) return out;
    AtomicInteger next = new AtomicInteger(k);
    List<Env> envs = new ArrayList<>(List.of(env));
    ExecutorService pool = Executors.newFixedThreadPool(jobs, r -> {
      Thread t = new Thread(r, "rlc-rollouts");
      t.setDaemon(true);
      return t;
    });
    try {
      for (int j = 1; j < Math.min(jobs, episodes - k); j++) envs.add(more.get());
      List<Future<?>> running = new ArrayList<>();
      for (Env e : envs)
        running.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < episodes; i = next.getAndIncrement())
            out[i] = run(e, agentFor.apply(seed + i), 1, seed + i, null)[0];
        }));
      for (Future<?> f : running) f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while playing episodes", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
      for (Env e : envs.subList(1, envs.size())) e.close();
    }
    return out;
  }

  public static double meanReturn(Episode[] eps) {
    double s = 0;
    for (Episode e : eps) s += e.totalReturn();
    return eps.length == 0 ? Double.NaN : s / eps.length;
  }
}
