package dev.facet.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The walls between modules that STYLE.md sets, checked on the compiled classes of every module. */
class ModuleWallsTest {
    private static JavaClasses facet;

    @BeforeAll
    static void importFacet() {
        facet = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.facet");
    }

    @Test
    void onlyTheStoreTouchesSql() {
        noClasses().that().resideOutsideOfPackage("dev.facet.store..")
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..", "org.jdbi..",
                        "org.flywaydb..", "com.zaxxer..", "org.h2..", "org.postgresql..")
                .check(facet);
    }

    @Test
    void coreDependsOnNoOtherModule() {
        noClasses().that().resideInAPackage("dev.facet.core..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.facet.git..", "dev.facet.store..",
                        "dev.facet.primary..", "dev.facet.mirror..", "dev.facet.farm..", "dev.facet.web..",
                        "dev.facet.cli..")
                .check(facet);
    }

    @Test
    void gitDependsOnlyOnCore() {
        noClasses().that().resideInAPackage("dev.facet.git..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.facet.store..", "dev.facet.primary..",
                        "dev.facet.mirror..", "dev.facet.farm..", "dev.facet.web..", "dev.facet.cli..")
                .check(facet);
    }

    @Test
    void primaryAndMirrorNeverImportEachOther() {
        noClasses().that().resideInAPackage("dev.facet.primary..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.facet.mirror..", "dev.facet.farm..")
                .check(facet);
        noClasses().that().resideInAPackage("dev.facet.mirror..")
                .should().dependOnClassesThat().resideInAPackage("dev.facet.primary..")
                .allowEmptyShould(true)
                .check(facet);
    }

    @Test
    void rolesAndWebDoNotReachIntoTheStoreOrTheCommandLine() {
        noClasses().that().resideInAnyPackage("dev.facet.primary..", "dev.facet.mirror..", "dev.facet.web..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.facet.store..", "dev.facet.cli..")
                .check(facet);
        noClasses().that().resideOutsideOfPackage("dev.facet.cli..")
                .should().dependOnClassesThat().resideInAPackage("dev.facet.cli..")
                .check(facet);
    }

    @Test
    void onlyTheWebModuleKnowsHttpFrameworks() {
        noClasses().that().resideOutsideOfPackages("dev.facet.web..", "dev.facet.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "org.eclipse.jetty..",
                        "io.micrometer..")
                .check(facet);
    }

    @Test
    void onlyTheFarmImportsHazelcast() {
        noClasses().that().resideOutsideOfPackage("dev.facet.farm..")
                .should().dependOnClassesThat().resideInAPackage("com.hazelcast..")
                .check(facet);
    }

    /** The SSH library stays behind facet-ssh, so the one sshd artifact STACK.md allows is the only one ever needed. */
    @Test
    void onlyTheSshModuleImportsSshd() {
        noClasses().that().resideOutsideOfPackage("dev.facet.ssh..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.sshd..")
                .check(facet);
    }

    @Test
    void namesSayWhatThingsAre() {
        classes().that().resideInAPackage("dev.facet..")
                .should().haveSimpleNameNotEndingWith("Manager")
                .andShould().haveSimpleNameNotEndingWith("Utils")
                .andShould().haveSimpleNameNotEndingWith("Helper")
                .check(facet);
        noClasses().that().areInterfaces().should().haveNameMatching(".*\\.I[A-Z][a-z].*").check(facet);
    }
}
