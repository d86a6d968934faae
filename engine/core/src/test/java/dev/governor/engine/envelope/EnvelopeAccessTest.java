package dev.governor.engine.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.governor.api.ActionOutcome;
import dev.governor.engine.config.Mode;
import dev.governor.engine.envelope.Verdict.Cause;
import dev.governor.engine.envelope.Verdict.Kind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Allow and deny lists, the conservative built-in rules, dry-run at each level, and silences. */
class EnvelopeAccessTest {

    @TempDir
    Path dir;

    @Test
    void denyWinsOverAllow() {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        f.open("""
                  actions:
                    pg.vacuum:
                      allow: ["main/public.*", "main/audit.*"]
                      deny: ["main/audit.*"]
                """);
        assertThat(f.act("pg.vacuum", "main/public.orders").kind()).isEqualTo(Kind.ADMITTED);
        Verdict denied = f.act("pg.vacuum", "main/audit.log");
        assertThat(denied.kind()).isEqualTo(Kind.DENIED);
        assertThat(denied.message()).isEqualTo("denied: 'main/audit.log' matches deny glob 'main/audit.*' (envelope.actions.pg.vacuum.deny)");
        assertThat(f.act("pg.vacuum", "main/sales.orders").message())
                .isEqualTo("denied: 'main/sales.orders' matches no allow glob of pg.vacuum "
                        + "(envelope.actions.pg.vacuum.allow: [main/public.*, main/audit.*])");
    }

    @Test
    void vacuumAndAnalyzeAreAllowedOnEveryTableOfAConfiguredDatabaseAndNowhereElse() {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        f.open("");
        assertThat(f.act("pg.vacuum", "main/public.orders").kind()).isEqualTo(Kind.ADMITTED);
        assertThat(f.act("pg.analyze", "main/sales.items").kind()).isEqualTo(Kind.ADMITTED);
        assertThat(f.act("pg.vacuum", "other/public.orders").message())
                .isEqualTo("denied: 'other/public.orders' matches no allow glob of pg.vacuum "
                        + "(built-in: DATABASE/* for each database under databases:: [main/*])");
        assertThat(f.act("pg.reindex", "other/public.orders").kind()).as("any pg.* type").isEqualTo(Kind.DENIED);
        f.clock.advance(Duration.ofMinutes(9));
        assertThat(f.act("pg.vacuum", "main/public.orders").cause()).as("built-in cooldown 10m per table").isEqualTo(Cause.COOLDOWN);
        assertThat(f.act("pg.vacuum", "main/public.items").kind()).isEqualTo(Kind.ADMITTED);
    }

    @Test
    void cancelAndTerminateStayOffUntilARoleOrApplicationAllowListIsSet() {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        f.open("");
        Verdict off = f.act("pg.terminate", "main/4242", Map.of("role", "app"), Map.of());
        assertThat(off.kind()).isEqualTo(Kind.DENIED);
        assertThat(off.message()).isEqualTo("denied: pg.terminate stays off until envelope.actions.pg.terminate.allowRoles"
                + " or envelope.actions.pg.terminate.allowApplications is set");
        assertThat(f.act("pg.cancel", "main/4242", Map.of("role", "app"), Map.of()).kind()).isEqualTo(Kind.DENIED);

        f.open("""
                  actions:
                    pg.terminate: { allowRoles: [app], allowApplications: ["billing-*"] }
                """);
        assertThat(f.act("pg.terminate", "main/1", Map.of("role", "app", "application", "billing-worker"), Map.of()).kind())
                .isEqualTo(Kind.ADMITTED);
        assertThat(f.act("pg.terminate", "main/2", Map.of("role", "postgres", "application", "billing-worker"), Map.of()).message())
                .isEqualTo("denied: role 'postgres' matches none of envelope.actions.pg.terminate.allowRoles [app]");
        assertThat(f.act("pg.terminate", "main/3", Map.of("role", "app", "application", "psql"), Map.of()).kind())
                .as("every list that is set must match").isEqualTo(Kind.DENIED);
        assertThat(f.act("pg.terminate", "main/4", Map.of("application", "billing-worker"), Map.of()).message())
                .isEqualTo("denied: envelope.actions.pg.terminate.allowRoles is set, and the action has no 'role' param"
                        + " to match (rules copy it from PgHorizonHolder.user)");
        assertThat(f.act("pg.terminate", "other/5", Map.of("role", "app", "application", "billing-x"), Map.of()).kind())
                .as("only databases under databases:").isEqualTo(Kind.DENIED);
    }

