package dev.governor.api;

import static dev.governor.api.Checks.requireField;
import static dev.governor.api.Checks.requireNonNegative;
import static dev.governor.api.Checks.requireText;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * The host's TCP connections (IPv4 and IPv6) counted by state.
 *
 * @param host        the host name
 * @param established connections in ESTABLISHED
 * @param listen      sockets in LISTEN
 * @param synSent     connections in SYN_SENT
 * @param synReceived connections in SYN_RECV
 * @param finWait     connections in FIN_WAIT_1 or FIN_WAIT_2
 * @param timeWait    connections in TIME_WAIT
 * @param closeWait   connections in CLOSE_WAIT (the peer closed, this side has not)
 * @param lastAck     connections in LAST_ACK
 * @param closing     connections in CLOSING
 * @param total       all connections and listening sockets
 * @param at          when it was sampled
 */
public record TcpConnections(
        @JsonProperty(required = true) String host,
        int established,
        int listen,
        int synSent,
        int synReceived,
        int finWait,
        int timeWait,
        int closeWait,
        int lastAck,
        int closing,
        int total,
        Instant at) implements Fact {

    public TcpConnections {
        requireText(host, "host");
        requireNonNegative(established, "established");
        requireNonNegative(listen, "listen");
        requireNonNegative(synSent, "synSent");
        requireNonNegative(synReceived, "synReceived");
        requireNonNegative(finWait, "finWait");
        requireNonNegative(timeWait, "timeWait");
        requireNonNegative(closeWait, "closeWait");
        requireNonNegative(lastAck, "lastAck");
        requireNonNegative(closing, "closing");
        requireNonNegative(total, "total");
        requireField(at, "at");
    }
}
