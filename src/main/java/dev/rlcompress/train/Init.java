package dev.rlcompress.train;



/** Weight initialisations, seeded from the run's generator so a seed reproduces a run. */
final class Init {
  private Init() {}

  /** PyTorch's nn.Linear default: U(-1/sqrt(in), 1/sqrt(in)) (kaiming-uniform with a = sqrt 5). */
  static float[] torchDefault(int out, int in, java.util.random.RandomGenerator rng) {
    float[] w = new float[out * in];
    double bound = 1.0 / Math.sqrt(in);
    for (int i = 0; i < w.length; i++) w[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
    return w;
  }

  static float[] torchDefaultBias(int out, int in, java.util.random.RandomGenerator rng) {
    return uniform(out, 1.0 / Math.sqrt(in), rng);
  }

  private static float[] uniform(int n, double bound, java.util.random.RandomGenerator rng) {
    float[] b = new float[n];
    for (int i = 0; i < n; i++) b[i] = (float) ((rng.nextDouble() * 2 - 1) * bound);
    return b;
  }

  /**
   * Orthogonal initialisation (Saxe et al. 2014), as SB3 uses for PPO: a Gaussian matrix
   * orthonormalised by modified Gram-Schmidt along its longer side, times {@code gain}.
   */
  static float[] orthogonal(int out, int in, double gain, java.util.random.RandomGenerator rng) {
    boolean rowsOrtho = out <= in; // orthonormal rows if out <= in, else orthonormal columns
    int n = rowsOrtho ? out : in, len = rowsOrtho ? in : out;
    double[][] v = new double[n][len];
    for (int i = 0; i < n; i++) for (int j = 0; j < len; j++) v[i][j] = gaussian(rng);
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < i; k++) {
        double dot = 0;
        for (int j = 0; j < len; j++) dot += v[i][j] * v[k][j];
        for (int j = 0; j < len; j++) v[i][j] -= dot * v[k][j];
      }
      double norm = 0;
      for (int j = 0; j < len; j++) norm += v[i][j] * v[i][j];
      norm = Math.sqrt(norm);
      for (int j = 0; j < len; j++) v[i][j] /= norm;
    }
    float[] w = new float[out * in];
    for (int o = 0; o < out; o++)
      for (int i = 0; i < in; i++) w[o * in + i] = (float) (gain * (rowsOrtho ? v[o][i] : v[i][o]));
    return w;
  }

  static double gaussian(java.util.random.RandomGenerator rng) {
    double u1 = rng.nextDouble(), u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  }
}
