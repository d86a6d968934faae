package dev.governor.engine.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code governor test}: real DRL, the real envelope, simulated time; each scenario written as a user would. */
class TestCommandTest {

    private static final String POOL_RULES = """
            package t;
            import dev.governor.api.Action;
            import dev.governor.api.ActionOutcome;
            import dev.governor.api.PoolSample;
            import java.util.Map;

            rule "Tell when callers wait"
            when
                $p : PoolSample( waiting > 0 )
            then
                insert( new Action( "notify.log", $p.pool(), Map.of( "message", $p.waiting() + " callers wait", "level", "warn" ), "" ) );
            end

            rule "Grow a saturated pool"
            when
                $p : PoolSample( waiting > 0, active == max )
            then
                insert( new Action( "pool.resize", $p.pool(), Map.of( "max", $p.max() + 6 ), drools.getRule().getName() ) );
            end

            rule "Page when a resize failed"
            when
                $o : ActionOutcome( action.type == "pool.resize", status == ActionOutcome.Status.FAILED )
            then
                insert( new Action( "notify.webhook", $o.target(), Map.of( "message", "resize failed" ), "" ) );
            end
            """;

    private static final String SILENCE_RULES = """
            package t.silence;
            import dev.governor.api.Action;
            import dev.governor.api.PoolSample;

            rule "Tell when a pool stops reporting"
            when
                $p : PoolSample( $pool : pool )
                not PoolSample( this != $p, pool == $pool, this after[ 0s, 30s ] $p )
            then
                insert( new Action( "notify.log", $pool, "" ) );
            end
            """;

    @TempDir
    Path dir;
    Path rules;
    Path tests;

    @BeforeEach
    void folders() throws Exception {
        rules = Files.createDirectories(dir.resolve("rules"));
        tests = Files.createDirectories(rules.resolve("tests"));
        Files.writeString(rules.resolve("pool.drl"), POOL_RULES);
        Files.writeString(rules.resolve("silence.drl"), SILENCE_RULES);
    }

    private CliRun test(String file, String yaml) throws Exception {
        Files.writeString(tests.resolve(file), yaml);
        return CliRun.of("test", tests.toString());
    }

