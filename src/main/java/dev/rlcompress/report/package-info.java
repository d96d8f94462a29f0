/**
 * Study reports: what a study's database says, written as Markdown beside its plots and as one
 * self-contained HTML page (styles and images inlined, nothing fetched), both rendered from one
 * document model so the two never disagree. The report reads the database only, through the study's
 * analysis, so it can be rebuilt at any time from the results alone.
 */
package dev.rlcompress.report;
