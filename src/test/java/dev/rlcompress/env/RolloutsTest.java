package dev.rlcompress.env;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Episodes played side by side are the episodes played one after another. */
class RolloutsTest {
  /** A fixed, stateless controller (safe to call from several threads) whose episodes differ in length. */
  private static final Agent BALANCER = new Agent() {
    @Override
    public int discreteAction(float[] o) {
      return o[2] + 0.3f * o[3] + 0.05f * o[0] > 0 ? 1 : 0;
    }
  };

  @Test
  void parallelEpisodesAndObservationsEqualTheSequentialOnes() {
    int episodes = 9, observed = 700;
    List<float[]> seqSeen = new ArrayList<>();
    Rollouts.Episode[] seq = Rollouts.run(Envs.make("CartPole-v1"), BALANCER, episodes, 77, o -> {
      if (seqSeen.size() < observed) seqSeen.add(o);
    });
    for (int jobs : new int[] {2, 3}) {
      List<float[]> seen = new ArrayList<>();
      AtomicInteger made = new AtomicInteger(), closed = new AtomicInteger();
      Rollouts.Episode[] par = Rollouts.run(Envs.make("CartPole-v1"), () -> {
        made.incrementAndGet();
        Env e = Envs.make("CartPole-v1");
        return new CountingClose(e, closed);
      }, seed -> BALANCER, episodes, 77, seen::add, observed, jobs);
      assertArrayEquals(seq, par, "jobs=" + jobs);
      assertEquals(seqSeen.size(), seen.size(), "jobs=" + jobs + ": observations shown");
      for (int i = 0; i < seen.size(); i++) assertArrayEquals(seqSeen.get(i), seen.get(i), "jobs=" + jobs + " observation " + i);
      assertEquals(jobs - 1, made.get(), "jobs=" + jobs + ": environments made");
      assertEquals(made.get(), closed.get(), "jobs=" + jobs + ": every environment made is closed");
    }
    int lengths = 0;
    for (Rollouts.Episode e : seq) lengths += e.length();
    assertEquals(true, lengths > observed && seq[0].length() < observed, "the observed part spans several episodes: " + lengths);
  }

  /** Agents made per episode from its seed (a stochastic agent) give the same episodes however they are spread. */
  @Test
  void perEpisodeAgentsAreRepeatableInParallel() {
    java.util.function.LongFunction<Agent> noisy = s -> {
      java.util.SplittableRandom rng = new java.util.SplittableRandom(s);
      return new Agent() {
        @Override
        public int discreteAction(float[] o) {
          return rng.nextInt(4) == 0 ? rng.nextInt(2) : BALANCER.discreteAction(o);
        }
      };
    };
    Rollouts.Episode[] one = Rollouts.run(Envs.make("CartPole-v1"), () -> Envs.make("CartPole-v1"), noisy, 8, 5, null, 0, 1);
    Rollouts.Episode[] three = Rollouts.run(Envs.make("CartPole-v1"), () -> Envs.make("CartPole-v1"), noisy, 8, 5, null, 0, 3);
    assertArrayEquals(one, three);
  }

  /** An environment that counts its closings. */
  private record CountingClose(Env inner, AtomicInteger closed) implements Env {
    @Override
    public String id() {
      return inner.id();
    }

    @Override
    public Space observationSpace() {
      return inner.observationSpace();
    }

    @Override
    public Space actionSpace() {
      return inner.actionSpace();
    }

    @Override
    public float[] reset(long seed) {
      return inner.reset(seed);
    }

    @Override
    public float[] reset() {
      return inner.reset();
    }

    @Override
    public Step step(int action) {
      return inner.step(action);
    }

    @Override
    public Step step(float[] action) {
      return inner.step(action);
    }

    @Override
    public int maxEpisodeSteps() {
      return inner.maxEpisodeSteps();
    }

    @Override
    public double successThreshold() {
      return inner.successThreshold();
    }

    @Override
    public void close() {
      closed.incrementAndGet();
      inner.close();
    }
  }
}