    @Test
    void cpuAffinityIsOffUntilEnabled() {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        f.open("");
        Verdict off = f.act("cpu.affinity", "process", Map.of("cpus", List.of(0, 1)), Map.of());
        assertThat(off.kind()).isEqualTo(Kind.DENIED);
        assertThat(off.message()).isEqualTo("denied: cpu.affinity is off until envelope.actions.cpu.affinity.enabled is true");
        f.open("""
                  actions:
                    cpu.affinity: { enabled: true }
                """);
        assertThat(f.act("cpu.affinity", "process", Map.of("cpus", List.of(0, 1)), Map.of()).kind()).isEqualTo(Kind.ADMITTED);
    }

    @Test
    void aResizeWithoutConfiguredBoundsIsDeniedNamingTheKeyToSet() {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        f.open("""
                  actions:
                    pool.resize: { params: { max: { min: 2 } } }
                """);
        assertThat(f.resize("orders", 20, 10).message())
                .isEqualTo("denied: pool.resize param max has no bounds: set envelope.actions.pool.resize.params.max.max");
        assertThat(f.act("pool.resize", "orders", Map.of("max", 20, "minIdle", 2), Map.of()).message())
                .isEqualTo("denied: pool.resize param max has no bounds: set envelope.actions.pool.resize.params.max.max");
        assertThat(f.act("executor.throttle", "web", Map.of("limit", 8), Map.of()).message())
                .isEqualTo("denied: executor.throttle param limit has no bounds: set envelope.actions.executor.throttle.params.limit.min"
                        + " and envelope.actions.executor.throttle.params.limit.max");
    }

    @Test
    void notificationsHaveAShortCooldownPerTargetAndThirdPartyTypesADefaultOne() {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        f.open("");
        assertThat(f.act("notify.log", "db-1").kind()).isEqualTo(Kind.ADMITTED);
        f.clock.advance(Duration.ofSeconds(1));
        assertThat(f.act("notify.log", "db-1").message()).startsWith("suppressed by cooldown until 2026-12-01T06:01:00Z");
        assertThat(f.act("notify.log", "db-2").kind()).isEqualTo(Kind.ADMITTED);
        assertThat(f.act("pager.page", "db-1").kind()).isEqualTo(Kind.ADMITTED);
        assertThat(f.act("pager.page", "db-1").cause()).isEqualTo(Cause.COOLDOWN);
        f.clock.advance(Duration.ofMinutes(1));
        assertThat(f.act("notify.log", "db-1").kind()).isEqualTo(Kind.ADMITTED);
    }

    @Test
    void dryRunPerTypeAndPerTargetJudgesEverythingAndStartsTheCooldown() {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        f.open("""
                  breaker: { maxActions: 1 }
                  actions:
                    pool.resize:
                      dryRun: true
                      params: { max: { min: 2, max: 40, maxStepUp: 4 } }
                      targets:
                        live: { dryRun: false }
                    echo.write:
                      targets:
                        "shadow-*": { dryRun: true }
                """);
        Verdict dry = f.resize("orders", 30, 20);
        assertThat(dry.kind()).isEqualTo(Kind.DRY_RUN);
        assertThat(dry.message()).isEqualTo("dry-run (envelope.actions.pool.resize.dryRun): would run pool.resize on 'orders'"
                + " with {max=24}; clamped max from 30 to 24 (maxStepUp 4 from 20)");
        assertThat(dry.outcome(dry.action(), f.clock.instant()).status()).isEqualTo(ActionOutcome.Status.DRY_RUN);
        assertThat(f.resize("orders", 30, 20).cause()).as("the cooldown runs as if it had been done").isEqualTo(Cause.COOLDOWN);

        assertThat(f.act("echo.write", "shadow-1").message()).startsWith("dry-run (envelope.actions.echo.write.targets.shadow-*.dryRun)");
        assertThat(f.envelope.breakerOpen()).as("dry-runs do not count against the breaker (maxActions 1)").isEmpty();
        assertThat(f.resize("live", 22, 20).kind()).as("the override turns it back on for one target").isEqualTo(Kind.ADMITTED);
        assertThat(f.act("echo.write", "real").cause()).as("the breaker opened with the real one").isEqualTo(Cause.BREAKER);
    }

