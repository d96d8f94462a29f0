/**
 * The few helpers every layer shares: {@link dev.rlcompress.util.UserError}, the one-line error the CLI
 * prints for bad input, and atomic file writing that explains a bad output path instead of leaking a
 * temporary file's name.
 */
package dev.rlcompress.util;
