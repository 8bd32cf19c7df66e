package org.securemail.ingest.inspect.spf;

import java.util.ArrayList;
import java.util.List;

/** The steps of one check, indented by include/redirect depth; bounded in lines and line length. */
final class Trace {

    static final int MAX_LINES = 200;
    static final int MAX_LINE = 300;

    private final List<String> lines = new ArrayList<>();
    private boolean truncated;

    synchronized void add(int depth, String line) {
        if (lines.size() >= MAX_LINES) {
            truncated = true;
            return;
        }
        String text = line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "..." : line;
        lines.add("  ".repeat(Math.min(depth, 20)) + text);
    }

    synchronized List<String> snapshot() {
        if (!truncated) {
            return List.copyOf(lines);
        }
        List<String> out = new ArrayList<>(lines);
        out.add("... (trace cut at " + MAX_LINES + " lines)");
        return List.copyOf(out);
    }
}
