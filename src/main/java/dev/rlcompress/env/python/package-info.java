/**
 * Locates the project-local Python environment (MuJoCo, Gymnasium, NumPy) that scripts/pyenv.sh
 * creates, for parity tests and for the native MuJoCo shim.
 */
package dev.rlcompress.env.python;
