package dev.governor.engine.envelope;

import dev.governor.engine.envelope.StateFile.BreakerEntry;
import dev.governor.engine.envelope.StateFile.CooldownEntry;
import dev.governor.engine.envelope.StateFile.InFlightEntry;
import dev.governor.engine.envelope.StateFile.RateEntry;
import dev.governor.engine.envelope.StateFile.Recommendation;
import dev.governor.engine.envelope.StateFile.Snapshot;
import dev.governor.engine.envelope.StateFile.WindowEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What the envelope remembers, in memory: when each (type, target) last acted in each direction, the
 * stabilization windows, the rate budgets, the breaker, the actions in flight and the silences set at run
 * time. Not thread-safe: {@link Envelope} guards it.
 */
final class EnvelopeState {

    record Key(String type, String target) {
    }

    record CooldownKey(String type, String target, Direction direction) {
    }

    record WindowKey(String type, String target, String param) {
    }

    record InFlight(long ticket, Direction direction, Instant since) {
    }

    final Map<CooldownKey, Instant> cooldowns = new LinkedHashMap<>();
    /** Per parameter, recommendations whose values fall from oldest to newest: the first is the largest. */
    final Map<WindowKey, Deque<Recommendation>> windows = new LinkedHashMap<>();
    final Map<String, Deque<Instant>> rates = new LinkedHashMap<>();
    final Deque<Instant> breakerActions = new ArrayDeque<>();
    final Deque<Instant> breakerFailures = new ArrayDeque<>();
    Instant breakerOpenedAt;
    Instant breakerOpenUntil;
    String breakerReason;
    final Map<Key, InFlight> inFlight = new LinkedHashMap<>();
    List<Silence> silences = List.of();

    /**
     * Records a recommendation for a parameter and returns the largest one in the window. When the window
     * is empty, the current value goes in first, as the value the system has been steady at: so a single
     * low recommendation cannot shrink anything until it has held for the whole window.
     */
    double recommend(WindowKey key, double value, Double current, Instant now, Duration window) {
        Deque<Recommendation> recommendations = windows.computeIfAbsent(key, k -> new ArrayDeque<>());
        Instant start = now.minus(window);
        while (!recommendations.isEmpty() && !recommendations.peekFirst().at().isAfter(start)) {
            recommendations.pollFirst();
        }
        if (recommendations.isEmpty() && current != null) {
            recommendations.addLast(new Recommendation(current, now));
        }
        // A value at or below a newer one can never be the largest again: drop it.
        while (!recommendations.isEmpty() && recommendations.peekLast().value() <= value) {
            recommendations.pollLast();
        }
        recommendations.addLast(new Recommendation(value, now));
        return recommendations.peekFirst().value();
    }

    /** Starts in the window {@code (now - per, now]}. */
    static int countSince(Deque<Instant> times, Instant now, Duration per) {
        Instant start = now.minus(per);
        while (!times.isEmpty() && !times.peekFirst().isAfter(start)) {
            times.pollFirst();
        }
        return times.size();
    }

    Snapshot snapshot(Instant now) {
        List<CooldownEntry> cooldownEntries = new ArrayList<>();
        cooldowns.forEach((key, at) -> cooldownEntries.add(new CooldownEntry(key.type(), key.target(), key.direction(), at)));
        List<WindowEntry> windowEntries = new ArrayList<>();
        windows.forEach((key, values) -> {
            if (!values.isEmpty()) {
                windowEntries.add(new WindowEntry(key.type(), key.target(), key.param(), List.copyOf(values)));
            }
        });
        List<RateEntry> rateEntries = new ArrayList<>();
        rates.forEach((type, times) -> {
            if (!times.isEmpty()) {
                rateEntries.add(new RateEntry(type, List.copyOf(times)));
            }
        });
        List<InFlightEntry> inFlightEntries = new ArrayList<>();
        inFlight.forEach((key, entry) -> inFlightEntries.add(new InFlightEntry(key.type(), key.target(), entry.direction(), entry.since())));
        return new Snapshot(StateFile.VERSION, now, cooldownEntries, windowEntries, rateEntries,
                new BreakerEntry(List.copyOf(breakerActions), List.copyOf(breakerFailures), breakerOpenedAt, breakerOpenUntil, breakerReason),
                inFlightEntries, silences);
    }

    /**
     * Takes over a snapshot from an earlier run. Actions that were in flight when it ended are taken as
     * finished now: their cooldowns start again from now, so a restart cannot repeat them at once.
     */
    void restore(Snapshot snapshot, Instant now) {
        snapshot.cooldowns().forEach(e -> cooldowns.merge(new CooldownKey(e.type(), e.target(), e.direction()), e.at(), EnvelopeState::later));
        snapshot.windows().forEach(e -> windows.put(new WindowKey(e.type(), e.target(), e.param()), new ArrayDeque<>(e.recommendations())));
        snapshot.rates().forEach(e -> rates.put(e.type(), new ArrayDeque<>(e.started().stream().sorted().toList())));
        BreakerEntry breaker = snapshot.breaker();
        breakerActions.addAll(breaker.actions().stream().sorted().toList());
        breakerFailures.addAll(breaker.failures().stream().sorted().toList());
        breakerOpenedAt = breaker.openedAt();
        breakerOpenUntil = breaker.openUntil();
        breakerReason = breaker.reason();
        for (InFlightEntry entry : snapshot.inFlight()) {
            for (Direction direction : directionsOf(entry.direction())) {
                cooldowns.put(new CooldownKey(entry.type(), entry.target(), direction), now);
            }
        }
        silences = snapshot.silences();
    }

    /** The cooldown entries an action in this direction starts (and waits for). */
    static List<Direction> directionsOf(Direction direction) {
        return direction == Direction.UNKNOWN ? List.of(Direction.UP, Direction.DOWN) : List.of(direction);
    }

    /**
     * Drops what can no longer matter: cooldowns that ended, recommendations out of their window, starts out
     * of their budget's window, breaker events out of its window, silences that ended.
     */
    void prune(Instant now, BiFunction<String, String, Policy> policies, Function<String, Duration> ratePer, Duration breakerWindow) {
        cooldowns.entrySet().removeIf(e -> {
            Policy policy = policies.apply(e.getKey().type(), e.getKey().target());
            Duration cooldown = e.getKey().direction() == Direction.ANY ? policy.cooldown(Direction.ANY)
                    : policy.cooldown(e.getKey().direction());
            return !e.getValue().plus(cooldown).isAfter(now);
        });
        windows.entrySet().removeIf(e -> {
            Duration window = policies.apply(e.getKey().type(), e.getKey().target()).stabilizationDown();
            Instant start = now.minus(window);
            e.getValue().removeIf(r -> !r.at().isAfter(start));
            return e.getValue().isEmpty();
        });
        rates.entrySet().removeIf(e -> countSince(e.getValue(), now, ratePer.apply(e.getKey())) == 0);
        countSince(breakerActions, now, breakerWindow);
        countSince(breakerFailures, now, breakerWindow);
        silences = silences.stream().filter(s -> now.isBefore(s.until())).toList();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }
}
