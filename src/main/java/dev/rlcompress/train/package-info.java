/**
 * One class per training algorithm (DQN, PPO) on DJL's PyTorch engine, with the pieces they share:
 * Java-array MLPs that autograd differentiates, Adam over those arrays, hyperparameter tables,
 * checkpoints for resume, and selection of the best policy by training-time evaluation.
 */
package dev.rlcompress.train;
