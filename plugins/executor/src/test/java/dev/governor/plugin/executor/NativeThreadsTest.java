package dev.governor.plugin.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class NativeThreadsTest {

    @Test
    void readsJavaAndNativeIdsFromTheThreadDumpsOfJava17AndOfNewerJdks() {
        String dump = """
                2026-01-01 00:00:00
                Full thread dump OpenJDK 64-Bit Server VM (17.0.15+6 mixed mode, sharing):

                "main" #1 prio=5 os_prio=0 cpu=778.65ms elapsed=1.58s tid=0x00007f3f24018040 nid=0x5bad waiting on condition  [0x00007f3f2b91d000]
                   java.lang.Thread.State: TIMED_WAITING (sleeping)

                "workers-1 "quoted" #7 prio" #12 daemon prio=5 os_prio=0 cpu=0.65ms elapsed=0.23s tid=0x00007f3f24423b30 nid=0x5bc1 waiting on condition  [0x0]
                "workers-2" #22 [23533] daemon prio=5 os_prio=0 cpu=1.32ms elapsed=0.62s tid=0x00007fdb5c3a96b0 nid=23533 waiting on condition  [0x0]
                "GC Thread#0" os_prio=0 cpu=11.36ms elapsed=1.58s tid=0x00007f3f24041770 nid=0x5bae runnable
                """;
        assertThat(NativeThreads.parse(dump)).isEqualTo(Map.of(1L, 0x5bad, 12L, 0x5bc1, 22L, 23533));
    }

    @Test
    void findsThisThreadAmongTheProcesssThreads() throws Exception {
        Map<Long, Integer> tids = NativeThreads.byJavaId();
        assertThat(tids).containsKey(Thread.currentThread().getId());
        assertThat(NativeThreads.all()).contains(tids.get(Thread.currentThread().getId()));
    }
}
