package dev.governor.plugin.executor;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The Linux threads of this process: every task id in {@code /proc/self/task}, and the task id of a Java
 * thread. Java 17 has no API for the latter; the JVM's own thread dump (the {@code Thread.print}
 * diagnostic command, as {@code jcmd} runs it) lists each Java thread's id ({@code #12}) beside its
 * native id ({@code nid=0x5bc1}, or {@code nid=23533} on newer JDKs), which is the Linux task id.
 */
final class NativeThreads {

    private static final Path TASKS = Path.of("/proc/self/task");
    private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";
    /** {@code "name" #12 [23533] daemon prio=5 ... nid=0x5bc1 ...}: the last {@code " #} before {@code prio=} ends the name. */
    private static final Pattern THREAD_LINE = Pattern.compile(
            "^\".*\" #(\\d+) (?:\\[\\d+\\] )?(?:daemon )?prio=.*? nid=(0x[0-9a-fA-F]+|\\d+)\\b.*$", Pattern.MULTILINE);

    private NativeThreads() {
    }

    /** The task ids of every thread of this process now. */
    static TreeSet<Integer> all() throws IOException {
        TreeSet<Integer> tids = new TreeSet<>();
        try (Stream<Path> tasks = Files.list(TASKS)) {
            tasks.forEach(task -> {
                String name = task.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit)) {
                    tids.add(Integer.parseInt(name));
                }
            });
        }
        return tids;
    }

    /**
     * The Linux task id of each live Java platform thread, by {@link Thread#getId()}.
     *
     * @throws IOException when this JVM cannot print its threads (not HotSpot)
     */
    static Map<Long, Integer> byJavaId() throws IOException {
        String dump;
        try {
            dump = String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName(DIAGNOSTIC_COMMAND),
                    "threadPrint", new Object[] {new String[0]}, new String[] {String[].class.getName()}));
        } catch (JMException | RuntimeException e) {
            throw new IOException("this JVM cannot list its threads' native ids (the Thread.print diagnostic command: "
                    + e.getMessage() + ")", e);
        }
        return parse(dump);
    }

    /** Reads a {@code Thread.print} dump. */
    static Map<Long, Integer> parse(String dump) {
        Map<Long, Integer> tids = new HashMap<>();
        Matcher matcher = THREAD_LINE.matcher(dump);
        while (matcher.find()) {
            String nid = matcher.group(2);
            int tid = nid.startsWith("0x") ? Integer.parseInt(nid.substring(2), 16) : Integer.parseInt(nid);
            tids.put(Long.parseLong(matcher.group(1)), tid);
        }
        return tids;
    }
}
