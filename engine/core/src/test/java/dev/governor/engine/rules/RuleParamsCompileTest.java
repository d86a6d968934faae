package dev.governor.engine.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.governor.api.PoolSample;
import dev.governor.api.RuleParams;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** params.yaml beside the rules, rules.params over it, and the checks made before any rule runs. */
class RuleParamsCompileTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static final String GROW = """
            package t;
            import dev.governor.api.Action;
            import dev.governor.api.PoolSample;
            import java.util.Map;

            rule "grow"
            when
                $p : PoolSample( waiting >= params.integer( "grow.waiting" ) )
            then
                insert( new Action( "pool.resize", $p.pool(), Map.of( "max", $p.max() + params.integer( "grow.step" ) ), "" ) );
            end
            """;

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void rulesReadTheirParamsFromParamsYamlAndTheConfigurationOverridesThem() throws Exception {
        write("grow.drl", GROW);
        write("params.yaml", "grow.waiting: 2   # callers\ngrow:\n  step: 3\n");
        CompiledRules defaults = new RuleCompiler(Duration.ofMinutes(5)).compileFolder(dir);
        assertThat(defaults.params().asMap()).isEqualTo(Map.of("grow.waiting", 2L, "grow.step", 3L));
        assertThat(decide(defaults, 2)).containsExactly(Map.of("max", 13));
        assertThat(decide(defaults, 1)).isEmpty();

        CompiledRules tuned = new RuleCompiler(Duration.ofMinutes(5), Map.of("grow.step", 5, "grow", Map.of("waiting", 1))).compileFolder(dir);
        assertThat(decide(tuned, 1)).containsExactly(Map.of("max", 15));
    }

    @Test
    void aSessionCanBeGivenOtherParams() throws Exception {
        write("grow.drl", GROW);
        write("params.yaml", "grow.waiting: 2\ngrow.step: 3\n");
        CompiledRules rules = new RuleCompiler(Duration.ofMinutes(5)).compileFolder(dir);
        try (RuleSession session = new RuleSession(rules, RuleSession.ClockMode.PSEUDO, new AtomicLong(),
                rules.params().with(Map.of("grow.step", 7)))) {
            assertThat(session.insert(List.of(new PoolSample("orders", 10, 0, 2, 10, T0))))
                    .extracting(d -> d.action().params()).containsExactly(Map.of("max", 17));
        }
    }

    private static final String BANDS = """
            package t;
            import dev.governor.api.PoolSample;

            rule "busy"
            when
                PoolSample( utilization >= params.number( "busy.enter" ), utilization < params.number( "busy.exit" )
                            || utilization <= params.number( "idle.enter" ) || utilization > params.number( "idle.exit" ) )
            then
            end
            """;

    @Test
    void aBandOverriddenTheWrongWayRoundIsAnErrorNamingBothKeysTheirValuesAndTheFix() throws Exception {
        write("bands.drl", BANDS);
        Path params = write("params.yaml", "busy.enter: 0.9\nbusy.exit: 0.7\nidle.enter: !below 0.3\nidle.exit: 0.5\n");
        assertThat(new RuleCompiler(Duration.ofMinutes(5)).compileFolder(dir).params().number("idle.enter")).isEqualTo(0.3);
        // the exit at the enter is no band to be in and out of at once
        new RuleCompiler(Duration.ofMinutes(5), Map.of("busy.exit", 0.9, "idle.exit", 0.3)).compileFolder(dir);

        RuleCompilationException e = catchThrowableOfType(RuleCompilationException.class,
                () -> new RuleCompiler(Duration.ofMinutes(5), Map.of("busy.enter", 0.5)).compileFolder(dir));
        assertThat(e.getMessage()).isEqualTo("rules.params.busy.enter: 0.5 is below busy.exit: 0.7 (" + params + ":2): band 'busy' "
                + "is entered at or above busy.enter and left below busy.exit, so a value between the two would be in it and out of "
                + "it at once; raise busy.enter or lower busy.exit (the exit at or below the enter)");

        e = catchThrowableOfType(RuleCompilationException.class,
                () -> new RuleCompiler(Duration.ofMinutes(5), Map.of("idle", Map.of("exit", 0.2))).compileFolder(dir));
        assertThat(e.getMessage()).isEqualTo("idle.enter: 0.3 (" + params + ":3) is above rules.params.idle.exit: 0.2: band 'idle' "
                + "is entered at or below idle.enter and left above idle.exit, so a value between the two would be in it and out of "
                + "it at once; lower idle.enter or raise idle.exit (the exit at or above the enter)");
    }

    @Test
    void aBandTheWrongWayRoundInParamsYamlIsAnErrorAtItsLine() throws Exception {
        write("bands.drl", BANDS);
        Path params = write("params.yaml", "busy.enter: 0.9\nbusy.exit: 0.7\nidle.enter: 0.3   # no !below\nidle.exit: 0.5\n");
        RuleCompilationException e = catchThrowableOfType(RuleCompilationException.class,
                () -> new RuleCompiler(Duration.ofMinutes(5)).compileFolder(dir));
        assertThat(e.getMessage()).startsWith(params + ":3: idle.enter: 0.3 (" + params + ":3) is below idle.exit: 0.5 ("
                + params + ":4): band 'idle' is entered at or above idle.enter").endsWith("raise idle.enter or lower idle.exit "
                + "(the exit at or below the enter)");
    }

    @Test
    void aTagOtherThanBelowOnAnEnterParamIsAnError() throws Exception {
        write("bands.drl", BANDS);
        Path params = write("params.yaml", "busy.enter: 0.9\nbusy.exit: !below 0.7\nidle.enter: !above 0.3\nidle.exit: 0.5\n");
        RuleCompilationException e = catchThrowableOfType(RuleCompilationException.class,
                () -> new RuleCompiler(Duration.ofMinutes(5)).compileFolder(dir));
        assertThat(e.problems()).extracting(RuleProblem::toString).containsExactly(
                params + ":2: param 'busy.exit': the only tag a param may carry is !below, on an X.enter number whose band is "
                        + "entered at or below it; got !below",
                params + ":3: param 'idle.enter': the only tag a param may carry is !below, on an X.enter number whose band is "
                        + "entered at or below it; got !above");
    }

    @Test
    void anUnknownOverrideNamesItsKeyAndTheKnownOnes() throws Exception {
        write("grow.drl", GROW);
        write("params.yaml", "grow.waiting: 2\ngrow.step: 3\n");
        RuleCompilationException e = catchThrowableOfType(RuleCompilationException.class,
                () -> new RuleCompiler(Duration.ofMinutes(5), Map.of("grow.stepp", 4)).compileFolder(dir));
        assertThat(e.getMessage()).isEqualTo("rules.params.grow.stepp: no such rule param; grow.* params: grow.step, grow.waiting "
                + "(every param is in " + dir.resolve("params.yaml") + ")");
        e = catchThrowableOfType(RuleCompilationException.class,
                () -> new RuleCompiler(Duration.ofMinutes(5), Map.of("pool.step", 4)).compileFolder(dir));
        assertThat(e.getMessage()).isEqualTo("rules.params.pool.step: no such rule param; the rules declare: grow.step, grow.waiting");
    }

    @Test
    void anOverrideOfTheWrongKindSaysWhatItShouldBe() throws Exception {
        write("grow.drl", GROW);
        write("params.yaml", "grow.waiting: 2\ngrow.step: 3\nwait.for: 30s\nratio: 0.5\n");
        Path params = dir.resolve("params.yaml");
        assertThat(problems(Map.of("grow.step", 2.5))).containsExactly("rules.params.grow.step: rule param 'grow.step' is a whole number "
                + "(default 3), got a number (2.5) (declared at " + params + ":2)");
        assertThat(problems(Map.of("wait.for", "soon"))).containsExactly(
                "rules.params.wait.for: expected a duration such as 500ms, 30s, 5m or 1h, got 'soon'");
        assertThat(problems(Map.of("wait.for", 30))).singleElement().asString().contains("is a duration (default 30s), got a whole number (30)");
        assertThat(problems(Map.of("ratio", "high"))).singleElement().asString()
                .contains("rule param 'ratio' must be a number, a duration or true/false, got String 'high'");
        // a whole number where a fractional default is, and a duration written as text, are fine
        assertThat(new RuleCompiler(Duration.ofMinutes(5), Map.of("ratio", 1, "wait.for", "2m")).compileFolder(dir).params().asMap())
                .containsEntry("ratio", 1.0).containsEntry("wait.for", Duration.ofMinutes(2));
    }

    @Test
    void aRuleReadingAParamNobodyDeclaredFailsAtItsLine() throws Exception {
        Path file = write("grow.drl", GROW.replace("\"grow.step\"", "\"grow.stpe\""));
        write("params.yaml", "grow.waiting: 2\ngrow.step: 3\n");
        RuleCompilationException e = catchThrowableOfType(RuleCompilationException.class,
                () -> new RuleCompiler(Duration.ofMinutes(5)).compileFolder(dir));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(file);
            assertThat(p.line()).isEqualTo(10);
            assertThat(p.message()).isEqualTo("no rule param 'grow.stpe': declare it in params.yaml beside the rules; "
                    + "declared: grow.step, grow.waiting");
        });
    }

    @Test
    void aRuleReadingAParamAsTheWrongKindFailsAtItsLine() throws Exception {
        Path file = write("grow.drl", GROW.replace("params.integer( \"grow.waiting\" )", "params.millis( \"grow.waiting\" )"));
        write("params.yaml", "grow.waiting: 2\ngrow.step: 3\n");
        RuleCompilationException e = catchThrowableOfType(RuleCompilationException.class,
                () -> new RuleCompiler(Duration.ofMinutes(5)).compileFolder(dir));
        assertThat(e.getMessage()).isEqualTo(file + ":8: params.millis( \"grow.waiting\" ) reads a duration, but the param is "
                + "a whole number (declared at " + dir.resolve("params.yaml") + ":1)");
    }

    @Test
    void aBrokenParamsFileNamesItsLine() throws Exception {
        write("grow.drl", GROW);
        Path params = write("params.yaml", "grow.waiting: 2\ngrow.step: lots\ngrow.waiting: 3\nlist: [1, 2]\n");
        RuleCompilationException e = catchThrowableOfType(RuleCompilationException.class,
                () -> new RuleCompiler(Duration.ofMinutes(5)).compileFolder(dir));
        assertThat(e.problems()).extracting(RuleProblem::toString).containsExactly(
                params + ":2: param 'grow.step': expected a number, a duration such as 5m, or true/false, got 'lots'",
                params + ":3: param 'grow.waiting' is declared twice: also at line 1",
                params + ":4: param 'list': expected a number, a duration such as 5m, or true/false, got a list");

        write("params.yaml", "grow.waiting: [\n");
        e = catchThrowableOfType(RuleCompilationException.class, () -> new RuleCompiler(Duration.ofMinutes(5)).compileFolder(dir));
        assertThat(e.problems()).singleElement().asString().startsWith(params + ":").contains("not valid YAML");
    }

    @Test
    void aLookBackParamKeepsFactsLongEnough() throws Exception {
        write("grow.drl", GROW);
        write("params.yaml", "grow.waiting: 2\ngrow.step: 3\nbusy.window: 20m\nbusy.for: 1h\n");
        // "window" is a look-back: facts stay 20 minutes; a "for" needs no facts kept
        assertThat(new RuleCompiler(Duration.ofMinutes(5)).compileFolder(dir).factRetention()).isEqualTo(Duration.ofMinutes(20));
    }

    @Test
    void theDefaultRulesDeclareEveryParamTheyRead() {
        CompiledRules rules = RulePack.rules();
        // every key in params.yaml is read by some rule, and the compiler checked every read against it
        String drl = RulePack.DEFAULT_RULES.toFile().listFiles((d, n) -> n.endsWith(".drl")).length + " files";
        assertThat(drl).isEqualTo("4 files");
        List<String> unread = rules.params().keys().stream().filter(key -> !readBySomeRule(key)).toList();
        assertThat(unread).as("params.yaml keys no rule reads").isEmpty();
    }

    private static boolean readBySomeRule(String key) {
        try (var files = Files.list(RulePack.DEFAULT_RULES)) {
            return files.filter(f -> f.toString().endsWith(".drl")).anyMatch(f -> {
                try {
                    return Files.readString(f).contains("\"" + key + "\"");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<String> problems(Map<String, Object> overrides) {
        RuleCompilationException e = catchThrowableOfType(RuleCompilationException.class,
                () -> new RuleCompiler(Duration.ofMinutes(5), overrides).compileFolder(dir));
        return e.problems().stream().map(RuleProblem::toString).toList();
    }

    private static List<Map<String, Object>> decide(CompiledRules rules, int waiting) {
        try (RuleSession session = new RuleSession(rules, RuleSession.ClockMode.PSEUDO)) {
            return session.insert(List.of(new PoolSample("orders", 10, 0, waiting, 10, T0))).stream()
                    .map(d -> d.action().params()).toList();
        }
    }

    @Test
    void rulesWithoutParamsStillGetAnEmptySet() {
        CompiledRules rules = new RuleCompiler(Duration.ofMinutes(5)).compileSources(Map.of("t.drl", """
                package t;
                import dev.governor.api.Action;
                import dev.governor.api.PoolSample;
                rule "t" when $p : PoolSample( waiting > 0 ) then
                    insert( new Action( "notify.log", $p.pool(), params.keys().isEmpty() ? "no params" : "params" ) );
                end
                """), Map.of("t.drl", Path.of("t.drl")));
        assertThat(rules.params()).isEqualTo(RuleParams.empty());
        try (RuleSession session = new RuleSession(rules, RuleSession.ClockMode.PSEUDO)) {
            assertThat(session.insert(List.of(new PoolSample("orders", 10, 0, 1, 10, T0))))
                    .extracting(d -> d.action().reason()).containsExactly("no params");
        }
    }
}
