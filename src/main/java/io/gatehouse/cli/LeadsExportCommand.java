package io.gatehouse.cli;

import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code gatehouse leads export}: every lead (or those the filters pick), written as each page arrives, so
 * the memory it needs does not grow with the number of leads. CSV (the default) or a JSON array with one
 * lead per line.
 */
@Command(name = "export", description = {"Write every lead to stdout as each page arrives: --format csv (default) or json.",
    "  gatehouse leads export --format csv > leads.csv",
    "A progress line shows on stderr while it runs, when stderr is a terminal."})
final class LeadsExportCommand extends CliCommand {
    /** Every field of a lead, in the API's names (they are the CSV header). */
    static final List<String> FIELDS = List.of("leadId", "firstName", "lastName", "email", "phone", "stage", "source", "tags",
            "createTime", "updateTime");

    @Mixin
    LeadsCommand.Filters filters;

    @Override
    void run() {
        Output.Format format = g().explicitFormat() == null ? Output.Format.CSV : g().explicitFormat();
        if (format != Output.Format.CSV && format != Output.Format.JSON) {
            throw new CliException(CliException.USAGE, "leads export writes --format csv or --format json");
        }
        PrintStream out = terminal().out();
        Pages pages = new Pages(client(), terminal());
        if (format == Output.Format.CSV) {
            if (!g().noHeader) {
                out.println(String.join(",", FIELDS));
            }
            pages.each(filters.path(), 0, "leads", "leadId",
                    lead -> out.println(String.join(",", FIELDS.stream().map(f -> Output.csvCell(Output.cell(lead, f))).toList())));
        } else {
            out.print("[");
            boolean[] first = {true};
            pages.each(filters.path(), 0, "leads", "leadId", lead -> {
                out.print(first[0] ? "\n" : ",\n");
                out.print(lead.toString());
                first[0] = false;
            });
            out.println(first[0] ? "]" : "\n]");
        }
        out.flush();
    }
}
