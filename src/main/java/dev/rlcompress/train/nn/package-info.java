/**
 * Dense multilayer perceptrons for training, with their optimiser, behind one small interface.
 *
 * <p>The continuous-control algorithms run many small matrix products per update (256-wide layers at
 * batch 256); DJL/PyTorch spends about 5 µs of call overhead per operation on them, which dominates the
 * arithmetic. {@link dev.rlcompress.train.nn.Mlp} is therefore implemented twice: {@link
 * dev.rlcompress.train.nn.JavaMlp} computes forward and backward in Java with the Vector API, {@link
 * dev.rlcompress.train.nn.DjlMlp} lets PyTorch do the same work, so both can be measured on the same
 * update and the gradients of one checked against the other. Parameters always live in Java arrays in
 * PyTorch's layout ({@code W[out][in]}, then the bias), so checkpoints, {@link
 * dev.rlcompress.train.nn.Adam} and export do not depend on the backend.
 *
 * <p>Use, top to bottom:
 *
 * <pre>{@code
 * Mlp critic = Mlp.of(new int[] {23, 256, 256, 1}, Activation.RELU, WeightInit.TORCH_DEFAULT, rng);
 * Adam opt = new Adam(Adam.Settings.lr(1e-3), critic);
 * Tape t = critic.forward(x, 256);            // t.output(): [256][1], row-major
 * ... dq[b] = dLoss/dq[b] ...
 * critic.backward(t, dq, Backprop.PARAMS);    // fills critic.grads()
 * opt.step();
 * target.softUpdateFrom(critic, 0.005);
 * }</pre>
 */
package dev.rlcompress.train.nn;
