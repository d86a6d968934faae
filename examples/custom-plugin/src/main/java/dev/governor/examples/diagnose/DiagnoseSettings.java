package dev.governor.examples.diagnose;

import dev.governor.spi.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The plugin's settings, {@code plugins.settings.diagnose} in {@code governor.yaml}, checked at start-up.
 *
 * @param dir            where the files go; required; created when missing
 * @param maxFiles       how many files of this plugin the folder keeps; the oldest go first; default 20
 * @param maxBytes       how many bytes they may take together; default 256MB
 * @param compress       {@code none} (default) or {@code xz}: histograms and dumps shrink about eight-fold
 * @param maxJfrDuration the longest recording a rule may ask for; default 10m
 * @param remotes        other JVMs, by the name rules use as the target
 */
record DiagnoseSettings(Path dir, int maxFiles, long maxBytes, Compression compress, Duration maxJfrDuration,
                        Map<String, Remote> remotes) {

    static final String SELF = "self";
    private static final Set<String> KEYS = Set.of("dir", "maxFiles", "maxBytes", "compress", "maxJfrDuration", "remotes");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern REMOTE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.\\-]*");

    enum Compression { NONE, XZ }

    /**
     * A JVM reached over remote JMX.
     *
     * @param url      {@code service:jmx:rmi:///jndi/rmi://HOST:PORT/jmxrmi}
     * @param user     null for a server without authentication
     * @param password never logged
     * @param timeout  how long connecting and each call may take; default 10s
     */
    record Remote(String url, String user, String password, Duration timeout) {
        @Override
        public String toString() {
            return "Remote[url=" + url + ", user=" + user + ", password=" + (password == null ? "none" : "***") + "]";
        }
    }

    static DiagnoseSettings parse(Map<String, Object> settings) {
        for (String key : settings.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown setting '" + key + "'; the diagnose plugin has: "
                        + String.join(", ", List.of("dir", "maxFiles", "maxBytes", "compress", "maxJfrDuration", "remotes")));
            }
        }
        Object dirSetting = settings.get("dir");
        if (dirSetting == null || dirSetting.toString().isBlank()) {
            throw new IllegalArgumentException("dir is required: the folder the diagnostics are written to, e.g. dir: diagnostics");
        }
        Path dir = Path.of(dirSetting.toString()).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("dir '" + dirSetting + "' cannot be created: " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException("dir '" + dir + "' is not writable");
        }
        int maxFiles = wholeNumber(settings.get("maxFiles"), 20, "maxFiles");
        if (maxFiles < 1 || maxFiles > 10_000) {
            throw new IllegalArgumentException("maxFiles must be between 1 and 10000, was " + maxFiles);
        }
        long maxBytes = size(settings.getOrDefault("maxBytes", "256MB"));
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("maxBytes must be at least 1KB, was " + settings.get("maxBytes"));
        }
        Compression compress = switch (String.valueOf(settings.getOrDefault("compress", "none")).toLowerCase(Locale.ROOT)) {
            case "none" -> Compression.NONE;
            case "xz" -> Compression.XZ;
            default -> throw new IllegalArgumentException("compress must be none or xz, was '" + settings.get("compress") + "'");
        };
        Duration maxJfr = duration(settings.get("maxJfrDuration"), Duration.ofMinutes(10), "maxJfrDuration");
        return new DiagnoseSettings(dir, maxFiles, maxBytes, compress, maxJfr, remotes(settings.get("remotes")));
    }

    private static Map<String, Remote> remotes(Object setting) {
        Map<String, Remote> remotes = new LinkedHashMap<>();
        if (setting == null) {
            return remotes;
        }
        if (!(setting instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("remotes must be a map of names to { url, user, password, timeout }");
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String name = String.valueOf(entry.getKey());
            if (name.equals(SELF) || !REMOTE_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("remotes." + name + ": a remote's name is letters, digits, '_', '.' or '-',"
                        + " and not 'self' (that is Governor's own JVM)");
            }
            if (!(entry.getValue() instanceof Map<?, ?> remote)) {
                throw new IllegalArgumentException("remotes." + name + " must be a map with url, and optionally user, password, timeout");
            }
            for (Object key : remote.keySet()) {
                if (!Set.of("url", "user", "password", "timeout").contains(String.valueOf(key))) {
                    throw new IllegalArgumentException("remotes." + name + ": unknown key '" + key + "'; expected url, user, password, timeout");
                }
            }
            Object url = remote.get("url");
            if (url == null || !url.toString().startsWith("service:jmx:")) {
                throw new IllegalArgumentException("remotes." + name + ".url must be a JMX service URL such as"
                        + " service:jmx:rmi:///jndi/rmi://127.0.0.1:9010/jmxrmi, was " + (url == null ? "nothing" : "'" + url + "'"));
            }
            Object user = remote.get("user");
            Object password = remote.get("password");
            remotes.put(name, new Remote(url.toString(), user == null ? null : user.toString(),
                    password == null || password.toString().isEmpty() ? null : password.toString(),
                    duration(remote.get("timeout"), Duration.ofSeconds(10), "remotes." + name + ".timeout")));
        }
        return remotes;
    }

    private static int wholeNumber(Object value, int fallback, String name) {
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
            return number.intValue();
        }
        throw new IllegalArgumentException(name + " must be a whole number, was '" + value + "'");
    }

    private static Duration duration(Object value, Duration fallback, String name) {
        if (value == null) {
            return fallback;
        }
        try {
            Duration duration = Durations.parse(value.toString());
            if (duration.isZero() || duration.isNegative()) {
                throw new IllegalArgumentException("must be positive");
            }
            return duration;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    /** {@code 512KB}, {@code 100MB}, {@code 2GB} or a number of bytes. */
    static long size(Object value) {
        if (value instanceof Number number) {
            return number.longValue();
        }
        Matcher matcher = SIZE.matcher(String.valueOf(value).trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("maxBytes must be a size such as 512KB, 100MB or 2GB, was '" + value + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "B" : matcher.group(2).toUpperCase(Locale.ROOT);
        return switch (unit) {
            case "KB" -> amount << 10;
            case "MB" -> amount << 20;
            case "GB" -> amount << 30;
            default -> amount;
        };
    }
}