    @Test
    void globalDryRunMakesEveryActionADryRun() {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        f.open("", Mode.DRY_RUN, List.of("main"));
        Verdict verdict = f.act("notify.log", "db-1");
        assertThat(verdict.kind()).isEqualTo(Kind.DRY_RUN);
        assertThat(verdict.message()).isEqualTo("dry-run (mode: dry-run): would run notify.log on 'db-1'");
    }

    @Test
    void silencesByTypeAndByTargetGlobHoldActionsUntilTheyExpire() {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        f.open("""
                  actions:
                    echo.write: { cooldown: 0s }
                  silences:
                    - { type: "echo.*", until: 2026-12-01T07:00:00Z, reason: "plugin upgrade", by: ops }
                """);
        Verdict byType = f.act("echo.write", "anything");
        assertThat(byType.kind()).isEqualTo(Kind.SILENCED);
        assertThat(byType.message()).isEqualTo("silenced by ops until 2026-12-01T07:00:00Z: plugin upgrade (silence config-1)");

        Silence maintenance = f.envelope.silence("*", "main/*", f.clock.instant().plus(Duration.ofMinutes(30)),
                "db maintenance", "ops-oncall");
        assertThat(maintenance.id()).matches("s-[0-9a-f]{8}");
        assertThat(f.act("pg.vacuum", "main/public.orders").message())
                .isEqualTo("silenced by ops-oncall until 2026-12-01T06:30:00Z: db maintenance (silence " + maintenance.id() + ")");
        assertThat(f.act("notify.log", "db-1").kind()).as("another target").isEqualTo(Kind.ADMITTED);
        assertThat(f.envelope.silences()).extracting(Silence::id).containsExactly("config-1", maintenance.id());

        f.clock.advance(Duration.ofMinutes(30));
        assertThat(f.act("pg.vacuum", "main/public.orders").kind()).as("expired").isEqualTo(Kind.ADMITTED);
        assertThat(f.act("echo.write", "anything").kind()).isEqualTo(Kind.SILENCED);
        f.clock.advance(Duration.ofMinutes(30));
        assertThat(f.act("echo.write", "anything").kind()).isEqualTo(Kind.ADMITTED);
        assertThat(f.envelope.silences()).isEmpty();
    }

    @Test
    void aSilenceSetAtRunTimeCanBeRemovedAndOneFromTheFileCannot() {
        EnvelopeFixture f = new EnvelopeFixture(dir);
        f.open("""
                  silences:
                    - { target: "x", until: 2026-12-01T07:00:00Z, reason: r, by: b }
                """);
        Silence silence = f.envelope.silence("notify.*", null, f.clock.instant().plusSeconds(60), "noisy", "me");
        assertThat(silence.target()).isEqualTo("*");
        assertThat(f.act("notify.log", "y").kind()).isEqualTo(Kind.SILENCED);
        assertThat(f.envelope.unsilence(silence.id())).isTrue();
        assertThat(f.envelope.unsilence(silence.id())).isFalse();
        assertThat(f.act("notify.log", "y").kind()).isEqualTo(Kind.ADMITTED);
        assertThatThrownBy(() -> f.envelope.unsilence("config-1")).hasMessageContaining("remove it there");
        assertThatThrownBy(() -> f.envelope.silence("*", "x", f.clock.instant(), "r", "b")).hasMessageContaining("must end in the future");
    }
}
