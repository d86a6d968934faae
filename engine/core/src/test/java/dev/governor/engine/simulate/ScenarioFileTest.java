package dev.governor.engine.simulate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.governor.api.ActionOutcome;
import dev.governor.api.Fact;
import dev.governor.api.FactTypes;
import dev.governor.api.HostSample;
import dev.governor.api.PgHorizonHolder;
import dev.governor.api.PoolSample;
import dev.governor.api.SourceDown;
import dev.governor.engine.config.ConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScenarioFileTest {

    private static final Path FILE = Path.of("rules/tests/t.yaml");

    private static List<ScenarioFile.Entry> parse(String yaml) {
        return ScenarioFile.parse(FILE, yaml, new ConfigLoader(name -> null));
    }

    private static Scenario one(String yaml) {
        List<ScenarioFile.Entry> entries = parse(yaml);
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).problems()).isEmpty();
        return entries.get(0).scenario();
    }

    private static List<String> problems(String yaml) {
        List<ScenarioFile.Entry> entries = parse(yaml);
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).malformed()).isTrue();
        return entries.get(0).problems();
    }

    @Test
    void everyExpandsFromFromToToInclusiveAndStampsEachFactWithItsTime() {
        Scenario scenario = one("""
                name: every
                input:
                  - { every: 5s, from: 5s, to: 20s, fact: PoolSample, with: { pool: orders, waiting: 2 } }
                  - { every: 1m, to: 1m, fact: PoolSample }
                  - { at: 7s, fact: PoolSample, with: { pool: late } }
                expect: [ { at: 1m, actions: [] } ]
                """);
        assertThat(scenario.steps()).extracting(Scenario.Step::at).containsExactly(Duration.ZERO, Duration.ofSeconds(5),
                Duration.ofSeconds(7), Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(20), Duration.ofMinutes(1));
        PoolSample at15 = (PoolSample) scenario.steps().get(4).fact();
        assertThat(at15.pool()).isEqualTo("orders");
        assertThat(at15.waiting()).isEqualTo(2);
        assertThat(at15.at()).isEqualTo(Scenario.START.plusSeconds(15));
        assertThat(scenario.steps().get(2).line()).isEqualTo(5);
    }

    @Test
    void timesAreDurationsOrUnitsInARow() {
        assertThat(ScenarioFile.parseTime("0s")).isZero();
        assertThat(ScenarioFile.parseTime("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ScenarioFile.parseTime("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ScenarioFile.parseTime("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(ScenarioFile.parseTime("1h2m3s4ms")).isEqualTo(Duration.ofMillis(3_723_004));
        assertThat(ScenarioFile.parseTime("PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ScenarioFile.parseTime("soon")).isNull();
        assertThat(ScenarioFile.parseTime("30")).isNull();
        assertThat(ScenarioFile.parseTime("1m 30s")).isNull();
        assertThat(Scenario.format(Duration.ofMillis(3_723_250))).isEqualTo("1h2m3.25s");
        assertThat(Scenario.format(Duration.ZERO)).isEqualTo("0s");
        assertThat(Scenario.format(Duration.ofMinutes(2))).isEqualTo("2m");
    }

    @Test
    void everyBuiltInFactTypeCanBeGivenWithNoFieldsAtAll() {
        for (Class<? extends Fact> type : FactTypes.all()) {
            String name = FactTypes.nameOf(type);
            Scenario scenario = one("""
                    name: %s from its defaults
                    input: [ { at: 10s, fact: %s } ]
                    expect: [ { at: 10s, actions: [] } ]
                    """.formatted(name, name));
            Fact fact = scenario.steps().get(0).fact();
            assertThat(fact).as(name).isInstanceOf(type);
            assertThat(fact.at()).isEqualTo(Scenario.START.plusSeconds(10));
        }
    }

    @Test
    void defaultsAreHealthyAndFollowWhatTheScenarioGives() {
        Scenario scenario = one("""
                name: defaults
                input:
                  - { at: 0s, fact: HostSample, with: { memoryTotal: 1000, memoryUsed: 950 } }
                  - { at: 0s, fact: HostSample }
                  - { at: 0s, fact: PoolSample, with: { active: 12, idle: 3 } }
                  - { at: 1m, fact: SourceDown }
                  - { at: 1m, fact: PgHorizonHolder, with: { heldSeconds: 600, state: idle in transaction } }
                  - { at: 1m, fact: ActionOutcome, with: { action: { type: pool.resize, target: orders }, status: FAILED } }
                expect: [ { at: 1m, actions: [] } ]
                """);
        HostSample given = (HostSample) scenario.steps().get(0).fact();
        assertThat(given.memoryAvailable()).isEqualTo(50);
        assertThat(given.memoryUsedRatio()).isEqualTo(0.95);
        HostSample idle = (HostSample) scenario.steps().get(1).fact();
        assertThat(idle.host()).isEqualTo("host");
        assertThat(idle.cpuLoad()).isZero();
        assertThat(idle.memoryUsedRatio()).isZero();
        assertThat(idle.cpus()).isEqualTo(1.0);
        PoolSample pool = (PoolSample) scenario.steps().get(2).fact();
        assertThat(pool.pool()).isEqualTo("pool");
        assertThat(pool.max()).as("max is at least active + idle").isEqualTo(15);
        assertThat(pool.waiting()).isZero();
        SourceDown down = (SourceDown) scenario.steps().get(3).fact();
        assertThat(down.since()).isEqualTo(down.at());
        assertThat(down.attempts()).isEqualTo(1);
        PgHorizonHolder holder = (PgHorizonHolder) scenario.steps().get(4).fact();
        assertThat(holder.target()).isEqualTo("main/4242");
        assertThat(holder.idleInTransaction()).isTrue();
        assertThat(holder.xactStart()).isEqualTo(Scenario.START.plusSeconds(60 - 600));
        ActionOutcome outcome = (ActionOutcome) scenario.steps().get(5).fact();
        assertThat(outcome.type()).isEqualTo("pool.resize");
        assertThat(outcome.status()).isEqualTo(ActionOutcome.Status.FAILED);
    }

    @Test
    void aFileHoldsOneScenarioSeveralDocumentsOrASequence() {
        String scenario = """
                name: %s
                input: [ { at: 0s, fact: Metric } ]
                expect: [ { at: 0s, actions: [] } ]
                """;
        assertThat(parse(scenario.formatted("a") + "---\n" + scenario.formatted("b"))).extracting(ScenarioFile.Entry::name)
                .containsExactly("a", "b");
        List<ScenarioFile.Entry> sequence = parse("- " + scenario.formatted("c").replace("\n", "\n  ") + "\n- "
                + scenario.formatted("d").replace("\n", "\n  "));
        assertThat(sequence).extracting(ScenarioFile.Entry::name).containsExactly("c", "d");
        assertThat(sequence).extracting(ScenarioFile.Entry::line).containsExactly(1, 5);
    }

    @Test
    void expectationsReadTypeTargetParamsAndRule() {
        Scenario scenario = one("""
                name: expect
                input: [ { at: 0s, fact: Metric } ]
                expect:
                  - at: 30s
                    actions:
                      - { type: pool.resize, target: orders, params: { max: 12, nested: { a: 1 } }, rule: Grow }
                      - { type: notify.log }
                  - { at: 1m, actions: [] }
                """);
        assertThat(scenario.checks()).hasSize(2);
        Scenario.Check first = scenario.checks().get(0);
        assertThat(first.at()).isEqualTo(Duration.ofSeconds(30));
        assertThat(first.line()).isEqualTo(4);
        assertThat(first.actions().get(0)).isEqualTo(new Scenario.Expected("pool.resize", "orders",
                Map.of("max", 12, "nested", Map.of("a", 1)), "Grow", 6));
        assertThat(first.actions().get(1)).isEqualTo(new Scenario.Expected("notify.log", null, null, null, 7));
        assertThat(scenario.checks().get(1).actions()).isEmpty();
    }

    @Test
    void theConfigFragmentIsAStrictGovernorYaml() {
        Scenario scenario = one("""
                name: config
                config:
                  mode: dry-run
                  envelope: { actions: { notify.log: { cooldown: 0s } } }
                input: [ { at: 0s, fact: Metric } ]
                expect: [ { at: 0s, actions: [] } ]
                """);
        assertThat(scenario.config().mode().text()).isEqualTo("dry-run");
        assertThat(scenario.config().envelope().actions().get("notify.log").cooldown().up()).isZero();

        assertThat(problems("""
                name: bad config
                config:
                  envelope:
                    actions:
                      pool.resize:
                        cooldwn: 5m
                input: [ { at: 0s, fact: Metric } ]
                expect: [ { at: 0s, actions: [] } ]
                """)).containsExactly(FILE + ":6: config: unknown key 'envelope.actions.pool.resize.cooldwn'; expected one of: "
                + "allow, allowApplications, allowRoles, cooldown, deny, dryRun, enabled, params, rate, stabilization, targets, tolerance");
        assertThat(problems("""
                name: bad value
                config:
                  actions: { timeout: soon }
                input: [ { at: 0s, fact: Metric } ]
                expect: [ { at: 0s, actions: [] } ]
                """)).containsExactly(FILE + ":3: config: 'actions.timeout': expected a duration such as 500ms, 30s, 5m or 1h, got 'soon'");
    }

    @Test
    void malformedStepsAreEachReportedWithTheirLine() {
        assertThat(problems("""
                name: broken
                input:
                  - { at: 0s, fact: PoolSampel }
                  - { at: 5 seconds, fact: PoolSample, with: { waitng: 3 } }
                  - { every: 5s, fact: PoolSample }
                  - { every: 5s, to: 10s, at: 1s, fact: PoolSample }
                  - { at: 0s, fact: PoolSample, with: { waiting: six } }
                  - { at: 0s, fact: PoolSample, with: { at: 5s } }
                  - { at: 0s }
                  - { every: 1ms, to: 1d, fact: Metric }
                expect:
                  - { at: 30s, actions: [ { target: orders, typo: x } ] }
                  - { at: 30s, actions: [] }
                  - { at: 1m }
                colour: blue
                """)).containsExactly(
                FILE + ":3: unknown fact type 'PoolSampel': expected one of HostSample, NetworkSample, TcpConnections, JvmSample, "
                        + "MemoryPoolSample, GcPause, PoolSample, ExecutorSample, PgServer, PgDatabase, PgTable, PgHorizonHolder, "
                        + "PgVacuumProgress, SourceDown, Metric, ActionOutcome",
                FILE + ":4: at: expected a time such as 0s, 500ms, 30s, 2m, 1m30s or 1h, got '5 seconds'",
                FILE + ":4: PoolSample.waitng: unknown field; PoolSample has pool, active, idle, waiting, max, minIdle, acquireMillis, timeouts, at",
                FILE + ":5: input: every: needs to: (the time of the last step), e.g. {every: 5s, from: 0s, to: 60s, ...}",
                FILE + ":6: input: a step has either at: or every:, not both",
                FILE + ":7: PoolSample.waiting: expected an integer, got \"six\"",
                FILE + ":8: PoolSample.at: not a field to give in with: the step's at: (or every:) is the fact's time",
                FILE + ":9: input: a step needs fact: (a fact type such as PoolSample)",
                FILE + ":10: every: 1ms from 0s to 24h makes more than 100000 steps",
                FILE + ":12: unknown key 'typo' in an expected action; expected one of: type, target, params, rule",
                FILE + ":12: actions: an expected action needs type: (e.g. type: pool.resize)",
                FILE + ":13: expect: at: 30s is not after the previous check's 30s: each check covers the time since the previous one, "
                        + "so times must increase",
                FILE + ":14: expect: a check needs actions: (a list of {type, target, params}, or [] for none)",
                FILE + ":15: unknown key 'colour' in a scenario; expected one of: name, rules, config, outcomes, input, expect");
    }

    @Test
    void badYamlNamesItsLine() {
        List<ScenarioFile.Entry> entries = parse("""
                name: a
                input:
                  - { at: 0s, fact: Metric
                expect: []
                """);
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).problems()).hasSize(1);
        assertThat(entries.get(0).problems().get(0)).startsWith(FILE + ":4: not valid YAML: ");

        assertThat(problems("""
                name: a
                name: b
                input: []
                expect: []
                """)).containsExactly(FILE + ":2: not valid YAML: duplicate key 'name' (first on line 1)");
    }

    @Test
    void theReadmeListsTheDefaultsOfEveryFactType() throws Exception {
        String readme = java.nio.file.Files.readString(Path.of("../../README.md"));
        int section = readme.indexOf("## Test and replay rules");
        assertThat(section).isPositive();
        String text = readme.substring(section, readme.indexOf("\n## ", section + 1));
        for (Class<? extends Fact> type : FactTypes.all()) {
            assertThat(text).as("README's defaults table has a row for %s", FactTypes.nameOf(type))
                    .containsPattern("\\n\\| [^|]*`" + FactTypes.nameOf(type) + "`[^|]* \\| ");
        }
    }

    @Test
    void outcomesTakeAppliedSkippedOrFailed() {
        assertThat(one("""
                name: o
                outcomes: { pool.resize: failed, pg.vacuum: SKIPPED }
                input: [ { at: 0s, fact: Metric } ]
                expect: [ { at: 0s, actions: [] } ]
                """).outcomes()).isEqualTo(Map.of("pool.resize", ActionOutcome.Status.FAILED, "pg.vacuum", ActionOutcome.Status.SKIPPED));
        assertThat(problems("""
                name: o
                outcomes:
                  pool.resize: BROKEN
                input: [ { at: 0s, fact: Metric } ]
                expect: [ { at: 0s, actions: [] } ]
                """)).containsExactly(FILE + ":3: outcomes.pool.resize: expected APPLIED, SKIPPED or FAILED, got 'BROKEN'");
    }
}
