package dev.governor.plugin.executor;

import java.util.BitSet;
import java.util.List;

/**
 * A set of CPU numbers, written as Linux writes them: {@code 0-3,6} (ranges and single CPUs, comma-separated).
 * Immutable.
 */
final class CpuSet {

    /** CPUs a mask holds: glibc's {@code cpu_set_t}, 1024 bits. */
    static final int MAX_CPUS = 1024;

    private final BitSet cpus;

    private CpuSet(BitSet cpus) {
        this.cpus = (BitSet) cpus.clone();
    }

    /**
     * Reads {@code cpus} as an action or Linux gives it: {@code "0-1,3"}, a single number, or a list of numbers.
     *
     * @param what the parameter's name, for the message
     * @throws IllegalArgumentException when the value is not a non-empty set of CPU numbers
     */
    static CpuSet parse(Object value, String what) {
        BitSet cpus = new BitSet();
        if (value instanceof Number number) {
            add(cpus, number.toString(), what, value);
        } else if (value instanceof List<?> list) {
            for (Object item : list) {
                add(cpus, String.valueOf(item), what, value);
            }
        } else if (value != null) {
            for (String part : value.toString().split(",", -1)) {
                add(cpus, part, what, value);
            }
        }
        if (cpus.isEmpty()) {
            throw new IllegalArgumentException(what + " must name CPUs, such as '0-1' or '0,2', was '" + value + "'");
        }
        return new CpuSet(cpus);
    }

    private static void add(BitSet cpus, String part, String what, Object whole) {
        String text = part.trim();
        String[] range = text.split("-", -1);
        try {
            if (range.length == 1 || range.length == 2) {
                int from = Integer.parseInt(range[0].trim());
                int to = range.length == 1 ? from : Integer.parseInt(range[1].trim());
                if (from >= 0 && from <= to && to < MAX_CPUS) {
                    cpus.set(from, to + 1);
                    return;
                }
            }
        } catch (NumberFormatException e) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException(what + " must name CPUs from 0 to " + (MAX_CPUS - 1)
                + ", such as '0-1' or '0,2', was '" + whole + "'");
    }

    /** From a mask of 64-bit words, as {@code sched_getaffinity} fills it. */
    static CpuSet ofMask(long[] mask) {
        return new CpuSet(BitSet.valueOf(mask));
    }

    /** As a mask of 64-bit words, as {@code sched_setaffinity} takes it. */
    long[] toMask() {
        long[] mask = new long[MAX_CPUS / 64];
        long[] words = cpus.toLongArray();
        System.arraycopy(words, 0, mask, 0, words.length);
        return mask;
    }

    /** The CPUs of this set that are not in {@code other}. */
    CpuSet minus(CpuSet other) {
        BitSet out = (BitSet) cpus.clone();
        out.andNot(other.cpus);
        return new CpuSet(out);
    }

    boolean isEmpty() {
        return cpus.isEmpty();
    }

    int size() {
        return cpus.cardinality();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuSet other && cpus.equals(other.cpus);
    }

    @Override
    public int hashCode() {
        return cpus.hashCode();
    }

    /** {@code 0-3,6}. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        int from = cpus.nextSetBit(0);
        while (from >= 0) {
            int to = cpus.nextClearBit(from) - 1;
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(from);
            if (to > from) {
                out.append('-').append(to);
            }
            from = cpus.nextSetBit(to + 1);
        }
        return out.toString();
    }
}
