package io.gatehouse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Tables fit the terminal without ever cutting an id. */
class TableTest {
    private static final List<Output.Column> COLUMNS = List.of(Output.Column.id("ID", "id"), new Output.Column("NAME", "name"),
            new Output.Column("EMAIL", "email"), new Output.Column("STAGE", "stage"), new Output.Column("CREATED", "created"));
    private static final String ID = "375781968564847";
    private static final List<String[]> ROWS = List.<String[]>of(
            new String[] {ID, "Annabelle Leeward-Smith", "annabelle.leeward-smith@example.com", "Qualified", "2026-11-27T20:20:44Z"},
            new String[] {"12", "Bo", "bo@example.com", "New", "2026-11-27T20:20:45Z"});

    @Test
    void a_wide_terminal_shows_everything_in_columns() {
        List<String> lines = Table.render(COLUMNS, ROWS, true, 200);
        assertThat(lines.get(0)).startsWith("ID               NAME").endsWith("CREATED");
        assertThat(lines.get(1)).isEqualTo(ID + "  Annabelle Leeward-Smith  annabelle.leeward-smith@example.com  Qualified  2026-11-27T20:20:44Z");
    }

    @Test
    void a_narrow_terminal_shrinks_then_drops_other_columns_from_the_right_and_keeps_ids_whole() {
        for (int w = 20; w <= 120; w++) {
            int width = w;
            List<String> lines = Table.render(COLUMNS, ROWS, true, width);
            assertThat(lines.get(1)).as("width " + width).matches(ID + "(  .*)?");
            assertThat(lines).as("width " + width).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(width));
            assertThat(lines.get(0)).as("the leftmost columns stay longest").startsWith("ID");
        }
        List<String> sixty = Table.render(COLUMNS, ROWS, true, 60);
        assertThat(sixty.get(0)).contains("NAME", "EMAIL").doesNotContain("CREATED");
        assertThat(sixty.get(1)).contains("…");
    }

    @Test
    void ids_wider_than_the_terminal_are_still_printed_whole() {
        List<String> lines = Table.render(COLUMNS, ROWS, false, 8);
        assertThat(lines).containsExactly(ID, "12");
    }
}
