package io.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every "SPEC §N" cited in the code, docs and benches names a section the SPEC has (§1 Running it …
 * §11 Security floor; readiness, for one, is §9 Admin API). The SPEC lives outside this repository,
 * so its section count is written here: raise it when the SPEC gains a section.
 */
class SpecReferencesTest {
    private static final int SPEC_SECTIONS = 11;
    private static final Pattern CITE = Pattern.compile("SPEC §(\\d+)");

    @Test
    void every_cited_spec_section_exists() throws IOException {
        List<String> wrong = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger cited = new java.util.concurrent.atomic.AtomicInteger();
        for (String root : List.of("src", "docs", "bench", "scripts", "README.md")) {
            Path start = Path.of(root);
            if (!Files.exists(start)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(start)) {
                files.filter(Files::isRegularFile)
                        .filter(p -> p.toString().matches(".*\\.(java|md|sh|py|lua|properties|xml|html|sql)$"))
                        .forEach(p -> {
                            try {
                                List<String> lines = Files.readAllLines(p);
                                for (int i = 0; i < lines.size(); i++) {
                                    Matcher m = CITE.matcher(lines.get(i));
                                    while (m.find()) {
                                        cited.incrementAndGet();
                                        int section = Integer.parseInt(m.group(1));
                                        if (section < 1 || section > SPEC_SECTIONS) {
                                            wrong.add(p + ":" + (i + 1) + ": " + m.group());
                                        }
                                    }
                                }
                            } catch (IOException e) {
                                throw new UncheckedIOException(e);
                            }
                        });
            }
        }
        assertThat(cited.get()).as("citations found (run from the repository root)").isGreaterThan(100);
        assertThat(wrong).as("SPEC sections that do not exist").isEmpty();
    }
}
