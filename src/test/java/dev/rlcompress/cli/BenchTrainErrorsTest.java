package dev.rlcompress.cli;

import static dev.rlcompress.cli.CliErrorsTest.assertOneLineError;
import static dev.rlcompress.cli.CliErrorsTest.rlc;

import org.junit.jupiter.api.Test;

/** bench-train refuses bad settings in one line before it starts measuring. */
class BenchTrainErrorsTest {
  @Test
  void badSettings() {
    assertOneLineError(rlc("bench-train", "--seconds", "0"), "--seconds");
    assertOneLineError(rlc("bench-train", "--seconds", "100"), "--seconds");
    assertOneLineError(rlc("bench-train", "--algos", "ppo"), "ppo");
    assertOneLineError(rlc("bench-train", "--batch", "0"), "positive");
    assertOneLineError(rlc("bench-train", "--backends", "cuda"), "cuda");
  }
}
