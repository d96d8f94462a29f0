/**
 * The optional Spark scheduler for studies: each cell is one Spark task running the local runner's own
 * cell code on an executor, while the driver alone writes the study's SQLite database. Kept in its own
 * module so the default command line never loads Spark.
 */
package dev.rlcompress.spark;
