package dev.governor.engine.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleCompilerTest {

    static final Path DEFAULT_RULES = Path.of("../../rules");

    private final RuleCompiler compiler = new RuleCompiler(Duration.ofMinutes(5));

    @Test
    void compilesTheDefaultRules() {
        CompiledRules rules = compiler.compileFolder(DEFAULT_RULES);
        assertThat(rules.ruleNames()).contains("Notify when the live set stays high", "Throttle the executors while CPU stays high",
                "Grow a pool whose callers keep waiting", "Vacuum a table autovacuum leaves behind");
        assertThat(rules.files()).extracting(f -> f.getFileName().toString())
                .containsExactly("cpu.drl", "memory.drl", "mvcc.drl", "pool.drl");
        assertThat(rules.params().keys()).contains("pool.grow.step", "mvcc.idleInTransaction.notifyAfter");
    }

    @Test
    void aSyntaxErrorNamesFileAndLine(@TempDir Path dir) throws Exception {
        Path good = write(dir, "a-good.drl", """
                package t;
                import dev.governor.api.PoolSample;
                rule "fine"
                when
                    PoolSample( waiting > 0 )
                then
                end
                """);
        Path broken = write(dir, "b-broken.drl", """
                package t;
                import dev.governor.api.PoolSample;

                rule "broken"
                when
                    PoolSample( waiting > )
                then
                end
                """);
        RuleCompilationException e = catchThrowableOfType(RuleCompilationException.class, () -> compiler.compileFolder(dir));
        assertThat(e.problems()).isNotEmpty();
        RuleProblem first = e.problems().get(0);
        assertThat(first.file()).isEqualTo(broken);
        assertThat(first.line()).isEqualTo(6);
        assertThat(first.toString()).startsWith(broken + ":6: ");
        assertThat(e.problems()).noneMatch(p -> good.equals(p.file()));
    }

    @Test
    void anUnknownFieldNamesFileAndLine(@TempDir Path dir) throws Exception {
        Path file = write(dir, "typo.drl", """
                package t;
                import dev.governor.api.HostSample;

                rule "typo"
                when
                    HostSample( cpuLod > 0.5 )
                then
                end
                """);
        RuleCompilationException e = catchThrowableOfType(RuleCompilationException.class, () -> compiler.compileFolder(dir));
        assertThat(e.problems()).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo(file);
            assertThat(p.line()).isEqualTo(6);
            assertThat(p.message()).contains("cpuLod");
        });
    }

    @Test
    void reportsEveryBrokenFile(@TempDir Path dir) throws Exception {
        write(dir, "one.drl", "package t;\nrule \"x\" when\n  NoSuchFact()\nthen end\n");
        write(dir, "two.drl", "package t;\nrule \"y\" when\n  AlsoMissing()\nthen end\n");
        RuleCompilationException e = catchThrowableOfType(RuleCompilationException.class, () -> compiler.compileFolder(dir));
        assertThat(e.problems()).extracting(p -> p.file().getFileName().toString()).contains("one.drl", "two.drl");
    }

    @Test
    void aMissingFolderIsAProblemNamingIt(@TempDir Path dir) {
        RuleCompilationException e = catchThrowableOfType(RuleCompilationException.class,
                () -> compiler.compileFolder(dir.resolve("absent")));
        assertThat(e.getMessage()).contains("absent").contains("no such folder");
    }

    @Test
    void thePreludeMakesEveryFactTypeAnEventWithTheRetention() {
        String prelude = new RuleCompiler(Duration.ofMinutes(7)).prelude(Duration.ofMinutes(7));
        assertThat(prelude).contains("declare PoolSample", "declare HostSample", "declare Metric", "declare ActionOutcome");
        assertThat(prelude).contains("@timestamp( atMillis )").contains("@expires( 7m )");
    }

    @Test
    void factsStayAsLongAsTheLongestRuleWindowNeeds() {
        CompiledRules longWindow = compiler.compileSources(
                java.util.Map.of("l.drl", "package l;\nimport dev.governor.api.Metric;\n"
                        + "rule \"l\" when Metric() over window:time( 15m ) then end\n"),
                java.util.Map.of("l.drl", Path.of("l.drl")));
        assertThat(longWindow.factRetention()).isEqualTo(Duration.ofMinutes(15));
        CompiledRules shortRules = compiler.compileSources(
                java.util.Map.of("s.drl", "package s;\nimport dev.governor.api.Metric;\n"
                        + "rule \"s\" when Metric() over window:time( 30s ) then end\n"),
                java.util.Map.of("s.drl", Path.of("s.drl")));
        assertThat(shortRules.factRetention()).as("never below the configured retention").isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void temporalSpansReadWindowsAndOperatorBounds() {
        assertThat(TemporalSpans.longest("X() over window:time( 1h30m )")).isEqualTo(Duration.ofMinutes(90));
        assertThat(TemporalSpans.longest("A( this after[ 0s, 45s ] $b )")).isEqualTo(Duration.ofSeconds(45));
        assertThat(TemporalSpans.longest("A( this before[-2m] $b )")).isEqualTo(Duration.ofMinutes(2));
        assertThat(TemporalSpans.longest("A( x > 1 )")).isZero();
    }

    @Test
    void sameFileNamesInOneCompileDoNotCollide(@TempDir Path dir) throws Exception {
        Path a = write(dir.resolve("a"), "r.drl", "package a;\nimport dev.governor.api.Metric;\nrule \"ra\" when Metric() then end\n");
        Path b = write(dir.resolve("b"), "r.drl", "package b;\nimport dev.governor.api.Metric;\nrule \"rb\" when Metric() then end\n");
        assertThat(compiler.compile(List.of(a, b)).ruleNames()).containsExactly("ra", "rb");
    }

    static Path write(Path dir, String name, String text) throws Exception {
        Files.createDirectories(dir);
        return Files.writeString(dir.resolve(name), text);
    }
}
