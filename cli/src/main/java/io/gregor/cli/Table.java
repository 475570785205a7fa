package io.gregor.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table: a header row and rows, columns padded to their widest cell and two spaces apart. */
final class Table {
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();
    private int[] minimumWidths = new int[0];
    private boolean printHeader = true;

    Table(List<String> headers) {
        this.headers = headers;
    }

    /** Widens columns to at least these widths, so that tables printed one after another line up. */
    Table minimumWidths(int... widths) {
        this.minimumWidths = widths;
        return this;
    }

    /** Leaves the header row out (it still counts for the widths). */
    Table withoutHeader() {
        this.printHeader = false;
        return this;
    }

    Table row(List<String> cells) {
        rows.add(cells);
        return this;
    }

    void print(PrintWriter out) {
        int[] widths = new int[headers.size()];
        System.arraycopy(minimumWidths, 0, widths, 0, Math.min(minimumWidths.length, widths.length));
        for (List<String> row : allRows()) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : printHeader ? allRows() : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : pad(row.get(i), widths[i] + 2));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    private List<List<String>> allRows() {
        List<List<String>> all = new ArrayList<>(rows.size() + 1);
        all.add(headers);
        all.addAll(rows);
        return all;
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(width - text.length());
    }
}
