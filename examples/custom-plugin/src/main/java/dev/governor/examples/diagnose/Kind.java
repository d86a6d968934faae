package dev.governor.examples.diagnose;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What {@code jvm.diagnose} captures, and the {@code DiagnosticCommand} operation that does it. */
enum Kind {
    /** {@code GC.class_histogram}: objects and bytes per class. A full GC first, unless {@code all}. */
    HISTOGRAM("gcClassHistogram", "class histogram", "txt"),
    /** {@code Thread.print -l}: every thread's stack, with the locks it holds. */
    THREADS("threadPrint", "thread dump", "txt"),
    /** {@code JFR.start}: a Flight Recorder recording of {@code duration}, written when it ends. */
    JFR("jfrStart", "JFR recording", "jfr");

    final String operation;
    final String description;
    final String extension;

    Kind(String operation, String description, String extension) {
        this.operation = operation;
        this.description = description;
        this.extension = extension;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Kind parse(Object written) {
        String text = String.valueOf(written).trim().toLowerCase(Locale.ROOT);
        for (Kind kind : values()) {
            if (kind.label().equals(text)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("params.kind: unknown kind '" + written + "'; expected one of: " + names());
    }

    static String names() {
        return Arrays.stream(values()).map(Kind::label).collect(Collectors.joining(", "));
    }
}
