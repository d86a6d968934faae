package dev.governor.engine.sample.postgres;

import dev.governor.api.Fact;
import dev.governor.api.SourceDown;
import dev.governor.engine.sample.Sampler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code governor-sample:postgres} without a {@code database} option: samples every database in
 * {@code governor.yaml}, each on its own connection. A database that is down does not hide the others:
 * it yields a {@link SourceDown} fact of its own ({@code postgres/NAME}) and is retried after a pause that
 * doubles with each failure, from 1 s up to 30 s, while the others are sampled as usual.
 */
final class EveryDatabaseSampler implements Sampler {

    private static final Logger LOG = LoggerFactory.getLogger(EveryDatabaseSampler.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private final Clock clock;
    private final List<Member> members = new ArrayList<>();

    EveryDatabaseSampler(Clock clock, List<PostgresSampler> samplers) {
        this.clock = clock;
        samplers.forEach(s -> members.add(new Member(s)));
        if (samplers.isEmpty()) {
            LOG.info("governor-sample:postgres: no databases in governor.yaml, so no PostgreSQL facts");
        }
    }

    @Override
    public String source() {
        return "postgres";
    }

    @Override
    public synchronized List<Fact> sample() {
        List<Fact> facts = new ArrayList<>();
        for (Member member : members) {
            Instant now = clock.instant();
            if (now.isBefore(member.nextAttempt)) {
                continue;
            }
            try {
                facts.addAll(member.sampler.sample());
                if (member.since != null) {
                    LOG.info("Source {} is back after {} failed attempts since {}", member.sampler.source(),
                            member.failures, member.since);
                }
                member.since = null;
                member.failures = 0;
                member.nextAttempt = Instant.MIN;
            } catch (Exception e) {
                if (member.since == null) {
                    member.since = now;
                    LOG.warn("Source {} is down: {}", member.sampler.source(), e.getMessage());
                }
                member.failures++;
                long pause = FIRST_RETRY.toMillis() << Math.min(member.failures - 1, 5);
                member.nextAttempt = now.plusMillis(Math.min(pause, MAX_RETRY.toMillis()));
                String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                facts.add(new SourceDown(member.sampler.source(), error, member.since, member.failures, now));
            }
        }
        return facts;
    }

    @Override
    public synchronized void close() {
        members.forEach(m -> m.sampler.close());
    }

    private static final class Member {
        final PostgresSampler sampler;
        Instant since;
        int failures;
        Instant nextAttempt = Instant.MIN;

        Member(PostgresSampler sampler) {
            this.sampler = sampler;
        }
    }
}
