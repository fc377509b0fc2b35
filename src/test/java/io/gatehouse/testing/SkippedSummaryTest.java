package io.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./test} ends with one line per class of skipped tests saying why (scripts/skipped-summary.sh), read
 * from surefire's reports in the shapes surefire 3.5 writes them: a reason in {@code message="…"}, or only
 * the exception in the element's body (an assumption that failed in a {@code @ParameterizedClass}).
 */
class SkippedSummaryTest {
    @TempDir
    Path dir;

    private static final String HEAD = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"x\">\n";

    private String summary(String... reports) throws Exception {
        String[] cmd = new String[reports.length + 2];
        cmd[0] = "bash";
        cmd[1] = Path.of("scripts/skipped-summary.sh").toAbsolutePath().toString();
        for (int i = 0; i < reports.length; i++) {
            Path f = dir.resolve("TEST-" + i + ".xml");
            Files.writeString(f, HEAD + reports[i] + "</testsuite>\n");
            cmd[i + 2] = f.toString();
        }
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        return err;
    }

    @Test
    void a_skipped_parameterized_case_says_the_assumption_it_failed_not_an_empty_reason() throws Exception {
        String err = summary("""
                  <testcase name="two_nodes()" classname="io.gatehouse.account.AccountLostUpdateTest[1]" time="0.0">
                    <skipped type="org.opentest4j.TestAbortedException"><![CDATA[org.opentest4j.TestAbortedException: Assumption failed: two nodes share a PostgreSQL database
                	at org.junit.jupiter.api.Assumptions.throwAssumptionFailed(Assumptions.java:321)
                ]]></skipped>
                  </testcase>
                  <testcase name="other()" classname="io.gatehouse.account.AccountLostUpdateTest[1]" time="0.0">
                    <skipped type="org.opentest4j.TestAbortedException">
                <![CDATA[org.opentest4j.TestAbortedException: Assumption failed: two nodes share a PostgreSQL database
                ]]></skipped>
                  </testcase>
                """, """
                  <testcase name="fish()" classname="io.gatehouse.cli.CommandTreeTest" time="0.0">
                    <skipped message="fish is not installed, so its completion script is checked by its text only"/>
                  </testcase>
                  <testcase name="bare()" classname="io.gatehouse.cli.Bare" time="0.0">
                    <skipped/>
                  </testcase>
                """);
        assertThat(err.lines()).containsExactly(
                "./test: SKIPPED 2 in io.gatehouse.account.AccountLostUpdateTest[1]: two nodes share a PostgreSQL database",
                "./test: SKIPPED 1 in io.gatehouse.cli.Bare: (no reason given)",
                "./test: SKIPPED 1 in io.gatehouse.cli.CommandTreeTest: fish is not installed, so its completion script is checked by its text only");
    }
}