    @Test
    void aPassingScenarioPrintsPassAndExitsZero() throws Exception {
        CliRun run = test("pool.yaml", """
                name: tell once a minute while callers wait
                rules: [pool.drl]
                input:
                  - { every: 10s, from: 0s, to: 90s, fact: PoolSample, with: { pool: orders, active: 3, waiting: 2 } }
                expect:
                  - at: 30s
                    actions:
                      - { type: notify.log, target: orders, params: { message: "2 callers wait" }, rule: Tell when callers wait }
                  - { at: 59s, actions: [] }
                  - { at: 90s, actions: [ { type: notify.log, target: orders } ] }
                """);
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).isEqualTo("""
                PASS  pool.yaml: tell once a minute while callers wait

                1 scenario: 1 passed, 0 failed
                """);
    }

    @Test
    void aWrongExpectationFailsShowingExpectedAndDispatchedWithRulesAndTimes() throws Exception {
        CliRun run = test("pool.yaml", """
                name: grow a saturated pool
                rules: [pool.drl]
                config:
                  envelope:
                    actions:
                      pool.resize:
                        params: { max: { min: 2, max: 40, maxStepUp: 2 } }
                input:
                  - { at: 5s, fact: PoolSample, with: { pool: orders, active: 10, max: 10, waiting: 4 } }
                expect:
                  - at: 30s
                    actions:
                      - { type: pool.resize, target: orders, params: { max: 16 } }
                """);
        assertThat(run.exitCode()).isEqualTo(1);
        String file = tests.resolve("pool.yaml").toString();
        // The envelope clamped 16 to 12 (maxStepUp 2 from the sample's max of 10): that is what would be dispatched.
        assertThat(run.out()).contains(
                "FAIL  pool.yaml: grow a saturated pool\n",
                "      " + file + ":11: at 30s: expected 1 action, 2 dispatched in [0s, 30s]\n",
                "          pool.resize on 'orders' with params {\"max\":16}    <- not dispatched\n",
                "\"}  rule \"Tell when callers wait\"  ADMITTED    <- not expected\n",
                "          5s  notify.log on 'orders' {\"",
                "          5s  pool.resize on 'orders' {\"max\":12}  rule \"Grow a saturated pool\"  CLAMPED: clamped max from 16 to 12 (maxStepUp 2 from 10)    <- not expected\n",
                "1 scenario: 0 passed, 1 failed");
    }

    @Test
    void theEnvelopesCooldownHoldsARepeatBackAndTheFailureShowsIt() throws Exception {
        CliRun run = test("cooldown.yaml", """
                name: a repeat within the cooldown is not dispatched
                rules: [pool.drl]
                input:
                  - { at: 0s, fact: PoolSample, with: { pool: orders, waiting: 1 } }
                  - { at: 20s, fact: PoolSample, with: { pool: orders, waiting: 5 } }
                expect:
                  - { at: 10s, actions: [ { type: notify.log, target: orders } ] }
                  - { at: 30s, actions: [ { type: notify.log, target: orders } ] }
                """);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains(":8: at 30s: expected 1 action, 0 dispatched in (10s, 30s]",
                "        dispatched: none\n",
                "        held back by the envelope (not dispatched):\n          20s  notify.log on 'orders' {",
                "\"message\":\"5 callers wait\"",
                "}  rule \"Tell when callers wait\"  SUPPRESSED/COOLDOWN: suppressed by cooldown until 2026-01-01T00:01:00Z "
                        + "(last notify.log action on 'orders' at 2026-01-01T00:00:00Z; cooldown 1m)\n");
    }

    @Test
    void aConfigFragmentChangesTheEnvelope() throws Exception {
        String scenario = """
                name: every sample is told when the cooldown is off
                rules: [pool.drl]
                %s
                input:
                  - { every: 10s, from: 0s, to: 20s, fact: PoolSample, with: { pool: orders, waiting: 1 } }
                expect:
                  - at: 30s
                    actions:
                      - { type: notify.log, target: orders }
                      - { type: notify.log, target: orders }
                      - { type: notify.log, target: orders }
                """;
        CliRun off = test("off.yaml", scenario.formatted("config: { envelope: { actions: { notify.log: { cooldown: 0s } } } }"));
        assertThat(off.exitCode()).as(off.out()).isZero();

        Files.delete(tests.resolve("off.yaml"));
        CliRun on = test("on.yaml", scenario.formatted(""));
        assertThat(on.exitCode()).isEqualTo(1);
        assertThat(on.out()).contains("expected 3 actions, 1 dispatched in [0s, 30s]");
    }

    @Test
    void paramsMatchAsASubsetAndNumbersByValue() throws Exception {
        CliRun run = test("subset.yaml", """
                - name: a subset of the params matches
                  rules: [pool.drl]
                  input:
                    - { at: 0s, fact: PoolSample, with: { pool: orders, waiting: 7 } }
                  expect:
                    - at: 1s
                      actions: [ { type: notify.log, params: { level: warn } } ]
                - name: a value that differs does not
                  rules: [pool.drl]
                  input:
                    - { at: 0s, fact: PoolSample, with: { pool: orders, waiting: 7 } }
                  expect:
                    - at: 1s
                      actions: [ { type: notify.log, params: { level: error } } ]
                - name: a number matches by value
                  rules: [pool.drl]
                  config: { envelope: { actions: { pool.resize: { params: { max: { min: 1, max: 100 } } } } } }
                  input:
                    - { at: 0s, fact: PoolSample, with: { pool: orders, active: 10, max: 10, waiting: 7 } }
                  expect:
                    - at: 1s
                      actions: [ { type: notify.log }, { type: pool.resize, target: orders, params: { max: 16.0 } } ]
                """);
        assertThat(run.out()).contains("PASS  subset.yaml: a subset of the params matches",
                "FAIL  subset.yaml: a value that differs does not",
                "PASS  subset.yaml: a number matches by value",
                "3 scenarios: 2 passed, 1 failed");
    }

    @Test
    void rulesDrivenByTimeAloneFireAsTheClockTicks() throws Exception {
        CliRun run = test("silence.yaml", """
                name: a pool that stops reporting is told 30 seconds after its last sample
                rules: [silence.drl]
                input:
                  - { every: 5s, from: 0s, to: 20s, fact: PoolSample, with: { pool: orders } }
                expect:
                  - { at: 49s, actions: [] }
                  - { at: 51s, actions: [ { type: notify.log, target: orders, rule: Tell when a pool stops reporting } ] }
                """);
        assertThat(run.exitCode()).as(run.out()).isZero();
    }

    @Test
    void outcomesCanMakeATypeFailSoOutcomeDrivenRulesFire() throws Exception {
        String scenario = """
                name: a failed resize pages
                rules: [pool.drl]
                config: { envelope: { actions: { pool.resize: { params: { max: { min: 1, max: 100 } } } } } }
                %s
                input:
                  - { at: 0s, fact: PoolSample, with: { pool: orders, active: 10, max: 10, waiting: 7 } }
                expect:
                  - at: 1s
                    actions: [ { type: notify.log }, { type: pool.resize }, { type: notify.webhook, target: orders } ]
                """;
        CliRun failed = test("failed.yaml", scenario.formatted("outcomes: { pool.resize: FAILED }"));
        assertThat(failed.exitCode()).as(failed.out()).isZero();

        Files.delete(tests.resolve("failed.yaml"));
        CliRun applied = test("applied.yaml", scenario.formatted(""));
        assertThat(applied.out()).contains("expected 3 actions, 2 dispatched",
                "notify.webhook on 'orders'    <- not dispatched");
    }

    @Test
    void aMalformedScenarioNamesFileLineAndProblemAndTheOthersStillRun() throws Exception {
        CliRun run = test("bad.yaml", """
                name: ok
                rules: [pool.drl]
                input:
                  - { at: 0s, fact: PoolSample }
                expect:
                  - { at: 1s, actions: [] }
                ---
                name: broken
                rules: [pool.drl]
                input:
                  - { at: 0s, fact: PoolSampel, with: { pool: orders } }
                  - at: 5s
                    fact: PoolSample
                    with:
                      pool: orders
                      waitng: 3
                  - { at: soon, fact: PoolSample }
                  - { every: 5s, from: 0s, to: 1m, fact: HostSample, with: { memoryTotal: 10, memoryUsed: 20 } }
                expect:
                  - { at: 30s, actions: [], then: 1 }
                """);
        assertThat(run.exitCode()).isEqualTo(1);
        String file = tests.resolve("bad.yaml").toString();
        assertThat(run.out()).contains(
                "PASS  bad.yaml: ok\n",
                "ERROR bad.yaml: broken\n",
                file + ":11: unknown fact type 'PoolSampel': expected one of HostSample, ",
                file + ":16: PoolSample.waitng: unknown field; PoolSample has pool, active, idle, waiting, max, ",
                file + ":17: at: expected a time such as 0s, 500ms, 30s, 2m, 1m30s or 1h, got 'soon'",
                file + ":18: HostSample: memoryUsed (20) must not exceed memoryTotal (10)",
                file + ":20: unknown key 'then' in a check; expected one of: at, actions",
                "2 scenarios: 1 passed, 0 failed, 1 malformed");
    }

    @Test
    void aScenarioNamingAMissingRuleFileFailsWithItsLine() throws Exception {
        CliRun run = test("missing.yaml", """
                name: missing rules
                rules:
                  - pool.drl
                  - nope.drl
                input: [ { at: 0s, fact: PoolSample } ]
                expect: [ { at: 1s, actions: [] } ]
                """);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains(tests.resolve("missing.yaml") + ":4: rules: no such file ");
    }

    @Test
    void rulesDefaultToEveryFileOfTheParentFolderAndRulesOverridesIt() throws Exception {
        Files.writeString(tests.resolve("all.yaml"), """
                name: every rule file is loaded
                config: { envelope: { actions: { notify.log: { cooldown: 0s } } } }
                input: [ { at: 0s, fact: PoolSample, with: { pool: orders, waiting: 1 } } ]
                expect:
                  - { at: 31s, actions: [ { type: notify.log, rule: Tell when callers wait }, { type: notify.log, rule: Tell when a pool stops reporting } ] }
                """);
        CliRun run = CliRun.of("test", tests.toString());
        assertThat(run.exitCode()).as(run.out()).isZero();

        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("silence.drl"), SILENCE_RULES);
        CliRun overridden = CliRun.of("test", tests.toString(), "--rules", other.toString());
        assertThat(overridden.exitCode()).isEqualTo(1);
        assertThat(overridden.out()).contains("expected 2 actions, 1 dispatched");
    }

    @Test
    void aRuleThatFailsOrLoopsFailsTheScenarioSayingWhen() throws Exception {
        Files.writeString(rules.resolve("bad.drl"), """
                package t.bad;
                import dev.governor.api.Action;
                import dev.governor.api.ActionOutcome;
                import dev.governor.api.Metric;

                rule "Divide by the value"
                when
                    $m : Metric( name == "divide" )
                then
                    insert( new Action( "notify.log", "x", java.util.Map.of( "n", 1 / (int) $m.value() ), "" ) );
                end

                rule "Act on every outcome"
                when
                    $o : ActionOutcome()
                then
                    insert( new Action( "notify.log", "again", "" ) );
                end
                """);
        CliRun run = test("bad.yaml", """
                name: a failing rule
                rules: [bad.drl]
                input:
                  - { at: 10s, fact: Metric, with: { name: divide, value: 0 } }
                  - { at: 20s, fact: ActionOutcome }
                expect: [ { at: 30s, actions: [ { type: notify.log, target: again } ] } ]
                """);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("FAIL  bad.yaml: a failing rule\n",
                "      at 10s: a rule failed: ",
                "Divide by the value",
                "ArithmeticException: / by zero",
                "      at 20s: the rules kept deciding: more than 1000 rounds of actions and outcomes at one instant");
    }

    @Test
    void rulesThatUndoEachOtherWithoutEndAreStoppedAndTheScenarioFailsNamingThem() throws Exception {
        Files.writeString(rules.resolve("loop.drl"), """
                package t.loop;
                import dev.governor.api.PoolSample;
                declare Busy
                    pool : String
                end
                rule "busy: enter" when $p : PoolSample( utilization >= 0.5 ) not Busy( pool == $p.pool ) then
                    insert( new Busy( $p.pool() ) );
                end
                rule "busy: leave" when $b : Busy() PoolSample( pool == $b.pool, utilization < 0.9 ) then
                    delete( $b );
                end
                """);
        CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> test("loop.yaml", """
                name: a band the wrong way round
                rules: [loop.drl]
                input:
                  - { at: 10s, fact: PoolSample, with: { active: 7, idle: 3, max: 10 } }
                expect: [ { at: 30s, actions: [] } ]
                """), "the rules thread hangs");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("FAIL  loop.yaml: a band the wrong way round\n",
                "      at 10s: the rules fired 101000 times on one batch and would not stop",
                "'busy: enter' (500), 'busy: leave' (500)");
    }

    @Test
    void aFolderThatDoesNotExistIsAnError() {
        CliRun run = CliRun.of("test", dir.resolve("nowhere").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("nowhere: no such folder of scenarios");
    }
}
