package dev.governor.api;

import static dev.governor.api.Checks.requireField;
import static dev.governor.api.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A source that could not be sampled: the database is down, a remote JMX port refuses, a query timed
 * out. One fact per failed attempt while the source stays down; sampling backs off and resumes by itself
 * when the source is back, and facts from it then flow again.
 *
 * @param source   the source, e.g. {@code postgres/main}, {@code hikari/orders}
 * @param error    what went wrong, as the driver or library said it
 * @param since    when the source was first seen down in this outage
 * @param attempts failed attempts in this outage, this one included
 * @param at       when this attempt failed
 */
public record SourceDown(
        @JsonProperty(required = true) String source,
        @JsonProperty(required = true) String error,
        @JsonProperty(required = true) Instant since,
        int attempts,
        Instant at) implements Fact {

    public SourceDown {
        requireText(source, "source");
        requireField(error, "error");
        requireField(since, "since");
        requireField(at, "at");
        if (attempts < 1) {
            attempts = 1;
        }
    }

    /** How long the source has been down at this attempt, seconds. */
    public double downSeconds() {
        return Math.max(0, at.toEpochMilli() - since.toEpochMilli()) / 1000.0;
    }
}
