package dev.governor.api;

import static dev.governor.api.Checks.requireField;
import static dev.governor.api.Checks.requireNonNegative;
import static dev.governor.api.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * Traffic on one network interface since the previous sample.
 *
 * @param host               the host name
 * @param iface              the interface's name, e.g. {@code eth0}
 * @param bytesInPerSecond   bytes received per second
 * @param bytesOutPerSecond  bytes sent per second
 * @param packetsInPerSecond packets received per second
 * @param packetsOutPerSecond packets sent per second
 * @param errorsIn           receive errors since the previous sample
 * @param errorsOut          send errors since the previous sample
 * @param dropsIn            incoming packets dropped since the previous sample
 * @param at                 when it was sampled
 */
public record NetworkSample(
        @JsonProperty(required = true) String host,
        @JsonProperty(required = true) String iface,
        double bytesInPerSecond,
        double bytesOutPerSecond,
        double packetsInPerSecond,
        double packetsOutPerSecond,
        long errorsIn,
        long errorsOut,
        long dropsIn,
        Instant at) implements Fact {

    public NetworkSample {
        requireText(host, "host");
        requireText(iface, "iface");
        requireNonNegative(bytesInPerSecond, "bytesInPerSecond");
        requireNonNegative(bytesOutPerSecond, "bytesOutPerSecond");
        requireNonNegative(packetsInPerSecond, "packetsInPerSecond");
        requireNonNegative(packetsOutPerSecond, "packetsOutPerSecond");
        requireNonNegative(errorsIn, "errorsIn");
        requireNonNegative(errorsOut, "errorsOut");
        requireNonNegative(dropsIn, "dropsIn");
        requireField(at, "at");
    }
}
