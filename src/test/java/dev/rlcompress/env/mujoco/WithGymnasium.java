package dev.rlcompress.env.mujoco;

import dev.rlcompress.env.Envs;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Test classes that compare with Gymnasium: one Python process per class, started before its tests. */
abstract class WithGymnasium {
  static GymnasiumSide gym;

  @BeforeAll
  static void startGymnasium() {
    gym = new GymnasiumSide();
  }

  @AfterAll
  static void stopGymnasium() {
    if (gym != null) gym.close();
    gym = null;
  }

  /** Every registered MuJoCo id Gymnasium 1.3 can make on MuJoCo 3 (all but Pusher-v4). */
  static Stream<String> taskIds() {
    return Envs.ids().stream().filter(MujocoTasks::isMujoco).filter(id -> !id.equals("Pusher-v4"));
  }
}
