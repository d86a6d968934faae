package dev.governor.engine.sample;

import dev.governor.api.TcpConnections;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import oshi.software.os.InternetProtocolStats;
import oshi.software.os.InternetProtocolStats.IPConnection;

/**
 * Counts the host's TCP sockets (IPv4 and IPv6) by state.
 *
 * <p>On Linux it reads {@code /proc/net/tcp} and {@code /proc/net/tcp6} and looks only at each line's
 * state. The kernel walks its whole connection hash table for every {@code read()} of those files, however
 * few connections there are: on a 2-core VM with 24 GB (262,144 buckets) and a few dozen sockets, each file
 * costs about 0.45 ms per read, so both files take about 1 ms per sample, the largest part of a host sample.
 * {@code tcp=false} on the endpoint skips it. To read each file in as few walks as possible, a read that
 * comes back well short of a page is taken as the end of the file (see {@link #readProcFile}).
 *
 * <p>Elsewhere it counts OSHI's {@link InternetProtocolStats#getConnections()}. That is not used on Linux
 * because it also maps every socket to its process by listing {@code /proc/*}{@code /fd} of every process, and
 * reads the UDP tables: about 10 ms median and 33 ms p99 on the same VM.
 */
final class TcpStates {

    /** Linux's state numbers (include/net/tcp_states.h), as in the fourth column of /proc/net/tcp. */
    private static final int ESTABLISHED = 1;
    private static final int SYN_SENT = 2;
    private static final int SYN_RECV = 3;
    private static final int FIN_WAIT1 = 4;
    private static final int FIN_WAIT2 = 5;
    private static final int TIME_WAIT = 6;
    private static final int CLOSE = 7;
    private static final int CLOSE_WAIT = 8;
    private static final int LAST_ACK = 9;
    private static final int LISTEN = 10;
    private static final int CLOSING = 11;
    private static final int NEW_SYN_RECV = 12;
    private static final int STATES = 13;

    /**
     * A seq_file read stops early only when the kernel's buffer (at least a page, 4096 bytes) cannot take
     * the next line (under 200 bytes); a read shorter than this therefore ended with the file.
     */
    private static final int SHORT_READ = 3584;

    /** Room left in the buffer before each read, so that only the kernel can make a read short. */
    private static final int MIN_ROOM = 64 * 1024;

    private final Path[] files;
    private final InternetProtocolStats oshi;
    private ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);

    private TcpStates(Path[] files, InternetProtocolStats oshi) {
        this.files = files;
        this.oshi = oshi;
    }

    /** /proc/net/tcp{,6} on Linux, OSHI elsewhere. */
    static TcpStates platform(InternetProtocolStats oshi) {
        Path tcp = Path.of("/proc/net/tcp");
        if (Files.isReadable(tcp)) {
            return procNetTcp(tcp, Path.of("/proc/net/tcp6"));
        }
        return new TcpStates(null, oshi);
    }

    /** Reads Linux's tables from these files; a file that does not exist (no IPv6) counts nothing. */
    static TcpStates procNetTcp(Path... files) {
        return new TcpStates(files, null);
    }

    static TcpStates oshi(InternetProtocolStats oshi) {
        return new TcpStates(null, oshi);
    }

    TcpConnections count(String host, Instant at) throws IOException {
        int[] counts = new int[STATES];
        if (files != null) {
            for (Path file : files) {
                if (Files.exists(file)) {
                    int length = readProcFile(file);
                    countProcNetTcp(buffer.array(), length, counts);
                }
            }
        } else {
            for (IPConnection connection : oshi.getConnections()) {
                if (connection.getType().startsWith("tcp")) {
                    counts[linuxState(connection.getState())]++;
                }
            }
        }
        return toFact(host, counts, at);
    }

    static TcpConnections toFact(String host, int[] counts, Instant at) {
        int total = 0;
        for (int state = 1; state < STATES; state++) {
            total += counts[state];
        }
        return new TcpConnections(host, counts[ESTABLISHED], counts[LISTEN], counts[SYN_SENT],
                counts[SYN_RECV] + counts[NEW_SYN_RECV], counts[FIN_WAIT1] + counts[FIN_WAIT2], counts[TIME_WAIT],
                counts[CLOSE_WAIT], counts[LAST_ACK], counts[CLOSING], total, at);
    }

    /**
     * Adds the states of a /proc/net/tcp or tcp6 text to {@code counts}, indexed by Linux's state number.
     * The first line is the header; on each other line the state is the fourth field, in hexadecimal.
     */
    static void countProcNetTcp(byte[] text, int length, int[] counts) {
        int i = 0;
        while (i < length && text[i] != '\n') {
            i++;
        }
        while (i < length) {
            i++; // past '\n'
            int field = 0;
            boolean inField = false;
            int state = -1;
            for (; i < length && text[i] != '\n'; i++) {
                byte c = text[i];
                if (c == ' ' || c == '\t') {
                    inField = false;
                    continue;
                }
                if (!inField) {
                    inField = true;
                    field++;
                    if (field == 4) {
                        state = hex(text, i, length);
                    }
                }
            }
            if (state > 0 && state < STATES) {
                counts[state]++;
            }
        }
    }

    private static int hex(byte[] text, int from, int length) {
        int value = 0;
        int digits = 0;
        for (int i = from; i < length && digits < 2; i++, digits++) {
            int digit = Character.digit(text[i], 16);
            if (digit < 0) {
                break;
            }
            value = value * 16 + digit;
        }
        return digits == 0 ? -1 : value;
    }

    /** Reads a /proc file into {@link #buffer}, growing it as needed; returns the length read. */
    private int readProcFile(Path file) throws IOException {
        buffer.clear();
        try (FileChannel channel = FileChannel.open(file)) {
            while (true) {
                if (buffer.remaining() < MIN_ROOM) {
                    ByteBuffer larger = ByteBuffer.allocate(buffer.capacity() * 2);
                    buffer.flip();
                    larger.put(buffer);
                    buffer = larger;
                }
                // Each read makes the kernel walk its hash table again. With this much room, a read shorter
                // than SHORT_READ was not cut by the buffer but by the end of the table: stop there.
                if (channel.read(buffer) < SHORT_READ) {
                    break;
                }
            }
        }
        return buffer.position();
    }

    private static int linuxState(InternetProtocolStats.TcpState state) {
        return switch (state) {
            case ESTABLISHED -> ESTABLISHED;
            case SYN_SENT -> SYN_SENT;
            case SYN_RECV -> SYN_RECV;
            case FIN_WAIT_1 -> FIN_WAIT1;
            case FIN_WAIT_2 -> FIN_WAIT2;
            case TIME_WAIT -> TIME_WAIT;
            case CLOSE_WAIT -> CLOSE_WAIT;
            case LAST_ACK -> LAST_ACK;
            case LISTEN -> LISTEN;
            case CLOSING -> CLOSING;
            default -> CLOSE;
        };
    }
}
