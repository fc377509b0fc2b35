package io.gatehouse.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs the browser tests only where Debian's Chromium and ChromeDriver are installed. Elsewhere each
 * test is reported as skipped with the reason (surefire counts it under "Skipped" and writes the reason
 * in its report), never dropped without a word. With {@code CI=true} a missing browser is not a reason
 * to skip: the tests run and fail, so CI cannot go green without them.
 */
public final class RequiresChromium implements ExecutionCondition {
    public static final Path CHROMIUM = Path.of(System.getProperty("gatehouse.chromium", "/usr/bin/chromium"));
    public static final Path DRIVER = Path.of(System.getProperty("gatehouse.chromedriver", "/usr/bin/chromedriver"));
    public static final String REASON = "Chromium and ChromeDriver are not installed at " + CHROMIUM + " and " + DRIVER
            + " (apt-get install chromium chromium-driver; .ci/run installs them): portal browser test skipped";

    /** Whether the browser tests should run here. */
    public static boolean shouldRun() {
        return "true".equals(System.getenv("CI")) || Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    }

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isEmpty()) {
            // Decided per test, so that each one shows up as skipped rather than the class vanishing from the counts.
            return ConditionEvaluationResult.enabled("decided per test");
        }
        return shouldRun() ? ConditionEvaluationResult.enabled("Chromium is installed")
                : ConditionEvaluationResult.disabled(REASON);
    }
}
