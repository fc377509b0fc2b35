package io.gatehouse.architecture;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static org.assertj.core.api.Assertions.assertThat;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleNameEndingWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The shape of the code (docs/decisions.md, "Domain without HTTP"): features speak in domain terms and
 * raise domain errors; only the edge (the HTTP layer, the pipeline, the portal, the admin and proxy
 * transports, the server's assembly, and each feature's endpoints and module) knows HTTP. No package
 * depends on itself through others.
 */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.gatehouse");

    /** The edge: packages that are transport by nature, and the endpoint and wiring classes of each feature. */
    private static final DescribedPredicate<JavaClass> EDGE = resideInAnyPackage(
            "io.gatehouse.http..", "io.gatehouse.pipeline..", "io.gatehouse.portal..", "io.gatehouse.admin..",
            "io.gatehouse.proxy..", "io.gatehouse.server..", "io.gatehouse.api..")
            .or(simpleNameEndingWith("Endpoint"))
            .or(simpleNameEndingWith("Endpoints"))
            .or(simpleNameEndingWith("Module"))
            // request readers that only endpoints use: form bodies and client credentials (RFC 6749 §2.3)
            .or(simpleNameEndingWith("Forms"))
            .or(simpleNameEndingWith("Requests"))
            .or(simpleNameEndingWith("ClientAuthenticator"))
            .as("the edge (transport packages, endpoints, modules)");

    @Test
    void no_package_depends_on_itself_through_other_packages() {
        slices().matching("io.gatehouse.(*)..").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void domain_code_does_not_know_http() {
        noClasses().that(not(EDGE)).should().dependOnClassesThat().resideInAPackage("io.gatehouse.http..")
                .because("features raise domain errors; the pipeline maps them to SPEC §3 in one place")
                .check(MAIN);
    }

    @Test
    void domain_code_does_not_know_the_web_server() {
        noClasses().that(not(EDGE)).should().dependOnClassesThat().resideInAnyPackage("io.helidon.webserver..", "io.helidon.http..")
                .check(MAIN);
    }

    @Test
    void the_core_depends_on_no_feature() {
        noClasses().that().resideInAPackage("io.gatehouse.core..").should().dependOnClassesThat()
                .resideOutsideOfPackages("io.gatehouse.core..", "java..", "com.fasterxml.jackson..")
                .check(MAIN);
    }

    @Test
    void the_cli_is_a_client_and_uses_nothing_of_the_server_but_its_settings() {
        noClasses().that().resideInAPackage("io.gatehouse.cli..").should().dependOnClassesThat().resideInAnyPackage(
                        "io.gatehouse.http..", "io.gatehouse.pipeline..", "io.gatehouse.store..", "io.gatehouse.oauth..",
                        "io.gatehouse.portal..", "io.gatehouse.apikey..", "io.gatehouse.app..", "io.gatehouse.account..")
                .check(MAIN);
    }

    /**
     * "forget" used to mean both "revoke" and "drop a cached copy". A cache drops an entry with
     * {@code evict…}; a revocation announced on the bus is applied to a node's refused-id set with
     * {@code markRevoked…}; revoking itself happens only in {@code Revocations}.
     */
    /**
     * A Caffeine cache left with its default executor hands its upkeep to the common ForkJoinPool, which wakes a
     * platform thread every few reads: on a request path that is a context switch and a futex call for every
     * ~16 requests per cache (bench/README.md, "Many-node mode with leases"). Requests run on virtual threads,
     * so the upkeep runs on the caller instead.
     */
    @Test
    void every_cache_does_its_upkeep_on_the_calling_thread() {
        for (JavaClass c : MAIN) {
            long built = c.getMethodCallsFromSelf().stream()
                    .filter(call -> call.getTargetOwner().isEquivalentTo(Caffeine.class)
                            && call.getName().equals("newBuilder"))
                    .count();
            long withExecutor = c.getMethodCallsFromSelf().stream()
                    .filter(call -> call.getTargetOwner().isEquivalentTo(Caffeine.class)
                            && call.getName().equals("executor"))
                    .count();
            assertThat(withExecutor).as("caches built in %s that set .executor(Runnable::run)", c.getName())
                    .isGreaterThanOrEqualTo(built);
        }
    }

    @Test
    void no_method_hides_revoking_or_evicting_behind_forget() {
        noMethods().should().haveNameMatching("forget.*")
                .because("say evict (drop a cached copy) or markRevoked (refuse an id from now on)")
                .check(MAIN);
    }
}
