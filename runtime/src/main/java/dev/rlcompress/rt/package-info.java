/**
 * The dependency-free policy runtime: loads the ONNX files rlc writes, compiles their graph into a
 * chain of packed kernels at load time, and runs it allocation-free and thread-safely; graphs it cannot
 * compute exactly are refused at load time, naming the operator.
 */
package dev.rlcompress.rt;
