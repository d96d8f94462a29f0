/**
 * One class per training algorithm (DQN, PPO and its Gaussian, CNN and RND forms, TRPO, DDPG, TD3,
 * SAC) with the pieces they share: Java-array networks that autograd differentiates (MLPs, and
 * {@code ConvNet} for the pixel policies, whose forward pass runs batched in PyTorch), Adam over those
 * arrays, hyperparameter tables, checkpoints for resume, and selection of the best policy by
 * training-time evaluation.
 */
package dev.rlcompress.train;
