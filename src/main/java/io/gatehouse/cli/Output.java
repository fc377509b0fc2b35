package io.gatehouse.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.gatehouse.core.Json;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** Data on stdout: tables for people (sized to the terminal), JSON, CSV or YAML for programs. */
final class Output {
    enum Format { TEXT, JSON, CSV, YAML }

    /** A column: its header and the JSON field it shows. */
    record Column(String header, String field) {
    }

    private final Format format;
    private final boolean header;
    private final int width;
    private final PrintStream out;

    Output(GlobalOptions g, PrintStream out) {
        this.format = g.format();
        this.header = !g.noHeader;
        this.out = out;
        int w = 120;
        String cols = g.env("COLUMNS");
        if (cols != null) {
            try {
                w = Math.max(40, Integer.parseInt(cols.strip()));
            } catch (NumberFormatException ignored) {
                // keep the default
            }
        }
        this.width = w;
    }

    /** A list: {@code raw} is the API's whole answer (for JSON/YAML), {@code rows} the items to tabulate. */
    void list(JsonNode raw, JsonNode rows, List<Column> columns) {
        switch (format) {
            case JSON -> json(raw);
            case YAML -> yaml(raw);
            case CSV -> csv(rows, columns);
            case TEXT -> table(rows, columns);
        }
    }

    /** One thing: field/value lines for people. */
    void object(JsonNode raw, JsonNode item, List<Column> columns) {
        switch (format) {
            case JSON -> json(raw);
            case YAML -> yaml(raw);
            case CSV -> csv(Json.MAPPER.createArrayNode().add(item), columns);
            case TEXT -> {
                int w = columns.stream().mapToInt(c -> c.header().length()).max().orElse(0);
                for (Column c : columns) {
                    String v = cell(item, c.field());
                    if (!v.isEmpty()) {
                        out.println(pad(c.header() + ":", w + 1) + " " + v);
                    }
                }
            }
        }
    }

    /** Whatever came back, as is (the {@code api} command). */
    void raw(JsonNode raw) {
        if (format == Format.YAML) {
            yaml(raw);
        } else {
            json(raw);
        }
    }

    /** A one-line result for people; the JSON for programs. */
    void message(JsonNode raw, String text) {
        if (format == Format.TEXT) {
            out.println(text);
        } else {
            raw(raw);
        }
    }

    private void json(JsonNode raw) {
        try {
            out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(raw));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private void yaml(JsonNode raw) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Object value = Json.MAPPER.convertValue(raw, Object.class);
        out.print(new Yaml(o).dump(value instanceof Map || value instanceof List ? value : Map.of("value", value)));
    }

    private void csv(JsonNode rows, List<Column> columns) {
        if (header) {
            out.println(String.join(",", columns.stream().map(c -> csvCell(c.header())).toList()));
        }
        for (JsonNode row : rows) {
            out.println(String.join(",", columns.stream().map(c -> csvCell(cell(row, c.field()))).toList()));
        }
    }

    private void table(JsonNode rows, List<Column> columns) {
        int n = columns.size();
        int[] w = new int[n];
        List<String[]> cells = new ArrayList<>();
        for (JsonNode row : rows) {
            String[] r = new String[n];
            for (int i = 0; i < n; i++) {
                r[i] = cell(row, columns.get(i).field()).replace('\n', ' ');
                w[i] = Math.max(w[i], r[i].length());
            }
            cells.add(r);
        }
        for (int i = 0; i < n; i++) {
            w[i] = Math.max(w[i], header ? columns.get(i).header().length() : 1);
        }
        // Shrink the widest columns until the table fits the terminal.
        int total = sum(w) + 2 * (n - 1);
        while (total > width) {
            int widest = 0;
            for (int i = 1; i < n; i++) {
                if (w[i] > w[widest]) {
                    widest = i;
                }
            }
            if (w[widest] <= 6) {
                break;
            }
            w[widest]--;
            total--;
        }
        if (header) {
            out.println(row(columns.stream().map(Column::header).toArray(String[]::new), w));
        }
        for (String[] r : cells) {
            out.println(row(r, w));
        }
    }

    private static String row(String[] values, int[] w) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                b.append("  ");
            }
            String v = values[i].length() > w[i] ? values[i].substring(0, w[i] - 1) + "…" : values[i];
            b.append(i == values.length - 1 ? v : pad(v, w[i]));
        }
        return b.toString().stripTrailing();
    }

    private static int sum(int[] w) {
        int s = 0;
        for (int x : w) {
            s += x;
        }
        return s;
    }

    private static String pad(String s, int w) {
        return s.length() >= w ? s : s + " ".repeat(w - s.length());
    }

    static String cell(JsonNode row, String field) {
        JsonNode v = row.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return "";
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(x -> parts.add(x.asText()));
            return String.join(" ", parts);
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    private static String csvCell(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
