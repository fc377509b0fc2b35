package io.gatehouse.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** Data on stdout: tables for people (sized to the terminal), JSON, CSV or YAML for programs. */
final class Output {
    enum Format { TEXT, JSON, CSV, YAML }

    /** A column: its header, the JSON field it shows, and whether it is an id (never cut in a table). */
    record Column(String header, String field, boolean id) {
        Column(String header, String field) {
            this(header, field, false);
        }

        static Column id(String header, String field) {
            return new Column(header, field, true);
        }
    }

    private final Format format;
    private final boolean header;
    private final int width;
    private final PrintStream out;

    Output(GlobalOptions g, PrintStream out) {
        this.format = g.format();
        this.header = !g.noHeader;
        this.out = out;
        this.width = width(g);
    }

    /** $COLUMNS, else the terminal's width; no limit when stdout is a pipe or a file (grep and cut see whole lines). */
    private static int width(GlobalOptions g) {
        String cols = g.env("COLUMNS");
        if (cols != null) {
            try {
                return Math.max(20, Integer.parseInt(cols.strip()));
            } catch (NumberFormatException ignored) {
                // ask the terminal
            }
        }
        int tty = g.terminal().outColumns().getAsInt();
        return tty > 0 ? tty : Integer.MAX_VALUE;
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
            case CSV -> csv(CliJson.MAPPER.createArrayNode().add(item), columns);
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
        out.println(CliJson.pretty(raw));
    }

    private void yaml(JsonNode raw) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Object value = CliJson.MAPPER.convertValue(raw, Object.class);
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
        List<String[]> cells = new ArrayList<>();
        for (JsonNode row : rows) {
            cells.add(columns.stream().map(c -> cell(row, c.field()).replace('\n', ' ')).toArray(String[]::new));
        }
        Table.render(columns, cells, header, width).forEach(out::println);
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

    static String csvCell(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }
}
