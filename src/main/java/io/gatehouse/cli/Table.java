package io.gatehouse.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A table sized to the terminal. Id columns are never cut (an id that cannot be pasted is useless):
 * to fit, the other columns first shrink to their header's width (their cells end in "…"), then the
 * rightmost of them are left out, one by one. Only ids wider than the terminal make a line overflow.
 */
final class Table {
    private static final int GAP = 2;
    private static final int MIN_WIDTH = 12;

    private Table() {
    }

    /** The lines to print: {@code cells[r][c]} is row r's value for {@code columns.get(c)}. */
    static List<String> render(List<Output.Column> columns, List<String[]> cells, boolean header, int width) {
        int n = columns.size();
        int[] natural = new int[n];
        for (int c = 0; c < n; c++) {
            natural[c] = header ? columns.get(c).header().length() : 1;
            for (String[] row : cells) {
                natural[c] = Math.max(natural[c], row[c].length());
            }
        }
        List<Integer> shown = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            shown.add(c);
        }
        int[] w = fit(columns, natural, shown, width);
        while (w == null) {
            shown.remove(lastDroppable(columns, shown));
            w = fit(columns, natural, shown, width);
        }
        List<String> lines = new ArrayList<>();
        if (header) {
            lines.add(line(shown, w, c -> columns.get(c).header()));
        }
        for (String[] row : cells) {
            lines.add(line(shown, w, c -> row[c]));
        }
        return lines;
    }

    /** Widths that fit {@code width} with these columns, or null if only leaving one out can. */
    private static int[] fit(List<Output.Column> columns, int[] natural, List<Integer> shown, int width) {
        int[] w = natural.clone();
        int total = GAP * (shown.size() - 1);
        int floor = total;
        for (int c : shown) {
            total += w[c];
            floor += columns.get(c).id() ? w[c] : minimum(columns.get(c), natural[c]);
        }
        if (floor > width && lastDroppable(columns, shown) >= 0) {
            return null;
        }
        while (total > width) {
            int widest = -1;
            for (int c : shown) {
                if (!columns.get(c).id() && w[c] > minimum(columns.get(c), natural[c]) && (widest < 0 || w[c] > w[widest])) {
                    widest = c;
                }
            }
            if (widest < 0) {
                break; // only ids left, and they are never cut
            }
            w[widest]--;
            total--;
        }
        return w;
    }

    private static int minimum(Output.Column c, int natural) {
        return Math.min(natural, Math.max(MIN_WIDTH, c.header().length()));
    }

    /** The index in {@code shown} of the rightmost column that is not an id, or -1. */
    private static int lastDroppable(List<Output.Column> columns, List<Integer> shown) {
        for (int i = shown.size() - 1; i >= 0; i--) {
            if (!columns.get(shown.get(i)).id()) {
                return i;
            }
        }
        return -1;
    }

    private static String line(List<Integer> shown, int[] w, java.util.function.IntFunction<String> value) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < shown.size(); i++) {
            int c = shown.get(i);
            String v = value.apply(c);
            if (v.length() > w[c]) {
                v = v.substring(0, w[c] - 1) + "…";
            }
            if (i > 0) {
                b.append(" ".repeat(GAP));
            }
            b.append(i == shown.size() - 1 ? v : v + " ".repeat(w[c] - v.length()));
        }
        return b.toString().stripTrailing();
    }
}
