package dev.governor.plugin.executor;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;

/**
 * {@code sched_setaffinity} and {@code sched_getaffinity} of the C library, through JNA: the CPUs one
 * Linux thread (a task id, as in {@code /proc/self/task}) may run on. Thread-safe.
 */
final class LinuxAffinity {

    /** The errno of a thread that no longer exists. */
    static final int ESRCH = 3;

    /** The C library's functions, with errno turned into {@link LastErrorException}. */
    interface CLibrary extends Library {
        int sched_setaffinity(int tid, NativeLong cpusetsize, long[] mask) throws LastErrorException;

        int sched_getaffinity(int tid, NativeLong cpusetsize, long[] mask) throws LastErrorException;
    }

    private static final NativeLong MASK_BYTES = new NativeLong(CpuSet.MAX_CPUS / 8);

    private final CLibrary c;

    private LinuxAffinity(CLibrary c) {
        this.c = c;
    }

    /**
     * Binds the C library.
     *
     * @throws LinkageError when JNA is not on the classpath or cannot load its native part
     */
    static LinuxAffinity load() {
        return new LinuxAffinity(Native.load("c", CLibrary.class));
    }

    /** Pins a thread (0: the calling one) to the CPUs. */
    void set(int tid, CpuSet cpus) throws LastErrorException {
        c.sched_setaffinity(tid, MASK_BYTES, cpus.toMask());
    }

    /** The CPUs a thread (0: the calling one) may run on, as the kernel has them. */
    CpuSet get(int tid) throws LastErrorException {
        long[] mask = new long[CpuSet.MAX_CPUS / 64];
        c.sched_getaffinity(tid, MASK_BYTES, mask);
        return CpuSet.ofMask(mask);
    }

    /** {@code errno 22 (EINVAL)}-style text for an error code. */
    static String describe(LastErrorException e) {
        return switch (e.getErrorCode()) {
            case 1 -> "errno 1 (EPERM: not permitted)";
            case ESRCH -> "errno 3 (ESRCH: no such thread)";
            case 22 -> "errno 22 (EINVAL: no allowed CPU in the set)";
            default -> "errno " + e.getErrorCode();
        };
    }
}
