package dev.rlcompress.report;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A report as a list of blocks, rendered twice: Markdown (images as files beside it) and one
 * self-contained HTML page (CSS inline, images inlined as base64 PNG, nothing fetched). One model, two
 * renderings, so the two never disagree.
 */
public final class Document {
  /** A piece of the report. */
  public sealed interface Block {}

  public record Heading(int level, String text) implements Block {}

  public record Paragraph(String text) implements Block {}

  /** Preformatted text (the spec). */
  public record Code(String text) implements Block {}

  /** A table; cells listed in {@code bold} ({row, column}) are emphasized. */
  public record Table(List<String> header, List<List<String>> rows, List<int[]> bold, String caption) implements Block {}

  /** A PNG plot; {@code file} is its name beside the Markdown file. */
  public record Image(String file, byte[] png, String alt) implements Block {}

  private final String title;
  private final List<Block> blocks = new ArrayList<>();

  public Document(String title) {
    this.title = title;
  }

  public Document add(Block b) {
    blocks.add(b);
    return this;
  }

  public List<Block> blocks() {
    return blocks;
  }

  public String markdown() {
    StringBuilder sb = new StringBuilder("# ").append(title).append("\n\n");
    for (Block b : blocks) {
      switch (b) {
        case Heading h -> sb.append("#".repeat(h.level())).append(' ').append(h.text()).append("\n\n");
        case Paragraph p -> sb.append(p.text()).append("\n\n");
        case Code c -> sb.append("```yaml\n").append(c.text().strip()).append("\n```\n\n");
        case Table t -> {
          if (t.caption() != null) sb.append(t.caption()).append("\n\n");
          sb.append("| ").append(String.join(" | ", t.header())).append(" |\n|");
          for (int i = 0; i < t.header().size(); i++) sb.append(numeric(t, i) ? "---:|" : "---|");
          sb.append('\n');
          for (int r = 0; r < t.rows().size(); r++) {
            sb.append('|');
            for (int c = 0; c < t.rows().get(r).size(); c++) {
              String v = t.rows().get(r).get(c).replace("|", "\\|");
              sb.append(' ').append(isBold(t, r, c) ? "**" + v + "**" : v).append(" |");
            }
            sb.append('\n');
          }
          sb.append('\n');
        }
        case Image i -> sb.append("![").append(i.alt()).append("](").append(i.file()).append(")\n\n");
      }
    }
    return sb.toString();
  }

  public String html() {
    StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>")
        .append(esc(title)).append("</title>\n<style>").append(CSS).append("</style></head>\n<body>\n<h1>")
        .append(esc(title)).append("</h1>\n");
    for (Block b : blocks) {
      switch (b) {
        case Heading h -> sb.append("<h").append(h.level()).append('>').append(esc(h.text())).append("</h").append(h.level()).append(">\n");
        case Paragraph p -> sb.append("<p>").append(inline(p.text())).append("</p>\n");
        case Code c -> sb.append("<pre>").append(esc(c.text().strip())).append("</pre>\n");
        case Table t -> {
          sb.append("<table>\n");
          if (t.caption() != null) sb.append("<caption>").append(inline(t.caption())).append("</caption>\n");
          sb.append("<thead><tr>");
          for (String h : t.header()) sb.append("<th>").append(esc(h)).append("</th>");
          sb.append("</tr></thead>\n<tbody>\n");
          for (int r = 0; r < t.rows().size(); r++) {
            sb.append("<tr>");
            for (int c = 0; c < t.rows().get(r).size(); c++) {
              String v = esc(t.rows().get(r).get(c));
              sb.append(numeric(t, c) ? "<td class=\"n\">" : "<td>").append(isBold(t, r, c) ? "<strong>" + v + "</strong>" : v).append("</td>");
            }
            sb.append("</tr>\n");
          }
          sb.append("</tbody></table>\n");
        }
        case Image i -> sb.append("<figure><img alt=\"").append(esc(i.alt())).append("\" src=\"data:image/png;base64,")
            .append(Base64.getEncoder().encodeToString(i.png())).append("\"><figcaption>").append(esc(i.alt()))
            .append("</figcaption></figure>\n");
      }
    }
    return sb.append("</body></html>\n").toString();
  }

  /** A column is right-aligned when its cells are numbers (or intervals, or missing). */
  private static boolean numeric(Table t, int c) {
    return c > 0 && !t.rows().isEmpty()
        && t.rows().stream().allMatch(r -> c < r.size() && r.get(c).matches("[-–\\[\\d(].*|none keeps it"));
  }

  private static boolean isBold(Table t, int r, int c) {
    for (int[] b : t.bold()) if (b[0] == r && b[1] == c) return true;
    return false;
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** Paragraph text: escaped, with Markdown's `code` and **bold** rendered. */
  private static String inline(String s) {
    return esc(s).replaceAll("`([^`]+)`", "<code>$1</code>").replaceAll("\\*\\*([^*]+)\\*\\*", "<strong>$1</strong>");
  }

  private static final String CSS = """
      body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
      table{border-collapse:collapse;margin:1em 0;font-size:0.9em}
      th,td{border:1px solid #ccc;padding:0.3em 0.6em;text-align:left}
      td.n{text-align:right}
      th{background:#f2f2f2}
      caption{text-align:left;font-weight:600;padding:0.3em 0}
      pre{background:#f6f6f6;padding:0.8em;overflow-x:auto}
      code{background:#f6f6f6;padding:0 0.2em}
      figure{margin:1em 0}
      img{max-width:100%;border:1px solid #eee}
      figcaption{font-size:0.85em;color:#555}
      """;
}
