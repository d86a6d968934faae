package dev.governor.engine.envelope;

import dev.governor.engine.config.EnvelopeConfig;
import dev.governor.engine.config.EnvelopeConfig.ActionRules;
import dev.governor.engine.config.EnvelopeConfig.Amount;
import dev.governor.engine.config.EnvelopeConfig.Cooldown;
import dev.governor.engine.config.EnvelopeConfig.ParamLimits;
import dev.governor.engine.config.EnvelopeConfig.TargetRules;
import dev.governor.engine.config.Mode;
import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules that apply to one action type on one target: the type's built-in rules, then
 * {@code envelope.actions.TYPE}, then each matching entry of its {@code targets:}, each overriding the keys it
 * sets. The {@code *From} fields name where a setting came from, for messages.
 */
record Policy(
        String type,
        String target,
        boolean enabled,
        String enabledFrom,
        boolean dryRun,
        String dryRunFrom,
        Map<String, Limits> params,
        Duration cooldownUp,
        Duration cooldownDown,
        Duration stabilizationDown,
        Amount tolerance,
        int rateMax,
        Duration ratePer,
        List<String> allow,
        String allowFrom,
        List<String> deny,
        List<String> allowRoles,
        List<String> allowApplications,
        boolean needsAllowList) {

    /** Bounds and steps of one numeric parameter, merged; {@code key} is its configuration path. */
    record Limits(String key, Double min, Double max, Amount maxStepUp, Amount maxStepDown) {
    }

    static Policy resolve(EnvelopeConfig config, Collection<String> databases, Mode mode, String type, String target) {
        String key = "envelope.actions." + type;
        ActionRules builtIn = ActionRules.builtIn(type, databases);
        ActionRules rules = config.actions().getOrDefault(type, ActionRules.none());

        boolean enabled = builtIn.enabled();
        String enabledFrom = type.equals("cpu.affinity")
                ? type + " is off until " + key + ".enabled is true"
                : "built-in";
        if (rules.enabled() != null) {
            enabled = rules.enabled();
            enabledFrom = key + ".enabled: " + enabled;
        }
        boolean dryRun = builtIn.dryRun();
        String dryRunFrom = "";
        if (rules.dryRun() != null) {
            dryRun = rules.dryRun();
            dryRunFrom = key + ".dryRun";
        }
        Map<String, Limits> params = new LinkedHashMap<>();
        mergeParams(params, builtIn.params(), key);
        mergeParams(params, rules.params(), key);
        Cooldown cooldown = builtIn.cooldown();
        Duration up = cooldown.up();
        Duration down = cooldown.down();
        if (rules.cooldown() != null) {
            up = rules.cooldown().up() != null ? rules.cooldown().up() : up;
            down = rules.cooldown().down() != null ? rules.cooldown().down() : down;
        }
        Duration stabilization = firstNonNull(rules.stabilization() == null ? null : rules.stabilization().down(),
                builtIn.stabilization() == null ? null : builtIn.stabilization().down(), Duration.ZERO);
        Amount tolerance = rules.tolerance() != null ? rules.tolerance() : builtIn.tolerance();

        if (rules.targets() != null) {
            for (Map.Entry<String, TargetRules> entry : rules.targets().entrySet()) {
                if (!Glob.matches(entry.getKey(), target)) {
                    continue;
                }
                TargetRules override = entry.getValue();
                String overrideKey = key + ".targets." + entry.getKey();
                if (override.enabled() != null) {
                    enabled = override.enabled();
                    enabledFrom = overrideKey + ".enabled: " + enabled;
                }
                if (override.dryRun() != null) {
                    dryRun = override.dryRun();
                    dryRunFrom = overrideKey + ".dryRun";
                }
                mergeParams(params, override.params(), key);
                if (override.cooldown() != null) {
                    up = override.cooldown().up() != null ? override.cooldown().up() : up;
                    down = override.cooldown().down() != null ? override.cooldown().down() : down;
                }
                if (override.stabilization() != null && override.stabilization().down() != null) {
                    stabilization = override.stabilization().down();
                }
                if (override.tolerance() != null) {
                    tolerance = override.tolerance();
                }
            }
        }
        if (mode == Mode.DRY_RUN) {
            dryRun = true;
            dryRunFrom = "mode: dry-run";
        }

        int rateMax = rules.rate() != null ? rules.rate().max() : builtIn.rate().max();
        Duration ratePer = rules.rate() != null ? rules.rate().per() : builtIn.rate().per();
        List<String> allow = rules.allow() != null ? rules.allow() : builtIn.allow();
        String allowFrom = rules.allow() != null ? key + ".allow"
                : type.startsWith("pg.") ? "built-in: DATABASE/* for each database under databases:" : "built-in";
        List<String> deny = rules.deny() != null ? rules.deny() : builtIn.deny();
        List<String> allowRoles = rules.allowRoles() != null ? rules.allowRoles() : builtIn.allowRoles();
        List<String> allowApplications = rules.allowApplications() != null ? rules.allowApplications() : builtIn.allowApplications();
        boolean needsAllowList = type.equals("pg.cancel") || type.equals("pg.terminate");
        return new Policy(type, target, enabled, enabledFrom, dryRun, dryRunFrom, Collections.unmodifiableMap(params), up, down,
                stabilization, tolerance, rateMax, ratePer, allow, allowFrom, deny, allowRoles, allowApplications,
                needsAllowList);
    }

    /** Merges bounds key by key; {@code key} is the type's configuration path, where bounds are usually set. */
    private static void mergeParams(Map<String, Limits> into, Map<String, ParamLimits> params, String key) {
        if (params == null) {
            return;
        }
        params.forEach((name, limits) -> {
            Limits old = into.get(name);
            String paramKey = key + ".params." + name;
            if (old == null) {
                into.put(name, new Limits(paramKey, limits.min(), limits.max(), limits.maxStepUp(), limits.maxStepDown()));
            } else {
                into.put(name, new Limits(paramKey,
                        limits.min() != null ? limits.min() : old.min(),
                        limits.max() != null ? limits.max() : old.max(),
                        limits.maxStepUp() != null ? limits.maxStepUp() : old.maxStepUp(),
                        limits.maxStepDown() != null ? limits.maxStepDown() : old.maxStepDown()));
            }
        });
    }

    private static <T> T firstNonNull(T first, T second, T fallback) {
        return first != null ? first : second != null ? second : fallback;
    }

    /** The cooldown for a direction; other actions wait the longer of the two. */
    Duration cooldown(Direction direction) {
        return switch (direction) {
            case UP -> cooldownUp;
            case DOWN -> cooldownDown;
            default -> cooldownUp.compareTo(cooldownDown) >= 0 ? cooldownUp : cooldownDown;
        };
    }

    String cooldownKey(Direction direction) {
        return switch (direction) {
            case UP -> "cooldown.up";
            case DOWN -> "cooldown.down";
            default -> "cooldown";
        };
    }
}
