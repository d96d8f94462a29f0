/**
 * The rlc commands. Each parses its options (shared ones through picocli mixins), calls one library
 * method and prints the result; analysis lives in the packages below, so it can be tested without
 * scraping output.
 */
package dev.rlcompress.cli;
