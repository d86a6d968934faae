package dev.governor.engine.sample;

import dev.governor.api.NetworkSample;
import java.io.IOException;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;

/**
 * Traffic per network interface: reads each interface's counters and turns the difference from the
 * previous reading into rates. An interface seen for the first time, or whose counters went backwards
 * (it was re-created), gives no sample until the next reading.
 *
 * <p>On Linux the counters come from {@code /proc/net/dev} (one small file for every interface, about
 * 0.05 ms); elsewhere from OSHI's {@link NetworkIF}s, which on Linux would read several files per interface
 * (about 0.6 ms for two interfaces).
 */
final class NetworkInterfaces {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    /** One interface's cumulative counters. */
    record Counters(long bytesIn, long packetsIn, long errorsIn, long dropsIn, long bytesOut, long packetsOut,
                    long errorsOut) {

        boolean notBelow(Counters previous) {
            return bytesIn >= previous.bytesIn && packetsIn >= previous.packetsIn && errorsIn >= previous.errorsIn
                    && dropsIn >= previous.dropsIn && bytesOut >= previous.bytesOut
                    && packetsOut >= previous.packetsOut && errorsOut >= previous.errorsOut;
        }
    }

    /** Reads the current counters of every interface, by name. */
    interface Source {
        Map<String, Counters> read() throws IOException;
    }

    private final Source source;
    private final Predicate<String> include;
    private Map<String, Counters> previous = Map.of();
    private long previousNanos;
    // Whether each interface present at the last reading is reported; names that go away are forgotten.
    private Map<String, Boolean> included = Map.of();

    /**
     * @param source   where counters come from
     * @param patterns names or globs ({@code *}, {@code ?}) of the interfaces to report; empty for every
     *                 interface but loopback
     */
    NetworkInterfaces(Source source, List<String> patterns) {
        this.source = source;
        this.include = patterns.isEmpty() ? name -> !isLoopback(name) : globs(patterns);
    }

    /** /proc/net/dev on Linux, OSHI elsewhere. */
    static Source platformSource(HardwareAbstractionLayer hardware) {
        Path procNetDev = Path.of("/proc/net/dev");
        return Files.isReadable(procNetDev) ? procNetDev(procNetDev) : oshi(hardware);
    }

    static Source procNetDev(Path file) {
        return () -> parseProcNetDev(Files.readString(file));
    }

    static Source oshi(HardwareAbstractionLayer hardware) {
        return () -> {
            Map<String, Counters> counters = new LinkedHashMap<>();
            for (NetworkIF network : hardware.getNetworkIFs(true)) {
                counters.put(network.getName(), new Counters(network.getBytesRecv(), network.getPacketsRecv(),
                        network.getInErrors(), network.getInDrops(), network.getBytesSent(), network.getPacketsSent(),
                        network.getOutErrors()));
            }
            return counters;
        };
    }

    /**
     * Parses {@code /proc/net/dev}: two header lines, then "name: " and sixteen counters per interface
     * (receive bytes, packets, errs, drop, fifo, frame, compressed, multicast; transmit bytes, packets,
     * errs, drop, fifo, colls, carrier, compressed).
     */
    static Map<String, Counters> parseProcNetDev(String text) {
        Map<String, Counters> counters = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0 || line.contains("|")) {
                continue;
            }
            String name = line.substring(0, colon).strip();
            String[] fields = WHITESPACE.split(line.substring(colon + 1).strip());
            if (name.isEmpty() || fields.length < 11) {
                continue;
            }
            try {
                counters.put(name, new Counters(Long.parseLong(fields[0]), Long.parseLong(fields[1]),
                        Long.parseLong(fields[2]), Long.parseLong(fields[3]), Long.parseLong(fields[8]),
                        Long.parseLong(fields[9]), Long.parseLong(fields[10])));
            } catch (NumberFormatException e) {
                // a line this parser does not understand: leave the interface out
            }
        }
        return counters;
    }

    /** Takes a reading to compute the next rates from, without reporting anything. */
    void baseline() throws IOException {
        previous = source.read();
        previousNanos = System.nanoTime();
    }

    /** Rates since the previous reading, one sample per included interface. */
    List<NetworkSample> sample(String host, Instant at) throws IOException {
        Map<String, Counters> current = source.read();
        long now = System.nanoTime();
        double seconds = (now - previousNanos) / 1e9;
        List<NetworkSample> samples = new ArrayList<>();
        Map<String, Boolean> nowIncluded = new HashMap<>();
        for (Map.Entry<String, Counters> entry : current.entrySet()) {
            String name = entry.getKey();
            Boolean known = included.get(name);
            boolean report = known != null ? known : include.test(name);
            nowIncluded.put(name, report);
            Counters before = previous.get(name);
            Counters after = entry.getValue();
            if (!report || before == null || !after.notBelow(before) || seconds <= 0) {
                continue;
            }
            samples.add(new NetworkSample(host, entry.getKey(),
                    (after.bytesIn() - before.bytesIn()) / seconds,
                    (after.bytesOut() - before.bytesOut()) / seconds,
                    (after.packetsIn() - before.packetsIn()) / seconds,
                    (after.packetsOut() - before.packetsOut()) / seconds,
                    after.errorsIn() - before.errorsIn(),
                    after.errorsOut() - before.errorsOut(),
                    after.dropsIn() - before.dropsIn(),
                    at));
        }
        previous = current;
        previousNanos = now;
        included = nowIncluded;
        return samples;
    }

    /** A predicate that accepts a name matching any of the globs ({@code *} any run, {@code ?} one character). */
    static Predicate<String> globs(List<String> globs) {
        List<Pattern> patterns = new ArrayList<>();
        for (String glob : globs) {
            StringBuilder regex = new StringBuilder();
            for (char c : glob.toCharArray()) {
                switch (c) {
                    case '*' -> regex.append(".*");
                    case '?' -> regex.append('.');
                    default -> regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            patterns.add(Pattern.compile(regex.toString()));
        }
        return name -> patterns.stream().anyMatch(pattern -> pattern.matcher(name).matches());
    }

    /** Whether an interface is a loopback, as the JDK tells (asked once per interface, see {@code included}). */
    private static boolean isLoopback(String name) {
        try {
            NetworkInterface network = NetworkInterface.getByName(name);
            if (network != null) {
                return network.isLoopback();
            }
        } catch (SocketException e) {
            // fall back on the name
        }
        return name.equals("lo") || name.startsWith("lo0");
    }
}
